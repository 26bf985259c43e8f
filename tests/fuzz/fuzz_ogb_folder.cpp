// libFuzzer target for the OGB raw-folder reader. The input is split on NUL bytes into the
// folder's files (edge.csv, num-node-list.csv, num-edge-list.csv, node-feat.csv, edge-feat.csv,
// graph-label.csv); missing parts leave the file out. The folder lives in a private temp dir.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "io/GraphIO.h"

namespace {
const char* const kFiles[] = {"edge.csv",      "num-node-list.csv", "num-edge-list.csv",
                              "node-feat.csv", "edge-feat.csv",     "graph-label.csv"};

std::filesystem::path folder() {
    static const std::filesystem::path dir = [] {
        auto d = std::filesystem::temp_directory_path() /
                 ("gts-fuzz-ogb-" + std::to_string(::getpid()));
        std::filesystem::create_directories(d);
        return d;
    }();
    return dir;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto dir = folder();
    size_t start = 0;
    for (size_t i = 0; i < std::size(kFiles); ++i) {
        const auto path = dir / kFiles[i];
        std::filesystem::remove(path);
        if (start > text.size()) continue;
        size_t end = text.find('\0', start);
        if (end == std::string_view::npos) end = text.size();
        std::ofstream(path, std::ios::binary) << text.substr(start, end - start);
        start = end + 1;
    }
    gts::io::ReadOptions options;
    options.limits.maxNodes = 1'000'000;
    options.limits.maxEdges = 1'000'000;
    options.limits.maxRecords = 100'000;
    try {
        (void)gts::io::readGraphs(dir, options);
    } catch (const gts::io::ParseError&) {
    } catch (const gts::io::FileError&) {
    }
    return 0;
}
