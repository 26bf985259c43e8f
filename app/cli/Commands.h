#pragma once
// gtscope-cli subcommands. Each takes its arguments (after the subcommand name) and returns the
// process exit code; bad input is thrown (io::ParseError, cli::UsageError) and mapped to 2.

#include <string>
#include <vector>

namespace gts::cli {

int runInfo(const std::vector<std::string>& args);
int runConvert(const std::vector<std::string>& args);
int runTokenize(const std::vector<std::string>& args);
int runDetokenize(const std::vector<std::string>& args);
int runVocab(const std::vector<std::string>& args);

}  // namespace gts::cli
