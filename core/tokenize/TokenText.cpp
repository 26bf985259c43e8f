#include "tokenize/TokenText.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <system_error>

namespace gts::tokens {
namespace {

std::string prefix(std::string_view world, bool edge, int32_t col) {
    std::string out(world);
    out += '#';
    out += scopeName(edge);
    out += '#';
    out += std::to_string(col);
    return out;
}

bool allDigits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

std::optional<uint64_t> parseUnsigned(std::string_view s) {
    if (!allDigits(s)) return std::nullopt;
    uint64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
}

std::optional<int64_t> parseSigned(std::string_view s) {
    if (s.empty()) return std::nullopt;
    int64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
}

}  // namespace

std::string attrDefaultToken(std::string_view world, bool edge, int32_t col) {
    return prefix(world, edge, col);
}

std::string attrValueToken(std::string_view world, bool edge, int32_t col, int64_t value) {
    return prefix(world, edge, col) + "#" + std::to_string(value);
}

std::string continuousLeadToken(std::string_view world, bool edge, int32_t col) {
    return prefix(world, edge, col) + "#1";
}

std::string pythonFloatText(double value) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
    // Shortest round-trip digits and the decimal exponent of the first digit.
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
    const std::string_view sci(buf, size_t(res.ptr - buf));
    const size_t ePos = sci.find('e');
    std::string_view mant = sci.substr(0, ePos);
    const int exp = std::atoi(std::string(sci.substr(ePos + 1)).c_str());
    std::string out;
    if (!mant.empty() && mant.front() == '-') {
        out += '-';
        mant.remove_prefix(1);
    }
    std::string digits;
    for (char c : mant)
        if (c != '.') digits += c;
    // Python's repr: fixed notation for exponents -4 <= exp < 16, else d[.ddd]e[+-]XX.
    constexpr int kMinFixedExp = -4;
    constexpr int kMaxFixedExp = 16;
    if (exp >= kMinFixedExp && exp < kMaxFixedExp) {
        if (exp >= 0) {
            const size_t intDigits = size_t(exp) + 1;
            if (digits.size() < intDigits) digits.append(intDigits - digits.size(), '0');
            out += digits.substr(0, intDigits);
            out += '.';
            out += digits.size() > intDigits ? digits.substr(intDigits) : "0";
        } else {
            out += "0.";
            out.append(size_t(-exp - 1), '0');
            out += digits;
        }
        return out;
    }
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    out += exp < 0 ? "e-" : "e+";
    const int absExp = exp < 0 ? -exp : exp;
    if (absExp < 10) out += '0';
    out += std::to_string(absExp);
    return out;
}

std::vector<std::string> continuousValueTokens(double value) {
    std::string text = pythonFloatText(value);
    if (text.size() > 2 && text[0] == '0' && text[1] == '.') text.erase(0, 1);
    std::vector<std::string> out;
    out.reserve(text.size());
    for (char c : text) out.push_back(std::string("<") + c + ">");
    return out;
}

std::optional<char> characterOf(std::string_view token) {
    if (token.size() == 3 && token[0] == '<' && token[2] == '>') return token[1];
    return std::nullopt;
}

std::optional<uint64_t> indexTokenValue(std::string_view token) {
    const size_t star = token.find('*');
    if (star == std::string_view::npos) return parseUnsigned(token);
    const auto q = parseUnsigned(token.substr(0, star));
    const auto base = parseUnsigned(token.substr(star + 1));
    if (!q || !base || *q == 0 || *base == 0 || *q > UINT32_MAX || *base > UINT32_MAX) return std::nullopt;
    return *q * *base;
}

bool isHighIndexToken(std::string_view token) {
    return token.find('*') != std::string_view::npos && indexTokenValue(token).has_value();
}

std::optional<AttrToken> parseAttrToken(std::string_view token, std::string_view world) {
    if (token.size() <= world.size() + 1 || token.substr(0, world.size()) != world ||
        token[world.size()] != '#')
        return std::nullopt;
    std::string_view rest = token.substr(world.size() + 1);
    AttrToken out;
    if (rest.starts_with("node#")) {
        out.edge = false;
    } else if (rest.starts_with("edge#")) {
        out.edge = true;
    } else {
        return std::nullopt;
    }
    rest.remove_prefix(5);
    const size_t hash = rest.find('#');
    const auto col = parseSigned(rest.substr(0, hash));
    if (!col || *col < -1 || *col > INT32_MAX) return std::nullopt;
    out.col = int32_t(*col);
    if (hash == std::string_view::npos) return out;
    const auto value = parseSigned(rest.substr(hash + 1));
    if (!value) return std::nullopt;
    out.value = *value;
    return out;
}

}  // namespace gts::tokens
