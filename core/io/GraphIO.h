#pragma once
// Reading and writing graph files: format detection, dispatch, multi-record addressing.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "graph/Graph.h"

namespace gts::io {

enum class Format : uint8_t {
    EdgeList,      // .edges .edgelist .txt .csv .tsv
    Gml,           // .gml
    GraphMl,       // .graphml .xml
    Gexf,          // .gexf
    NodeLinkJson,  // .json
    Smiles,        // .smi .smiles (one molecule per line, optional name)
    Sdf,           // .sdf .sd (multi-record)
    Mol,           // .mol
    OgbFolder,     // a directory with edge.csv(.gz) [+ node-feat, edge-feat, num-*-list]
};

const char* formatName(Format f);
/// Parses a format name as the CLI accepts it ("graphml", "gexf", "json", "smi", "ogb", ...).
std::optional<Format> parseFormat(std::string_view name);
/// The format for a path: by extension, or OgbFolder for a directory. nullopt if unknown.
std::optional<Format> formatFromPath(const std::filesystem::path& path);
bool canWrite(Format f);

/// Bad input: where (source name and 1-based line, 0 when the format has no lines) and what.
/// what() is "<source>:<line>: <message>" (or "<source>: <message>").
class ParseError : public std::runtime_error {
public:
    ParseError(std::string source, size_t line, std::string message);
    const std::string& source() const { return source_; }
    size_t line() const { return line_; }
    const std::string& message() const { return message_; }

private:
    std::string source_;
    size_t line_;
    std::string message_;
};

/// A file that cannot be opened, read, created or replaced; what() names the path and the problem.
class FileError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Limits that protect against input that claims more than it holds. A reader never reserves
/// memory for a count read from a file beyond what the rest of the input could hold.
struct ReadLimits {
    size_t maxNodes = 200'000'000;
    size_t maxEdges = 500'000'000;
    size_t maxRecords = 50'000'000;
};

struct ReadOptions {
    std::optional<Format> format;  // overrides the extension
    ReadLimits limits;
    /// For multi-record sources: read only this record (0-based). nullopt reads all.
    std::optional<size_t> record;
    /// When set, reading all records of a SMILES or SDF file skips a record that cannot be
    /// read (an invalid molecule), appends its error here and goes on. Skipped records keep
    /// their index for FILE#N. Errors in the file's structure still throw.
    std::vector<ParseError>* skipped = nullptr;
    /// When set, receives the record index (for FILE#N) of every graph returned, in order; for
    /// formats without records, 0, 1, 2, ... It differs from the position only when records
    /// were skipped.
    std::vector<size_t>* recordIndices = nullptr;
};

/// A path that may carry a record selector: "mols.sdf#3" is record 3 (0-based) of mols.sdf.
struct GraphPath {
    std::filesystem::path file;
    std::optional<size_t> record;
};
/// Splits "file#N" (only when the part after the last '#' is all digits and `file` without it
/// names an existing file or directory, or the whole string does not).
GraphPath parseGraphPath(const std::string& text);

/// Reads every graph (record) of a file or OGB folder. Throws ParseError on bad input and
/// FileError when the file cannot be opened.
std::vector<Graph> readGraphs(const std::filesystem::path& path, const ReadOptions& options = {});
/// Reads one graph; `text` may carry "#N". A multi-record file without "#N" gives record 0.
Graph readGraph(const std::string& text, ReadOptions options = {});
/// Reads graphs from bytes in memory, as if they were a file named `sourceName` (used by tests
/// and fuzzers; OgbFolder is not accepted here).
std::vector<Graph> readGraphsFromText(std::string_view data, Format format,
                                      const std::string& sourceName,
                                      const ReadOptions& options = {});

struct WriteOptions {
    std::optional<Format> format;  // overrides the extension
};
/// Writes graphs. Formats with one graph per file take exactly one. The file appears whole or
/// not at all (written beside the target, then renamed over it).
void writeGraphs(const std::vector<Graph>& graphs, const std::filesystem::path& path,
                 const WriteOptions& options = {});
void writeGraph(const Graph& graph, const std::filesystem::path& path,
                const WriteOptions& options = {});
/// The bytes `writeGraphs` would write (not for OgbFolder).
std::string writeGraphsToText(const std::vector<Graph>& graphs, Format format);

/// Reads a whole file into memory. Throws FileError naming the file on failure.
/// Files ending in .gz are inflated (with a bound on the inflated size).
std::string readFileBytes(const std::filesystem::path& path, size_t maxBytes = size_t(1) << 34);
/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so the
/// target is either the old file or the complete new one. Throws FileError naming the file.
void writeFileAtomically(const std::filesystem::path& path, const std::string& bytes);

}  // namespace gts::io
