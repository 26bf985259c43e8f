#pragma once
// gtscope-cli subcommands. Each takes its arguments (after the subcommand name) and returns the
// process exit code; bad input is thrown (io::ParseError, cli::UsageError) and mapped to 2.

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "graph/Graph.h"
#include "io/GraphIO.h"
#include "model/ModelFolder.h"
#include "model/NodeModel.h"
#include "model/Run.h"
#include "tokenize/TokenSequence.h"

namespace gts::cli {

class CliArgs;

int runInfo(const std::vector<std::string>& args);
int runConvert(const std::vector<std::string>& args);
int runTokenize(const std::vector<std::string>& args);
int runDetokenize(const std::vector<std::string>& args);
int runVocab(const std::vector<std::string>& args);
int runModel(const std::vector<std::string>& args);  // gtscope-cli run
int runBench(const std::vector<std::string>& args);
int runLayout(const std::vector<std::string>& args);

/// Commands in their own files register themselves (one static object per file), so adding a
/// command touches no shared file:
///   static const gts::cli::CommandRegistration reg{"metrics", "MODEL GRAPH...: ...", runMetrics};
using CommandFunction = int (*)(const std::vector<std::string>& args);
struct RegisteredCommand {
    const char* summary;
    CommandFunction run;
};
/// Every registered command by name (filled during static initialization).
std::map<std::string, RegisteredCommand>& registeredCommands();
struct CommandRegistration {
    CommandRegistration(const char* name, const char* summary, CommandFunction run);
};

// Shared by the commands that tokenize (TokenizeCommands.cpp).
/// Options taking a value / flags that set tokenization (--layout, --node-scope, --add-eos, ...).
extern const std::set<std::string> kTokenizeValued;
extern const std::set<std::string> kTokenizeFlags;
/// `base` with the tokenization options given on the command line applied over it.
TokenizeOptions tokenizeOptions(const CliArgs& a, TokenizeOptions base);
/// Tokenizes `g` with `options`, the walk chosen by --seed, --start and --path; a bad start,
/// path or option is a UsageError naming `source`.
TokenSequence tokenizeWithArgs(const CliArgs& a, const Graph& g, const TokenizeOptions& options,
                               const std::string& source);
/// --format FMT as read options.
io::ReadOptions graphReadOptions(const CliArgs& a);
/// The node named `key`; a UsageError naming `what` when there is none.
NodeId nodeByKey(const Graph& g, const std::string& key, const char* what);
/// --name N as a non-negative integer, `fallback` when absent.
uint64_t parseCount(const CliArgs& a, const std::string& name, uint64_t fallback);
/// --layers "a-b" or "a" as a range of layers 1 <= a <= b < layers (AnalysisCommands.cpp).
std::pair<int, int> parseLayerRange(const std::string& text, int layers);
/// A ratio in (0, 1]; a UsageError naming `what` otherwise.
double parseRatio(const std::string& text, const std::string& what);
/// The GraphGPT model a command runs on graphs: a model that does not load, or has no vocab
/// file to turn graphs into ids, is a UsageError naming `path`.
std::shared_ptr<const model::GraphGptModel> loadModelForGraphs(const std::string& path);
/// The model's ids for a tokenized graph; a token outside the vocab is a UsageError naming
/// `source`.
model::SequenceInput modelInput(const model::GraphGptModel& m, const TokenSequence& seq, const std::string& source);
/// Node-level models (NodeModelCommands.cpp): info, run, ablate and prune for a model folder
/// whose config.json names a node-level family (model::isNodeLevelModelPath).
int nodeModelInfo(const std::filesystem::path& path, bool asJson);
/// The node-level model at `path`; a UsageError naming it when it does not load.
std::shared_ptr<const model::NodeLevelModel> loadNodeModelArg(const std::string& path);
/// Tokenizer options (--layout, --add-eos, ...; not --format) and `extra` are a UsageError for
/// a node-level model: its tokens are the graph's nodes.
void refuseTokenizeOptions(const CliArgs& a, std::initializer_list<const char*> extra = {});
int nodeModelRun(const CliArgs& a);
int nodeModelAblate(const CliArgs& a);
int nodeModelPrune(const CliArgs& a);
/// "a,b, c" → {"a", "b", "c"} (empty parts dropped).
std::vector<std::string> splitList(const std::string& text);

}  // namespace gts::cli
