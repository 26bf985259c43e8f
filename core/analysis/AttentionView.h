#pragma once
// Attention as the views show it: one [S, S] matrix for a layer and a head choice (a single
// head, the mean or the max over heads), and that matrix carried onto the input graph through
// token provenance.

#include <cstdint>
#include <optional>
#include <vector>

#include "graph/Graph.h"
#include "model/Run.h"
#include "tokenize/TokenSequence.h"

namespace gts::analysis {

enum class HeadAggregation : uint8_t { Single, Mean, Max };
const char* headAggregationName(HeadAggregation a);  // "head", "mean", "max"

/// The [S_l, S_l] attention of `layer` (a LayerCapture index by layer number) for `head` under
/// `aggregation` (head is ignored for Mean/Max), row-major, rows are queries. Empty when the
/// layer was not captured (or was skipped).
std::vector<float> attentionMatrix(const model::RunResult& result, int layer, int head,
                                   HeadAggregation aggregation, int64_t* size = nullptr);

/// Attention on the graph for one query choice:
/// - query >= 0: the row of that position (what it attends to);
/// - query < 0: the mean over all query rows (what is attended to overall).
/// Each key position's weight goes to what it stands for (PositionSource): a Node position to
/// its node, and, in the stacked layout, also the edge it arrived along (an Edge position in the
/// other layouts); weights of several occurrences of a node add up. Jump and eulerization-copy
/// steps add to `jumpWeight` / the original edge respectively.
/// Rows [firstRow, firstRow + count) of `layer`'s attention for `head` under `aggregation`,
/// [count, S_l] row-major: copied from a captured map, or, for a layer over the capture budget
/// (LayerCapture::attentionDeferred), recomputed from its queries and keys
/// (model::attentionRows) — the views ask only for the rows they show. Throws
/// std::invalid_argument when the layer has neither, or rows/head are out of range.
std::vector<float> attentionRowsOf(const model::GraphGptModel& model, const model::LayerCapture& layer,
                                   int head, HeadAggregation aggregation, int64_t firstRow, int64_t count);

/// Attention between two nodes that no edge joins (a node-level model attending beyond its
/// neighbours: all pairs, k-hop masks, hop groups): drawn as a dashed arc on the edges' scale.
struct AttentionArc {
    uint32_t a = 0, b = 0;  ///< a: the query (or the smaller index for a mean), b: the other
    float weight = 0.0f;
};

struct GraphAttention {
    std::vector<float> node;  ///< [nodeCount]
    std::vector<float> edge;  ///< [edgeCount]
    std::vector<AttentionArc> arcs;  ///< node-level attention off the graph's edges
    float special = 0.0f;     ///< to <eos>/special positions
    float jumpWeight = 0.0f;  ///< to positions arrived at by a jump
    float maxNode = 0.0f, maxEdge = 0.0f;  ///< maxEdge covers the arcs too (one colour scale)
};

/// The arcs kept (the strongest): more would bury the graph under an all-pairs model's
/// near-uniform attention.
inline constexpr size_t kMaxArcs = 24;

/// `positions` maps the matrix rows to original positions (LayerCapture::positions).
GraphAttention attentionOnGraph(const Graph& graph, const TokenSequence& tokens,
                                const std::vector<float>& matrix, int64_t size,
                                const std::vector<int32_t>& positions, int query);

/// Attention of a node-level model (tokens are the graph's nodes, position i = node i, matrix
/// [N × N] rows are destinations): the canvas's picture drawn straight on the input graph.
/// - query q ≥ 0: node j gets A[q][j] (what q attends to); an edge gets the weight q gives
///   the neighbour across it (A[q][v] for an edge q–v, in either direction), others 0;
/// - query < 0: node j gets the mean over destinations of A[i][j]; an edge u–v gets
///   (A[u][v] + A[v][u]) / 2, the mean weight exchanged along it.
/// Weight between nodes that no edge joins becomes `arcs` (the strongest kMaxArcs): with a
/// query, the nodes j ≠ q it attends to (A[q][j] > 0); for the mean, (A[u][v] + A[v][u]) / 2
/// of unjoined pairs. A sparse (neighbour) model has none. maxEdge covers every unjoined
/// pair's weight, kept or not, so the scale does not depend on the cut.
/// Throws std::invalid_argument when the matrix is not nodeCount × nodeCount.
GraphAttention nodeAttentionOnGraph(const Graph& graph, const std::vector<float>& matrix, int64_t size, int query);

/// The same for one query whose attention row over the layer's positions is given (a row of a
/// layer whose map was not kept: see attentionRowsOf).
GraphAttention attentionRowOnGraph(const Graph& graph, const TokenSequence& tokens,
                                   const std::vector<float>& row, const std::vector<int32_t>& positions);

}  // namespace gts::analysis
