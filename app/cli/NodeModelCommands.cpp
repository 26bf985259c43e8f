// gtscope-cli info / run / ablate / prune for node-level models (model/NodeModel.h: Graph
// Transformer, GraphGPS, ... — a folder whose config.json names a node-level family).
// InfoCommand.cpp, RunCommands.cpp and AnalysisCommands.cpp hand such a model here.

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "CliArgs.h"
#include "Commands.h"
#include "analysis/NodeLevel.h"
#include "checkpoint/SafeTensors.h"
#include "io/TextInput.h"
#include "model/NodeModel.h"

namespace gts::cli {

namespace {

using model::NodeLevelModel;
using nlohmann::json;

/// "L.H,L.H" → headMask[L][H] = true, checked against the model.
std::vector<std::vector<bool>> parseNodeHeadMask(const std::string& text, const model::NodeModelSummary& s) {
    std::vector<std::vector<bool>> mask(size_t(s.numLayers), std::vector<bool>(size_t(s.numHeads), false));
    for (const std::string& item : splitList(text)) {
        const auto dot = item.find('.');
        const auto layer = dot == std::string::npos ? std::nullopt : io::parseInt(item.substr(0, dot));
        const auto head = dot == std::string::npos ? std::nullopt : io::parseInt(item.substr(dot + 1));
        if (!layer || !head) throw UsageError("--head-mask takes LAYER.HEAD items like 0.3,2.1, not '" + item + "'");
        if (*layer < 0 || *layer >= s.numLayers || *head < 0 || *head >= s.numHeads)
            throw UsageError("--head-mask " + item + ": the model has layers 0.." + std::to_string(s.numLayers - 1) +
                             " and heads 0.." + std::to_string(s.numHeads - 1));
        mask[size_t(*layer)][size_t(*head)] = true;
    }
    return mask;
}

/// The graph a node-level command runs on (one record).
Graph readNodeGraph(const CliArgs& a, const std::string& source) { return io::readGraph(source, graphReadOptions(a)); }

json outputJson(const Tensor& output, const model::NodeModelSummary& s, size_t nodes) {
    const size_t k = size_t(s.numOutputs);
    if (!s.nodeTask || output.rank() != 2) return std::vector<float>(output.data(), output.data() + output.size());
    json out = json::array();
    for (size_t i = 0; i < nodes; ++i)
        out.push_back(std::vector<float>(output.data() + i * k, output.data() + (i + 1) * k));
    return out;
}

json summaryJson(const model::NodeModelSummary& s) {
    return {{"family", s.family},           {"family_name", s.familyName}, {"attention", s.attention},
            {"layers", s.numLayers},        {"heads", s.numHeads},         {"hidden", s.hiddenDim},
            {"task", s.nodeTask ? "node" : "graph"},
            {"outputs", s.numOutputs},      {"objective", model::nodeObjectiveName(s.objective)},
            {"parameters", s.parameters}};
}

std::string nodeName(const Graph& g, int32_t v) {
    return g.hasNodeKeys() ? g.nodeKey(NodeId(v)) : std::to_string(v);
}

}  // namespace

std::shared_ptr<const model::NodeLevelModel> loadNodeModelArg(const std::string& path) {
    try {
        return model::loadNodeLevelModel(path);
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string(e.what()) + " (" + path + ")");
    }
}

void refuseTokenizeOptions(const CliArgs& a, std::initializer_list<const char*> extra) {
    auto refuse = [](const std::string& option) {
        throw UsageError("--" + option + " does not apply to a node-level model (its tokens are the graph's nodes)");
    };
    for (const char* option : extra)
        if (a.value(option) || a.flag(option)) refuse(option);
    for (const std::string& option : kTokenizeValued)
        if (option != "format" && a.value(option)) refuse(option);
    for (const std::string& option : kTokenizeFlags)
        if (a.flag(option)) refuse(option);
}

int nodeModelInfo(const std::filesystem::path& path, bool asJson) {
    const auto m = loadNodeModelArg(path.string());
    const auto& s = m->summary();
    json j = summaryJson(s);
    j["model"] = m->folder().string();
    j["weights"] = m->weightsPath().string();
    {
        std::ifstream in(m->folder() / "config.json");
        j["config"] = json::parse(in, nullptr, false);
    }
    if (asJson) {
        std::cout << j.dump(2) << "\n";
        return 0;
    }
    std::cout << m->folder().string() << " (" << s.familyName << ")\n"
              << "  weights      " << m->weightsPath().string() << "\n"
              << "  parameters   " << s.parameters << "\n"
              << "  layers       " << s.numLayers << " x " << s.numHeads << " heads, hidden " << s.hiddenDim << "\n"
              << "  attention    " << s.attention << "\n"
              << "  task         " << (s.nodeTask ? "node" : "graph") << ", " << s.numOutputs << " output(s), "
              << model::nodeObjectiveName(s.objective) << "\n";
    return 0;
}

