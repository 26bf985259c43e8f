#pragma once
// Compact decimal numbers for vector formats: at most 2 decimals (1/200 pt), no trailing zeros.

#include <charconv>
#include <cmath>
#include <string>
#include <string_view>

namespace gts::scene {

inline void appendNumber(std::string& out, float v) {
    if (!std::isfinite(v)) v = 0.0f;
    char buf[48];
    auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 2);
    char* end = res.ptr;
    while (end > buf && end[-1] == '0') --end;
    if (end > buf && end[-1] == '.') --end;
    std::string_view s(buf, static_cast<size_t>(end - buf));
    if (s == "-0" || s.empty()) s = "0";
    out += s;
}

}  // namespace gts::scene
