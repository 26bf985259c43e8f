#pragma once
// The text of GraphGPT's tokens (alibaba/graph-gpt src/data/tokenizer.py, vocab_builder.py),
// shared by the tokenizer, the vocab builder and the decoder.
//
// - Discrete attribute value: "{world}#{node|edge}#{col}#{value}" (molecule#node#0#5).
// - Default / missing attribute: "{world}#{node|edge}#{col}".
// - Continuous attribute: "{world}#{node|edge}#{col}#1", then one "<c>" token per character of
//   the value's text, where the text is Python's repr of the float (numpy's astype(str)) and a
//   leading "0" before "." is dropped ("0.25" -> <.> <2> <5>).
// - Node index i: "r", or "q*base" then "r" (q = i / base > 0, r = i % base).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gts::tokens {

inline constexpr const char* kMask = "<mask>";
inline constexpr const char* kIcl = "<icl>";
inline constexpr const char* kSep = "<sep>";
inline constexpr const char* kGsum = "<gsum>";
inline constexpr const char* kEdgeIn = "<edge_in>";
inline constexpr const char* kEdgeOut = "<edge_out>";
inline constexpr const char* kEdgeBi = "<edge_bi>";
inline constexpr const char* kEdgeJump = "<edge_jump>";
inline constexpr const char* kEos = "<eos>";
inline constexpr const char* kBos = "<bos>";
inline constexpr const char* kNew = "<new>";
/// The per-character tokens of continuous values, in vocab order.
inline constexpr const char* kNumberTokens[] = {"<e>", "<.>", "<->", "<0>", "<1>", "<2>", "<3>",
                                                "<4>", "<5>", "<6>", "<7>", "<8>", "<9>"};
/// GraphGPT's reserved "structure_k" and "semantics_k" tokens: k = 0..9.
inline constexpr int kReservedTokenCount = 10;

/// "node" or "edge": the middle part of an attribute token.
inline const char* scopeName(bool edge) { return edge ? "edge" : "node"; }

std::string attrDefaultToken(std::string_view world, bool edge, int32_t col);
std::string attrValueToken(std::string_view world, bool edge, int32_t col, int64_t value);
/// The token that opens a continuous value: "{world}#{scope}#{col}#1".
std::string continuousLeadToken(std::string_view world, bool edge, int32_t col);

/// Python's repr of a double ("0.5", "1.0", "1e-05", "1.5e+16", "inf", "nan"), which is what
/// numpy's astype(str) gives for float64 arrays.
std::string pythonFloatText(double value);
/// The character tokens of a continuous value (leading "0" before "." dropped).
std::vector<std::string> continuousValueTokens(double value);

/// A single-character token "<c>": its character, else nullopt.
std::optional<char> characterOf(std::string_view token);

/// A node index token: "r" (decimal digits) or "q*base"; gives the value it adds to the index
/// (r, or q * base), else nullopt.
std::optional<uint64_t> indexTokenValue(std::string_view token);
/// True for "q*base" (the first of two index tokens).
bool isHighIndexToken(std::string_view token);

/// A parsed attribute token "{world}#{scope}#{col}[#{value}]".
struct AttrToken {
    bool edge = false;
    int32_t col = 0;
    /// The value; nullopt for a default token.
    std::optional<int64_t> value;
};
/// Parses an attribute token of `world`; nullopt when `token` is not one.
std::optional<AttrToken> parseAttrToken(std::string_view token, std::string_view world);

}  // namespace gts::tokens