int nodeModelRun(const CliArgs& a) {
    refuseTokenizeOptions(a, {"ids", "seed", "start", "path", "capture", "skip-layers", "row", "attention",
                              "attention-budget", "backend", "threads", "top"});
    if (a.positional().size() != 2)
        throw UsageError("usage: gtscope-cli run MODEL GRAPH[#N] [--head-mask L.H,...] [--out captures.safetensors] [--json]");
    const auto m = loadNodeModelArg(a.positional()[0]);
    const auto& s = m->summary();
    const std::string source = a.positional()[1];
    const Graph g = readNodeGraph(a, source);

    model::NodeRunOptions options;
    const auto out = a.value("out") ? a.value("out") : a.value("o");
    options.captureAttention = options.captureNodeStates = out.has_value();
    if (auto h = a.value("head-mask")) options.headMask = parseNodeHeadMask(*h, s);
    model::NodeRunResult result;
    const auto t0 = std::chrono::steady_clock::now();
    try {
        result = m->run(g, options);
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string(e.what()) + " (" + source + ")");
    }
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (out) {
        // output, attention.{l} [heads, N, N] (rows: destinations), node_states.{l} [N, d].
        std::map<std::string, Tensor> tensors{{"output", result.output}};
        for (size_t l = 0; l < result.layers.size(); ++l) {
            if (result.layers[l].attention.size()) tensors["attention." + std::to_string(l)] = result.layers[l].attention;
            if (result.layers[l].nodeStates.size())
                tensors["node_states." + std::to_string(l)] = result.layers[l].nodeStates;
        }
        checkpoint::writeSafeTensors(*out, tensors,
                                     {{"format", "gtscope-node-run"},
                                      {"model", m->folder().string()},
                                      {"input", source},
                                      {"family", s.family}});
    }

    const json output = outputJson(result.output, s, g.nodeCount());
    // Classification: the predicted class and its softmax probability per row; multi-label:
    // a sigmoid per label.
    const analysis::NodePredictions pred = analysis::nodePredictions(result.output, s.objective);
    const bool classes = s.objective == model::NodeObjective::Classification;
    const bool labels = s.objective == model::NodeObjective::MultiLabel;
    const auto describe = [&](int64_t row) {
        std::ostringstream o;
        o << std::fixed << std::setprecision(4);
        if (classes)
            o << "  -> class " << pred.predicted[size_t(row)] << " (p " << pred.row(row)[pred.predicted[size_t(row)]] << ")";
        if (labels) {
            o << "  -> p";
            for (int64_t c = 0; c < pred.outputs; ++c) o << " " << pred.row(row)[c];
        }
        return o.str();
    };
    if (a.flag("json")) {
        json j{{"model", m->folder().string()},
               {"family", s.family},
               {"input", source},
               {"task", s.nodeTask ? "node" : "graph"},
               {"objective", model::nodeObjectiveName(s.objective)},
               {"nodes", g.nodeCount()},
               {"messages", result.messageSource.size()},
               {"layers", s.numLayers},
               {"heads", s.numHeads},
               {"milliseconds", ms},
               {"output", output}};
        if (classes || labels) {
            json probabilities = json::array();
            for (int64_t r = 0; r < pred.rows; ++r) probabilities.push_back(std::vector<float>(pred.row(r), pred.row(r) + pred.outputs));
            j["probabilities"] = s.nodeTask ? probabilities : probabilities.at(0);
        }
        if (classes) j["predicted"] = s.nodeTask ? json(pred.predicted) : json(pred.predicted.at(0));
        if (out) j["out"] = *out;
        std::cout << j.dump() << "\n";
        return 0;
    }
    std::cout << source << ": " << g.nodeCount() << " nodes, " << result.messageSource.size() << " attention messages, "
              << s.numLayers << " layers x " << s.numHeads << " heads, " << std::fixed << std::setprecision(2) << ms
              << " ms\n"
              << "task: " << (s.nodeTask ? "node" : "graph") << " (" << model::nodeObjectiveName(s.objective) << ")\n"
              << std::setprecision(6);
    if (s.nodeTask) {
        for (size_t i = 0; i < g.nodeCount(); ++i) {
            std::cout << nodeName(g, int32_t(i)) << ":";
            for (const auto& v : output[i]) std::cout << " " << v.get<double>();
            std::cout << describe(int64_t(i)) << "\n";
        }
    } else {
        std::cout << "output:";
        for (const auto& v : output) std::cout << " " << v.get<double>();
        std::cout << (pred.rows == 1 ? describe(0) : std::string()) << "\n";
    }
    if (out) std::cout << "wrote " << *out << "\n";
    return 0;
}

