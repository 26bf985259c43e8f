// gtscope-cli layout GRAPH[#N] [--method auto|forceatlas2|spectral|circular|molecule] [--seed N]
//                  [--iterations N] [--threads N] [-o OUT] [--to FMT] [--json] [--quiet]
// Writes the graph with a "pos" node attribute (2 reals, normalized to a unit box: see
// core/layout/Layout.h) and/or prints {"method", "x", "y"} as JSON.

#include <chrono>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>
#include <tbb/global_control.h>

#include "CliArgs.h"
#include "Commands.h"
#include "io/GraphIO.h"
#include "layout/Layout.h"

namespace gts::cli {

namespace {

const char* kLayoutUsage =
    "gtscope-cli layout GRAPH[#N] [--method auto|forceatlas2|spectral|circular|molecule] "
    "[--seed N] [--iterations N] [--threads N] [-o OUT] [--to FMT] [--json]";

}  // namespace

int runLayout(const std::vector<std::string>& args) {
    CliArgs a(args, {"json", "quiet"}, {"method", "seed", "iterations", "threads", "o", "output",
                                        "to", "format"});
    a.requirePositional(1, kLayoutUsage);
    std::optional<std::string> target = a.value("o");
    if (!target) target = a.value("output");
    if (!target && !a.flag("json"))
        throw UsageError("name an output: -o OUT (the graph with positions) or --json");

    layout::LayoutMethod method = layout::LayoutMethod::Auto;
    if (auto m = a.value("method")) {
        const auto parsed = layout::parseLayoutMethod(*m);
        if (!parsed)
            throw UsageError("--method is auto, forceatlas2, spectral, circular or molecule, not '" +
                             *m + "'");
        method = *parsed;
    }
    layout::LayoutOptions options;
    options.seed = parseCount(a, "seed", options.seed);
    const uint64_t iterations = parseCount(a, "iterations", uint64_t(options.forceAtlas2.iterations));
    if (iterations > uint64_t(layout::kMaxForceAtlas2Iterations))
        throw UsageError("--iterations is at most " +
                         std::to_string(layout::kMaxForceAtlas2Iterations));
    options.forceAtlas2.iterations = int(iterations);
    std::unique_ptr<tbb::global_control> threadLimit;
    if (const uint64_t threads = parseCount(a, "threads", 0); threads > 0)
        threadLimit = std::make_unique<tbb::global_control>(
            tbb::global_control::max_allowed_parallelism, size_t(threads));

    io::WriteOptions out;
    if (auto f = a.value("to")) {
        out.format = io::parseFormat(*f);
        if (!out.format) throw UsageError("unknown output format '" + *f + "'");
    }
    if (target && !out.format && !io::formatFromPath(*target))
        throw UsageError("cannot tell the output format from '" + *target + "'; name it with --to");
    if (target && !io::canWrite(out.format ? *out.format : *io::formatFromPath(*target)))
        throw UsageError("cannot write " +
                         std::string(io::formatName(out.format ? *out.format
                                                               : *io::formatFromPath(*target))));

    Graph g = io::readGraph(a.positional()[0], graphReadOptions(a));
    const auto start = std::chrono::steady_clock::now();
    const layout::Layout result = layout::computeLayout(g, method, options);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!a.flag("quiet"))
        std::cerr << "laid out " << g.nodeCount() << " nodes with " << result.method << " in "
                  << seconds << " s\n";

    if (target) {
        layout::storePositions(g, result);
        io::writeGraph(g, *target, out);
    }
    if (a.flag("json")) {
        nlohmann::json j;
        j["method"] = result.method;
        j["x"] = result.x;
        j["y"] = result.y;
        std::cout << j.dump() << "\n";
    }
    return 0;
}

}  // namespace gts::cli
