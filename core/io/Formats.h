#pragma once
// The per-format readers and writers behind GraphIO's dispatch. One .cpp file per format.
// Readers take the whole input as bytes and a source name for error messages; they throw
// ParseError on bad input and never trust a count in the input beyond what the input holds.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "graph/Graph.h"
#include "io/GraphIO.h"

namespace gts::io::detail {

std::vector<Graph> readEdgeList(std::string_view data, const std::string& source,
                                const ReadOptions& options);
std::string writeEdgeList(const Graph& graph);

std::vector<Graph> readGml(std::string_view data, const std::string& source,
                           const ReadOptions& options);
std::string writeGml(const Graph& graph);

std::vector<Graph> readGraphMl(std::string_view data, const std::string& source,
                               const ReadOptions& options);
std::string writeGraphMl(const std::vector<Graph>& graphs);

std::vector<Graph> readGexf(std::string_view data, const std::string& source,
                            const ReadOptions& options);
std::string writeGexf(const Graph& graph);

std::vector<Graph> readNodeLinkJson(std::string_view data, const std::string& source,
                                    const ReadOptions& options);
std::string writeNodeLinkJson(const Graph& graph);

std::vector<Graph> readSmiles(std::string_view data, const std::string& source,
                              const ReadOptions& options);
std::string writeSmiles(const std::vector<Graph>& graphs);

std::vector<Graph> readSdf(std::string_view data, const std::string& source,
                           const ReadOptions& options);
std::string writeSdf(const std::vector<Graph>& graphs);

std::vector<Graph> readMol(std::string_view data, const std::string& source,
                           const ReadOptions& options);
std::string writeMol(const Graph& graph);

std::vector<Graph> readOgbFolder(const std::filesystem::path& dir, const ReadOptions& options);
void writeOgbFolder(const std::vector<Graph>& graphs, const std::filesystem::path& dir);

}  // namespace gts::io::detail
