#include "model/NodeModel.h"

#include <fstream>
#include <stdexcept>
#include <system_error>

#include <nlohmann/json.hpp>

#include "model/GraphTransformer.h"

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
        s_.attention = c.fullGraph ? "all node pairs" : "neighbours";
        if (c.edgeFeatures) s_.attention += ", edge features";
        s_.numLayers = c.numLayers;
        s_.numHeads = c.numHeads;
        s_.hiddenDim = c.hiddenDim;
        s_.nodeTask = c.task == GtTask::Node;
        s_.numOutputs = c.numOutputs;
        s_.objective = c.objective;
        s_.parameters = m_->weights.parameterCount();
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
        // Per layer, for n present nodes and m messages between present nodes (d = hidden):
        // Q, K, V, O projections 4·n·d², FFN d→2d→d 4·n·d², scores and the weighted sum 2·m·d;
        // with edge features the edge projection m·d², the edge stream's O and FFN 5·m·d².
        const auto& c = m_->config;
        const size_t n = graph.nodeCount();
        const double d = c.hiddenDim;
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
            double messages = 0;
            if (c.fullGraph) {
                messages = nodes * (nodes - 1);
            } else {
                for (const Edge& e : graph.edges()) {
                    if (!alive[e.src] || !alive[e.dst]) continue;
                    messages += (graph.directed() || e.src == e.dst) ? 1 : 2;
                }
            }
            macs += 8 * nodes * d * d + 2 * messages * d;
            if (c.edgeFeatures) macs += 6 * messages * d * d;
        }
        return 2 * macs;
    }

private:
    std::shared_ptr<const GraphTransformerModel> m_;
    NodeModelSummary s_;
};

/// The config.json beside `path` (a folder or a weights file), parsed; null when absent or not
/// JSON.
nlohmann::json readConfig(const std::filesystem::path& path) {
    std::error_code ec;
    const std::filesystem::path config =
        std::filesystem::is_directory(path, ec) ? path / "config.json" : path.parent_path() / "config.json";
    std::ifstream in(config);
    if (!in) return nullptr;
    return nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
}

}  // namespace

bool isNodeLevelModelPath(const std::filesystem::path& path) {
    const nlohmann::json j = readConfig(path);
    if (!j.is_object()) return false;
    return isGraphTransformerConfig(j);
}

std::shared_ptr<const NodeLevelModel> loadNodeLevelModel(const std::filesystem::path& path) {
    const nlohmann::json j = readConfig(path);
    if (j.is_object() && isGraphTransformerConfig(j))
        return std::make_shared<GraphTransformerNodeModel>(loadGraphTransformerModel(path));
    throw std::invalid_argument("config.json names no node-level model family (model_type graph_transformer)");
}

}  // namespace gts::model
