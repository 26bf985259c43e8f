// gtscope-cli render MODEL GRAPH — a figure of one view of the model's attention on the graph,
// with node positions from the layout the app computes (layout::computeLayout, Auto, default
// seed), so the figure matches the app.

#include <iostream>

#include "CliArgs.h"
#include "Commands.h"
#include "analysis/AttentionView.h"
#include "graph/AttrNames.h"
#include "graph/Attributes.h"
#include "layout/Layout.h"
#include "model/ModelFolder.h"
#include "model/Run.h"
#include "scene/PdfWriter.h"
#include "scene/SvgWriter.h"
#include "scene/Views.h"

namespace gts::cli {

namespace {

int parseIndex(const std::string& text, const char* what, int limit) {
    size_t used = 0;
    int v = -1;
    try {
        v = std::stoi(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != text.size() || v < 0 || v >= limit)
        throw UsageError(std::string(what) + " " + text + " is not in 0.." + std::to_string(limit - 1));
    return v;
}

int runRender(const std::vector<std::string>& args) {
    auto valued = kTokenizeValued;
    valued.insert({"view", "layer", "head", "query", "theme", "dpi", "o", "out", "seed", "start",
                   "path", "size"});
    CliArgs a(args, kTokenizeFlags, valued);
    const std::string usage =
        "gtscope-cli render MODEL GRAPH --view graph-attention [--layer L] [--head H|mean|max] "
        "[--query T] [--theme paper|dark] [--size PT] -o FIG.svg|pdf";
    if (a.positional().size() != 2) throw UsageError("usage: " + usage);
    const auto out = a.value("o") ? a.value("o") : a.value("out");
    if (!out) throw UsageError("render needs -o FIG.svg|pdf; usage: " + usage);
    const std::filesystem::path outPath(*out);
    const std::string ext = outPath.extension().string();
    if (ext == ".png")
        throw UsageError("PNG figures need the GUI build's painter; this gtscope-cli writes .svg or .pdf (" +
                         *out + ")");
    if (ext != ".svg" && ext != ".pdf")
        throw UsageError("cannot tell the figure format from '" + *out + "': use .svg or .pdf");
    const std::string view = a.value("view").value_or("graph-attention");
    if (view != "graph-attention")
        throw UsageError("--view " + view + ": this gtscope-cli renders graph-attention");
    const auto theme = scene::parseTheme(a.value("theme").value_or("paper"));
    if (!theme) throw UsageError("--theme must be paper or dark");

    std::shared_ptr<const model::GraphGptModel> m;
    try {
        m = model::loadGraphGptModel(a.positional()[0]);
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string(e.what()) + " (" + a.positional()[0] + ")");
    }
    const std::string source = a.positional()[1];
    const Graph g = io::readGraph(source, graphReadOptions(a));
    const TokenSequence seq = tokenizeWithArgs(a, g, tokenizeOptions(a, m->tokenization), source);
    if (!m->hasVocab) throw UsageError("the model has no vocab file (" + a.positional()[0] + ")");
    model::SequenceInput input;
    try {
        input.ids = seq.ids(m->vocab);
    } catch (const std::exception& e) {
        throw UsageError(std::string(e.what()) + " (" + source + ")");
    }
    const int layers = m->config.numLayers, heads = m->config.numHeads;
    const int layer = a.value("layer") ? parseIndex(*a.value("layer"), "--layer", layers) : layers - 1;
    auto aggregation = analysis::HeadAggregation::Mean;
    int head = 0;
    if (auto h = a.value("head")) {
        if (*h == "max") aggregation = analysis::HeadAggregation::Max;
        else if (*h != "mean") {
            aggregation = analysis::HeadAggregation::Single;
            head = parseIndex(*h, "--head", heads);
        }
    }
    const int64_t length = int64_t(seq.positions.size());
    const int query = a.value("query") ? parseIndex(*a.value("query"), "--query", int(length)) : -1;

    model::RunOptions options;
    options.captureAttention = true;
    model::RunResult result;
    try {
        result = model::runGraphGpt(*m, {input}, options).front();
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string(e.what()) + " (" + source + ")");
    }
    int64_t size = 0;
    const auto matrix = analysis::attentionMatrix(result, layer, head, aggregation, &size);
    const model::LayerCapture* capture = nullptr;
    for (const auto& c : result.layers)
        if (c.layer == layer) capture = &c;
    if (matrix.empty() || !capture) throw UsageError("layer " + std::to_string(layer) + " was not captured");
    const analysis::GraphAttention ga =
        analysis::attentionOnGraph(g, seq, matrix, size, capture->positions, query);

    const layout::Layout l = layout::computeLayout(g, layout::LayoutMethod::Auto);
    scene::GraphFigureInput in;
    in.graph = &g;
    in.x = &l.x;
    in.y = &l.y;
    in.attention = &ga;
    // Element symbols on atoms, as the canvas labels molecules (SMILES/SDF "symbol" column).
    const AttrColumn* symbol = g.nodeAttrs().find(attr::kSymbol);
    if (symbol && symbol->kind == AttrKind::String) {
        in.nodeLabels.resize(g.nodeCount());
        for (size_t i = 0; i < g.nodeCount(); ++i)
            if (symbol->has(i)) in.nodeLabels[i] = symbol->stringAt(i);
    }
    in.metricName = std::string("attention, layer ") + std::to_string(layer) + ", " +
                    (aggregation == analysis::HeadAggregation::Single
                         ? "head " + std::to_string(head)
                         : std::string(analysis::headAggregationName(aggregation)) + " of heads") +
                    (query >= 0 ? ", query " + std::to_string(query) : ", mean query");
    const float figureSize = a.value("size") ? float(parseIndex(*a.value("size"), "--size", 10000)) : 480.0f;
    const scene::Scene s = scene::buildGraphAttention(in, *theme, figureSize);
    if (ext == ".svg")
        scene::writeSvg(s, outPath);
    else
        scene::writePdf(s, outPath);
    std::cout << "wrote " << *out << " (" << scene::primitiveCount(s) << " primitives)\n";
    return 0;
}

const CommandRegistration reg{"render", "MODEL GRAPH --view graph-attention -o FIG.svg|pdf: a figure",
                              runRender};

}  // namespace

}  // namespace gts::cli
