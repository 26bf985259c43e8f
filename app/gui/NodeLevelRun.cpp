#include "NodeLevelRun.h"

#include <string>

#include "graph/AttrNames.h"

namespace gts {

TokenSequence nodeTokenSequence(const Graph& graph) {
    TokenSequence seq;
    const size_t n = graph.nodeCount();
    const AttrColumn* symbol = graph.nodeAttrs().find(attr::kSymbol);
    const bool symbols = symbol && symbol->kind == AttrKind::String;
    seq.positions.resize(n);
    seq.sources.resize(n);
    seq.positionSources.resize(n);
    for (size_t i = 0; i < n; ++i) {
        const NodeId v = NodeId(i);
        std::string label = symbols && symbol->has(i) ? symbol->stringAt(i)
                            : graph.hasNodeKeys()      ? graph.nodeKey(v)
                                                       : std::to_string(i);
        seq.positions[i] = {std::move(label)};
        TokenSource t;
        t.role = TokenRole::NodeIndex;
        t.node = v;
        seq.sources[i] = {t};
        PositionSource p;
        p.kind = PositionKind::Node;
        p.walkIndex = uint32_t(i);
        p.node = v;
        seq.positionSources[i] = p;
    }
    return seq;
}

model::RunResult nodeRunResult(const model::GtRunResult& run, const model::GraphTransformerConfig& config,
                               size_t nodeCount) {
    model::RunResult out;
    const int64_t n = int64_t(nodeCount);
    out.positions.resize(nodeCount);
    for (size_t i = 0; i < nodeCount; ++i) out.positions[i] = int32_t(i);
    if (config.task == model::GtTask::Node && run.output.rank() == 2) {
        out.tokenLogits = run.output;
        const int64_t k = run.output.dim(1);
        out.logits = Tensor({k});
        for (int64_t i = 0; i < n; ++i)
            for (int64_t c = 0; c < k; ++c) out.logits.mutableData()[c] += run.output.data()[i * k + c] / float(n);
    } else {
        out.logits = run.output;
    }
    for (size_t l = 0; l < run.layers.size(); ++l) {
        const auto& g = run.layers[l];
        if (g.attention.size() == 0) continue;
        model::LayerCapture c;
        c.layer = int(l);
        c.positions = out.positions;
        c.attention = g.attention;
        if (g.nodeStates.size()) {
            c.residual = g.nodeStates;
            out.hidden = g.nodeStates;
        }
        out.layers.push_back(std::move(c));
    }
    return out;
}

}  // namespace gts
