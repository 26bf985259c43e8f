#pragma once
// Eulerian serialization of a graph into a node walk, GraphGPT style, with the provenance of
// every step and the re-indexed node tokens.
//
// What GraphGPT does (alibaba/graph-gpt v0.7, read for facts; file names are theirs):
//
// Walk (src/utils/nx_utils.py: graph2path_v2, connected_graph2path, shorten_path,
// _customized_eulerian_path):
// - The PyG graph becomes an undirected *simple* networkx graph (to_networkx with
//   to_undirected="upper": only pairs src <= dst of edge_index are read, parallel edges merge,
//   self loops stay).
// - Split into connected components (networkx order), shuffle their order with Python's
//   random.shuffle.
// - Per component: a single node gives an empty walk (a self loop on it is dropped). Otherwise,
//   if it is not Eulerian (also when it has exactly two odd nodes) it is eulerized with networkx
//   `eulerize` (see tokenize/Eulerizer.h for what that optimizes); a start node is drawn
//   uniformly among the component's nodes; with probability 1/2 networkx `eulerian_path`, else
//   `eulerian_circuit`, from that node. On an Eulerian multigraph both are the same Hierholzer
//   circuit from the start node: `eulerian_circuit` lists it in the order the stack pops
//   vertices, `eulerian_path` in the reverse order. Both end where they began.
// - Shortening: keep the shortest prefix of the circuit whose set of unordered node pairs equals
//   the set of all pairs of the circuit (the tail that only repeats covered edges is cut).
// - Components are chained: a jump step goes from the last node of one walk to the first node
//   of the next (for a single-node component, that node).
//
// Re-indexing (nx_utils.get_structure_raw_node2idx_mapping, _rebase_idx; configs: node_scope
// 512, scope_base 512, cyclic 1 in configs/tokenization/*.yaml): nodes are numbered in order of
// first appearance in the walk. cyclic 0: from 0. cyclic 1: from a start drawn uniformly in
// [0, node_scope), modulo node_scope. cyclic 2: distinct indices drawn as a uniform sample of
// [0, node_scope) without replacement, given in order of first appearance. (The start index is
// drawn for both 1 and 2.) An index i becomes tokens: with scope_base b > 0 and q = i / b,
// r = i % b: {"q*b", "r"} when q > 0, else {"r"} (so "0".."b-1" and "1*b", "2*b", ...;
// the vocab lists "1*b".."(ceil(node_scope/b)-1)*b" after the plain digits). GraphGPT requires
// num_nodes <= node_scope (tokenizer.py raw_tokenize) and i < b*b.
//
// Tokens (src/data/tokenizer.py, vocab_builder.py), for the layouts built on this walk:
// - Edge type of a step (src, dst), looked up in the original directed edge_index: both ways
//   present "<edge_bi>", only src->dst "<edge_out>", only dst->src "<edge_in>", neither (a jump)
//   "<edge_jump>". With remove_edge_type_token (true in the configs) the type tokens vanish.
// - Discrete attribute: "{world}#{node|edge}#{col}#{value}" per column (e.g. molecule#node#0#5);
//   with share_vocab the column is -1. A default/missing attribute is "{world}#{node|edge}#{col}"
//   (used for the first node's incoming edge and for jumps in the stacked layout).
// - Continuous attribute: "{world}#{node|edge}#{col}#1" then one token per character of the
//   value's text as "<c>" ("<5>", "<.>", "<->", "<e>"), a leading "0" before "." dropped.
// - Special tokens in vocab order: <mask> <icl> <sep> structure_0..9 <gsum> <edge_in> <edge_out>
//   <edge_bi> <edge_jump> <eos> <bos> <new>, then node indices, then semantics_0..9 <e> <.> <->
//   <0>..<9>, then attribute defaults and attribute values; ids from 1, 0 is padding.
// - Stacked "short" layout (stack_node_edge_graph_attr_to_node): one position per walk node,
//   holding [index tokens, node attributes, edge type (unless removed), attributes of the edge
//   used to arrive]; the first position and jumps take the default edge attributes. The edge
//   attributes of a step are those of the first edge_index entry src->dst, else dst->src.
//   Molecules: 1 + 9 + 3 = 13 tokens per position. "long" alternates node and edge positions.
//
// What this serializer does differently, and why:
// - The graph is a multigraph here: parallel edges are kept (each must be walked, so that the
//   sequence decodes to the same edge multiset) and a self loop on a single node is walked.
//   For simple graphs the walk rules are the same as GraphGPT's.
// - Shortening cuts at the first prefix that covers every original edge: a traversal of a node
//   pair counts for the lowest-indexed not yet covered original edge of that pair (so a copy and
//   its original are interchangeable, as in GraphGPT), and later traversals are copies.
// - Randomness comes from SeededRandom (std::mt19937_64), not Python's random, so sequences are
//   GraphGPT-distributed but not GraphGPT's exact draws. Order of draws: shuffle of the
//   components (initially in order of their lowest node index); per component in walk order
//   with >= 1 edge: start node = below(size) over its nodes in index order (skipped for the
//   component of a given start, which is moved to the front after the shuffle), then coin()
//   (true: eulerian_path order, the reversed pop order; false: eulerian_circuit order); then
//   below(node_scope) for the re-index start (cyclic 1 and 2) and, for cyclic 2, a partial
//   Fisher–Yates sample: for k = 0.. swap slot k with slot k + below(node_scope - k) of the
//   identity [0, node_scope) and take slot k. An explicit `path` replaces the walk draws.
// - Hierholzer takes, at each node, the unused multigraph edge listed first (original edges by
//   index, then eulerization copies in the order they were added).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "graph/Graph.h"
#include "tokenize/Eulerizer.h"

