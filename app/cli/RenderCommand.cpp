// gtscope-cli render MODEL GRAPH | --session FILE — a figure of one view (graph attention,
// attention matrix, head grid, token sequence, pruning survivors, saliency) as SVG, PDF or PNG,
// built by the core/scene builders with the screen views' encodings. Node positions come from
// the layout the app computes (layout::computeLayout, Auto, default seed) or, for a session the
// app saved, from the session's own layout, so the figure matches the app.
//
// --session renders from a saved session (store::Session: graph, tokenization, cached run
// "run0."), with no engine run; the pruning view alone needs the model (it runs pruned forwards).

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <set>

#include <nlohmann/json.hpp>

#include "analysis/NodeLevel.h"
#include "model/NodeModel.h"
#include "CliArgs.h"
#include "Commands.h"
#include "analysis/AttentionView.h"
#include "analysis/HeadMetrics.h"
#include "analysis/Pruning.h"
#include "analysis/Saliency.h"
#include "graph/AttrNames.h"
#include "graph/Attributes.h"
#include "layout/Layout.h"
#include "model/GraphGptConfig.h"
#include "model/ModelFolder.h"
#include "model/Run.h"
#include "scene/PdfWriter.h"
#include "scene/SvgWriter.h"
#include "scene/Views.h"
#include "store/RunResultStore.h"
#include "store/Session.h"

#ifdef GTS_HAVE_PAINTER
#include <QGuiApplication>

#include "ScenePainter.h"
#endif

