// `gtscope-cli info MODEL` and `gtscope-cli run MODEL GRAPH` for a Dwivedi–Bresson Graph
// Transformer folder (config.json with "model_type": "graph_transformer"); InfoCommand.cpp and
// RunCommands.cpp hand such a model here.

#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>

#include <nlohmann/json.hpp>

#include "CliArgs.h"
#include "Commands.h"
#include "checkpoint/SafeTensors.h"
#include "io/TextInput.h"
#include "model/GraphTransformer.h"

namespace gts::cli {

int graphTransformerInfo(const std::filesystem::path& path, bool asJson);
int graphTransformerRun(const CliArgs& a);

namespace {

using model::GraphTransformerModel;
using nlohmann::json;

std::shared_ptr<const GraphTransformerModel> loadGt(const std::filesystem::path& path) {
    try {
        return model::loadGraphTransformerModel(path);
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string(e.what()) + " (" + path.string() + ")");
    }
}

/// "L.H,L.H" → headMask[L][H] = true, checked against the model.
std::vector<std::vector<bool>> parseGtHeadMask(const std::string& text,
                                               const model::GraphTransformerConfig& c) {
    std::vector<std::vector<bool>> mask(size_t(c.numLayers),
                                        std::vector<bool>(size_t(c.numHeads), false));
    for (const std::string& item : splitList(text)) {
        const auto dot = item.find('.');
        const auto layer =
            dot == std::string::npos ? std::nullopt : io::parseInt(item.substr(0, dot));
        const auto head =
            dot == std::string::npos ? std::nullopt : io::parseInt(item.substr(dot + 1));
        if (!layer || !head)
            throw UsageError("--head-mask takes LAYER.HEAD items like 0.3,2.1, not '" + item + "'");
        if (*layer < 0 || *layer >= c.numLayers || *head < 0 || *head >= c.numHeads)
            throw UsageError("--head-mask " + item + ": the model has layers 0.." +
                             std::to_string(c.numLayers - 1) + " and heads 0.." +
                             std::to_string(c.numHeads - 1));
        mask[size_t(*layer)][size_t(*head)] = true;
    }
    return mask;
}

}  // namespace

int graphTransformerInfo(const std::filesystem::path& path, bool asJson) {
    const auto m = loadGt(path);
    json j = model::graphTransformerConfigJson(m->config);
    j = {{"model", m->folder.string()},
         {"family", model::kGraphTransformerType},
         {"weights", m->weightsPath.string()},
         {"parameters", m->weights.parameterCount()},
         {"config", j}};
    if (asJson) {
        std::cout << j.dump(2) << "\n";
        return 0;
    }
    const auto& c = m->config;
    std::cout << m->folder.string() << " (Graph Transformer, Dwivedi & Bresson)\n"
              << "  weights      " << m->weightsPath.string() << "\n"
              << "  parameters   " << m->weights.parameterCount() << "\n"
              << "  layers       " << c.numLayers << " x " << c.numHeads << " heads, hidden "
              << c.hiddenDim << "\n"
              << "  attention    " << (c.fullGraph ? "full graph" : "neighbours (sparse graph)")
              << (c.edgeFeatures ? ", edge features" : "") << "\n"
              << "  norm         " << j["config"]["norm"].get<std::string>() << "\n"
              << "  LapPE        " << c.lapPeDim << "\n"
              << "  task         " << j["config"]["task"].get<std::string>() << ", " << c.numOutputs
              << " output(s), readout " << j["config"]["readout"].get<std::string>() << "\n";
    return 0;
}

int graphTransformerRun(const CliArgs& a) {
    // GraphGPT's run options have no meaning for a model without tokens.
    for (const char* option : {"ids", "seed", "start", "path", "capture", "skip-layers", "row",
                               "attention", "attention-budget", "backend", "threads", "top"})
        if (a.value(option))
            throw UsageError(std::string("--") + option +
                             " does not apply to a Graph Transformer model (its tokens are the "
                             "graph's nodes)");
    if (a.positional().size() != 2)
        throw UsageError(
            "usage: gtscope-cli run MODEL GRAPH[#N] [--head-mask L.H,...] [--out "
            "captures.safetensors] [--json]");
    const auto m = loadGt(a.positional()[0]);
    const std::string source = a.positional()[1];
    const Graph g = io::readGraph(source, graphReadOptions(a));

    model::GtRunOptions options;
    const auto out = a.value("out") ? a.value("out") : a.value("o");
    options.captureAttention = options.captureNodeStates = out.has_value();
    if (auto h = a.value("head-mask")) options.headMask = parseGtHeadMask(*h, m->config);
    model::GtRunResult result;
    const auto t0 = std::chrono::steady_clock::now();
    try {
        result = model::runGraphTransformer(*m, g, options);
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string(e.what()) + " (" + source + ")");
    }
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (out) {
        // attention.{l} [heads, N, N], node_states.{l} [N, d], output, lap_pe.
        std::map<std::string, Tensor> tensors{{"output", result.output},
                                              {"embeddings", result.embeddings}};
        if (result.lapPe.size() > 0) tensors["lap_pe"] = result.lapPe;
        for (size_t l = 0; l < result.layers.size(); ++l) {
            tensors["attention." + std::to_string(l)] = result.layers[l].attention;
            tensors["node_states." + std::to_string(l)] = result.layers[l].nodeStates;
        }
        checkpoint::writeSafeTensors(*out, tensors,
                                     {{"model", m->folder.string()},
                                      {"input", source},
                                      {"family", model::kGraphTransformerType}});
    }

    const bool nodeTask = m->config.task == model::GtTask::Node;
    json output = json::array();
    const size_t outputs = size_t(m->config.numOutputs);
    if (nodeTask) {
        for (size_t i = 0; i < g.nodeCount(); ++i)
            output.push_back(std::vector<float>(result.output.data() + i * outputs,
                                                result.output.data() + (i + 1) * outputs));
    } else {
        output = std::vector<float>(result.output.data(), result.output.data() + outputs);
    }
    if (a.flag("json")) {
        json j{{"model", m->folder.string()},
               {"family", model::kGraphTransformerType},
               {"input", source},
               {"task", nodeTask ? "node" : "graph"},
               {"nodes", g.nodeCount()},
               {"messages", result.messageSource.size()},
               {"layers", m->config.numLayers},
               {"heads", m->config.numHeads},
               {"milliseconds", ms},
               {"output", output}};
        if (out) j["out"] = *out;
        std::cout << j.dump() << "\n";
        return 0;
    }
    std::cout << source << ": " << g.nodeCount() << " nodes, " << result.messageSource.size()
              << " attention messages, " << m->config.numLayers << " layers x "
              << m->config.numHeads << " heads, " << std::fixed << std::setprecision(2) << ms
              << " ms\n"
              << "task: " << (nodeTask ? "node" : "graph") << "\n"
              << std::setprecision(6);
    if (nodeTask) {
        for (size_t i = 0; i < g.nodeCount(); ++i) {
            std::cout << g.nodeKey(NodeId(i)) << ":";
            for (const auto& v : output[i]) std::cout << " " << v.get<double>();
            std::cout << "\n";
        }
    } else {
        std::cout << "output:";
        for (const auto& v : output) std::cout << " " << v.get<double>();
        std::cout << "\n";
    }
    if (out) std::cout << "wrote " << *out << "\n";
    return 0;
}

}  // namespace gts::cli
