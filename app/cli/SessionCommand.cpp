// gtscope-cli session info FILE [--json]   what a session file holds, and any warnings
// gtscope-cli session check FILE           SQLite integrity + a full open; exit 1 on problems
// gtscope-cli session create MODEL GRAPH -o FILE [tokenize options]
//     tokenizes GRAPH, runs MODEL with attention captured, and stores graph, model reference
//     (with its fingerprint), the tokenize arguments, the tokens and the run as "run0."

#include <iostream>
#include <nlohmann/json.hpp>

#include "CliArgs.h"
#include "Commands.h"
#include "analysis/NodeLevel.h"
#include "model/GraphGptConfig.h"
#include "model/NodeModel.h"
#include "model/ModelFolder.h"
#include "model/Run.h"
#include "store/RunResultStore.h"
#include "store/Session.h"
#include "store/Sha256.h"

namespace gts::cli {
namespace {

constexpr const char* kUsage =
    "session info FILE [--json] | session check FILE | session create MODEL GRAPH -o FILE "
    "[--format FMT] [--seed N] [tokenize options]";

/// A node-level model's session: its tokens are the graph's nodes (settings.run nodeLevel, as
/// the window writes it: app/gui/SessionIO.h).
int createNodeLevelSession(const CliArgs& a, const std::string& modelPath, const std::string& source,
                           const std::string& out) {
    refuseTokenizeOptions(a, {"seed"});
    const auto m = loadNodeModelArg(modelPath);
    const Graph g = io::readGraph(source, graphReadOptions(a));
    model::NodeRunOptions options;
    options.captureAttention = options.captureNodeStates = true;
    model::RunResult run;
    try {
        run = analysis::nodeRunResult(m->run(g, options), m->summary(), g.nodeCount());
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string(e.what()) + " (" + source + ")");
    }
    const TokenSequence seq = analysis::nodeTokenSequence(g);

