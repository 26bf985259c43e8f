// gtscope-cli saliency MODEL GRAPH — input saliency from attention rollout or attention flow
// (Abnar & Zuidema 2020, "Quantifying Attention Flow in Transformers", §3; definitions and
// costs in analysis/Saliency.h), per position and, through provenance, per node and edge.

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <numeric>
#include <sstream>

#include <nlohmann/json.hpp>

#include "analysis/NodeLevel.h"
#include "model/NodeModel.h"
#include "CliArgs.h"
#include "Commands.h"
#include "analysis/Saliency.h"
#include "io/GraphIO.h"
#include "model/ModelFolder.h"
#include "model/Run.h"

namespace gts::cli {
namespace {

using nlohmann::json;

const char* kindName(PositionKind k) {
    switch (k) {
        case PositionKind::Node: return "node";
        case PositionKind::Edge: return "edge";
        case PositionKind::Eos: return "eos";
    }
    return "eos";
}

std::string nodeName(const Graph& g, NodeId v) {
    return g.hasNodeKeys() ? g.nodeKey(v) : std::to_string(v);
}

std::string positionText(const TokenSequence& seq, size_t p) {
    std::string out;
    if (p >= seq.positions.size()) return out;
    // A stacked position holds a token per attribute; the first few say which element it is.
    constexpr size_t kShown = 3;
    const auto& tokens = seq.positions[p];
    for (size_t t = 0; t < tokens.size() && t < kShown; ++t) out += (t ? " " : "") + tokens[t];
    if (tokens.size() > kShown) out += " …";
    return out;
}

int runSaliency(const std::vector<std::string>& args) {
    auto valued = kTokenizeValued;
    valued.insert({"seed", "start", "path", "method", "target", "o", "threads", "top"});
    auto flags = kTokenizeFlags;
    flags.insert({"json"});
    CliArgs a(args, flags, valued);
    const std::string usage =
        "gtscope-cli saliency MODEL GRAPH[#N] [--method rollout|flow] [--target last|all] [--top N (0: all; "
        "default 10)] [--seed N] [--json] [-o FILE]";
    if (a.positional().size() != 2) throw UsageError("usage: " + usage);

    const std::string method = a.value("method").value_or("rollout");
    if (method != "rollout" && method != "flow")
        throw UsageError("--method " + method + ": expected rollout or flow");
    const std::string targetName = a.value("target").value_or("last");
    analysis::SaliencyTarget target;
    if (targetName == "last") target = analysis::SaliencyTarget::LastPosition;
    else if (targetName == "all") target = analysis::SaliencyTarget::AllPositions;
    else throw UsageError("--target " + targetName + ": expected last or all");

    const std::string& modelPath = a.positional()[0];
    // A node-level model: the positions are the graph's nodes.
    const bool nodeLevel = model::isNodeLevelModelPath(modelPath);
    std::shared_ptr<const model::GraphGptModel> m;
    std::shared_ptr<const model::NodeLevelModel> nm;
    if (nodeLevel) {
        refuseTokenizeOptions(a, {"start", "path"});
        if (!a.value("target")) target = analysis::SaliencyTarget::AllPositions;  // every node's output counts
        nm = loadNodeModelArg(modelPath);
    } else {
        m = loadModelForGraphs(modelPath);
    }
    const std::string& source = a.positional()[1];
    const Graph g = io::readGraph(source, graphReadOptions(a));
    const TokenSequence seq = nodeLevel ? analysis::nodeTokenSequence(g)
                                        : tokenizeWithArgs(a, g, tokenizeOptions(a, m->tokenization), source);
    const model::SequenceInput input = nodeLevel ? model::SequenceInput{} : modelInput(*m, seq, source);
    const size_t positionCount = seq.positions.size();
    if (method == "flow" && static_cast<int64_t>(positionCount) > analysis::kMaxFlowPositions)
        throw UsageError("attention flow of " + std::to_string(positionCount) + " positions (" + source +
                         "): exact max-flow is limited to " + std::to_string(analysis::kMaxFlowPositions) +
                         " positions; use --method rollout");

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
    analysis::Saliency s;
    try {
        s = method == "flow" ? analysis::attentionFlow(result, target) : analysis::attentionRollout(result, target);
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string(e.what()) + " (" + source + ")");
    }
    analysis::saliencyOnGraph(s, g, seq);

