#include "io/TextInput.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "io/GraphIO.h"

namespace gts::io {

LineReader::LineReader(std::string_view data) : data_(data) {
    if (data_.size() >= 3 && data_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

bool LineReader::next(std::string_view& line) {
    if (pos_ >= data_.size()) return false;
    size_t end = pos_;
    while (end < data_.size() && data_[end] != '\n' && data_[end] != '\r') ++end;
    line = data_.substr(pos_, end - pos_);
    if (end < data_.size()) {
        if (data_[end] == '\r' && end + 1 < data_.size() && data_[end + 1] == '\n') ++end;
        ++end;
    }
    pos_ = end;
    ++line_;
    return true;
}

size_t lineAt(std::string_view data, size_t offset) {
    size_t line = 1;
    const size_t n = std::min(offset, data.size());
    for (size_t i = 0; i < n; ++i) {
        if (data[i] == '\n') ++line;
        else if (data[i] == '\r' && (i + 1 >= data.size() || data[i + 1] != '\n')) ++line;
    }
    return line;
}

std::optional<size_t> findInvalidUtf8(std::string_view text) {
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        size_t len;
        uint32_t cp;
        if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return i;
        }
        if (i + len > n) return i;
        for (size_t k = 1; k < len; ++k) {
            if ((s[i + k] & 0xC0) != 0x80) return i;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        const bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
                              (len == 4 && cp < 0x10000);
        if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
        i += len;
    }
    return std::nullopt;
}

void requireUtf8(std::string_view data, const std::string& source) {
    if (auto bad = findInvalidUtf8(data)) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02X", unsigned(static_cast<unsigned char>(data[*bad])));
        throw ParseError(source, lineAt(data, *bad),
                         std::string("invalid UTF-8 (byte ") + hex + " at offset " +
                             std::to_string(*bad) + ")");
    }
}

std::string_view trim(std::string_view s) {
    size_t b = 0, e = s.size();
    while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n')) ++b;
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n'))
        --e;
    return s.substr(b, e - b);
}

std::optional<int64_t> parseInt(std::string_view text) {
    text = trim(text);
    if (!text.empty() && text[0] == '+') text.remove_prefix(1);
    if (text.empty()) return std::nullopt;
    int64_t v = 0;
    auto res = std::from_chars(text.data(), text.data() + text.size(), v);
    if (res.ec != std::errc() || res.ptr != text.data() + text.size()) return std::nullopt;
    return v;
}

std::optional<double> parseReal(std::string_view text) {
    text = trim(text);
    if (!text.empty() && text[0] == '+') text.remove_prefix(1);
    if (text.empty()) return std::nullopt;
    double v = 0;
    auto res = std::from_chars(text.data(), text.data() + text.size(), v);
    if (res.ec == std::errc::result_out_of_range) {
        // Denormal underflow or overflow: from_chars reports it; keep the limit value.
        return std::strtod(std::string(text).c_str(), nullptr);
    }
    if (res.ec != std::errc() || res.ptr != text.data() + text.size()) return std::nullopt;
    return v;
}

std::string formatReal(double value) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    char buf[32];
    auto res = std::to_chars(buf, buf + sizeof buf, value);
    return std::string(buf, res.ptr);
}

}  // namespace gts::io
