// Placeholder until this format's reader and writer land.
#include <stdexcept>

#include "io/Formats.h"

namespace gts::io::detail {
std::vector<Graph> readSmiles(std::string_view, const std::string&, const ReadOptions&) { throw std::logic_error("not implemented yet"); }
std::string writeSmiles(const std::vector<Graph>&) { throw std::logic_error("not implemented yet"); }
std::vector<Graph> readSdf(std::string_view, const std::string&, const ReadOptions&) { throw std::logic_error("not implemented yet"); }
std::string writeSdf(const std::vector<Graph>&) { throw std::logic_error("not implemented yet"); }
std::vector<Graph> readMol(std::string_view, const std::string&, const ReadOptions&) { throw std::logic_error("not implemented yet"); }
std::string writeMol(const Graph&) { throw std::logic_error("not implemented yet"); }
}  // namespace gts::io::detail
