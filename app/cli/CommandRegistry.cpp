// The table of self-registered subcommands (see Commands.h).

#include "Commands.h"

namespace gts::cli {

std::map<std::string, RegisteredCommand>& registeredCommands() {
    // Function-local so that registrations from any translation unit's static initialization
    // find it constructed.
    static std::map<std::string, RegisteredCommand> commands;
    return commands;
}

CommandRegistration::CommandRegistration(const char* name, const char* summary,
                                         CommandFunction run) {
    registeredCommands().emplace(name, RegisteredCommand{summary, run});
}

}  // namespace gts::cli
