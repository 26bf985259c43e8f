// gtscope-cli: everything the window can do, headless. One executable, subcommands.
// Exit codes: 0 success, 2 bad input or usage ("error: <what> (<where>)" on stderr),
// 1 internal failure.

#include <cstring>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "CliArgs.h"
#include "Commands.h"
#include "io/GraphIO.h"

namespace {

struct Subcommand {
    const char* summary;
    std::function<int(const std::vector<std::string>&)> run;
};

const std::map<std::string, Subcommand>& subcommands() {
    static const std::map<std::string, Subcommand> table = [] {
        std::map<std::string, Subcommand> t = {
            {"info", {"GRAPH|MODEL [--json]: graph counts and schema; model architecture, parameters, head, vocab", gts::cli::runInfo}},
            {"convert", {"IN OUT [--from F] [--to F]: graph formats; CHECKPOINT OUT.safetensors|DIR [--dtype f32|f16|bf16]", gts::cli::runConvert}},
            {"tokenize", {"GRAPH [--vocab F] [--seed N] [--layout L] [--json]: GraphGPT tokens", gts::cli::runTokenize}},
            {"detokenize", {"TOKENS.json -o GRAPH: tokens back to a graph", gts::cli::runDetokenize}},
            {"vocab", {"build GRAPHS... -o VOCAB | check VOCAB GRAPHS...: GraphGPT vocabularies", gts::cli::runVocab}},
            {"run", {"MODEL GRAPH [--capture attention] [--out R.safetensors] [--json]: run a model on a graph", gts::cli::runModel}},
            {"layout", {"GRAPH [--method auto|forceatlas2|spectral|circular|molecule] [--seed N] [--iterations N] [-o OUT] [--json]: node positions", gts::cli::runLayout}},
            {"bench", {"MODEL --graphs FILE [--batch N] [--threads N] [--json]: engine throughput", gts::cli::runBench}},
        };
        for (const auto& [name, cmd] : gts::cli::registeredCommands())
            t.emplace(name, Subcommand{cmd.summary, cmd.run});
        return t;
    }();
    return table;
}

void printUsage(std::ostream& out) {
    out << "usage: gtscope-cli <command> [arguments]\n\ncommands:\n";
    for (const auto& [name, cmd] : subcommands()) out << "  " << name << " " << cmd.summary << "\n";
    out << "\nGraph files: edge list (.edges .csv .tsv .txt), GML, GraphML, GEXF, node-link JSON,\n"
           "SMILES (.smi), SDF, MOL, OGB raw folders. FILE#N picks record N (from 0).\n";
}

}  // namespace

int main(int argc, char** argv) {
    std::ios::sync_with_stdio(false);
    if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") ||
        !std::strcmp(argv[1], "help")) {
        printUsage(argc < 2 ? std::cerr : std::cout);
        return argc < 2 ? 2 : 0;
    }
    if (!std::strcmp(argv[1], "--version")) {
        std::cout << "gtscope-cli " << GTS_VERSION << "\n";
        return 0;
    }
    auto it = subcommands().find(argv[1]);
    if (it == subcommands().end()) {
        std::cerr << "error: unknown command '" << argv[1] << "' (run gtscope-cli --help)\n";
        return 2;
    }
    std::vector<std::string> args(argv + 2, argv + argc);
    try {
        return it->second.run(args);
    } catch (const gts::io::ParseError& e) {
        std::cerr << "error: " << e.message() << " (" << e.source();
        if (e.line()) std::cerr << ":" << e.line();
        std::cerr << ")\n";
        return 2;
    } catch (const gts::cli::UsageError& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 2;
    } catch (const std::invalid_argument& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 2;
    } catch (const gts::io::FileError& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "error: internal: " << e.what() << "\n";
        return 1;
    }
}
