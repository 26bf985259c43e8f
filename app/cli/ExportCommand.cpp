// gtscope-cli export MODEL GRAPH -o OUT — results as data for other tools: the graph with
// attention, saliency and pruning as node/edge attributes (GraphML, GEXF, GML, node-link JSON:
// on to Gephi, Cytoscape, networkx), or the captured attention as a tensor (.npy for NumPy,
// .safetensors). Token sequences as JSON come from `gtscope-cli tokenize --json`, metrics as
// CSV/JSON from `gtscope-cli metrics --csv|--json`.

#include <iostream>

#include "analysis/NodeLevel.h"
#include "model/NodeModel.h"
#include "CliArgs.h"
#include "Commands.h"
#include "analysis/AttentionView.h"
#include "analysis/GraphExport.h"
#include "analysis/Pruning.h"
#include "analysis/Saliency.h"
#include "checkpoint/SafeTensors.h"
#include "io/GraphIO.h"
#include "model/ModelFolder.h"
#include "model/Run.h"
#include "tensor/Npy.h"

namespace gts::cli {
namespace {

int parseBounded(const std::string& text, const char* what, int limit) {
    try {
        size_t used = 0;
        const int v = std::stoi(text, &used);
        if (used == text.size() && v >= 0 && v < limit) return v;
    } catch (const std::exception&) {
    }
    throw UsageError(std::string(what) + " " + text + " is not in 0.." + std::to_string(limit - 1));
}

/// [layers, heads, S, S] of every captured layer, or [heads, S, S] of one.
Tensor attentionTensor(const model::RunResult& r, std::optional<int> layer, const std::string& source) {
    if (layer) {
        for (const auto& c : r.layers)
            if (c.layer == *layer) return c.attention;
        throw UsageError("layer " + std::to_string(*layer) + " was not captured (" + source + ")");
    }
    const Tensor& first = r.layers.front().attention;
    std::vector<float> all;
    all.reserve(first.size() * r.layers.size());
    for (const auto& c : r.layers) all.insert(all.end(), c.attention.data(), c.attention.data() + c.attention.size());
    return Tensor({int64_t(r.layers.size()), first.dim(0), first.dim(1), first.dim(2)}, std::move(all));
}

int runExport(const std::vector<std::string>& args) {
    auto valued = kTokenizeValued;
    valued.insert({"seed", "start", "path", "o", "out", "layer", "head", "query", "saliency", "keep", "method",
                   "layers", "threads", "format"});
    CliArgs a(args, kTokenizeFlags, valued);
    const std::string usage =
        "gtscope-cli export MODEL GRAPH[#N] -o OUT.graphml|gexf|gml|json|npy|safetensors [--layer L] "
        "[--head H|mean|max] [--query T] [--saliency rollout|flow|none] [--keep R [--method zero-tprune|random] "
        "[--layers a-b]] [--seed N]";
    if (a.positional().size() != 2) throw UsageError("usage: " + usage);
    const auto outText = a.value("o") ? a.value("o") : a.value("out");
    if (!outText) throw UsageError("export needs -o OUT; usage: " + usage);
    const std::filesystem::path out(*outText);
    const std::string ext = out.extension().string();
    const bool tensorOut = ext == ".npy" || ext == ".safetensors";
    std::optional<io::Format> graphFormat;
    if (!tensorOut) {
        graphFormat = io::formatFromPath(out);
        if (!graphFormat || (*graphFormat != io::Format::GraphMl && *graphFormat != io::Format::Gexf &&
                             *graphFormat != io::Format::Gml && *graphFormat != io::Format::NodeLinkJson))
            throw UsageError("cannot tell what to write from '" + *outText +
                             "': use .graphml, .gexf, .gml or .json (the graph with results as attributes), "
                             ".npy or .safetensors (attention)");
    }

    const std::string& modelPath = a.positional()[0];
    // A node-level model (tokens = the graph's nodes) or a GraphGPT model.
    const bool nodeLevel = model::isNodeLevelModelPath(modelPath);
    std::shared_ptr<const model::GraphGptModel> m;
    std::shared_ptr<const model::NodeLevelModel> nm;
    if (nodeLevel) {
        refuseTokenizeOptions(a, {"start", "path"});
        nm = loadNodeModelArg(modelPath);
    } else {
        m = loadModelForGraphs(modelPath);
    }
    const int L = m ? m->config.numLayers : nm->summary().numLayers;
    const int H = m ? m->config.numHeads : nm->summary().numHeads;
    std::optional<int> layer;
    if (auto l = a.value("layer")) layer = parseBounded(*l, "--layer", L);
    const std::string headText = a.value("head").value_or("mean");
    analysis::HeadAggregation aggregation = analysis::HeadAggregation::Mean;
    int head = 0;
    if (headText == "max") aggregation = analysis::HeadAggregation::Max;
    else if (headText != "mean") {
        aggregation = analysis::HeadAggregation::Single;
        head = parseBounded(headText, "--head", H);
    }
    const std::string saliencyMethod = a.value("saliency").value_or("rollout");
    if (saliencyMethod != "rollout" && saliencyMethod != "flow" && saliencyMethod != "none")
        throw UsageError("--saliency " + saliencyMethod + ": expected rollout, flow or none");

    const std::string& source = a.positional()[1];
    Graph g = io::readGraph(source, graphReadOptions(a));
    const TokenSequence seq = nodeLevel ? analysis::nodeTokenSequence(g)
                                        : tokenizeWithArgs(a, g, tokenizeOptions(a, m->tokenization), source);
    const model::SequenceInput input = nodeLevel ? model::SequenceInput{} : modelInput(*m, seq, source);
    const int positionCount = int(seq.positions.size());
    const int query = a.value("query") ? parseBounded(*a.value("query"), "--query", positionCount) : -1;
    model::RunOptions ro;
    ro.captureAttention = true;
    ro.threads = static_cast<int>(parseCount(a, "threads", 0));
    model::RunResult result;
    try {
        if (nodeLevel) {
            model::NodeRunOptions no;
            no.captureAttention = true;
            result = analysis::nodeRunResult(nm->run(g, no), nm->summary(), g.nodeCount());
        } else {
            result = model::runGraphGpt(*m, {input}, ro).front();
        }
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string(e.what()) + " (" + source + ")");
    }

