#pragma once
// GraphGPT's vocabulary: token strings and their integer ids.
//
// File format (GraphGPT src/data/vocab_builder.py save_vocab / load_vocab): one "<token> <id>"
// per line, ids 1, 2, 3, ... in file order; id 0 is padding and is not listed. GraphGPT splits
// each line on whitespace, so a token never contains a space. Its loader also adds
// "<label_pad>" = -100 for loss masking; that is a label value, not a token, and is not kept
// here. We read any positive ids in any order (no gaps required) but refuse duplicates.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace gts {

/// A token that a vocabulary does not hold; what() names the token and where it was asked for.
class UnknownTokenError : public std::runtime_error {
public:
    UnknownTokenError(std::string token, size_t position, const std::string& message)
        : std::runtime_error(message), token_(std::move(token)), position_(position) {}
    const std::string& token() const { return token_; }
    /// Position in the sequence being encoded (0-based).
    size_t position() const { return position_; }

private:
    std::string token_;
    size_t position_;
};

/// A token <-> id table in GraphGPT's format.
class Vocab {
public:
    static constexpr int32_t kPadId = 0;
    /// Longest token line accepted by the reader (GraphGPT's longest tokens are ~30 bytes).
    static constexpr size_t kMaxTokenBytes = 4096;

    Vocab() = default;
    /// Tokens get ids 1, 2, ... in order. Throws std::invalid_argument for an empty token, one
    /// with whitespace, or a duplicate.
    static Vocab fromTokens(std::vector<std::string> tokens);
    /// Parses the text of a vocab file; errors are io::ParseError "<sourceName>:<line>: ...".
    static Vocab parse(std::string_view text, const std::string& sourceName = "vocab");
    /// Reads a vocab file (io::FileError when it cannot be read, io::ParseError when malformed).
    static Vocab read(const std::filesystem::path& path);

    /// The file text: "<token> <id>\n" per token, by increasing id.
    std::string toText() const;
    /// Writes the file whole or not at all. Throws io::FileError.
    void write(const std::filesystem::path& path) const;

    size_t size() const { return byId_.size(); }
    bool contains(std::string_view token) const { return find(token).has_value(); }
    std::optional<int32_t> find(std::string_view token) const;
    /// The id of a token; throws UnknownTokenError (position 0) when absent.
    int32_t id(std::string_view token) const;
    /// The token with this id; throws std::out_of_range for an id not in the vocab.
    const std::string& token(int32_t id) const;
    /// The token with this id, or nullptr.
    const std::string* findToken(int32_t id) const;
    /// Largest id (0 when empty): embedding tables need maxId() + 1 rows.
    int32_t maxId() const { return maxId_; }

    /// Ids of a token sequence. Throws UnknownTokenError naming the first unknown token and its
    /// position: `token "x" at position 7 is not in the vocab`.
    std::vector<int32_t> encode(std::span<const std::string> tokens) const;

    /// (token, id) pairs by increasing id.
    const std::vector<std::pair<std::string, int32_t>>& entries() const { return byId_; }

private:
    void add(std::string token, int32_t id);

    std::vector<std::pair<std::string, int32_t>> byId_;  // sorted by id
    /// Hashes std::string and std::string_view alike, so lookups need no copy.
    struct TokenHash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    std::unordered_map<std::string, int32_t, TokenHash, std::equal_to<>> ids_;
    std::unordered_map<int32_t, size_t> slotOfId_;
    int32_t maxId_ = 0;
};

}  // namespace gts
