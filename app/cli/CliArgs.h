#pragma once
// Argument parsing shared by gtscope-cli's subcommands.

#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace gts::cli {

/// A usage mistake: reported as "error: <what>" with exit code 2.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Positional arguments and --options of one subcommand. Options are declared up front so that a
/// misspelt one is an error, not silently ignored.
class CliArgs {
public:
    /// `flags` take no value (--json); `valued` take one (--format graphml or --format=graphml).
    CliArgs(const std::vector<std::string>& args, std::set<std::string> flags,
            std::set<std::string> valued);

    const std::vector<std::string>& positional() const { return positional_; }
    bool flag(const std::string& name) const { return flags_.count(name) != 0; }
    std::optional<std::string> value(const std::string& name) const;
    /// Requires exactly `count` positional arguments, naming them in the error.
    void requirePositional(size_t count, const std::string& usage) const;

private:
    std::vector<std::string> positional_;
    std::set<std::string> flags_;
    std::map<std::string, std::string> values_;
};

}  // namespace gts::cli
