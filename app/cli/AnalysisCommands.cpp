// gtscope-cli metrics MODEL GRAPH...  — per-head attention metrics (one graph, or mean ± sd)
// gtscope-cli ablate MODEL GRAPH      — output change with each head / layer removed
// gtscope-cli prune MODEL GRAPH       — Zero-TPrune or random token pruning; --sweep for curves

#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "CliArgs.h"
#include "Commands.h"
#include "analysis/Ablation.h"
#include "analysis/NodeLevel.h"
#include "analysis/HeadStats.h"
#include "analysis/Pruning.h"
#include "analysis/Saliency.h"
#include "io/GraphIO.h"
#include "model/ModelFolder.h"
#include "model/NodeModel.h"

namespace gts::cli {

std::pair<int, int> parseLayerRange(const std::string& text, int layers) {
    const auto dash = text.find('-');
    try {
        const int a = std::stoi(text.substr(0, dash));
        const int b = dash == std::string::npos ? a : std::stoi(text.substr(dash + 1));
        if (a < 1 || b < a || b >= layers) throw std::out_of_range("range");
        return {a, b};
    } catch (const std::exception&) {
        throw UsageError("--layers " + text + ": expected a-b with 1 <= a <= b < " + std::to_string(layers));
    }
}

double parseRatio(const std::string& text, const std::string& what) {
    try {
        size_t used = 0;
        const double v = std::stod(text, &used);
        if (used == text.size() && v > 0.0 && v <= 1.0) return v;
    } catch (const std::exception&) {
    }
    throw UsageError(what + " " + text + ": expected a ratio in (0, 1]");
}

namespace {

using nlohmann::json;

struct Loaded {
    std::shared_ptr<const model::GraphGptModel> model;
    /// A node-level model instead (tokens = the graph's nodes; inputs hold no ids).
    std::shared_ptr<const model::NodeLevelModel> nodeModel;
    std::vector<Graph> graphs;
    std::vector<TokenSequence> tokens;
    std::vector<model::SequenceInput> inputs;
    std::vector<std::string> names;
    size_t skipped = 0;
    std::string firstSkipReason;
};

std::shared_ptr<const model::GraphGptModel> loadModelArg(const std::string& path) {
    try {
        return model::loadGraphGptModel(path);
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string(e.what()) + " (" + path + ")");
    }
}

/// Reads every graph of every file (records that do not parse or tokenize are skipped and
/// counted); --limit N stops after N graphs.
Loaded loadInputs(const CliArgs& a, size_t firstGraphArg, bool nodeLevelAllowed = false) {
    Loaded d;
    if (nodeLevelAllowed && model::isNodeLevelModelPath(a.positional()[0])) {
        refuseTokenizeOptions(a, {"start", "path"});
        d.nodeModel = loadNodeModelArg(a.positional()[0]);
    } else {
        d.model = loadModelArg(a.positional()[0]);
        if (!d.model->hasVocab)
            throw UsageError("the model has no vocab file, so graphs cannot be turned into ids (" +
                             d.model->files.folder.string() + ")");
    }
    const TokenizeOptions options = d.model ? tokenizeOptions(a, d.model->tokenization) : TokenizeOptions{};
    const uint64_t limit = parseCount(a, "limit", 0);
    for (size_t f = firstGraphArg; f < a.positional().size(); ++f) {
        const std::string& path = a.positional()[f];
        io::ReadOptions ro = graphReadOptions(a);
        std::vector<io::ParseError> unreadable;
        ro.skipped = &unreadable;
        // FILE#N names one record (readGraph understands it); a plain file gives all of them.
        const bool oneRecord = !std::filesystem::exists(path) && path.find('#') != std::string::npos;
        const auto graphs = oneRecord ? std::vector<Graph>{io::readGraph(path, graphReadOptions(a))}
                                      : io::readGraphs(path, ro);
        d.skipped += unreadable.size();
        if (!unreadable.empty() && d.firstSkipReason.empty()) d.firstSkipReason = unreadable.front().what();
        for (size_t i = 0; i < graphs.size(); ++i) {
            if (limit && d.inputs.size() >= limit) break;
            const std::string name = graphs.size() == 1 ? path : path + "#" + std::to_string(i);
            try {
                if (d.nodeModel) {
                    d.inputs.emplace_back();
                    d.tokens.push_back(analysis::nodeTokenSequence(graphs[i]));
                    d.graphs.push_back(graphs[i]);
                    d.names.push_back(name);
                    continue;
                }
                TokenSequence seq = graphs.size() == 1 ? tokenizeWithArgs(a, graphs[i], options, name)
                                                       : tokenize(graphs[i], options, parseCount(a, "seed", 0));
                model::SequenceInput in;
                in.ids = seq.ids(d.model->vocab);
                d.inputs.push_back(std::move(in));
                d.tokens.push_back(std::move(seq));
                d.graphs.push_back(graphs[i]);
                d.names.push_back(name);
            } catch (const std::exception& e) {  // too many nodes, unknown token
                if (graphs.size() == 1 && a.positional().size() == firstGraphArg + 1) throw UsageError(std::string(e.what()) + " (" + name + ")");
                if (d.skipped++ == 0) d.firstSkipReason = e.what();
            }
        }
    }
    if (d.inputs.empty())
        throw UsageError("no graph to analyse" + (d.firstSkipReason.empty() ? std::string() : ": " + d.firstSkipReason));
    return d;
}


int runMetrics(const std::vector<std::string>& args) {
    auto valued = kTokenizeValued;
    valued.insert({"seed", "start", "path", "hops", "limit", "o", "threads"});
    auto flags = kTokenizeFlags;
    flags.insert({"json", "csv", "similarity"});
    CliArgs a(args, flags, valued);
    const std::string usage =
        "gtscope-cli metrics MODEL GRAPH... [--hops K] [--limit N] [--seed N] [--similarity] "
        "[--json|--csv] [-o FILE]";
    if (a.positional().size() < 2) throw UsageError("usage: " + usage);
    if (a.flag("json") && a.flag("csv")) throw UsageError("--json and --csv exclude each other");
    const Loaded d = loadInputs(a, 1, /*nodeLevelAllowed=*/true);
    analysis::HeadStatsOptions so;
    so.maxHops = static_cast<int>(parseCount(a, "hops", 4));
    if (so.maxHops > 64) throw UsageError("--hops " + std::to_string(so.maxHops) + ": at most 64");
    so.causal = d.model && d.model->config.causalAttention;

    model::RunOptions ro;
    ro.captureAttention = true;
    ro.threads = static_cast<int>(parseCount(a, "threads", 0));
    std::vector<analysis::RunHeadStats> perGraph;
    std::optional<analysis::HeadSimilarity> similarity;
    // One graph at a time: attention of all layers for many graphs would not fit.
    for (size_t i = 0; i < d.inputs.size(); ++i) {
        model::RunResult result;
        if (d.nodeModel) {
            model::NodeRunOptions no;
            no.captureAttention = true;
            try {
                result = analysis::nodeRunResult(d.nodeModel->run(d.graphs[i], no), d.nodeModel->summary(),
                                                 d.graphs[i].nodeCount());
            } catch (const std::invalid_argument& e) {
                throw UsageError(std::string(e.what()) + " (" + d.names[i] + ")");
            }
        } else {
            result = model::runGraphGpt(*d.model, {d.inputs[i]}, ro).front();
        }
        perGraph.push_back(analysis::computeHeadStats(result, d.tokens[i], d.graphs[i], so));
        if (a.flag("similarity") && d.inputs.size() == 1) similarity = analysis::headSimilarity(result, false);
    }
    const auto summary = analysis::summarizeHeadStats(perGraph);

    std::ostringstream out;
    if (a.flag("csv")) {
        out << "layer,head,metric,mean,std,graphs\n";
        for (const auto& s : summary)
            for (size_t k = 0; k < s.names.size(); ++k)
                out << s.layer << "," << s.head << "," << s.names[k] << "," << s.mean[k] << ","
                    << s.stddev[k] << "," << s.graphs << "\n";
    } else if (a.flag("json")) {
        json j;
        j["model"] = d.model ? d.model->files.folder.string() : d.nodeModel->folder().string();
        j["graphs"] = d.inputs.size();
        j["skipped"] = d.skipped;
        j["max_hops"] = so.maxHops;
        j["graph_aware"] = std::all_of(perGraph.begin(), perGraph.end(), [](const auto& r) { return r.graphAware; });
        for (const auto& s : summary) {
            json h = {{"layer", s.layer}, {"head", s.head}, {"graphs", s.graphs}};
            for (size_t k = 0; k < s.names.size(); ++k) h["mean"][s.names[k]] = s.mean[k];
            for (size_t k = 0; k < s.names.size(); ++k) h["std"][s.names[k]] = s.stddev[k];
            j["heads"].push_back(h);
        }
        if (similarity) {
            j["similarity"]["heads"] = json::array();
            for (const auto& h : similarity->heads) j["similarity"]["heads"].push_back({h.layer, h.head});
            json m = json::array();
            for (double v : similarity->jsd) m.push_back(std::isnan(v) ? json() : json(v));
            j["similarity"]["jsd"] = m;
            j["similarity"]["order"] = analysis::clusterHeads(*similarity).order;
        }
        out << j.dump() << "\n";
    } else {
        out << d.inputs.size() << " graph(s)";
        if (d.skipped) out << " (" << d.skipped << " skipped: " << d.firstSkipReason << ")";
        out << ", " << (d.model ? d.model->config.numLayers : d.nodeModel->summary().numLayers) << " layers x "
            << (d.model ? d.model->config.numHeads : d.nodeModel->summary().numHeads)
            << " heads" << (d.inputs.size() > 1 ? "; mean (sd) over graphs" : "") << "\n";
        // The columns a reader scans first; --json/--csv have every metric.
        const std::vector<std::string> shown = {"entropy", "confidence", "self_mass", "sink_mass",
                                                "seq_distance", "same_node_mass", "hop_0", "hop_1",
                                                "hop_2", "mean_hops"};
        out << std::left << std::setw(6) << "head";
        for (const auto& n : shown) out << std::right << std::setw(n.size() > 10 ? n.size() + 2 : 12) << n;
        out << "  no-op\n";
        for (const auto& s : summary) {
            out << std::left << std::setw(6) << (std::to_string(s.layer) + "." + std::to_string(s.head));
            double noop = 0.0;
            for (const auto& n : shown) {
                const auto it = std::find(s.names.begin(), s.names.end(), n);
                std::ostringstream cell;
                if (it != s.names.end()) {
                    const auto k = static_cast<size_t>(it - s.names.begin());
                    cell << std::fixed << std::setprecision(3) << s.mean[k];
                    if (s.graphs > 1) cell << "(" << std::setprecision(2) << s.stddev[k] << ")";
                } else {
                    cell << "-";
                }
                out << std::right << std::setw(n.size() > 10 ? static_cast<int>(n.size()) + 2 : 12) << cell.str();
            }
            const auto it = std::find(s.names.begin(), s.names.end(), "no_op");
            if (it != s.names.end()) noop = s.mean[static_cast<size_t>(it - s.names.begin())];
            out << "  " << (noop >= 0.5 ? "yes" : "") << "\n";
        }
    }
    if (auto o = a.value("o")) {
        io::writeFileAtomically(*o, out.str());
    } else {
        std::cout << out.str();
    }
    return 0;
}

int runAblate(const std::vector<std::string>& args) {
    auto valued = kTokenizeValued;
    valued.insert({"seed", "start", "path", "threads"});
    auto flags = kTokenizeFlags;
    flags.insert({"json", "no-layers", "no-reuse"});
    CliArgs a(args, flags, valued);
    a.requirePositional(2, "gtscope-cli ablate MODEL GRAPH[#N] [--seed N] [--no-layers] [--no-reuse] [--json]");
    if (model::isNodeLevelModelPath(a.positional()[0])) return nodeModelAblate(a);
    const Loaded d = loadInputs(a, 1);
    analysis::AblationOptions o;
    o.layers = !a.flag("no-layers");
    o.reuseActivations = !a.flag("no-reuse");
    o.threads = static_cast<int>(parseCount(a, "threads", 0));
    const auto t0 = std::chrono::steady_clock::now();
    const analysis::Ablation r = analysis::ablate(*d.model, d.inputs.front(), o);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (a.flag("json")) {
        json j;
        j["model"] = d.model->files.folder.string();
        j["input"] = d.names.front();
        j["measure"] = analysis::outputMeasureName(r.measure);
        j["prediction"] = r.prediction;
        j["heads"] = r.headChange;
        if (o.layers) j["layers"] = r.layerChange;
        j["runs"] = r.runs;
        j["milliseconds"] = ms;
        std::cout << j.dump() << "\n";
        return 0;
    }
    std::cout << d.names.front() << ": output change (" << analysis::outputMeasureName(r.measure)
              << ") with one head zeroed; " << r.runs << " runs, " << std::fixed << std::setprecision(0)
              << ms << " ms\n";
    std::cout << std::left << std::setw(7) << "layer";
    for (size_t h = 0; h < (r.headChange.empty() ? 0 : r.headChange[0].size()); ++h)
        std::cout << std::right << std::setw(11) << ("head " + std::to_string(h));
    if (o.layers) std::cout << std::setw(13) << "whole layer";
    std::cout << "\n" << std::setprecision(5);
    for (size_t l = 0; l < r.headChange.size(); ++l) {
        std::cout << std::left << std::setw(7) << l;
        for (double v : r.headChange[l]) std::cout << std::right << std::setw(11) << v;
        if (o.layers) std::cout << std::setw(13) << r.layerChange[l];
        std::cout << "\n";
    }
    return 0;
}

int runPrune(const std::vector<std::string>& args) {
    auto valued = kTokenizeValued;
    valued.insert({"seed", "start", "path", "threads", "method", "keep", "layers", "iterations",
                   "keeps", "seeds", "limit"});
    auto flags = kTokenizeFlags;
    flags.insert({"json", "sweep"});
    CliArgs a(args, flags, valued);
    const std::string usage =
        "gtscope-cli prune MODEL GRAPH[#N] --method zero-tprune|random --keep R [--layers a-b] "
        "[--iterations N] [--seed N] [--json] | gtscope-cli prune MODEL GRAPHS... --sweep "
        "[--keeps 0.9,0.8,...] [--seeds K] [--layers a-b] [--limit N] [--json]";
    if (a.positional().size() < 2) throw UsageError("usage: " + usage);
    if (model::isNodeLevelModelPath(a.positional()[0])) return nodeModelPrune(a);
    const bool sweep = a.flag("sweep");
    if (!sweep && a.positional().size() != 2) throw UsageError("usage: " + usage);
    const Loaded d = loadInputs(a, 1);
    const int L = d.model->config.numLayers;
    if (L < 2) throw UsageError("pruning needs at least two layers (a layer prunes by the attention of the one before)");
    analysis::PruneSchedule schedule;
    schedule.lastLayer = L - 1;
    if (auto l = a.value("layers")) std::tie(schedule.firstLayer, schedule.lastLayer) = parseLayerRange(*l, L);
    analysis::ZeroTPruneOptions zo;
    zo.iterations = static_cast<int>(parseCount(a, "iterations", static_cast<uint64_t>(zo.iterations)));
    const int threads = static_cast<int>(parseCount(a, "threads", 0));

    if (sweep) {
        analysis::SweepOptions so;
        so.schedule = schedule;
        so.zeroTPrune = zo;
        so.threads = threads;
        so.randomSeeds = static_cast<int>(parseCount(a, "seeds", 5));
        if (so.randomSeeds < 1) throw UsageError("--seeds must be at least 1");
        if (auto k = a.value("keeps")) {
            so.keepRatios.clear();
            for (const auto& part : splitList(*k)) so.keepRatios.push_back(parseRatio(part, "--keeps"));
        }
        const auto points = analysis::pruneSweep(*d.model, d.inputs, so);
        if (a.flag("json")) {
            json j;
            j["model"] = d.model->files.folder.string();
            j["graphs"] = d.inputs.size();
            j["skipped"] = d.skipped;
            j["measure"] = analysis::outputMeasureName(analysis::outputMeasure(*d.model));
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
        std::cout << d.inputs.size() << " graph(s), layers " << schedule.firstLayer << "-" << schedule.lastLayer
                  << ", output change (" << analysis::outputMeasureName(analysis::outputMeasure(*d.model))
                  << "), mean (sd)\n";
        std::cout << std::setw(6) << "keep" << std::setw(8) << "FLOPs" << std::setw(22) << "zero-tprune"
                  << std::setw(22) << "random\n";
        for (size_t i = 0; i + 1 < points.size(); i += 2) {
            auto cell = [](const analysis::SweepPoint& p) {
                std::ostringstream c;
                c << std::fixed << std::setprecision(4) << p.meanChange << " (" << p.stddevChange << ")";
                return c.str();
            };
            std::cout << std::fixed << std::setprecision(2) << std::setw(6) << points[i].keepRatio
                      << std::setw(8) << points[i].flopsRatio << std::setw(22) << cell(points[i])
                      << std::setw(22) << cell(points[i + 1]) << "\n";
        }
        return 0;
    }

    analysis::PruneOptions o;
    o.schedule = schedule;
    o.zeroTPrune = zo;
    o.threads = threads;
    o.seed = parseCount(a, "seed", 0);
    const std::string method = a.value("method").value_or("zero-tprune");
    if (method == "zero-tprune") o.method = analysis::PruneMethod::ZeroTPrune;
    else if (method == "random") o.method = analysis::PruneMethod::Random;
    else throw UsageError("--method " + method + ": expected zero-tprune or random");
    o.schedule.keepRatio = parseRatio(a.value("keep").value_or("0.7"), "--keep");
    const analysis::PruneResult r = analysis::prune(*d.model, d.inputs.front(), o);
    const TokenSequence& seq = d.tokens.front();
    auto describe = [&](int32_t p) {
        const PositionSource& s = seq.positionSources[static_cast<size_t>(p)];
        if (s.kind == PositionKind::Eos) return std::string("eos");
        if (s.kind == PositionKind::Node) return "node " + d.graphs.front().nodeKey(s.node);
        return s.edge == kNoIndex ? std::string("jump") : "edge " + std::to_string(s.edge);
    };
    auto output = [](const model::RunResult& x) {
        return x.logits.rank() == 1 ? std::vector<float>(x.logits.data(), x.logits.data() + x.logits.size())
                                    : std::vector<float>{};
    };
    if (a.flag("json")) {
        json j;
        j["model"] = d.model->files.folder.string();
        j["input"] = d.names.front();
        j["method"] = analysis::pruneMethodName(o.method);
        j["keep"] = o.schedule.keepRatio;
        j["positions"] = d.inputs.front().ids.size();
        j["layer_positions"] = r.layerPositions;
        for (size_t l = 0; l < r.dropped.size(); ++l) {
            json dropped = json::array();
            for (int32_t p : r.dropped[l]) dropped.push_back({{"position", p}, {"is", describe(p)}});
            j["dropped"].push_back(dropped);
        }
        j["flops_full"] = r.flopsFull;
        j["flops_pruned"] = r.flopsPruned;
        j["flops_ratio"] = r.flopsPruned / r.flopsFull;
        j["output_full"] = output(r.full);
        j["output_pruned"] = output(r.pruned);
        j["measure"] = analysis::outputMeasureName(analysis::outputMeasure(*d.model));
        j["change"] = r.change;
        std::cout << j.dump() << "\n";
        return 0;
    }
    std::cout << d.names.front() << ": " << analysis::pruneMethodName(o.method) << ", keep "
              << o.schedule.keepRatio << ", layers " << schedule.firstLayer << "-" << schedule.lastLayer << "\n";
    for (size_t l = 0; l < r.dropped.size(); ++l) {
        std::cout << "layer " << l << ": " << r.layerPositions[l] << " positions";
        if (!r.dropped[l].empty()) {
            std::cout << ", dropped";
            for (int32_t p : r.dropped[l]) std::cout << " " << p << " (" << describe(p) << ")";
        }
        std::cout << "\n";
    }
    std::cout << std::setprecision(4) << "FLOPs: " << r.flopsPruned / r.flopsFull << " of the full run\n";
    const auto full = output(r.full), pruned = output(r.pruned);
    if (!full.empty()) {
        std::cout << "output: full";
        for (float v : full) std::cout << " " << v;
        std::cout << ", pruned";
        for (float v : pruned) std::cout << " " << v;
        std::cout << "\n";
    }
    std::cout << "change (" << analysis::outputMeasureName(analysis::outputMeasure(*d.model)) << "): " << r.change << "\n";
    return 0;
}

const CommandRegistration metricsCommand{
    "metrics", "MODEL GRAPH... [--hops K] [--json|--csv]: per-head attention metrics (mean and sd over many graphs)",
    runMetrics};
const CommandRegistration ablateCommand{
    "ablate", "MODEL GRAPH [--json]: output change with each head and each layer removed", runAblate};
const CommandRegistration pruneCommand{
    "prune", "MODEL GRAPH --method zero-tprune|random --keep R [--layers a-b] [--json] | --sweep: token pruning",
    runPrune};

}  // namespace
}  // namespace gts::cli