int nodeModelAblate(const CliArgs& a) {
    refuseTokenizeOptions(a, {"seed", "start", "path", "no-reuse"});
    a.requirePositional(2, "gtscope-cli ablate MODEL GRAPH[#N] [--no-layers] [--threads N] [--json]");
    const auto m = loadNodeModelArg(a.positional()[0]);
    const std::string source = a.positional()[1];
    const Graph g = readNodeGraph(a, source);
    analysis::AblationOptions o;
    o.layers = !a.flag("no-layers");
    o.threads = int(parseCount(a, "threads", 0));
    const auto t0 = std::chrono::steady_clock::now();
    analysis::Ablation r;
    try {
        r = analysis::ablateNodes(*m, g, o);
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string(e.what()) + " (" + source + ")");
    }
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (a.flag("json")) {
        json j;
        j["model"] = m->folder().string();
        j["input"] = source;
        j["family"] = m->summary().family;
        j["measure"] = analysis::outputMeasureName(r.measure);
        j["prediction"] = r.prediction;
        j["heads"] = r.headChange;
        if (o.layers) j["layers"] = r.layerChange;
        j["layer_meaning"] = "all heads of the layer masked";
        j["runs"] = r.runs;
        j["milliseconds"] = ms;
        std::cout << j.dump() << "\n";
        return 0;
    }
    std::cout << source << ": output change (" << analysis::outputMeasureName(r.measure) << ") with one head zeroed; "
              << r.runs << " runs, " << std::fixed << std::setprecision(0) << ms << " ms\n";
    std::cout << std::left << std::setw(7) << "layer";
    for (size_t h = 0; h < (r.headChange.empty() ? 0 : r.headChange[0].size()); ++h)
        std::cout << std::right << std::setw(11) << ("head " + std::to_string(h));
    if (o.layers) std::cout << std::setw(13) << "all heads";
    std::cout << "\n" << std::setprecision(5);
    for (size_t l = 0; l < r.headChange.size(); ++l) {
        std::cout << std::left << std::setw(7) << l;
        for (double v : r.headChange[l]) std::cout << std::right << std::setw(11) << v;
        if (o.layers) std::cout << std::setw(13) << r.layerChange[l];
        std::cout << "\n";
    }
    return 0;
}

