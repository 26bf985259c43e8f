#pragma once
// A graph as GraphGPT token positions, with the provenance of every token.
//
// Layouts (alibaba/graph-gpt src/data/tokenizer.py; facts in tokenize/EulerianSerializer.h and
// tokenize/TokenText.h):
// - Stacked ("short", StackedGSTTokenizer's default): one position per walk node:
//   [index token(s), node attributes, edge type (unless removeEdgeTypeToken), attributes of
//   the edge used to arrive]. The first position takes "<edge_bi>" as its type and default
//   edge attributes; a jump takes "<edge_jump>" and default edge attributes. Molecules under
//   the pcqm4m-v2 settings: 1 + 9 + 3 = 13 tokens per position.
// - StackedLong ("long"): a node position as above but with "<edge_bi>" and default edge
//   attributes, then per step an edge position ["<new>", default node attributes, edge type,
//   edge attributes], then the next node position.
// - Flat (GSTTokenizer): one token per position: n0 [attrs] type [attrs] n1 ..., attributes
//   attached at the first, last or every occurrence of a node and of an edge. Here
//   removeEdgeTypeToken drops only "<edge_bi>" (GraphGPT filters just that token in this
//   layout), so jumps and directed steps keep their type.
// - addEos appends a position of "<eos>" tokens as wide as the first position (flat: one
//   "<eos>").
//
// Attribute columns: each selected column contributes `width` consecutive `col` numbers, in
// the order the columns are selected (GraphGPT has one feature vector per scope, so its cols
// are that vector's indices; with the default selection, "feat", they are the same). An element
// without a value gives the default token for each of its cols. Continuous columns give one
// lead token plus one token per character per col, so stacked positions holding them are not
// all one width (GraphGPT supports continuous attributes only in the flat layout).
//
// Multigraphs: parallel edges are each walked (see EulerianSerializer.h). In the stacked
// layouts a step carries the attributes of the edge it walks (GraphGPT: of the first
// edge_index match of the pair, the same for simple graphs); a repeated traversal carries
// those of the edge it repeats. For flat attribute assignment an "edge" is an original edge
// (GraphGPT: an unordered node pair; the same for simple graphs).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "graph/Attributes.h"
#include "graph/Graph.h"
#include "tokenize/EulerianSerializer.h"
#include "tokenize/Vocab.h"

