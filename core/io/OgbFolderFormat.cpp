// Placeholder until this format's reader and writer land.
#include <stdexcept>

#include "io/Formats.h"

namespace gts::io::detail {
std::vector<Graph> readOgbFolder(const std::filesystem::path&, const ReadOptions&) { throw std::logic_error("not implemented yet"); }
void writeOgbFolder(const std::vector<Graph>&, const std::filesystem::path&) { throw std::logic_error("not implemented yet"); }
}  // namespace gts::io::detail
