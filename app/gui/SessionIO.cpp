#include "SessionIO.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "io/GraphIO.h"
#include "model/GraphGptConfig.h"
#include "store/RunResultStore.h"
#include "store/Sha256.h"

namespace gts {

namespace {

using nlohmann::json;

constexpr char kRunPrefix[] = "run0.";
constexpr char kLayoutTensor[] = "layout.xy";

[[noreturn]] void bad(const std::string& fileName, const std::string& what) {
    throw std::invalid_argument(fileName + ": " + what);
}

/// A setting as JSON; null when absent. A present but unparsable setting is an error.
json setting(const store::Session& s, const std::string& key, const std::string& fileName) {
    const auto it = s.settings.find(key);
    if (it == s.settings.end()) return nullptr;
    json j = json::parse(it->second, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) bad(fileName, "setting \"" + key + "\" is not JSON");
    return j;
}

int intOr(const json& j, const char* key, int fallback) {
    const auto it = j.find(key);
    return it != j.end() && it->is_number_integer() ? it->get<int>() : fallback;
}

}  // namespace

store::Session toStoredSession(const SessionState& state) {
    store::Session s;
    if (state.graph) {
        json edits = json::array();
        for (const QString& e : state.edits) edits.push_back({{"text", e.toStdString()}});
        s.graphs.push_back({state.graphLabel.toStdString(), state.graphPath.toStdString(), "json",
                            io::writeGraphsToText({*state.graph}, io::Format::NodeLinkJson), edits.dump()});
    }
    if (!state.modelPath.isEmpty()) {
        s.model.path = state.modelPath.toStdString();
        // A model that is gone keeps the fingerprint it was saved with (empty when never known).
        s.model.sha256 = state.modelSha256.empty() && std::filesystem::exists(s.model.path)
                             ? store::modelFingerprint(s.model.path)
                             : state.modelSha256;
    }
    s.settings["tokenizeOptions"] = model::tokenizationToJson(state.tokenize);
    s.settings["seed"] = json{{"seed", state.seed}}.dump();
    s.settings["tokens"] = json(state.tokens).dump();
    s.settings["run"] = json{{"captureAttention", true}, {"backend", state.backend}, {"nodeLevel", state.nodeLevel}}.dump();
    s.settings["window"] =
        json{{"label", state.graphLabel.toStdString()}, {"state", state.windowState.toBase64().toStdString()}}.dump();
    if (state.result) store::putRunResult(s, kRunPrefix, *state.result);
    s.annotations = state.annotations;
    if (state.layout) {
        const size_t n = state.layout->x.size();
        std::vector<float> xy(2 * n);
        for (size_t i = 0; i < n; ++i) {
            xy[2 * i] = state.layout->x[i];
            xy[2 * i + 1] = state.layout->y[i];
        }
        s.tensors[kLayoutTensor] = Tensor({int64_t(n), 2}, std::move(xy));
    }
    s.viewJson = json{{"layer", state.layer},
                      {"head", state.head},
                      {"aggregation", analysis::headAggregationName(state.aggregation)},
                      {"query", state.query},
                      {"threshold", state.threshold},
                      {"predictionFill", state.predictionFillShown},
                      {"selected",
                       {{"position", state.selected.position},
                        {"slot", state.selected.slot},
                        {"node", state.selected.node == kNoIndex ? -1 : int64_t(state.selected.node)},
                        {"edge", state.selected.edge == kNoIndex ? -1 : int64_t(state.selected.edge)}}},
                      {"layoutMethod", state.layout ? state.layout->method.toStdString() : std::string()}}
                     .dump();
    return s;
}

SessionState fromStoredSession(const store::Session& s, const std::string& fileName) {
    SessionState st;
    if (s.graphs.empty()) bad(fileName, "the session holds no graph");
    const store::StoredGraph& sg = s.graphs.front();
    const auto format = io::parseFormat(sg.format);
    if (!format) bad(fileName, "the stored graph has an unknown format \"" + sg.format + "\"");
    try {
        auto graphs = io::readGraphsFromText(sg.text, *format, fileName + " (stored graph)");
        if (graphs.empty()) bad(fileName, "the stored graph is empty");
        st.graph = std::make_shared<const Graph>(std::move(graphs.front()));
    } catch (const std::invalid_argument&) {
        throw;
    } catch (const std::exception& e) {
        bad(fileName, std::string("the stored graph cannot be read: ") + e.what());
    }
    st.graphLabel = QString::fromStdString(sg.name);
    st.graphPath = QString::fromStdString(sg.sourcePath);
    const json edits = json::parse(sg.editsJson, nullptr, false);
    if (edits.is_array())
        for (const auto& e : edits)
            if (e.is_object() && e.contains("text") && e["text"].is_string())
                st.edits << QString::fromStdString(e["text"].get<std::string>());
    st.modelPath = QString::fromStdString(s.model.path);
    st.modelSha256 = s.model.sha256;

    if (const auto it = s.settings.find("tokenizeOptions"); it != s.settings.end()) {
        try {
            st.tokenize = model::parseTokenizationJson(it->second, fileName + " (tokenizeOptions)");
            st.hasTokenizeOptions = true;
        } catch (const std::exception& e) {
            bad(fileName, std::string("its tokenization settings cannot be read: ") + e.what());
        }
    }
    const json seed = setting(s, "seed", fileName);
    if (seed.is_object() && seed.contains("seed")) {
        if (!seed["seed"].is_number_unsigned()) bad(fileName, "setting \"seed\" is not a non-negative integer");
        st.seed = seed["seed"].get<uint64_t>();
    }
    const json tokens = setting(s, "tokens", fileName);
    if (!tokens.is_null()) {
        try {
            st.tokens = tokens.get<std::vector<std::vector<std::string>>>();
        } catch (const json::exception&) {
            bad(fileName, "setting \"tokens\" is not a list of token lists");
        }
    }
    const json run = setting(s, "run", fileName);
    if (run.is_object() && run.contains("backend") && run["backend"].is_string())
        st.backend = run["backend"].get<std::string>();
    if (run.is_object() && run.contains("nodeLevel") && run["nodeLevel"].is_boolean())
        st.nodeLevel = run["nodeLevel"].get<bool>();
    const json window = setting(s, "window", fileName);
    if (window.is_object()) {
        if (window.contains("label") && window["label"].is_string() && st.graphLabel.isEmpty())
            st.graphLabel = QString::fromStdString(window["label"].get<std::string>());
        if (window.contains("state") && window["state"].is_string())
            st.windowState = QByteArray::fromBase64(QByteArray::fromStdString(window["state"].get<std::string>()));
    }

    try {
        if (auto r = store::getRunResult(s, kRunPrefix))
            st.result = std::make_shared<const model::RunResult>(std::move(*r));
    } catch (const std::exception& e) {
        bad(fileName, std::string("its cached run cannot be read: ") + e.what());
    }

    st.annotations = s.annotations;
    const json view = json::parse(s.viewJson, nullptr, false);
    if (const auto it = s.tensors.find(kLayoutTensor); it != s.tensors.end()) {
        const Tensor& t = it->second;
        if (t.rank() != 2 || t.dim(1) != 2 || t.dim(0) != int64_t(st.graph->nodeCount()))
            bad(fileName, "its layout has " + std::to_string(t.rank() ? t.dim(0) : 0) +
                              " positions for a graph of " + std::to_string(st.graph->nodeCount()) + " nodes");
        auto layout = std::make_shared<NodeLayout>();
        const size_t n = size_t(t.dim(0));
        layout->x.resize(n);
        layout->y.resize(n);
        for (size_t i = 0; i < n; ++i) {
            layout->x[i] = t.data()[2 * i];
            layout->y[i] = t.data()[2 * i + 1];
            if (!std::isfinite(layout->x[i]) || !std::isfinite(layout->y[i]))
                bad(fileName, "its layout has a non-finite position (node " + std::to_string(i) + ")");
        }
        if (view.is_object() && view.contains("layoutMethod") && view["layoutMethod"].is_string())
            layout->method = QString::fromStdString(view["layoutMethod"].get<std::string>());
        st.layout = std::move(layout);
    }
    if (view.is_object()) {
        st.layer = std::max(0, intOr(view, "layer", 0));
        st.head = std::max(0, intOr(view, "head", 0));
        st.query = std::max(-1, intOr(view, "query", -1));
        if (view.contains("aggregation") && view["aggregation"].is_string()) {
            const std::string a = view["aggregation"].get<std::string>();
            for (auto agg : {analysis::HeadAggregation::Single, analysis::HeadAggregation::Mean,
                             analysis::HeadAggregation::Max})
                if (a == analysis::headAggregationName(agg)) st.aggregation = agg;
        }
        if (view.contains("threshold") && view["threshold"].is_number()) {
            const double t = view["threshold"].get<double>();
            if (std::isfinite(t)) st.threshold = float(std::clamp(t, 0.0, 1.0));
        }
        if (view.contains("predictionFill") && view["predictionFill"].is_boolean())
            st.predictionFillShown = view["predictionFill"].get<bool>();
        if (view.contains("selected") && view["selected"].is_object()) {
            const json& sel = view["selected"];
            st.selected.position = std::max(-1, intOr(sel, "position", -1));
            st.selected.slot = std::max(-1, intOr(sel, "slot", -1));
            const int node = intOr(sel, "node", -1), edge = intOr(sel, "edge", -1);
            if (node >= 0 && size_t(node) < st.graph->nodeCount()) st.selected.node = NodeId(node);
            if (edge >= 0 && size_t(edge) < st.graph->edgeCount()) st.selected.edge = EdgeId(edge);
        }
    }
    return st;
}

}  // namespace gts