int nodeModelPrune(const CliArgs& a) {
    refuseTokenizeOptions(a, {"start", "path", "threads", "limit"});
    const std::string usage =
        "gtscope-cli prune MODEL GRAPH[#N] --method zero-tprune|random --keep R [--layers a-b] [--iterations N] "
        "[--seed N] [--json] | gtscope-cli prune MODEL GRAPHS... --sweep [--keeps 0.9,0.8,...] [--seeds K] "
        "[--layers a-b] [--json]";
    const bool sweep = a.flag("sweep");
    if (a.positional().size() < 2 || (!sweep && a.positional().size() != 2)) throw UsageError("usage: " + usage);
    const auto m = loadNodeModelArg(a.positional()[0]);
    const auto& s = m->summary();
    const int L = s.numLayers;
    if (L < 2) throw UsageError("pruning needs at least two layers (a layer prunes by the attention of the one before)");
    analysis::PruneSchedule schedule;
    schedule.lastLayer = L - 1;
    if (auto l = a.value("layers")) std::tie(schedule.firstLayer, schedule.lastLayer) = parseLayerRange(*l, L);
    analysis::ZeroTPruneOptions zo;
    zo.iterations = int(parseCount(a, "iterations", uint64_t(zo.iterations)));
    const std::string measure = analysis::outputMeasureName(analysis::nodeOutputMeasure(s));

    std::vector<Graph> graphs;
    std::vector<std::string> names(a.positional().begin() + 1, a.positional().end());
    for (const auto& name : names) graphs.push_back(readNodeGraph(a, name));
    auto guarded = [&](const std::string& where, auto&& f) {
        try {
            return f();
        } catch (const std::invalid_argument& e) {
            throw UsageError(std::string(e.what()) + " (" + where + ")");
        }
    };

    if (sweep) {
        analysis::SweepOptions so;
        so.schedule = schedule;
        so.zeroTPrune = zo;
        so.randomSeeds = int(parseCount(a, "seeds", 5));
        if (so.randomSeeds < 1) throw UsageError("--seeds must be at least 1");
        if (auto k = a.value("keeps")) {
            so.keepRatios.clear();
            for (const auto& part : splitList(*k)) so.keepRatios.push_back(parseRatio(part, "--keeps"));
        }
        std::vector<const Graph*> pointers;
        for (const Graph& g : graphs) pointers.push_back(&g);
        const auto points = guarded(names.front(), [&] { return analysis::pruneNodesSweep(*m, pointers, so); });
        if (a.flag("json")) {
            json j;
            j["model"] = m->folder().string();
            j["graphs"] = graphs.size();
            j["measure"] = measure;
            j["layers"] = {schedule.firstLayer, schedule.lastLayer};
            j["random_seeds"] = so.randomSeeds;
            for (const auto& p : points)
                j["points"].push_back({{"method", analysis::pruneMethodName(p.method)},
                                       {"keep", p.keepRatio},
                                       {"flops_ratio", p.flopsRatio},
                                       {"mean_change", p.meanChange},
                                       {"std_change", p.stddevChange},
                                       {"samples", p.samples}});
            std::cout << j.dump() << "\n";
            return 0;
        }
        std::cout << graphs.size() << " graph(s), layers " << schedule.firstLayer << "-" << schedule.lastLayer
                  << ", output change (" << measure << "), mean (sd)\n";
        std::cout << std::setw(6) << "keep" << std::setw(8) << "FLOPs" << std::setw(22) << "zero-tprune" << std::setw(22)
                  << "random\n";
        for (size_t i = 0; i + 1 < points.size(); i += 2) {
            auto cell = [](const analysis::SweepPoint& p) {
                std::ostringstream c;
                c << std::fixed << std::setprecision(4) << p.meanChange << " (" << p.stddevChange << ")";
                return c.str();
            };
            std::cout << std::fixed << std::setprecision(2) << std::setw(6) << points[i].keepRatio << std::setw(8)
                      << points[i].flopsRatio << std::setw(22) << cell(points[i]) << std::setw(22) << cell(points[i + 1])
                      << "\n";
        }
        return 0;
    }

    analysis::PruneOptions o;
    o.schedule = schedule;
    o.zeroTPrune = zo;
    o.seed = parseCount(a, "seed", 0);
    const std::string method = a.value("method").value_or("zero-tprune");
    if (method == "zero-tprune") o.method = analysis::PruneMethod::ZeroTPrune;
    else if (method == "random") o.method = analysis::PruneMethod::Random;
    else throw UsageError("--method " + method + ": expected zero-tprune or random");
    o.schedule.keepRatio = parseRatio(a.value("keep").value_or("0.7"), "--keep");
    const Graph& g = graphs.front();
    const analysis::PruneResult r = guarded(names.front(), [&] { return analysis::pruneNodes(*m, g, o); });
    auto output = [](const model::RunResult& x) {
        return std::vector<float>(x.logits.data(), x.logits.data() + x.logits.size());
    };
    if (a.flag("json")) {
        json j;
        j["model"] = m->folder().string();
        j["input"] = names.front();
        j["family"] = s.family;
        j["method"] = analysis::pruneMethodName(o.method);
        j["keep"] = o.schedule.keepRatio;
        j["nodes"] = g.nodeCount();
        j["layer_nodes"] = r.layerPositions;
        for (size_t l = 0; l < r.dropped.size(); ++l) {
            json dropped = json::array();
            for (int32_t v : r.dropped[l]) dropped.push_back({{"node", v}, {"key", nodeName(g, v)}});
            j["dropped"].push_back(dropped);
        }
        j["flops_full"] = r.flopsFull;
        j["flops_pruned"] = r.flopsPruned;
        j["flops_ratio"] = r.flopsPruned / r.flopsFull;
        j["output_full"] = output(r.full);
        j["output_pruned"] = output(r.pruned);
        j["output_meaning"] = s.nodeTask ? "mean over the remaining nodes" : "graph output";
        j["measure"] = measure;
        j["change"] = r.change;
        std::cout << j.dump() << "\n";
        return 0;
    }
    std::cout << names.front() << ": " << analysis::pruneMethodName(o.method) << " on nodes, keep " << o.schedule.keepRatio
              << ", layers " << schedule.firstLayer << "-" << schedule.lastLayer << "\n";
    for (size_t l = 0; l < r.dropped.size(); ++l) {
        std::cout << "layer " << l << ": " << r.layerPositions[l] << " nodes";
        if (!r.dropped[l].empty()) {
            std::cout << ", dropped";
            for (int32_t v : r.dropped[l]) std::cout << " " << nodeName(g, v);
        }
        std::cout << "\n";
    }
    std::cout << std::setprecision(4) << "FLOPs: " << r.flopsPruned / r.flopsFull << " of the full run\n";
    if (!s.nodeTask) {
        std::cout << "output: full";
        for (float v : output(r.full)) std::cout << " " << v;
        std::cout << ", pruned";
        for (float v : output(r.pruned)) std::cout << " " << v;
        std::cout << "\n";
    }
    std::cout << "change (" << measure << "): " << r.change << "\n";
    return 0;
}

}  // namespace gts::cli
