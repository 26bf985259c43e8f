#pragma once
// Small helpers shared by the text readers: line iteration with line numbers, UTF-8 checks,
// strict number parsing.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gts::io {

/// Iterates over the lines of a buffer ("\n", "\r\n" or "\r" endings), numbering them from 1.
/// A UTF-8 byte order mark at the start is skipped.
class LineReader {
public:
    explicit LineReader(std::string_view data);
    /// The next line without its ending; false at the end of the input.
    bool next(std::string_view& line);
    /// The 1-based number of the line last returned by next().
    size_t lineNumber() const { return line_; }
    /// Bytes not yet read (used to bound counts claimed by a header).
    size_t remainingBytes() const { return data_.size() - pos_; }

private:
    std::string_view data_;
    size_t pos_ = 0;
    size_t line_ = 0;
};

/// The 1-based line that byte `offset` of `data` lies on.
size_t lineAt(std::string_view data, size_t offset);

/// Offset of the first byte that breaks UTF-8 validity, or nullopt when `text` is valid.
std::optional<size_t> findInvalidUtf8(std::string_view text);
/// Throws ParseError(source, line of the bad byte, ...) when `data` is not valid UTF-8.
void requireUtf8(std::string_view data, const std::string& source);

std::string_view trim(std::string_view s);

/// Strict parsers: the whole (trimmed) text must be the number. nullopt otherwise.
std::optional<int64_t> parseInt(std::string_view text);
/// Accepts decimal and exponent forms, "inf", "-inf", "nan" (any case).
std::optional<double> parseReal(std::string_view text);

/// Shortest decimal text that reads back to exactly the same double ("0.1", "1e+300", "nan").
std::string formatReal(double value);

}  // namespace gts::io