    store::Session s;
    s.graphs.push_back({g.name(), std::filesystem::absolute(source).string(), "json",
                        io::writeGraphsToText({g}, io::Format::NodeLinkJson), "[]"});
    s.model = {std::filesystem::absolute(modelPath).string(), store::modelFingerprint(modelPath)};
    s.settings["seed"] = nlohmann::json{{"seed", 0}}.dump();
    s.settings["tokens"] = nlohmann::json(seq.positions).dump();
    s.settings["run"] = nlohmann::json{{"captureAttention", true}, {"nodeLevel", true}}.dump();
    store::putRunResult(s, "run0.", run);
    store::saveSession(out, s);
    std::cout << out << ": " << seq.positions.size() << " nodes, " << run.layers.size()
              << " layers of attention (" << m->summary().familyName << ")\n";
    return 0;
}

int createSession(const std::vector<std::string>& args) {
    std::set<std::string> valued = kTokenizeValued;
    valued.insert({"o", "out", "format", "seed"});
    const CliArgs a(args, kTokenizeFlags, valued);
    a.requirePositional(2, kUsage);
    const auto out = a.value("o") ? a.value("o") : a.value("out");
    if (!out) throw UsageError(std::string("session create needs -o FILE; ") + kUsage);
    const std::string modelPath = a.positional()[0];
    const std::string source = a.positional()[1];
    if (model::isNodeLevelModelPath(modelPath)) return createNodeLevelSession(a, modelPath, source, *out);
    const auto m = loadModelForGraphs(modelPath);
    const Graph g = io::readGraph(source, graphReadOptions(a));
    const TokenSequence seq = tokenizeWithArgs(a, g, tokenizeOptions(a, m->tokenization), source);
    const model::SequenceInput input = modelInput(*m, seq, source);
    model::RunOptions options;
    options.captureAttention = true;
    const model::RunResult run = model::runGraphGpt(*m, {input}, options).front();

    store::Session s;
    s.graphs.push_back({g.name(), std::filesystem::absolute(source).string(), "json",
                        io::writeGraphsToText({g}, io::Format::NodeLinkJson), "[]"});
    s.model = {std::filesystem::absolute(modelPath).string(), store::modelFingerprint(modelPath)};
    // The tokenize arguments as given, so a reader can tokenize again the same way.
    nlohmann::json tokenizeArgs = nlohmann::json::object();
    for (const auto& name : kTokenizeValued)
        if (auto v = a.value(name)) tokenizeArgs[name] = *v;
    for (const auto& name : kTokenizeFlags)
        if (a.flag(name)) tokenizeArgs[name] = true;
    s.settings["tokenize"] = tokenizeArgs.dump();
    // What the window re-tokenizes with (app/gui/SessionIO.h): the options and the seed.
    s.settings["tokenizeOptions"] = model::tokenizationToJson(seq.options);
    s.settings["seed"] = nlohmann::json{{"seed", parseCount(a, "seed", 0)}}.dump();
    s.settings["tokens"] = nlohmann::json(seq.positions).dump();
    s.settings["run"] = nlohmann::json{{"captureAttention", true}}.dump();
    store::putRunResult(s, "run0.", run);
    store::saveSession(*out, s);
    std::cout << *out << ": " << seq.positions.size() << " positions, " << run.layers.size()
              << " layers of attention\n";
    return 0;
}

nlohmann::json infoJson(const store::Session& s, const store::OpenReport& rep) {
    using nlohmann::json;
    json graphs = json::array();
    for (const auto& g : s.graphs) {
        auto edits = json::parse(g.editsJson, nullptr, false);
        graphs.push_back({{"name", g.name},
                          {"source", g.sourcePath},
                          {"format", g.format},
                          {"bytes", g.text.size()},
                          {"edits", edits.is_array() ? json(edits.size()) : json(nullptr)}});
    }
    json tensors = json::object();
    for (const auto& [name, t] : s.tensors)
        tensors[name] = {{"shape", t.shape()}, {"dtype", dtypeName(t.sourceDType())}};
    json settings = json::object();
    for (const auto& [k, v] : s.settings) settings[k] = json::parse(v, nullptr, false);
    json metrics = json::array();
    for (const auto& [k, v] : s.metrics) metrics.push_back(k);
    return {{"schema_version", store::kSchemaVersion},
            {"file_version", rep.fileVersion},
            {"migrated", rep.migrated},
            {"graphs", graphs},
            {"model", {{"path", s.model.path}, {"sha256", s.model.sha256}}},
            {"settings", settings},
            {"tensors", tensors},
            {"metrics", metrics},
            {"annotations", s.annotations.size()},
            {"view_bytes", s.viewJson.size()},
            {"warnings", rep.warnings}};
}

int runSession(const std::vector<std::string>& args) {
    if (args.empty()) throw UsageError(std::string("usage: ") + kUsage);
    const std::string sub = args[0];
    if (sub == "create") return createSession(std::vector<std::string>(args.begin() + 1, args.end()));
    CliArgs a(std::vector<std::string>(args.begin() + 1, args.end()), {"json"}, {});
    a.requirePositional(1, kUsage);
    const std::string file = a.positional()[0];
    if (sub == "check") {
        auto problems = store::checkSession(file);
        for (const auto& p : problems) std::cout << p << "\n";
        if (problems.empty()) std::cout << file << ": ok\n";
        return problems.empty() ? 0 : 1;
    }
    if (sub != "info") throw UsageError("unknown session subcommand \"" + sub + "\"; " + kUsage);
    store::OpenReport rep;
    store::Session s;
    try {
        s = store::openSession(file, &rep, /*migrateInPlace=*/false);
    } catch (const store::SessionError& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 2;
    }
    nlohmann::json j = infoJson(s, rep);
    if (a.flag("json")) {
        std::cout << j.dump(2) << "\n";
        return 0;
    }
    std::cout << file << " (schema " << rep.fileVersion
              << (rep.migrated ? ", migrated to " + std::to_string(store::kSchemaVersion) : "")
              << ")\n";
    for (const auto& g : j["graphs"])
        std::cout << "  graph       " << g["name"].get<std::string>() << " ("
                  << g["format"].get<std::string>() << ", " << g["bytes"] << " bytes, "
                  << g["edits"] << " edits) from " << g["source"].get<std::string>() << "\n";
    std::cout << "  model       " << (s.model.path.empty() ? "(none)" : s.model.path) << "\n";
    for (const auto& [name, t] : s.tensors) {
        std::cout << "  tensor      " << name << " [";
        for (size_t i = 0; i < t.rank(); ++i) std::cout << (i ? ", " : "") << t.dim(i);
        std::cout << "]\n";
    }
    std::cout << "  metrics     " << s.metrics.size() << "\n"
              << "  annotations " << s.annotations.size() << "\n";
    for (const auto& w : rep.warnings) std::cerr << "warning: " << w << "\n";
    return 0;
}

const CommandRegistration reg{"session", "info FILE [--json] | check FILE | create MODEL GRAPH -o FILE: session files",
                              runSession};

}  // namespace
}  // namespace gts::cli
