#pragma once
// Graph algorithms used by the tokenizer, the metrics and the layouts: connected components,
// breadth-first hop distances and shortest paths, all-pairs hops for small graphs, degrees.
// Spectral algorithms (Laplacians, eigenvectors) are in graph/Spectral.h and random-walk
// structural encodings in graph/RandomWalk.h; this header includes both.
//
// Unless a parameter says otherwise every algorithm reads the graph as undirected: an edge joins
// its endpoints both ways, whatever Graph::directed() says (Graph::adjacency(Direction::Both)).
// Multi-edges and self loops are allowed everywhere; a self loop never shortens a path.
// None of these functions recurses, so graph size never threatens the stack.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "graph/Graph.h"

namespace gts {

/// Connected components of the undirected view.
struct Components {
    /// Component of each node [nodeCount]. Components are numbered 0, 1, ... in the order of
    /// their lowest node index: node 0 is in component 0, the lowest node outside component 0
    /// is in component 1, and so on.
    std::vector<uint32_t> label;
    uint32_t count = 0;
    /// Node count of each component [count].
    std::vector<uint64_t> sizes;
};

/// Connected components by iterative breadth-first search; O(nodes + edges).
Components connectedComponents(const Graph& graph);

/// Breadth-first hop distances from one source: entry v is the least number of edges on a path
/// source -> v (0 at the source), or -1 when v is unreachable or farther than `maxHops`
/// (maxHops < 0: no limit). `dir` picks the edges followed: Both (default) reads the graph as
/// undirected; Out follows edges src -> dst and In dst -> src (both the same as Both for an
/// undirected graph). Throws std::out_of_range for a source that is not a node.
std::vector<int32_t> bfsHops(const Graph& graph, NodeId source, int32_t maxHops = -1,
                             Direction dir = Direction::Both);

/// Multi-source variant: entry v is the hop distance from v to the nearest of `sources`
/// (the minimum over the single-source distances), -1 as above. Duplicate sources are fine;
/// an empty list gives all -1.
std::vector<int32_t> bfsHops(const Graph& graph, std::span<const NodeId> sources,
                             int32_t maxHops = -1, Direction dir = Direction::Both);

/// A breadth-first search tree from one source in the undirected view.
///
/// Ties are broken by CSR order: nodes are expanded in the order they were discovered, and a
/// node's neighbours are scanned in the order of adjacency(Both), which lists the edges at a
/// node by increasing edge index. A node's parent is the first already-settled node whose scan
/// reaches it, and `parentEdge` is the first (lowest-index) edge of that scan that does. So the
/// tree, and every path read from it, depends only on the node and edge indices.
struct BfsTree {
    NodeId source = 0;
    std::vector<int32_t> hops;        // [nodeCount], -1 unreachable
    std::vector<NodeId> parent;       // [nodeCount], kNoIndex for the source and unreachable
    std::vector<EdgeId> parentEdge;   // [nodeCount], kNoIndex for the source and unreachable
};

/// The breadth-first search tree from `source` (see BfsTree for the tie-breaking).
/// Throws std::out_of_range for a source that is not a node.
BfsTree bfsTree(const Graph& graph, NodeId source);

/// A path as the nodes it visits and the edges it uses: nodes.size() == edges.size() + 1, and
/// edges[i] joins nodes[i] and nodes[i+1]. Both empty when there is no path.
struct ShortestPath {
    std::vector<NodeId> nodes;
    std::vector<EdgeId> edges;
    bool found() const { return !nodes.empty(); }
};

/// The path source -> target in a BFS tree (empty when the target is unreachable).
ShortestPath pathInTree(const BfsTree& tree, NodeId target);

/// A shortest path a -> b in the undirected view, with the tie-breaking of BfsTree rooted at a
/// (so shortestPath(g, a, b) may differ from the reverse of shortestPath(g, b, a)). a == b gives
/// the one-node path {a} with no edges. Stops searching once b is reached.
/// Throws std::out_of_range when a or b is not a node.
ShortestPath shortestPath(const Graph& graph, NodeId a, NodeId b);

/// All-pairs hop distances, row-major: at(i, j) is the hop distance i -> j in the undirected
/// view, -1 when unreachable. Symmetric, zero on the diagonal.
struct HopMatrix {
    size_t n = 0;
    std::vector<int16_t> hops;  // [n, n]
    int32_t at(NodeId i, NodeId j) const { return hops[size_t(i) * n + j]; }
};

/// Node count above which allPairsHops refuses (2 bytes per pair: 800 MB at this size).
inline constexpr size_t kDefaultAllPairsMaxNodes = 20000;
/// Hop distances are at most n - 1 and are stored as int16, so n is bounded by this regardless.
inline constexpr size_t kAllPairsHardMaxNodes = 32767;

/// All-pairs hop distances by one BFS per node, in parallel (oneTBB); O(n (n + m)) time,
/// 2 n^2 bytes. Throws std::length_error when the graph has more than
/// min(maxNodes, kAllPairsHardMaxNodes) nodes.
HopMatrix allPairsHops(const Graph& graph, size_t maxNodes = kDefaultAllPairsMaxNodes);

/// Degree of every node as adjacency(dir) counts it: with Both, the number of edge ends at the
/// node (a self loop counts 2, each multi-edge counts); Out/In count edges leaving/entering
/// (a self loop counts 1 each way; the same as Both for an undirected graph).
/// Note: the Laplacians in graph/Spectral.h use the row sums of the adjacency matrix instead,
/// where a self loop counts once (networkx's convention).
std::vector<uint64_t> degrees(const Graph& graph, Direction dir = Direction::Both);

}  // namespace gts

#include "graph/RandomWalk.h"
#include "graph/Spectral.h"
