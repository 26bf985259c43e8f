// gtscope-cli info GRAPH [--format FMT] [--json]
// gtscope-cli info MODEL [--json]   (a model folder, or a .safetensors / .pt / .bin / index file)

#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "CliArgs.h"
#include "Commands.h"
#include "graph/GraphSummary.h"
#include "io/GraphIO.h"
#include "model/NodeModel.h"
#include "model/ModelFolder.h"

namespace gts::cli {

namespace {

nlohmann::json summaryJson(const GraphSummary& s) {
    nlohmann::json attrs = {{"graph", nlohmann::json::array()},
                            {"node", nlohmann::json::array()},
                            {"edge", nlohmann::json::array()}};
    for (const AttrSummary& a : s.attributes)
        attrs[a.scope].push_back({{"name", a.name},
                                  {"kind", attrKindName(a.kind)},
                                  {"width", a.width},
                                  {"present", a.present},
                                  {"example", a.example}});
    return {{"name", s.name},
            {"nodes", s.nodes},
            {"edges", s.edges},
            {"directed", s.directed},
            {"components", s.components},
            {"largest_component", s.largestComponent},
            {"isolated_nodes", s.isolatedNodes},
            {"self_loops", s.selfLoops},
            {"multi_edges", s.multiEdges},
            {"attributes", attrs}};
}

void printSummary(const GraphSummary& s, std::ostream& out) {
    out << s.name << "\n"
        << "  nodes       " << s.nodes << "\n"
        << "  edges       " << s.edges << (s.directed ? " (directed)" : " (undirected)") << "\n"
        << "  components  " << s.components << " (largest " << s.largestComponent << " nodes)\n";
    if (s.isolatedNodes) out << "  isolated    " << s.isolatedNodes << " nodes\n";
    if (s.selfLoops) out << "  self loops  " << s.selfLoops << "\n";
    if (s.multiEdges) out << "  multi-edges yes\n";
    if (s.attributes.empty()) return;
    out << "  attributes\n";
    for (const AttrSummary& a : s.attributes) {
        out << "    " << a.scope << "." << a.name << "  " << attrKindName(a.kind);
        if (a.width != 1) out << "[" << a.width << "]";
        out << "  " << a.present << "/" << a.size;
        if (!a.example.empty()) {
            std::string ex = a.example.size() > 40 ? a.example.substr(0, 37) + "..." : a.example;
            out << "  e.g. " << ex;
        }
        out << "\n";
    }
}

// ---------------------------------------------------------------------------------------------
// Models

const char* checkpointFormatName(const std::filesystem::path& weights) {
    const std::string ext = weights.extension().string();
    return ext == ".pt" || ext == ".bin" || ext == ".pth" ? "torch" : "safetensors";
}

/// Tensor count per file dtype ("F32": 27, ...).
nlohmann::json dtypeCounts(const std::map<std::string, Tensor>& tensors) {
    std::map<std::string, int64_t> counts;
    for (const auto& [name, t] : tensors) ++counts[dtypeName(t.sourceDType())];
    return counts;
}

std::string dtypeText(const nlohmann::json& counts) {
    std::string out;
    for (const auto& [dtype, n] : counts.items())
        out += (out.empty() ? "" : ", ") + dtype + " x " + std::to_string(n.get<int64_t>());
    return out;
}

nlohmann::json modelJson(const model::GraphGptModel& m) {
    using nlohmann::json;
    const model::GraphGptConfig& c = m.config;
    json j;
    j["kind"] = "model";
    j["family"] = "graphgpt";
    j["folder"] = m.files.folder.string();
    j["weights_file"] = m.files.weights.string();
    j["weights_format"] = checkpointFormatName(m.files.weights);
    j["tensors"] = m.tensors.size();
    j["dtypes"] = dtypeCounts(m.tensors);
    j["parameters"] = m.weights.parameterCount();
    const char* stackMethod = c.stackMethod == model::StackMethod::Long    ? "long"
                              : c.stackMethod == model::StackMethod::Short ? "short"
                                                                           : nullptr;
    j["architecture"] = {
        {"layers", c.numLayers},
        {"hidden_size", c.hiddenSize},
        {"heads", c.numHeads},
        {"kv_heads", c.numKvHeads},
        {"head_dim", c.headDim},
        {"intermediate_size", c.intermediateSize},
        {"activation", model::activationName(c.hiddenAct)},
        {"attention", c.causalAttention ? "causal" : "bidirectional"},
        {"rms_norm_eps", c.rmsNormEps},
        {"rope_theta", c.ropeTheta},
        {"max_position_embeddings", c.maxPositionEmbeddings},
        {"stacked_feat", c.stackedFeat},
        {"stack_method", stackMethod ? json(stackMethod) : json(nullptr)},
        {"stack_aggregation", c.stackAggregation == model::StackAggregation::Gated ? "gated" : "sum"},
        {"layer_scale", !m.weights.layers.empty() && m.weights.layers[0].lambda1.has_value()},
        {"layer_scale_init_value", c.layerScaleInit},
        {"attention_bias", c.attentionBias},
        {"mlp_bias", c.mlpBias},
        {"tie_word_embeddings", c.tieWordEmbeddings}};
    json head = {{"kind", model::headKindName(m.weights.head)}};
    if (m.weights.head == model::HeadKind::Pretrain) {
        head["next_n_token"] = c.nextNToken;
    } else if (m.weights.head == model::HeadKind::Task) {
        head["problem_type"] = model::problemTypeName(c.effectiveProblemType());
        head["problem_type_from_config"] = c.problemType.has_value();
        head["num_labels"] = c.numLabels;
        head["score_mlp"] = c.scoreMlp;
        head["pooling"] = c.poolingMethod;
    }
    j["head"] = head;
    j["vocab"] = {{"config_size", c.vocabSize},
                  {"file", m.hasVocab ? json(m.files.vocab->string()) : json(nullptr)},
                  {"tokens", m.hasVocab ? json(m.vocab.size()) : json(nullptr)},
                  {"max_id", m.hasVocab ? json(m.vocab.maxId()) : json(nullptr)}};
    json tok = json::parse(model::tokenizationToJson(m.tokenization));
    tok["file"] = m.hasTokenizationFile ? json(m.files.tokenization->string()) : json(nullptr);
    j["tokenization"] = tok;
    return j;
}

void printModel(const nlohmann::json& j, std::ostream& out) {
    const auto& a = j["architecture"];
    const auto& h = j["head"];
    const auto& v = j["vocab"];
    const auto& t = j["tokenization"];
    out << j["folder"].get<std::string>() << " (GraphGPT)\n"
        << "  weights      " << j["weights_file"].get<std::string>() << " ("
        << j["weights_format"].get<std::string>() << "; " << j["tensors"].get<int64_t>()
        << " tensors: " << dtypeText(j["dtypes"]) << ")\n"
        << "  parameters   " << j["parameters"].get<int64_t>() << "\n"
        << "  layers       " << a["layers"].get<int>() << ", hidden " << a["hidden_size"].get<int>()
        << ", intermediate " << a["intermediate_size"].get<int>() << ", "
        << a["activation"].get<std::string>() << "\n"
        << "  attention    " << a["heads"].get<int>() << " heads x " << a["head_dim"].get<int>()
        << " dims, " << a["kv_heads"].get<int>() << " kv heads, "
        << a["attention"].get<std::string>() << "\n"
        << "  stacking     " << a["stacked_feat"].get<int>() << " token(s) per position";
    if (!a["stack_method"].is_null())
        out << " (" << a["stack_method"].get<std::string>() << ", "
            << a["stack_aggregation"].get<std::string>() << " aggregation)";
    out << "\n  layer scale  "
        << (a["layer_scale"].get<bool>() ? "yes (lambda_1, lambda_2)" : "no") << "\n"
        << "  head         " << h["kind"].get<std::string>();
    if (h["kind"] == "pretrain")
        out << ", next " << h["next_n_token"].get<int>() << " token(s) per position";
    if (h["kind"] == "task") {
        out << ", " << h["problem_type"].get<std::string>() << ", " << h["num_labels"].get<int>()
            << " label(s)";
        if (!h["score_mlp"].empty()) out << ", MLP " << h["score_mlp"].dump();
    }
    if (h["kind"] == "none") out << " (hidden states only)";
    out << "\n  vocab        " << v["config_size"].get<int>() << " ids in config";
    if (!v["file"].is_null())
        out << "; " << v["file"].get<std::string>() << ": " << v["tokens"].get<size_t>()
            << " tokens, max id " << v["max_id"].get<int>();
    else
        out << "; no vocab file";
    out << "\n  tokenization " << t["layout"].get<std::string>() << ", world "
        << t["world"].get<std::string>() << ", node scope " << t["node_scope"].get<uint32_t>()
        << ", scope base " << t["scope_base"].get<uint32_t>() << ", reindex "
        << t["reindex"].get<std::string>() << (t["add_eos"].get<bool>() ? ", eos" : "")
        << (t["file"].is_null() ? " (GraphGPT pcqm4m-v2 defaults)" : "") << "\n";
}

/// A weights file with no config.json beside it: what the checkpoint itself says.
int checkpointInfo(const std::filesystem::path& path, bool asJson) {
    const std::map<std::string, Tensor> tensors = model::readCheckpointTensors(path);
    int64_t elements = 0;
    for (const auto& [name, t] : tensors) elements += int64_t(t.size());
    nlohmann::json j = {{"kind", "checkpoint"},
                        {"weights_file", path.string()},
                        {"weights_format", checkpointFormatName(path)},
                        {"config", nullptr},
                        {"tensors", tensors.size()},
                        {"dtypes", dtypeCounts(tensors)},
                        {"parameters", elements}};
    if (asJson) {
        std::cout << j.dump(2) << "\n";
        return 0;
    }
    std::cout << path.string() << " (checkpoint; no config.json beside it)\n"
              << "  tensors      " << tensors.size() << " (" << dtypeText(j["dtypes"]) << ")\n"
              << "  elements     " << elements << "\n";
    return 0;
}

int modelInfo(const std::filesystem::path& path, bool asJson) {
    if (model::isNodeLevelModelPath(path)) return nodeModelInfo(path, asJson);
    std::error_code ec;
    if (!std::filesystem::is_directory(path, ec) && std::filesystem::is_regular_file(path, ec) &&
        !std::filesystem::exists(
            (path.has_parent_path() ? path.parent_path() : std::filesystem::path(".")) /
                "config.json",
            ec))
        return checkpointInfo(path, asJson);
    const auto m = model::loadGraphGptModel(path);
    const nlohmann::json j = modelJson(*m);
    if (asJson) std::cout << j.dump(2) << "\n";
    else printModel(j, std::cout);
    return 0;
}

}  // namespace

int runInfo(const std::vector<std::string>& args) {
    CliArgs a(args, {"json"}, {"format"});
    a.requirePositional(1, "gtscope-cli info GRAPH[#RECORD]|MODEL [--format FMT] [--json]");
    if (!a.value("format") && model::isModelPath(a.positional()[0]))
        return modelInfo(a.positional()[0], a.flag("json"));
    io::ReadOptions options;
    if (auto f = a.value("format")) {
        options.format = io::parseFormat(*f);
        if (!options.format) throw UsageError("unknown format '" + *f + "'");
    }
    const io::GraphPath gp = io::parseGraphPath(a.positional()[0]);
    options.record = gp.record;
    const std::vector<Graph> graphs = io::readGraphs(gp.file, options);

    std::vector<GraphSummary> summaries;
    for (const Graph& g : graphs) summaries.push_back(summarize(g));
    if (a.flag("json")) {
        // One graph: its summary object. Several records: {"records": n, "graphs": [...]}.
        nlohmann::json j;
        if (summaries.size() == 1) {
            j = summaryJson(summaries[0]);
        } else {
            j["records"] = summaries.size();
            j["graphs"] = nlohmann::json::array();
            for (const auto& s : summaries) j["graphs"].push_back(summaryJson(s));
        }
        std::cout << j.dump(2) << "\n";
        return 0;
    }
    if (summaries.size() > 1)
        std::cout << gp.file.string() << ": " << summaries.size()
                  << " graphs (address one as FILE#N, from 0)\n";
    for (const auto& s : summaries) printSummary(s, std::cout);
    return 0;
}

}  // namespace gts::cli
