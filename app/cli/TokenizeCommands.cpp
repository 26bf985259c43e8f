// gtscope-cli tokenize GRAPH [options] [--json]
// gtscope-cli detokenize TOKENS.json -o GRAPH
// gtscope-cli vocab build GRAPHS... -o VOCAB [options]
// gtscope-cli vocab check VOCAB GRAPHS... [options]

#include <algorithm>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "CliArgs.h"
#include "Commands.h"
#include "graph/AttrNames.h"
#include "io/GraphIO.h"
#include "io/TextInput.h"
#include "tokenize/Detokenizer.h"
#include "tokenize/TokenSequence.h"
#include "tokenize/Vocab.h"
#include "tokenize/VocabBuilder.h"

namespace gts::cli {

namespace {

using nlohmann::json;

/// A node as JSON: its key when the file named nodes, else its index.
json nodeJson(const Graph& g, NodeId v) {
    if (g.hasNodeKeys()) return g.nodeKey(v);
    return v;
}

const char* originName(EdgeOrigin o) {
    switch (o) {
        case EdgeOrigin::None: return "none";
        case EdgeOrigin::Original: return "edge";
        case EdgeOrigin::EulerizationCopy: return "eulerization";
        case EdgeOrigin::Jump: return "jump";
    }
    return "?";
}

const char* roleName(TokenRole r) {
    switch (r) {
        case TokenRole::NodeIndex: return "node_index";
        case TokenRole::NodeAttr: return "node_attr";
        case TokenRole::EdgeType: return "edge_type";
        case TokenRole::EdgeAttr: return "edge_attr";
        case TokenRole::NewNode: return "new";
        case TokenRole::Eos: return "eos";
    }
    return "?";
}

json provenanceJson(const Graph& g, const TokenSequence& seq) {
    json out = json::array();
    for (size_t p = 0; p < seq.positions.size(); ++p) {
        const PositionSource& ps = seq.positionSources[p];
        json pos;
        pos["kind"] = ps.kind == PositionKind::Node ? "node" : ps.kind == PositionKind::Edge ? "edge" : "eos";
        if (ps.node != kNoIndex) pos["node"] = nodeJson(g, ps.node);
        pos["arrives_by"] = originName(ps.edgeOrigin);
        if (ps.edge != kNoIndex) pos["edge"] = ps.edge;
        json tokens = json::array();
        for (const TokenSource& t : seq.sources[p]) {
            json tj = {{"role", roleName(t.role)}};
            if (t.node != kNoIndex) {
                tj["node"] = nodeJson(g, t.node);
                tj["occurrence"] = t.occurrence;
            }
            if (t.role == TokenRole::EdgeType || t.role == TokenRole::EdgeAttr) {
                tj["origin"] = originName(t.edgeOrigin);
                if (t.edge != kNoIndex) tj["edge"] = t.edge;
            }
            if (t.role == TokenRole::NodeAttr || t.role == TokenRole::EdgeAttr) {
                const auto& cols = t.role == TokenRole::NodeAttr ? seq.nodeColumns : seq.edgeColumns;
                tj["column"] = cols.at(t.column).name;
                tj["col"] = t.col;
                if (t.part) tj["part"] = t.part;
                if (t.isDefault) tj["default"] = true;
            }
            tokens.push_back(std::move(tj));
        }
        pos["tokens"] = std::move(tokens);
        out.push_back(std::move(pos));
    }
    return out;
}

json columnsJson(const std::vector<TokenColumn>& cols) {
    json out = json::array();
    for (const TokenColumn& c : cols)
        out.push_back({{"name", c.name}, {"kind", attrKindName(c.kind)}, {"width", c.width},
                       {"first_col", c.firstCol}});
    return out;
}

std::vector<TokenColumn> columnsFromJson(const json& j) {
    std::vector<TokenColumn> out;
    for (const json& c : j) {
        TokenColumn col;
        col.name = c.at("name").get<std::string>();
        const std::string kind = c.at("kind").get<std::string>();
        col.kind = kind == "continuous" ? AttrKind::Continuous : AttrKind::Discrete;
        col.width = c.at("width").get<uint32_t>();
        col.firstCol = c.at("first_col").get<int32_t>();
        out.push_back(std::move(col));
    }
    return out;
}

}  // namespace

const std::set<std::string> kTokenizeValued = {"layout",     "world",      "node-scope", "first-index",
                                               "scope-base", "cyclic",     "node-columns",
                                               "edge-columns", "format"};
const std::set<std::string> kTokenizeFlags = {"add-eos", "keep-edge-type", "permute"};

io::ReadOptions graphReadOptions(const CliArgs& a) {
    io::ReadOptions r;
    if (auto f = a.value("format")) {
        r.format = io::parseFormat(*f);
        if (!r.format) throw UsageError("unknown format '" + *f + "'");
    }
    return r;
}

NodeId nodeByKey(const Graph& g, const std::string& key, const char* what) {
    auto v = g.findNode(key);
    if (!v) throw UsageError(std::string(what) + " '" + key + "' is not a node of the graph");
    return *v;
}

uint64_t parseCount(const CliArgs& a, const std::string& name, uint64_t fallback) {
    auto v = a.value(name);
    if (!v) return fallback;
    auto n = io::parseInt(*v);
    if (!n || *n < 0) throw UsageError("--" + name + " needs a non-negative integer, not '" + *v + "'");
    return uint64_t(*n);
}

std::vector<std::string> splitList(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream ss(text);
    std::string part;
    while (std::getline(ss, part, ',')) {
        const std::string_view t = io::trim(part);
        if (!t.empty()) out.emplace_back(t);
    }
    return out;
}

TokenizeOptions tokenizeOptions(const CliArgs& a, TokenizeOptions o) {
    if (auto v = a.value("layout")) {
        auto layout = parseTokenLayout(*v);
        if (!layout) throw UsageError("--layout is stacked, stacked-long or flat, not '" + *v + "'");
        o.layout = *layout;
    }
    if (auto v = a.value("world")) o.world = *v;
    o.nodeScope = uint32_t(parseCount(a, "node-scope", o.nodeScope));
    o.scopeBase = uint32_t(parseCount(a, "scope-base", o.scopeBase));
    const uint64_t cyclic = parseCount(a, "cyclic", uint64_t(o.reindex));
    if (cyclic > 2) throw UsageError("--cyclic is 0, 1 or 2");
    o.reindex = ReindexMode(cyclic);
    if (a.value("first-index")) o.firstIndex = uint32_t(parseCount(a, "first-index", 0));
    if (a.flag("add-eos")) o.addEos = true;
    if (a.flag("keep-edge-type")) o.removeEdgeTypeToken = false;
    if (a.flag("permute")) o.permuteNodes = true;
    if (auto v = a.value("node-columns")) o.nodeColumns = splitList(*v);
    if (auto v = a.value("edge-columns")) o.edgeColumns = splitList(*v);
    return o;
}

namespace {

/// `tokenize FILE --all`: every record of a multi-record file, `seeds` walks each (GraphGPT
/// samples a new Eulerian path per epoch; several seeds give that variety to a training set).
/// Records that cannot be read or tokenized are listed under "skipped" with the reason.
int tokenizeAll(const CliArgs& a, const TokenizeOptions& options) {
    io::ReadOptions ro = graphReadOptions(a);
    std::vector<io::ParseError> unreadable;
    ro.skipped = &unreadable;
    const std::string file = a.positional()[0];
    const auto graphs = io::readGraphs(file, ro);
    std::optional<Vocab> vocab;
    if (auto v = a.value("vocab")) vocab = Vocab::read(*v);
    const uint64_t firstSeed = parseCount(a, "seed", 0);
    const uint64_t seeds = std::max<uint64_t>(1, parseCount(a, "seeds", 1));
    json sequences = json::array(), skipped = json::array();
    for (const auto& e : unreadable) skipped.push_back({{"line", e.line()}, {"reason", e.message()}});
    for (size_t i = 0; i < graphs.size(); ++i) {
        const Graph& g = graphs[i];
        const AttrColumn* smiles = g.graphAttrs().find(attr::kSmiles);
        for (uint64_t seed = firstSeed; seed < firstSeed + seeds; ++seed) {
            json item;
            item["index"] = i;
            item["graph"] = g.name();
            if (smiles && smiles->kind == AttrKind::String && smiles->has(0)) item["smiles"] = smiles->stringAt(0);
            item["seed"] = seed;
            try {
                const TokenSequence seq = tokenize(g, options, seed);
                item["positions"] = seq.positions.size();
                if (vocab) item["ids"] = seq.ids(*vocab);
                else item["tokens"] = seq.positions;
            } catch (const std::exception& e) {  // more nodes than the scope, a token not in the vocab
                skipped.push_back({{"index", i}, {"graph", g.name()}, {"reason", e.what()}});
                break;
            }
            sequences.push_back(std::move(item));
        }
    }
    json out = {{"file", file}, {"layout", tokenLayoutName(options.layout)}, {"graphs", graphs.size()},
                {"sequences", std::move(sequences)}, {"skipped", std::move(skipped)}};
    const auto target = a.value("o") ? a.value("o") : a.value("output");
    if (target) {
        io::writeFileAtomically(*target, out.dump() + "\n");
        std::cerr << out["sequences"].size() << " sequences from " << graphs.size() << " graphs, "
                  << out["skipped"].size() << " skipped -> " << *target << "\n";
    } else {
        std::cout << out.dump() << "\n";
    }
    return 0;
}

}  // namespace

std::shared_ptr<const model::GraphGptModel> loadModelForGraphs(const std::string& path) {
    std::shared_ptr<const model::GraphGptModel> m;
    try {
        m = model::loadGraphGptModel(path);
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string(e.what()) + " (" + path + ")");
    }
    if (!m->hasVocab)
        throw UsageError("the model has no vocab file, so graphs cannot be turned into ids (" + path + ")");
    return m;
}