namespace gts {

/// How walk nodes get their indices (GraphGPT's `cyclic` setting).
enum class ReindexMode : uint8_t {
    Sequential = 0,  ///< 0, 1, 2, ... in order of first appearance
    Cyclic = 1,      ///< from a random start, wrapping at nodeScope (GraphGPT's default)
    Random = 2,      ///< distinct random indices below nodeScope
};

struct SerializeOptions {
    uint64_t seed = 0;
    /// First node of the walk; random when unset.
    std::optional<NodeId> start;
    /// An explicit node walk to use instead of a random one (to reproduce a sequence made
    /// elsewhere). It must be a walk of the graph (steps between different components are
    /// jumps), visit every node and traverse every edge.
    std::optional<std::vector<NodeId>> path;
    ReindexMode reindex = ReindexMode::Cyclic;
    /// Cyclic mode: the index of the first node (below nodeScope) instead of a random one, so
    /// that a sequence made elsewhere can be reproduced with its path. Ignored by other modes.
    std::optional<uint32_t> firstIndex;
    /// Number of distinct node indices; the graph may have at most this many nodes.
    uint32_t nodeScope = 512;
    /// Indices at or above this split into two tokens "q*base", "r"; 0 never splits.
    uint32_t scopeBase = 512;
    EulerizeOptions eulerize;
};

/// What one step of the walk travels along.
enum class StepKind : uint8_t {
    Edge,              ///< an original edge, walked for the first time
    EulerizationCopy,  ///< a repeated traversal of an original edge (added by eulerization)
    Jump,              ///< between components; no edge
};

struct WalkStep {
    StepKind kind = StepKind::Edge;
    /// The original edge; for a copy, the lowest-indexed original edge between its two nodes
    /// (parallel edges are interchangeable once all are walked); kNoIndex for a jump.
    EdgeId edge = kNoIndex;
};

/// A graph serialized as a walk: nodes[i] -> nodes[i+1] is steps[i].
struct EulerianWalk {
    std::vector<NodeId> nodes;     // [steps + 1] (one node for a one-node graph; empty graph: 0)
    std::vector<WalkStep> steps;   // [nodes.size() - 1]
    uint32_t componentCount = 0;
    /// Edges added by eulerization (before shortening cut some of them from the walk).
    size_t eulerizedEdgeCount = 0;
};

struct Serialization {
    EulerianWalk walk;
    /// Re-indexed index of every node [nodeCount].
    std::vector<uint32_t> nodeIndex;
    /// Index tokens of every walk position [walk.nodes.size()], one or two strings each.
    std::vector<std::vector<std::string>> nodeTokens;
};

/// Serializes graphs into Eulerian walks with GraphGPT's rules (see the file comment).
class EulerianSerializer {
public:
    explicit EulerianSerializer(SerializeOptions options = {});

    /// Throws std::invalid_argument for bad options (a start or path node that is not a node,
    /// a path that is not a walk or misses a node or an edge, more nodes than nodeScope).
    Serialization serialize(const Graph& graph) const;

    /// Only the walk (no re-indexing).
    EulerianWalk walk(const Graph& graph) const;

    /// The index tokens for index `i` ("r", or "q*base" and "r").
    static std::vector<std::string> indexTokens(uint32_t index, uint32_t scopeBase);

private:
    SerializeOptions options_;
};

}  // namespace gts