namespace gts::cli {

namespace {

using nlohmann::json;

constexpr int kDefaultDpi = 150;
constexpr int kMaxDpi = 2400;  // renderScene's bound
constexpr int kMaxFigureSize = 10000;

const char* const kUsage =
    "gtscope-cli render (MODEL GRAPH | --session FILE) "
    "--view graph-attention|attention-matrix|head-grid|sequence|pruning|saliency[,VIEW...] "
    "[--columns N] "
    "[--layer L] [--head H|mean|max] [--query T] [--theme paper|dark] [--map viridis|cividis] "
    "[--metric entropy|confidence|self-mass|none] [--keep R] [--method "
    "rollout|flow|zero-tprune|random] "
    "[--size PT] [--dpi N] [--no-prediction-fill] [tokenize options] -o FIG.svg|pdf|png";

int parseIndex(const std::string& text, const char* what, int limit) {
    size_t used = 0;
    int v = -1;
    try {
        v = std::stoi(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != text.size() || v < 0 || v >= limit)
        throw UsageError(std::string(what) + " " + text + " is not in 0.." +
                         std::to_string(limit - 1));
    return v;
}

double parseRatio(const std::string& text, const char* what) {
    size_t used = 0;
    double v = -1.0;
    try {
        v = std::stod(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != text.size() || !(v > 0.0 && v <= 1.0))
        throw UsageError(std::string(what) + " " + text + " is not in (0, 1]");
    return v;
}

/// What every view is drawn from.
struct Inputs {
    std::shared_ptr<const model::GraphGptModel>
        model;  // null for a session whose model is not needed
    std::string modelPath;
    Graph graph;
    TokenSequence tokens;
    model::RunResult result;
    std::vector<float> x, y;  // layout
    std::string source;       // names the input in errors
    // A saved view's selection (sessions the app wrote); the command line overrides it.
    std::optional<int> layer, head, query;
    std::optional<analysis::HeadAggregation> aggregation;
    /// A node-level model's run (tokens = the graph's nodes); nodeModel is loaded when needed.
    bool nodeLevel = false;
    std::shared_ptr<const model::NodeLevelModel> nodeModel;
    /// A node classifier's classes or a node regressor's values fill the nodes (the saved view's
    /// choice; --no-prediction-fill).
    bool nodeClasses = true;
};

std::shared_ptr<const model::GraphGptModel> loadModel(const std::string& path) {
    try {
        return model::loadGraphGptModel(path);
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string(e.what()) + " (" + path + ")");
    }
}

model::SequenceInput idsOf(const Inputs& in) {
    if (!in.model->hasVocab) throw UsageError("the model has no vocab file (" + in.modelPath + ")");
    model::SequenceInput input;
    try {
        input.ids = in.tokens.ids(in.model->vocab);
    } catch (const std::exception& e) {
        throw UsageError(std::string(e.what()) + " (" + in.source + ")");
    }
    return input;
}

void computeLayoutOf(Inputs& in) {
    layout::Layout l = layout::computeLayout(in.graph, layout::LayoutMethod::Auto);
    in.x = std::move(l.x);
    in.y = std::move(l.y);
}

Inputs fromModelAndGraph(const CliArgs& a) {
    Inputs in;
    in.modelPath = a.positional()[0];
    if (model::isNodeLevelModelPath(in.modelPath)) {
        refuseTokenizeOptions(a);
        in.nodeLevel = true;
        in.nodeModel = loadNodeModelArg(in.modelPath);
        in.source = a.positional()[1];
        in.graph = io::readGraph(in.source, graphReadOptions(a));
        in.tokens = analysis::nodeTokenSequence(in.graph);
        model::NodeRunOptions options;
        options.captureAttention = true;
        try {
            in.result = analysis::nodeRunResult(in.nodeModel->run(in.graph, options), in.nodeModel->summary(),
                                                in.graph.nodeCount());
        } catch (const std::invalid_argument& e) {
            throw UsageError(std::string(e.what()) + " (" + in.source + ")");
        }
        computeLayoutOf(in);
        return in;
    }
    in.model = loadModel(in.modelPath);
    in.source = a.positional()[1];
    in.graph = io::readGraph(in.source, graphReadOptions(a));
    in.tokens =
        tokenizeWithArgs(a, in.graph, tokenizeOptions(a, in.model->tokenization), in.source);
    const model::SequenceInput input = idsOf(in);
    model::RunOptions options;
    options.captureAttention = true;
    try {
        in.result = model::runGraphGpt(*in.model, {input}, options).front();
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string(e.what()) + " (" + in.source + ")");
    }
    computeLayoutOf(in);
    return in;
}

/// The JSON of settings[key], or null when absent; a setting that is not JSON is an error
/// naming the file.
json settingJson(const store::Session& s, const std::string& key, const std::string& file) {
    const auto it = s.settings.find(key);
    if (it == s.settings.end()) return nullptr;
    json j = json::parse(it->second, nullptr, false);
    if (j.is_discarded())
        throw UsageError("session setting \"" + key + "\" is not JSON (" + file + ")");
    return j;
}

/// A session written by `gtscope-cli session create` (settings "tokenize": the tokenize
/// arguments) or by the app (settings "tokenizeOptions" and "seed", tensor "layout.xy", view).
Inputs fromSession(const std::string& file, bool needModel) {
    store::OpenReport report;
    store::Session s;
    try {
        s = store::openSession(file, &report, /*migrateInPlace=*/false);
    } catch (const store::SessionError& e) {
        throw UsageError(e.what());
    }
    for (const std::string& w : report.warnings)
        std::cerr << "warning: " << w << " (" << file << ")\n";
    Inputs in;
    in.source = file;
    if (s.graphs.empty()) throw UsageError("the session has no graph (" + file + ")");
    const store::StoredGraph& stored = s.graphs.front();
    const auto format = io::parseFormat(stored.format);
    if (!format)
        throw UsageError("the session's graph has an unknown format '" + stored.format + "' (" +
                         file + ")");
    std::vector<Graph> graphs = io::readGraphsFromText(stored.text, *format, file + " (graph)");
    if (graphs.empty()) throw UsageError("the session's graph is empty (" + file + ")");
    in.graph = std::move(graphs.front());

    const auto run = store::getRunResult(s, "run0.");
    if (!run)
        throw UsageError(
            "the session holds no cached run (run0.); open it in the app and save, or "
            "make it with gtscope-cli session create (" +
            file + ")");
    in.result = *run;

    const json tokenizeArgs = settingJson(s, "tokenize", file);
    const json runSetting = settingJson(s, "run", file);
    in.nodeLevel = runSetting.is_object() && runSetting.value("nodeLevel", false);
    const bool fromCli = !in.nodeLevel && tokenizeArgs.is_object() && !s.settings.count("tokenizeOptions");
    in.modelPath = s.model.path;
    if (in.nodeLevel) {
        // A node-level run: the tokens are the nodes (analysis::nodeTokenSequence).
        if (needModel) {
            if (in.modelPath.empty()) throw UsageError("the session names no model (" + file + ")");
            in.nodeModel = loadNodeModelArg(in.modelPath);
        } else if (!in.modelPath.empty()) {
            // Only for what the saved run means (a classifier's node classes): a model that is
            // gone leaves the figure without them, as the window shows it.
            try {
                in.nodeModel = loadNodeModelArg(in.modelPath);
            } catch (const std::exception& e) {
                std::cerr << "note: " << e.what() << "; node classes are not drawn (" << file << ")\n";
            }
        }
        in.tokens = analysis::nodeTokenSequence(in.graph);
    } else if (needModel || fromCli) {
        if (in.modelPath.empty()) throw UsageError("the session names no model (" + file + ")");
        in.model = loadModel(in.modelPath);
    }
    if (in.nodeLevel) {
        // (tokens set above)
    } else if (fromCli) {
        // Replays the tokenize arguments `session create` recorded over the model's tokenization.
        std::vector<std::string> args = {in.modelPath, "graph"};
        for (const auto& [name, value] : tokenizeArgs.items()) {
            args.push_back("--" + name);
            if (value.is_string()) args.push_back(value.get<std::string>());
        }
        const CliArgs replay(args, kTokenizeFlags, kTokenizeValued);
        in.tokens = tokenizeWithArgs(replay, in.graph,
                                     tokenizeOptions(replay, in.model->tokenization), file);
    } else {
        const auto it = s.settings.find("tokenizeOptions");
        if (it == s.settings.end())
            throw UsageError("the session records no tokenization (" + file + ")");
        const TokenizeOptions options =
            model::parseTokenizationJson(it->second, file + " (tokenizeOptions)");
        uint64_t seed = 0;
        const json seedJson = settingJson(s, "seed", file);
        if (seedJson.is_object() && seedJson.contains("seed") &&
            seedJson["seed"].is_number_unsigned())
            seed = seedJson["seed"].get<uint64_t>();
        try {
            in.tokens = tokenize(in.graph, options, seed);
        } catch (const std::invalid_argument& e) {
            throw UsageError(std::string(e.what()) + " (" + file + ")");
        }
    }
    // The tokens the run was made on, checked against the re-tokenization.
    const json stored_tokens = settingJson(s, "tokens", file);
    if (stored_tokens.is_array()) {
        std::vector<std::vector<std::string>> tokens;
        try {
            tokens = stored_tokens.get<std::vector<std::vector<std::string>>>();
        } catch (const json::exception&) {
            throw UsageError("session setting \"tokens\" is not a list of token lists (" + file +
                             ")");
        }
        if (tokens != in.tokens.positions)
            throw UsageError(
                "the session's graph tokenizes differently from the tokens its run was made on (" +
                file + ")");
    }
    if (in.result.layers.empty() ||
        in.result.layers.front().positions.size() != in.tokens.positions.size())
        throw UsageError("the session's cached run does not cover its " +
                         std::to_string(in.tokens.positions.size()) + " positions (" + file + ")");

    const auto xy = s.tensors.find("layout.xy");
    if (xy != s.tensors.end() && xy->second.rank() == 2 &&
        xy->second.dim(0) == int64_t(in.graph.nodeCount()) && xy->second.dim(1) == 2) {
        for (int64_t v = 0; v < xy->second.dim(0); ++v) {
            in.x.push_back(xy->second.data()[2 * v]);
            in.y.push_back(xy->second.data()[2 * v + 1]);
        }
    } else {
        computeLayoutOf(in);
    }
    const json view = json::parse(s.viewJson, nullptr, false);
    if (view.is_object()) {
        if (view.contains("layer") && view["layer"].is_number_integer())
            in.layer = view["layer"].get<int>();
        if (view.contains("head") && view["head"].is_number_integer())
            in.head = view["head"].get<int>();
        if (view.contains("query") && view["query"].is_number_integer())
            in.query = view["query"].get<int>();
        if (view.contains("aggregation") && view["aggregation"].is_string())
            for (auto agg : {analysis::HeadAggregation::Single, analysis::HeadAggregation::Mean,
                             analysis::HeadAggregation::Max})
                if (view["aggregation"].get<std::string>() == analysis::headAggregationName(agg))
                    in.aggregation = agg;
        if (view.contains("predictionFill") && view["predictionFill"].is_boolean())
            in.nodeClasses = view["predictionFill"].get<bool>();
    }
    return in;
}

const model::LayerCapture* captureOf(const model::RunResult& r, int layer) {
    for (const auto& c : r.layers)
        if (c.layer == layer) return &c;
    return nullptr;
}

std::vector<std::string> elementSymbols(const Graph& g) {
    // Element symbols on atoms, as the canvas labels molecules (SMILES/SDF "symbol" column).
    std::vector<std::string> labels;
    const AttrColumn* symbol = g.nodeAttrs().find(attr::kSymbol);
    if (symbol && symbol->kind == AttrKind::String) {
        labels.resize(g.nodeCount());
        for (size_t i = 0; i < g.nodeCount(); ++i)
            if (symbol->has(i)) labels[i] = symbol->stringAt(i);
    }
    return labels;
}

int runRender(const std::vector<std::string>& args) {
    auto valued = kTokenizeValued;
    valued.insert({"view", "layer", "head", "query", "theme", "dpi", "o", "out", "seed", "start",
                   "path", "size", "session", "keep", "method", "metric", "map", "columns"});
    auto flags = kTokenizeFlags;
    flags.insert("no-prediction-fill");
    CliArgs a(args, flags, valued);
    const auto sessionFile = a.value("session");
    if (sessionFile ? !a.positional().empty() : a.positional().size() != 2)
        throw UsageError(std::string(sessionFile ? "--session FILE takes no MODEL GRAPH; " : "") +
                         "usage: " + kUsage);
    const auto out = a.value("o") ? a.value("o") : a.value("out");
    if (!out) throw UsageError(std::string("render needs -o FIG.svg|pdf|png; usage: ") + kUsage);
    const std::filesystem::path outPath(*out);
    const std::string ext = outPath.extension().string();
    if (ext != ".svg" && ext != ".pdf" && ext != ".png")
        throw UsageError("cannot tell the figure format from '" + *out +
                         "': use .svg, .pdf or .png");
#ifndef GTS_HAVE_PAINTER
    if (ext == ".png")
        throw UsageError(
            "PNG figures need the Qt painter, and this gtscope-cli was built without the GUI "
            "(GTS_BUILD_GUI=OFF); write .svg or .pdf (" +
            *out + ")");
#endif
    int dpi = kDefaultDpi;
    if (auto d = a.value("dpi")) {
        if (ext != ".png") throw UsageError("--dpi applies to PNG figures only (" + *out + ")");
        try {
            dpi = parseIndex(*d, "--dpi", kMaxDpi + 1);
        } catch (const UsageError&) {
            dpi = 0;
        }
        if (dpi < 1) throw UsageError("--dpi " + *d + " is not in 1.." + std::to_string(kMaxDpi));
    }
    // --view A,B,...: several views as panels of one figure (--columns per row).
    std::vector<std::string> views;
    {
        const std::string list = a.value("view").value_or("graph-attention");
        size_t start = 0;
        while (start <= list.size()) {
            const size_t comma = std::min(list.find(',', start), list.size());
            views.push_back(list.substr(start, comma - start));
            start = comma + 1;
        }
    }
    static const std::set<std::string> kViews = {"graph-attention", "attention-matrix", "head-grid",
                                                 "sequence",        "pruning",          "saliency"};
    for (const std::string& v : views)
        if (!kViews.count(v))
            throw UsageError("--view " + v +
                             ": expected graph-attention, attention-matrix, head-grid, sequence, "
                             "pruning or saliency "
                             "(or a comma-separated list of them)");
    auto shows = [&views](const char* v) {
        return std::find(views.begin(), views.end(), v) != views.end();
    };
    int columns = int(views.size());
    if (auto c = a.value("columns")) columns = parseIndex(*c, "--columns", 100);
    if (columns < 1) throw UsageError("--columns must be at least 1");
    const auto theme = scene::parseTheme(a.value("theme").value_or("paper"));
    if (!theme) throw UsageError("--theme must be paper or dark");
    const std::string mapName = a.value("map").value_or("viridis");
    if (mapName != "viridis" && mapName != "cividis")
        throw UsageError("--map must be viridis or cividis");
    if (a.value("map") && !shows("attention-matrix"))
        throw UsageError("--map applies to --view attention-matrix");
    if (a.value("method") && !shows("saliency") && !shows("pruning"))
        throw UsageError(
            "--method applies to --view saliency (rollout|flow) and pruning (zero-tprune|random)");
    if (a.value("method") && shows("saliency") && shows("pruning"))
        throw UsageError("--method is ambiguous with both saliency and pruning in --view");
    const std::string saliencyMethod =
        shows("saliency") ? a.value("method").value_or("rollout") : "rollout";
    const std::string pruneMethod =
        shows("pruning") ? a.value("method").value_or("zero-tprune") : "zero-tprune";
    if (saliencyMethod != "rollout" && saliencyMethod != "flow")
        throw UsageError("--method " + saliencyMethod + ": saliency takes rollout or flow");
    if (pruneMethod != "zero-tprune" && pruneMethod != "random")
        throw UsageError("--method " + pruneMethod + ": pruning takes zero-tprune or random");
    if (a.value("keep") && !shows("pruning")) throw UsageError("--keep applies to --view pruning");
    const double keep = a.value("keep") ? parseRatio(*a.value("keep"), "--keep") : 0.7;
    if (a.value("metric") && !shows("head-grid"))
        throw UsageError("--metric applies to --view head-grid");
    analysis::HeadMetric metric = analysis::HeadMetric::Entropy;  // HeadGrid's default
    if (auto name = a.value("metric")) {
        const auto parsed = analysis::parseHeadMetric(*name);
        if (!parsed)
            throw UsageError("--metric " + *name +
                             ": expected entropy, confidence, self-mass or none");
        metric = *parsed;
    }
    const bool sizeGiven = a.value("size").has_value();
    float figureSize = 0.0f;
    if (sizeGiven) {
        try {
            figureSize = float(parseIndex(*a.value("size"), "--size", kMaxFigureSize + 1));
        } catch (const UsageError&) {
            figureSize = 0.0f;
        }
        if (figureSize < 1)
            throw UsageError("--size " + *a.value("size") + " is not in 1.." +
                             std::to_string(kMaxFigureSize));
    }

    Inputs in = sessionFile ? fromSession(*sessionFile, shows("pruning")) : fromModelAndGraph(a);

    // Layer / head / query: the command line, else the session's view, else the last layer,
    // the mean over heads and the mean over queries.
    int layers = 0, heads = 0;
    for (const auto& c : in.result.layers) {
        layers = std::max(layers, c.layer + 1);
        if (c.attention.rank() == 3) heads = std::max(heads, int(c.attention.dim(0)));
    }
    if (in.model) {
        layers = in.model->config.numLayers;
        heads = in.model->config.numHeads;
    } else if (in.nodeModel) {
        layers = in.nodeModel->summary().numLayers;
        heads = in.nodeModel->summary().numHeads;
    }
    if (layers <= 0 || heads <= 0)
        throw UsageError("the run has no captured attention (" + in.source + ")");
    const int layer = a.value("layer") ? parseIndex(*a.value("layer"), "--layer", layers)
                                       : in.layer.value_or(layers - 1);
    auto aggregation = in.aggregation.value_or(analysis::HeadAggregation::Mean);
    int head = in.head.value_or(0);
    if (auto h = a.value("head")) {
        if (*h == "max")
            aggregation = analysis::HeadAggregation::Max;
        else if (*h == "mean")
            aggregation = analysis::HeadAggregation::Mean;
        else {
            aggregation = analysis::HeadAggregation::Single;
            head = parseIndex(*h, "--head", heads);
        }
    }
    // A session's saved view is checked like the command line's (a file may say anything).
    if (layer < 0 || layer >= layers || head < 0 || head >= heads)
        throw UsageError("the session's view (layer " + std::to_string(layer) + ", head " +
                         std::to_string(head) + ") is outside the run's " + std::to_string(layers) +
                         " layers x " + std::to_string(heads) + " heads (" + in.source + ")");
    const auto length = int(in.tokens.positions.size());
    const int query =
        a.value("query") ? parseIndex(*a.value("query"), "--query", length) : in.query.value_or(-1);
    if (query < -1 || query >= length)
        throw UsageError("the session's query " + std::to_string(query) + " is outside the sequence");
    const std::string which =
        aggregation == analysis::HeadAggregation::Single
            ? "head " + std::to_string(head)
            : std::string(analysis::headAggregationName(aggregation)) + " of heads";

    // The selected layer's matrix, for the views that show one layer.
    std::vector<float> matrix;
    int64_t size = 0;
    const model::LayerCapture* capture = nullptr;
    if (shows("graph-attention") || shows("attention-matrix") || shows("sequence")) {
        capture = captureOf(in.result, layer);
        if (capture) matrix = analysis::attentionMatrix(in.result, layer, head, aggregation, &size);
        if (matrix.empty() || !capture)
            throw UsageError("layer " + std::to_string(layer) + "'s attention was not captured (" +
                             in.source + ")");
    }

    scene::GraphFigureInput graphInput;
    graphInput.graph = &in.graph;
    graphInput.x = &in.x;
    graphInput.y = &in.y;
    graphInput.nodeLabels = elementSymbols(in.graph);
    // A node classifier's predicted classes fill the nodes, as in the window.
    if (in.nodeModel && in.nodeClasses && !a.flag("no-prediction-fill")) {
        graphInput.nodeClasses = analysis::predictedNodeClasses(in.result, in.nodeModel->summary(), in.graph.nodeCount());
        graphInput.nodeValues = analysis::predictedNodeValues(in.result, in.nodeModel->summary(), in.graph.nodeCount());
    }

    auto build = [&](const std::string& view) {
        scene::Scene s;
        analysis::GraphAttention ga;
        std::vector<float> received;
        std::vector<std::vector<double>> metricValues;
        analysis::PruneResult pruned;
        std::string method = view == "pruning" ? pruneMethod : saliencyMethod;
        if (view == "graph-attention") {
            ga = in.nodeLevel ? analysis::nodeAttentionOnGraph(in.graph, matrix, size, query)
                              : analysis::attentionOnGraph(in.graph, in.tokens, matrix, size,
                                                           capture->positions, query);
            graphInput.attention = &ga;
            graphInput.metricName =
                "attention, layer " + std::to_string(layer) + ", " + which +
                (query >= 0 ? ", query " + std::to_string(query) : ", mean query");
            s = scene::buildGraphAttention(graphInput, *theme, sizeGiven ? figureSize : 480.0f);
        } else if (view == "attention-matrix") {
            scene::MatrixFigureInput mi;
            mi.matrix = &matrix;
            mi.size = size;
            mi.positions = capture->positions;
            mi.tokens = &in.tokens;
            mi.map =
                mapName == "cividis" ? colormaps::ColorMap::Cividis : colormaps::ColorMap::Viridis;
            mi.query = query;
            mi.title = "Layer " + std::to_string(layer) + ", " + which;
            s = scene::buildAttentionMatrix(mi, *theme, sizeGiven ? figureSize : 480.0f);
        } else if (view == "head-grid") {
            scene::HeadGridFigureInput hi;
            hi.result = &in.result;
            if (metric != analysis::HeadMetric::None) {
                metricValues = analysis::headMetrics(in.result, metric);
                hi.metric = &metricValues;
                hi.metricName = analysis::headMetricName(metric);
            }
            hi.currentLayer = layer;
            hi.currentHead = aggregation == analysis::HeadAggregation::Single ? head : -1;
            s = scene::buildHeadGrid(hi, *theme, sizeGiven ? figureSize : 56.0f);
        } else if (view == "sequence") {
            received = scene::attentionReceived(matrix, size, capture->positions, query,
                                                in.tokens.positions.size());
            scene::SequenceFigureInput si;
            si.tokens = &in.tokens;
            si.attention = &received;
            si.attentionName =
                "attention received, layer " + std::to_string(layer) + ", " + which +
                (query >= 0 ? ", from query " + std::to_string(query) : ", mean over queries");
            si.query = query;
            s = scene::buildSequence(si, *theme, sizeGiven ? figureSize : 720.0f);
        } else if (view == "pruning") {
            analysis::PruneOptions po;
            po.method = method == "random" ? analysis::PruneMethod::Random
                                           : analysis::PruneMethod::ZeroTPrune;
            po.schedule.keepRatio = keep;
            try {
                pruned = in.nodeLevel ? analysis::pruneNodes(*in.nodeModel, in.graph, po)
                                      : analysis::prune(*in.model, idsOf(in), po);
            } catch (const std::invalid_argument& e) {
                throw UsageError(std::string(e.what()) + " (" + in.source + ")");
            }
            scene::PruningFigureInput pi;
            pi.positions = in.tokens.positions.size();
            pi.dropped = &pruned.dropped;
            pi.tokens = &in.tokens;
            char title[160];
            std::snprintf(
                title, sizeof title, "%s, keep %.2g: %.1f%% of the FLOPs, output change %.3g",
                analysis::pruneMethodName(po.method), keep,
                pruned.flopsFull > 0 ? 100.0 * pruned.flopsPruned / pruned.flopsFull : 100.0,
                pruned.change);
            pi.title = title;
            s = scene::buildPruning(pi, *theme, sizeGiven ? figureSize : 960.0f);
        } else {  // saliency
            // The app's choice of output rows (HeadAnalysisView): the pooled last position for a
            // fine-tuned model (its logits are [num_labels]), every position otherwise.
            // A node-level model reads every node (a readout over nodes, or one output each).
            const bool pooled = in.nodeLevel ? false
                                : in.model   ? in.model->weights.head == model::HeadKind::Task
                                             : in.result.logits.rank() == 1;
            const auto target = pooled ? analysis::SaliencyTarget::LastPosition
                                       : analysis::SaliencyTarget::AllPositions;
            if (method == "flow" && int64_t(length) > analysis::kMaxFlowPositions)
                throw UsageError("attention flow of " + std::to_string(length) + " positions (" +
                                 in.source + "): exact max-flow is limited to " +
                                 std::to_string(analysis::kMaxFlowPositions) +
                                 " positions; use --method rollout");
            analysis::Saliency sal;
            try {
                sal = method == "flow" ? analysis::attentionFlow(in.result, target)
                                       : analysis::attentionRollout(in.result, target);
            } catch (const std::invalid_argument& e) {
                throw UsageError(std::string(e.what()) + " (" + in.source + ")");
            }
            analysis::saliencyOnGraph(sal, in.graph, in.tokens);
            s = scene::buildSaliency(graphInput, sal, method, *theme,
                                     sizeGiven ? figureSize : 480.0f);
        }
        return s;
    };
    std::vector<scene::Scene> panels;
    for (const std::string& v : views) panels.push_back(build(v));
    const scene::Scene s = panels.size() == 1
                               ? std::move(panels.front())
                               : scene::composeFigures(std::move(panels), views, columns, *theme);
    std::string viewList;
    for (const std::string& v : views) viewList += (viewList.empty() ? "" : ",") + v;

    if (ext == ".svg") {
        scene::writeSvg(s, outPath);
    } else if (ext == ".pdf") {
        scene::writePdf(s, outPath);
    } else {
#ifdef GTS_HAVE_PAINTER
        // QPainter on a QImage needs fonts, hence a QGuiApplication, but no display: the
        // offscreen platform unless the caller chose one.
        if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
        static int argc = 1;
        static char arg0[] = "gtscope-cli";
        static char* argv[] = {arg0, nullptr};
        std::unique_ptr<QGuiApplication> app;
        if (!QGuiApplication::instance()) app = std::make_unique<QGuiApplication>(argc, argv);
        writePng(s, outPath, double(dpi));
#endif
    }
    std::cout << "wrote " << *out << " (" << viewList << ", " << scene::primitiveCount(s)
              << " primitives)\n";
    return 0;
}

const CommandRegistration reg{
    "render",
    "(MODEL GRAPH | --session FILE) --view graph-attention|attention-matrix|head-grid|"
    "sequence|pruning|saliency -o FIG.svg|pdf|png: a figure",
    runRender};

}  // namespace

}  // namespace gts::cli