namespace gts {

enum class TokenLayout : uint8_t { Stacked, StackedLong, Flat };
/// Where the flat layout attaches attributes (GraphGPT's attr_assignment).
enum class AttrAssignment : uint8_t { First, Last, All };

const char* tokenLayoutName(TokenLayout layout);  // "stacked", "stacked-long", "flat"
std::optional<TokenLayout> parseTokenLayout(std::string_view name);

/// Defaults are GraphGPT's pcqm4m-v2 tokenization config.
struct TokenizeOptions {
    TokenLayout layout = TokenLayout::Stacked;
    /// attr_world_identifier: the first part of every attribute token.
    std::string world = "molecule";
    uint32_t nodeScope = 512;
    uint32_t scopeBase = 512;
    ReindexMode reindex = ReindexMode::Cyclic;
    /// Cyclic mode: the first node's index instead of a random one (see SerializeOptions).
    std::optional<uint32_t> firstIndex;
    bool removeEdgeTypeToken = true;
    bool addEos = false;
    AttrAssignment attrAssignment = AttrAssignment::First;  // flat layout only
    /// Node / edge attribute columns to emit, by name (Discrete or Continuous). nullopt: the
    /// "feat" column when it exists and is Discrete, else none.
    std::optional<std::vector<std::string>> nodeColumns;
    std::optional<std::vector<std::string>> edgeColumns;
    /// Serialize a seeded random relabelling of the nodes (GraphGPT permutes molecules for
    /// variety); tokens and provenance still name the original nodes.
    bool permuteNodes = false;
    EulerizeOptions eulerize;
};

/// One attribute column as it appears in tokens: cols firstCol .. firstCol + width - 1.
struct TokenColumn {
    std::string name;
    AttrKind kind = AttrKind::Discrete;
    uint32_t width = 1;
    int32_t firstCol = 0;
};

/// The columns `names` select in `table` (nullopt: the default "feat" rule). Throws
/// std::invalid_argument for a missing column or a String column.
std::vector<TokenColumn> selectTokenColumns(const AttrTable& table,
                                            const std::optional<std::vector<std::string>>& names);

/// What the step into a position (or an edge token) travels along.
enum class EdgeOrigin : uint8_t {
    None,              ///< nothing: the first position, or a node position of StackedLong
    Original,          ///< an original edge, walked for the first time
    EulerizationCopy,  ///< a repeated traversal of an original edge (added by eulerization)
    Jump,              ///< between components
};

enum class TokenRole : uint8_t { NodeIndex, NodeAttr, EdgeType, EdgeAttr, NewNode, Eos };

/// What one token stands for.
struct TokenSource {
    TokenRole role = TokenRole::Eos;
    /// NodeIndex, NodeAttr: the original node; else kNoIndex.
    NodeId node = kNoIndex;
    /// NodeIndex, NodeAttr: earlier visits of this node in the walk (0 = first visit).
    uint32_t occurrence = 0;
    /// EdgeType, EdgeAttr: what the step travels along; the edge is the original edge (for a
    /// copy, the one it repeats), kNoIndex for None and Jump.
    EdgeOrigin edgeOrigin = EdgeOrigin::None;
    EdgeId edge = kNoIndex;
    /// Attributes: the col in the token and the selected column it belongs to.
    int32_t col = -1;
    uint32_t column = 0;
    /// Attributes: 0 for the col token, k > 0 for the k-th character token of a continuous
    /// value.
    uint32_t part = 0;
    /// Attributes: true when the token is the default (the element has no value, or there is
    /// no edge: first position, jumps, StackedLong's filler).
    bool isDefault = false;
};

enum class PositionKind : uint8_t { Node, Edge, Eos };

/// What one position stands for: a walk node (Node: walk position `walkIndex`) or a walk step
/// (Edge: step `walkIndex`); for Stacked, a Node position also holds the step that arrives.
/// In the flat layout every token is a position.
struct PositionSource {
    PositionKind kind = PositionKind::Eos;
    uint32_t walkIndex = 0;
    NodeId node = kNoIndex;
    EdgeOrigin edgeOrigin = EdgeOrigin::None;
    EdgeId edge = kNoIndex;
};

/// A tokenized graph.
struct TokenSequence {
    TokenizeOptions options;
    std::vector<std::vector<std::string>> positions;  // [positions][tokens of the position]
    std::vector<std::vector<TokenSource>> sources;    // same shape as positions
    std::vector<PositionSource> positionSources;      // [positions]
    /// The walk in original node ids [walk length], and its steps [walk length - 1].
    std::vector<NodeId> path;
    std::vector<WalkStep> steps;
    /// Re-indexed index of every original node [nodeCount].
    std::vector<uint32_t> nodeIndex;
    std::vector<TokenColumn> nodeColumns;
    std::vector<TokenColumn> edgeColumns;
    uint32_t componentCount = 0;
    size_t eulerizedEdgeCount = 0;

    size_t tokenCount() const;
    /// Ids of every token. Throws UnknownTokenError naming the first unknown token, its
    /// position, its index in the position and what it stands for.
    std::vector<std::vector<int32_t>> ids(const Vocab& vocab) const;
};

/// Tokenizes a graph (read as undirected; edge types come from the edge directions of a
/// directed graph). `start` and `path` (original node ids) override the random walk choices as
/// in SerializeOptions. Throws std::invalid_argument for bad options, a bad start or path, or
/// more nodes than nodeScope.
TokenSequence tokenize(const Graph& graph, const TokenizeOptions& options, uint64_t seed = 0,
                       std::optional<NodeId> start = std::nullopt,
                       std::optional<std::vector<NodeId>> path = std::nullopt);

}  // namespace gts
