#include "tokenize/Vocab.h"

#include <algorithm>
#include <charconv>

#include "io/GraphIO.h"
#include "io/TextInput.h"

namespace gts {
namespace {

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f'; }

std::string quoteToken(std::string_view token) {
    std::string out = "\"";
    for (char c : token) {
        if (static_cast<unsigned char>(c) < 0x20) {
            static constexpr char kHex[] = "0123456789abcdef";
            out += "\\x";
            out += kHex[static_cast<unsigned char>(c) >> 4];
            out += kHex[static_cast<unsigned char>(c) & 15];
        } else {
            out += c;
        }
    }
    return out + "\"";
}

}  // namespace

void Vocab::add(std::string token, int32_t id) {
    slotOfId_.emplace(id, byId_.size());
    ids_.emplace(token, id);
    byId_.emplace_back(std::move(token), id);
    maxId_ = std::max(maxId_, id);
}

Vocab Vocab::fromTokens(std::vector<std::string> tokens) {
    Vocab vocab;
    for (size_t i = 0; i < tokens.size(); ++i) {
        std::string& token = tokens[i];
        if (token.empty()) throw std::invalid_argument("vocab: token " + std::to_string(i) + " is empty");
        if (std::any_of(token.begin(), token.end(), [](char c) { return isSpace(c) || c == '\n' || c == '\r'; }))
            throw std::invalid_argument("vocab: token " + quoteToken(token) + " contains whitespace");
        if (vocab.ids_.count(token))
            throw std::invalid_argument("vocab: token " + quoteToken(token) + " appears twice");
        vocab.add(std::move(token), int32_t(i + 1));
    }
    return vocab;
}

Vocab Vocab::parse(std::string_view text, const std::string& sourceName) {
    io::requireUtf8(text, sourceName);
    Vocab vocab;
    std::unordered_map<int32_t, size_t> lineOfId;
    std::unordered_map<std::string, size_t> lineOfToken;
    io::LineReader lines(text);
    std::string_view line;
    while (lines.next(line)) {
        const size_t lineNo = lines.lineNumber();
        const std::string_view content = io::trim(line);
        if (content.empty()) continue;  // GraphGPT's loader skips empty lines too
        const auto fail = [&](const std::string& what) {
            throw io::ParseError(sourceName, lineNo, what);
        };
        size_t split = 0;
        while (split < content.size() && !isSpace(content[split])) ++split;
        const std::string_view token = content.substr(0, split);
        std::string_view rest = content.substr(split);
        while (!rest.empty() && isSpace(rest.front())) rest.remove_prefix(1);
        if (rest.empty()) fail("expected \"<token> <id>\", found only " + quoteToken(token));
        if (std::any_of(rest.begin(), rest.end(), isSpace))
            fail("expected \"<token> <id>\", found more than two fields");
        if (token.size() > kMaxTokenBytes)
            fail("token of " + std::to_string(token.size()) + " bytes is longer than " +
                 std::to_string(kMaxTokenBytes));
        int32_t id = 0;
        const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), id);
        if (ec != std::errc() || end != rest.data() + rest.size())
            fail("id " + quoteToken(rest) + " of token " + quoteToken(token) + " is not an integer");
        if (id <= kPadId)
            fail("id " + std::to_string(id) + " of token " + quoteToken(token) +
                 " must be positive (0 is padding)");
        std::string key(token);
        if (const auto it = lineOfToken.find(key); it != lineOfToken.end())
            fail("token " + quoteToken(token) + " already has an id on line " + std::to_string(it->second));
        if (const auto it = lineOfId.find(id); it != lineOfId.end())
            fail("id " + std::to_string(id) + " already belongs to the token on line " +
                 std::to_string(it->second));
        lineOfToken.emplace(key, lineNo);
        lineOfId.emplace(id, lineNo);
        vocab.add(std::move(key), id);
    }
    std::sort(vocab.byId_.begin(), vocab.byId_.end(),
              [](const auto& a, const auto& b) { return a.second < b.second; });
    for (size_t i = 0; i < vocab.byId_.size(); ++i) vocab.slotOfId_[vocab.byId_[i].second] = i;
    return vocab;
}

Vocab Vocab::read(const std::filesystem::path& path) {
    return parse(io::readFileBytes(path), path.string());
}

std::string Vocab::toText() const {
    std::string out;
    for (const auto& [token, id] : byId_) {
        out += token;
        out += ' ';
        out += std::to_string(id);
        out += '\n';
    }
    return out;
}

void Vocab::write(const std::filesystem::path& path) const { io::writeFileAtomically(path, toText()); }

std::optional<int32_t> Vocab::find(std::string_view token) const {
    const auto it = ids_.find(token);
    if (it == ids_.end()) return std::nullopt;
    return it->second;
}

int32_t Vocab::id(std::string_view token) const {
    if (const auto found = find(token)) return *found;
    throw UnknownTokenError(std::string(token), 0,
                            "token " + quoteToken(token) + " is not in the vocab");
}

const std::string& Vocab::token(int32_t id) const {
    const auto it = slotOfId_.find(id);
    if (it == slotOfId_.end())
        throw std::out_of_range("vocab: no token has id " + std::to_string(id));
    return byId_[it->second].first;
}

const std::string* Vocab::findToken(int32_t id) const {
    const auto it = slotOfId_.find(id);
    return it == slotOfId_.end() ? nullptr : &byId_[it->second].first;
}

std::vector<int32_t> Vocab::encode(std::span<const std::string> tokens) const {
    std::vector<int32_t> ids;
    ids.reserve(tokens.size());
    for (size_t i = 0; i < tokens.size(); ++i) {
        const auto found = find(tokens[i]);
        if (!found)
            throw UnknownTokenError(tokens[i], i,
                                    "token " + quoteToken(tokens[i]) + " at position " +
                                        std::to_string(i) + " is not in the vocab");
        ids.push_back(*found);
    }
    return ids;
}

}  // namespace gts