model::SequenceInput modelInput(const model::GraphGptModel& m, const TokenSequence& seq, const std::string& source) {
    model::SequenceInput input;
    try {
        input.ids = seq.ids(m.vocab);
    } catch (const std::exception& e) {
        throw UsageError(std::string(e.what()) + " (" + source + ")");
    }
    return input;
}

TokenSequence tokenizeWithArgs(const CliArgs& a, const Graph& g, const TokenizeOptions& options,
                               const std::string& source) {
    std::optional<NodeId> start;
    if (auto s = a.value("start")) start = nodeByKey(g, *s, "--start");
    std::optional<std::vector<NodeId>> path;
    if (auto p = a.value("path")) {
        path.emplace();
        for (const std::string& key : splitList(*p)) path->push_back(nodeByKey(g, key, "--path node"));
    }
    try {
        return tokenize(g, options, parseCount(a, "seed", 0), start, path);
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string(e.what()) + " (" + source + ")");
    }
}

int runTokenize(const std::vector<std::string>& args) {
    auto valued = kTokenizeValued;
    valued.insert({"vocab", "seed", "start", "path", "seeds", "o", "output"});
    auto flags = kTokenizeFlags;
    flags.insert({"json", "all"});
    CliArgs a(args, flags, valued);
    a.requirePositional(1, "gtscope-cli tokenize GRAPH[#N] [--vocab FILE] [--seed N] "
                           "[--layout stacked|stacked-long|flat] [--start NODE] [--path n0,n1,...] "
                           "[--cyclic 0|1|2] [--first-index N] [--node-scope 512] [--scope-base 512] "
                           "[--world molecule] [--add-eos] [--keep-edge-type] [--json] | "
                           "gtscope-cli tokenize FILE --all [--vocab FILE] [--seed N] [--seeds K] [-o OUT.json]");
    const TokenizeOptions options = tokenizeOptions(a, TokenizeOptions{});
    if (a.flag("all")) return tokenizeAll(a, options);
    const Graph g = io::readGraph(a.positional()[0], graphReadOptions(a));
    const uint64_t seed = parseCount(a, "seed", 0);
    const TokenSequence seq = tokenizeWithArgs(a, g, options, a.positional()[0]);
    std::optional<std::vector<std::vector<int32_t>>> ids;
    if (auto v = a.value("vocab")) {
        const Vocab vocab = Vocab::read(*v);
        try {
            ids = seq.ids(vocab);
        } catch (const UnknownTokenError& e) {
            throw UsageError(std::string(e.what()) + " (vocab " + *v + ")");
        }
    }

    if (a.flag("json")) {
        json j;
        j["graph"] = g.name();
        j["layout"] = tokenLayoutName(options.layout);
        j["world"] = options.world;
        j["seed"] = seed;
        json path_ = json::array();
        for (NodeId v : seq.path) path_.push_back(nodeJson(g, v));
        j["path"] = std::move(path_);
        j["tokens"] = seq.positions;
        if (ids) j["ids"] = *ids;
        j["provenance"] = provenanceJson(g, seq);
        json stepEdges = json::array();
        for (const WalkStep& s : seq.steps)
            stepEdges.push_back(s.kind == StepKind::Jump ? json(nullptr) : json(s.edge));
        j["step_edges"] = std::move(stepEdges);
        j["node_columns"] = columnsJson(seq.nodeColumns);
        j["edge_columns"] = columnsJson(seq.edgeColumns);
        j["eulerized_edges"] = seq.eulerizedEdgeCount;
        j["components"] = seq.componentCount;
        std::cout << j.dump() << "\n";
        return 0;
    }
    std::cout << g.name() << ": " << seq.positions.size() << " positions, " << seq.tokenCount()
              << " tokens, " << seq.componentCount << " component(s), " << seq.eulerizedEdgeCount
              << " edge(s) added by eulerization\npath:";
    for (NodeId v : seq.path) std::cout << " " << g.nodeKey(v);
    std::cout << "\n";
    for (size_t p = 0; p < seq.positions.size(); ++p) {
        std::cout << p << ":";
        for (size_t k = 0; k < seq.positions[p].size(); ++k) {
            std::cout << " " << seq.positions[p][k];
            if (ids) std::cout << "=" << (*ids)[p][k];
        }
        std::cout << "\n";
    }
    return 0;
}

