#pragma once
// Minimal encoders for embedding Image primitives: PNG (RFC 2083: 8-bit RGBA, filter 0, one
// zlib-deflated IDAT) and base64 (RFC 4648, with padding).

#include <cstdint>
#include <string>
#include <vector>

namespace gts::scene {

std::string encodePng(int cols, int rows, const std::vector<uint32_t>& argb);
std::string base64(const std::string& bytes);

}  // namespace gts::scene
