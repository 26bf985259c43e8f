#include "CliArgs.h"

namespace gts::cli {

CliArgs::CliArgs(const std::vector<std::string>& args, std::set<std::string> flags,
                 std::set<std::string> valued) {
    bool onlyPositional = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        const bool shortOption = !onlyPositional && a.size() == 2 && a[0] == '-' && a[1] != '-';
        if (onlyPositional || (!shortOption && (a.size() < 2 || a.rfind("--", 0) != 0))) {
            if (!onlyPositional && a.size() >= 2 && a[0] == '-' && a != "-" &&
                !(a[1] >= '0' && a[1] <= '9'))
                throw UsageError("unknown option '" + a + "'");
            positional_.push_back(a);
            continue;
        }
        if (a == "--") {
            onlyPositional = true;
            continue;
        }
        // "-o" is the short form of an option named "o".
        std::string name = a.substr(shortOption ? 1 : 2);
        std::optional<std::string> inlineValue;
        if (auto eq = name.find('='); eq != std::string::npos) {
            inlineValue = name.substr(eq + 1);
            name = name.substr(0, eq);
        }
        if (flags.count(name)) {
            if (inlineValue) throw UsageError("option " + a + " takes no value");
            flags_.insert(name);
        } else if (valued.count(name)) {
            if (inlineValue) {
                values_[name] = *inlineValue;
            } else {
                if (i + 1 >= args.size()) throw UsageError("option " + a + " needs a value");
                values_[name] = args[++i];
            }
        } else {
            throw UsageError("unknown option '" + a + "'");
        }
    }
}

std::optional<std::string> CliArgs::value(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end()) return std::nullopt;
    return it->second;
}

void CliArgs::requirePositional(size_t count, const std::string& usage) const {
    if (positional_.size() != count) throw UsageError("usage: " + usage);
}

}  // namespace gts::cli
