#include "model/NodeModel.h"

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "model/GraphGps.h"
#include "model/GraphTransformer.h"
#include "model/NodeModelParts.h"

namespace gts::model {

const char* nodeObjectiveName(NodeObjective o) {
    switch (o) {
    case NodeObjective::Regression: return "regression";
    case NodeObjective::Classification: return "classification";
    case NodeObjective::MultiLabel: return "multilabel";
    }
    return "regression";
}

NodeObjective parseNodeObjective(const std::string& text) {
    if (text == "regression") return NodeObjective::Regression;
    if (text == "classification") return NodeObjective::Classification;
    if (text == "multilabel") return NodeObjective::MultiLabel;
    throw std::invalid_argument("\"" + text + "\" is not regression, classification or multilabel");
}

namespace {

// Graph Transformer ---------------------------------------------------------------------------

class GraphTransformerNodeModel final : public NodeLevelModel {
public:
    explicit GraphTransformerNodeModel(std::shared_ptr<const GraphTransformerModel> m) : m_(std::move(m)) {
        const auto& c = m_->config;
        s_.family = kGraphTransformerType;
        s_.familyName = "Graph Transformer (Dwivedi & Bresson)";
        switch (c.attentionMask()) {
            case GtMask::Neighbours:
                s_.attention = "neighbours";
                break;
            case GtMask::FullGraph:
                s_.attention = "all node pairs";
                break;
            case GtMask::KHop:
                s_.attention = "nodes within " + std::to_string(c.kHop) + " hops";
                break;
            case GtMask::HopGroups: {
                // "hop groups 1, 2, 3, 4 (2 heads each)"
                s_.attention = "hop groups";
                for (size_t g = 0; g < c.hopGroups.size(); ++g)
                    s_.attention += (g ? ", " : " ") + std::to_string(c.hopGroups[g]);
                const int perGroup = c.numHeads / int(c.hopGroups.size());
                s_.attention += " (" + std::to_string(perGroup) +
                                (perGroup == 1 ? " head each)" : " heads each)");
                break;
            }
        }
        if (c.spdMaxDistance > 0)
            s_.attention += ", shortest-path bias (max " + std::to_string(c.spdMaxDistance) + ")";
        if (c.edgeFeatures) s_.attention += ", edge features";
        parts::fillSummarySizes(s_, c, m_->weights.parameterCount());
    }
    const NodeModelSummary& summary() const override { return s_; }
    const std::filesystem::path& folder() const override { return m_->folder; }
    const std::filesystem::path& weightsPath() const override { return m_->weightsPath; }

    NodeRunResult run(const Graph& graph, const NodeRunOptions& options) const override {
        GtRunOptions o;
        static_cast<NodeRunOptions&>(o) = options;
        return runGraphTransformer(*m_, graph, o);  // sliced to the generic result
    }

    double flops(const Graph& graph, const std::vector<std::vector<uint32_t>>& keepNodes) const override {
        // Per layer, for n present nodes and m messages between present nodes (d = hidden,
        // d_k = d / heads): Q, K, V, O projections 4·n·d², FFN d→2d→d 4·n·d², scores and the
        // weighted sum 2·d_k per message and head that attends over it (every head, or with
        // hop groups the heads whose ring holds the pair); with edge features the edge
        // projection m·d², the edge stream's O and FFN 5·m·d².
        const auto& c = m_->config;
        const size_t n = graph.nodeCount();
        const double d = c.hiddenDim;
        // The full graph's N(N−1) pairs are counted, not listed.
        const bool allPairs = c.attentionMask() == GtMask::FullGraph;
        const GtMessages msg = allPairs ? GtMessages{} : graphTransformerMessages(graph, c);
        // Heads that attend over each message.
        std::vector<double> headsOf(msg.source.size(), c.numHeads);
        if (!c.hopGroups.empty())
            for (size_t k = 0; k < headsOf.size(); ++k) {
                headsOf[k] = 0;
                for (int h = 0; h < c.numHeads; ++h) headsOf[k] += c.headHop(h) == msg.hops[k];
            }
        std::vector<uint8_t> alive(n, 1);
        double macs = 0;
        for (int l = 0; l < c.numLayers; ++l) {
            if (size_t(l) < keepNodes.size() && !keepNodes[size_t(l)].empty()) {
                std::vector<uint8_t> kept(n, 0);
                for (uint32_t v : keepNodes[size_t(l)])
                    if (v < n) kept[v] = 1;
                for (size_t i = 0; i < n; ++i) alive[i] &= kept[i];
            }
            double nodes = 0;
            for (uint8_t a : alive) nodes += a;
            double messages = allPairs ? nodes * (nodes - 1) : 0;
            double headMessages = messages * c.numHeads;
            for (size_t k = 0; k < msg.source.size(); ++k) {
                if (!alive[msg.source[k]] || !alive[msg.target[k]]) continue;
                messages += 1;
                headMessages += headsOf[k];
            }
            macs += 8 * nodes * d * d + 2 * headMessages * c.headDim();
            if (c.edgeFeatures) macs += 6 * messages * d * d;
        }
        return 2 * macs;
    }

private:
    std::shared_ptr<const GraphTransformerModel> m_;
    NodeModelSummary s_;
};

bool isGraphTransformerJson(const nlohmann::json& j) {
    return j.is_object() && isGraphTransformerConfig(j);
}
bool isGraphGpsJson(const nlohmann::json& j) {
    return j.is_object() && isGraphGpsConfig(j);
}

}  // namespace

bool isNodeLevelModelPath(const std::filesystem::path& path) {
    return parts::folderConfigIs(path, isGraphTransformerJson) || parts::folderConfigIs(path, isGraphGpsJson);
}

std::shared_ptr<const NodeLevelModel> loadNodeLevelModel(const std::filesystem::path& path) {
    if (parts::folderConfigIs(path, isGraphTransformerJson))
        return std::make_shared<GraphTransformerNodeModel>(loadGraphTransformerModel(path));
    if (parts::folderConfigIs(path, isGraphGpsJson)) return loadGraphGpsNodeModel(path);
    throw std::invalid_argument("config.json names no node-level model family (model_type graph_transformer or graphgps)");
}

}  // namespace gts::model