    std::ostringstream out;
    if (a.flag("json")) {
        json j;
        j["method"] = method;
        j["target"] = target == analysis::SaliencyTarget::LastPosition ? "last" : "all";
        j["input"] = source;
        j["positions"] = json::array();
        for (size_t p = 0; p < s.position.size(); ++p) {
            const PositionSource& src = seq.positionSources[p];
            json e = {{"position", p}, {"kind", kindName(src.kind)}, {"tokens", seq.positions[p]},
                      {"saliency", s.position[p]}};
            e["node"] = src.node != kNoIndex ? json(src.node) : json(nullptr);
            e["edge"] = src.edge != kNoIndex && src.edgeOrigin != EdgeOrigin::Jump ? json(src.edge) : json(nullptr);
            j["positions"].push_back(std::move(e));
        }
        j["nodes"] = json::array();
        for (NodeId v = 0; v < s.node.size(); ++v)
            j["nodes"].push_back({{"node", v}, {"key", nodeName(g, v)}, {"saliency", s.node[v]}});
        j["edges"] = json::array();
        for (EdgeId e = 0; e < s.edge.size(); ++e)
            j["edges"].push_back({{"edge", e},
                                  {"source", nodeName(g, g.edge(e).src)},
                                  {"target", nodeName(g, g.edge(e).dst)},
                                  {"saliency", s.edge[e]}});
        out << j.dump(2) << "\n";
    } else {
        const size_t top = parseCount(a, "top", 10);
        // A multi-record file without #N gives its first record (io::readGraph); the name says which.
        out << source << ": attention " << method << " saliency for "
            << (target == analysis::SaliencyTarget::LastPosition ? "the last position" : "all positions") << " (" << s.position.size()
            << " positions, " << result.layers.size() << " layers)\n";
        auto ranked = [top](const std::vector<double>& v) {
            std::vector<size_t> idx(v.size());
            std::iota(idx.begin(), idx.end(), size_t{0});
            std::stable_sort(idx.begin(), idx.end(), [&v](size_t x, size_t y) { return v[x] > v[y]; });
            if (top && idx.size() > top) idx.resize(top);
            return idx;
        };
        out << "\npositions (top " << std::min(top ? top : s.position.size(), s.position.size()) << ")\n"
            << std::setw(6) << "pos" << "  " << std::setw(5) << "kind" << "  " << std::setw(10) << "saliency"
            << "  tokens\n";
        for (size_t p : ranked(s.position))
            out << std::setw(6) << p << "  " << std::setw(5) << kindName(seq.positionSources[p].kind) << "  "
                << std::setw(10) << std::fixed << std::setprecision(5) << s.position[p] << "  " << positionText(seq, p)
                << "\n";
        out << "\nnodes (top " << std::min(top ? top : s.node.size(), s.node.size()) << ")\n"
            << std::setw(12) << "node" << "  " << std::setw(10) << "saliency\n";
        for (size_t v : ranked(s.node))
            out << std::setw(12) << nodeName(g, static_cast<NodeId>(v)) << "  " << std::setw(10) << s.node[v] << "\n";
        out << "\nedges (top " << std::min(top ? top : s.edge.size(), s.edge.size()) << ")\n"
            << std::setw(20) << "edge" << "  " << std::setw(10) << "saliency\n";
        for (size_t e : ranked(s.edge)) {
            const Edge& ed = g.edge(static_cast<EdgeId>(e));
            out << std::setw(20) << (nodeName(g, ed.src) + "-" + nodeName(g, ed.dst)) << "  " << std::setw(10)
                << s.edge[e] << "\n";
        }
    }
    if (auto o = a.value("o")) io::writeFileAtomically(*o, out.str());
    else std::cout << out.str();
    return 0;
}

const CommandRegistration saliencyCommand{
    "saliency",
    "MODEL GRAPH [--method rollout|flow] [--target last|all] [--json]: input saliency per position, node and edge",
    runSaliency};

}  // namespace
}  // namespace gts::cli
