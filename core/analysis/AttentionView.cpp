#include "analysis/AttentionView.h"

#include <algorithm>
#include <unordered_set>
#include <stdexcept>

#include "model/ModelFolder.h"

namespace gts::analysis {

const char* headAggregationName(HeadAggregation a) {
    switch (a) {
        case HeadAggregation::Single: return "head";
        case HeadAggregation::Mean: return "mean";
        case HeadAggregation::Max: return "max";
    }
    return "head";
}

std::vector<float> attentionMatrix(const model::RunResult& result, int layer, int head,
                                   HeadAggregation aggregation, int64_t* size) {
    if (size) *size = 0;
    const auto it = std::find_if(result.layers.begin(), result.layers.end(),
                                 [&](const model::LayerCapture& c) { return c.layer == layer; });
    if (it == result.layers.end() || it->attention.size() == 0) return {};
    const Tensor& a = it->attention;  // [H, S, S]
    const int64_t H = a.dim(0), S = a.dim(1);
    const auto plane = static_cast<size_t>(S * S);
    if (size) *size = S;
    std::vector<float> out(plane, 0.0f);
    if (aggregation == HeadAggregation::Single) {
        if (head < 0 || head >= H)
            throw std::out_of_range("head " + std::to_string(head) + " of " + std::to_string(H));
        std::copy_n(a.data() + static_cast<size_t>(head) * plane, plane, out.begin());
        return out;
    }
    for (int64_t h = 0; h < H; ++h) {
        const float* src = a.data() + static_cast<size_t>(h) * plane;
        if (aggregation == HeadAggregation::Mean)
            for (size_t i = 0; i < plane; ++i) out[i] += src[i] / static_cast<float>(H);
        else
            for (size_t i = 0; i < plane; ++i) out[i] = std::max(out[i], src[i]);
    }
    return out;
}

namespace {

/// Each key position's weight carried to what it stands for (see attentionOnGraph).
GraphAttention keyWeightsOnGraph(const Graph& graph, const TokenSequence& tokens, const std::vector<float>& weight,
                                 const std::vector<int32_t>& positions) {
    GraphAttention g;
    g.node.assign(graph.nodeCount(), 0.0f);
    g.edge.assign(graph.edgeCount(), 0.0f);
    const size_t S = std::min(weight.size(), positions.size());
    for (size_t k = 0; k < S; ++k) {
        const auto pos = static_cast<size_t>(positions[k]);
        if (pos >= tokens.positionSources.size()) continue;
        const PositionSource& src = tokens.positionSources[pos];
        const float w = weight[k];
        if (src.kind == PositionKind::Eos) {
            g.special += w;
            continue;
        }
        if (src.node != kNoIndex && src.node < g.node.size()) g.node[src.node] += w;
        if (src.edgeOrigin == EdgeOrigin::Jump) g.jumpWeight += w;
        else if (src.edge != kNoIndex && src.edge < g.edge.size()) g.edge[src.edge] += w;
    }
    for (float v : g.node) g.maxNode = std::max(g.maxNode, v);
    for (float v : g.edge) g.maxEdge = std::max(g.maxEdge, v);
    return g;
}

GraphAttention emptyOnGraph(const Graph& graph) {
    GraphAttention g;
    g.node.assign(graph.nodeCount(), 0.0f);
    g.edge.assign(graph.edgeCount(), 0.0f);
    return g;
}

}  // namespace

GraphAttention nodeAttentionOnGraph(const Graph& graph, const std::vector<float>& matrix, int64_t size, int query) {
    const size_t n = graph.nodeCount();
    if (size != int64_t(n) || matrix.size() != n * n)
        throw std::invalid_argument("node attention of " + std::to_string(size) + " positions for a graph of " +
                                    std::to_string(n) + " nodes");
    if (query >= int64_t(n)) throw std::invalid_argument("query " + std::to_string(query) + " is not a node");
    GraphAttention out;
    out.node.assign(n, 0.0f);
    out.edge.assign(graph.edgeCount(), 0.0f);
    auto at = [&](size_t i, size_t j) { return matrix[i * n + j]; };
    if (query >= 0) {
        for (size_t j = 0; j < n; ++j) out.node[j] = at(size_t(query), j);
    } else {
        for (size_t i = 0; i < n; ++i)
            for (size_t j = 0; j < n; ++j) out.node[j] += at(i, j);
        for (float& v : out.node) v /= float(std::max<size_t>(1, n));
    }
    for (EdgeId e = 0; e < graph.edgeCount(); ++e) {
        const Edge& ed = graph.edge(e);
        if (ed.src >= n || ed.dst >= n) continue;
        if (query >= 0) {
            if (ed.src == NodeId(query)) out.edge[e] = at(ed.src, ed.dst);
            else if (ed.dst == NodeId(query)) out.edge[e] = at(ed.dst, ed.src);
        } else {
            out.edge[e] = 0.5f * (at(ed.src, ed.dst) + at(ed.dst, ed.src));
        }
    }
    // Pairs no edge joins (either direction): arcs.
    std::unordered_set<uint64_t> joined;
    joined.reserve(graph.edgeCount() * 2);
    for (const Edge& ed : graph.edges()) {
        joined.insert(uint64_t(ed.src) << 32 | ed.dst);
        joined.insert(uint64_t(ed.dst) << 32 | ed.src);
    }
    auto isJoined = [&](size_t u, size_t v) { return joined.count(uint64_t(u) << 32 | v) != 0; };
    if (query >= 0) {
        const auto q = size_t(query);
        for (size_t j = 0; j < n; ++j)
            if (j != q && at(q, j) > 0 && !isJoined(q, j)) out.arcs.push_back({uint32_t(q), uint32_t(j), at(q, j)});
    } else {
        for (size_t u = 0; u < n; ++u)
            for (size_t v = u + 1; v < n; ++v) {
                const float w = 0.5f * (at(u, v) + at(v, u));
                if (w > 0 && !isJoined(u, v)) out.arcs.push_back({uint32_t(u), uint32_t(v), w});
            }
    }
    for (const AttentionArc& a : out.arcs) out.maxEdge = std::max(out.maxEdge, a.weight);
    if (out.arcs.size() > kMaxArcs) {
        std::nth_element(out.arcs.begin(), out.arcs.begin() + ptrdiff_t(kMaxArcs), out.arcs.end(),
                         [](const AttentionArc& x, const AttentionArc& y) { return x.weight > y.weight; });
        out.arcs.resize(kMaxArcs);
    }
    std::sort(out.arcs.begin(), out.arcs.end(), [](const AttentionArc& x, const AttentionArc& y) {
        return x.a != y.a ? x.a < y.a : x.b < y.b;
    });
    for (float v : out.node) out.maxNode = std::max(out.maxNode, v);
    for (float v : out.edge) out.maxEdge = std::max(out.maxEdge, v);
    return out;
}

GraphAttention attentionOnGraph(const Graph& graph, const TokenSequence& tokens,
                                const std::vector<float>& matrix, int64_t size,
                                const std::vector<int32_t>& positions, int query) {
    if (size <= 0 || matrix.size() != static_cast<size_t>(size * size) ||
        positions.size() != static_cast<size_t>(size))
        return emptyOnGraph(graph);
    const auto S = static_cast<size_t>(size);

    // The weight each key row receives: one query row, or the mean over rows.
    std::vector<float> weight(S, 0.0f);
    if (query >= 0) {
        const auto row = std::find(positions.begin(), positions.end(), query);
        if (row == positions.end()) return emptyOnGraph(graph);  // the query was pruned before this layer
        const size_t r = static_cast<size_t>(row - positions.begin());
        std::copy_n(matrix.begin() + static_cast<ptrdiff_t>(r * S), S, weight.begin());
    } else {
        for (size_t r = 0; r < S; ++r)
            for (size_t k = 0; k < S; ++k) weight[k] += matrix[r * S + k] / static_cast<float>(S);
    }
    return keyWeightsOnGraph(graph, tokens, weight, positions);
}

GraphAttention attentionRowOnGraph(const Graph& graph, const TokenSequence& tokens,
                                   const std::vector<float>& row, const std::vector<int32_t>& positions) {
    if (row.size() != positions.size()) return emptyOnGraph(graph);
    return keyWeightsOnGraph(graph, tokens, row, positions);
}

std::vector<float> attentionRowsOf(const model::GraphGptModel& model, const model::LayerCapture& layer,
                                   int head, HeadAggregation aggregation, int64_t firstRow, int64_t count) {
    if (aggregation == HeadAggregation::Single) return model::attentionRows(model, layer, head, firstRow, count);
    const int H = model.config.numHeads;
    std::vector<float> out;
    for (int h = 0; h < H; ++h) {
        const auto rows = model::attentionRows(model, layer, h, firstRow, count);
        if (out.empty()) out.assign(rows.size(), 0.0f);
        if (aggregation == HeadAggregation::Mean)
            for (size_t i = 0; i < rows.size(); ++i) out[i] += rows[i] / static_cast<float>(H);
        else
            for (size_t i = 0; i < rows.size(); ++i) out[i] = std::max(out[i], rows[i]);
    }
    return out;
}

}  // namespace gts::analysis