    if (tensorOut) {
        if (ext == ".npy") {
            io::writeNpy(attentionTensor(result, layer, source), out);
        } else {
            std::map<std::string, Tensor> tensors;
            for (const auto& c : result.layers)
                if (!layer || c.layer == *layer) tensors["attn." + std::to_string(c.layer)] = c.attention;
            checkpoint::writeSafeTensors(out, tensors, {{"model", modelPath}, {"graph", source}});
        }
        std::cerr << "wrote attention " << (layer ? "of layer " + std::to_string(*layer) : "of every layer")
                  << " [" << (layer ? "" : std::to_string(L) + ", ") << H << ", " << positionCount << ", "
                  << positionCount << "] to " << out.string() << "\n";
        return 0;
    }

    // The graph with results as attributes.
    const int shownLayer = layer.value_or(L - 1);
    int64_t size = 0;
    const auto matrix = analysis::attentionMatrix(result, shownLayer, head, aggregation, &size);
    std::vector<int32_t> positions;
    for (const auto& c : result.layers)
        if (c.layer == shownLayer) positions = c.positions;
    analysis::addAttentionAttributes(g, nodeLevel ? analysis::nodeAttentionOnGraph(g, matrix, size, query)
                                                  : analysis::attentionOnGraph(g, seq, matrix, size, positions, query));
    std::string described = "layer " + std::to_string(shownLayer) + ", " +
                            (aggregation == analysis::HeadAggregation::Single ? "head " + std::to_string(head)
                                                                              : headText + " over heads") +
                            ", " + (query >= 0 ? (nodeLevel ? "query node " : "query position ") + std::to_string(query)
                                               : "mean over queries");
    if (saliencyMethod != "none") {
        // GraphGPT's fine-tuned output is the last position's; a node-level model reads every node.
        const auto target = nodeLevel ? analysis::SaliencyTarget::AllPositions : analysis::SaliencyTarget::LastPosition;
        analysis::Saliency s;
        try {
            s = saliencyMethod == "flow" ? analysis::attentionFlow(result, target) : analysis::attentionRollout(result, target);
        } catch (const std::invalid_argument& e) {
            throw UsageError(std::string(e.what()) + " (" + source + "; --saliency none skips it)");
        }
        analysis::saliencyOnGraph(s, g, seq);
        analysis::addSaliencyAttributes(g, s);
        described += "; saliency: attention " + saliencyMethod + (nodeLevel ? " to every node" : " to the last position");
    }
    if (auto keep = a.value("keep")) {
        analysis::PruneOptions o;
        o.schedule.keepRatio = parseRatio(*keep, "--keep");
        o.schedule.lastLayer = L - 1;
        if (auto l = a.value("layers")) std::tie(o.schedule.firstLayer, o.schedule.lastLayer) = parseLayerRange(*l, L);
        const std::string method = a.value("method").value_or("zero-tprune");
        if (method == "random") o.method = analysis::PruneMethod::Random;
        else if (method != "zero-tprune") throw UsageError("--method " + method + ": expected zero-tprune or random");
        o.seed = parseCount(a, "seed", 0);
        o.threads = ro.threads;
        analysis::PruneResult pr;
        try {
            pr = nodeLevel ? analysis::pruneNodes(*nm, g, o) : analysis::prune(*m, input, o);
        } catch (const std::invalid_argument& e) {
            throw UsageError(std::string(e.what()) + " (" + source + ")");
        }
        analysis::addPruningAttributes(g, seq, pr);
        described += "; pruning: " + method + " keeping " + *keep;
    }
    AttrColumn& about = g.graphAttrs().add("gts_results", AttrKind::String);
    about.setString(0, described + " (gtscope-cli export, model " + modelPath + ")");
    io::WriteOptions wo;
    wo.format = graphFormat;
    io::writeGraph(g, out, wo);
    std::cerr << "wrote " << g.nodeCount() << " nodes and " << g.edgeCount() << " edges with gts_* attributes ("
              << described << ") to " << out.string() << "\n";
    return 0;
}

const CommandRegistration kExport{
    "export",
    "MODEL GRAPH -o OUT.graphml|gexf|gml|json|npy|safetensors [--layer L --head H|mean|max --query T] "
    "[--saliency rollout|flow|none] [--keep R]: results as data",
    runExport};

}  // namespace
}  // namespace gts::cli