int runDetokenize(const std::vector<std::string>& args) {
    CliArgs a(args, {}, {"o", "output", "to"});
    a.requirePositional(1, "gtscope-cli detokenize TOKENS.json -o GRAPH [--to FMT]");
    auto out = a.value("o");
    if (!out) out = a.value("output");
    if (!out) throw UsageError("detokenize needs -o GRAPH (--o or --output)");
    const std::string source = a.positional()[0];
    const std::string text = io::readFileBytes(source);
    json j;
    try {
        j = json::parse(text);
    } catch (const json::exception& e) {
        throw io::ParseError(source, 0, std::string("not JSON: ") + e.what());
    }
    try {
        DetokenizeOptions o;
        if (j.contains("layout")) {
            auto layout = parseTokenLayout(j["layout"].get<std::string>());
            if (!layout) throw io::ParseError(source, 0, "unknown layout " + j["layout"].dump());
            o.layout = *layout;
        }
        if (j.contains("world")) o.world = j["world"].get<std::string>();
        if (j.contains("node_columns")) o.nodeColumns = columnsFromJson(j["node_columns"]);
        if (j.contains("edge_columns")) o.edgeColumns = columnsFromJson(j["edge_columns"]);
        if (j.contains("step_edges")) {
            o.stepEdges.emplace();
            for (const json& e : j["step_edges"])
                o.stepEdges->push_back(e.is_null() ? kNoIndex : e.get<EdgeId>());
        }
        if (!j.contains("tokens")) throw io::ParseError(source, 0, "no \"tokens\" array");
        const auto positions = j["tokens"].get<std::vector<std::vector<std::string>>>();
        Graph g = detokenize(positions, o);
        io::WriteOptions w;
        if (auto f = a.value("to")) {
            w.format = io::parseFormat(*f);
            if (!w.format) throw UsageError("unknown output format '" + *f + "'");
        }
        io::writeGraph(g, *out, w);
        std::cerr << "wrote " << g.nodeCount() << " nodes, " << g.edgeCount() << " edges to " << *out
                  << "\n";
    } catch (const json::exception& e) {
        throw io::ParseError(source, 0, std::string("unexpected JSON content: ") + e.what());
    } catch (const DetokenizeError& e) {
        throw io::ParseError(source, 0, e.what());
    }
    return 0;
}

