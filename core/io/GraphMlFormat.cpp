// Placeholder until this format's reader and writer land.
#include <stdexcept>

#include "io/Formats.h"

namespace gts::io::detail {
std::vector<Graph> readGraphMl(std::string_view, const std::string&, const ReadOptions&) { throw std::logic_error("not implemented yet"); }
std::string writeGraphMl(const std::vector<Graph>&) { throw std::logic_error("not implemented yet"); }
}  // namespace gts::io::detail