int runVocab(const std::vector<std::string>& args) {
    if (args.empty() || (args[0] != "build" && args[0] != "check"))
        throw UsageError("usage: gtscope-cli vocab build GRAPHS... -o VOCAB | vocab check VOCAB GRAPHS...");
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    auto valued = kTokenizeValued;
    valued.insert({"o", "output"});
    CliArgs a(rest, kTokenizeFlags, valued);
    const TokenizeOptions options = tokenizeOptions(a, TokenizeOptions{});
    const bool build = args[0] == "build";
    const auto& pos = a.positional();
    if (pos.size() < (build ? 1u : 2u))
        throw UsageError(build ? "usage: gtscope-cli vocab build GRAPHS... -o VOCAB"
                               : "usage: gtscope-cli vocab check VOCAB GRAPHS...");
    std::vector<Graph> graphs;
    for (size_t i = build ? 0 : 1; i < pos.size(); ++i) {
        const io::GraphPath gp = io::parseGraphPath(pos[i]);
        io::ReadOptions r = graphReadOptions(a);
        r.record = gp.record;
        for (Graph& g : io::readGraphs(gp.file, r)) graphs.push_back(std::move(g));
    }
    try {
        if (build) {
            auto out = a.value("o");
            if (!out) out = a.value("output");
            if (!out) throw UsageError("vocab build needs -o VOCAB");
            const Vocab vocab = buildVocab(graphs, options);
            vocab.write(*out);
            std::cerr << "wrote " << vocab.size() << " tokens for " << graphs.size() << " graph(s) to "
                      << *out << "\n";
            return 0;
        }
        const Vocab vocab = Vocab::read(pos[0]);
        const auto missing = missingTokens(vocab, graphs, options);
        if (missing.empty()) {
            std::cout << pos[0] << ": every token of " << graphs.size() << " graph(s) is present\n";
            return 0;
        }
        std::string list;
        for (size_t i = 0; i < missing.size() && i < 20; ++i) list += (i ? ", " : "") + missing[i];
        if (missing.size() > 20) list += ", ...";
        throw io::ParseError(pos[0], 0,
                             "lacks " + std::to_string(missing.size()) + " token(s) the graphs need: " + list);
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    }
}

}  // namespace gts::cli
