// gtscope-cli ring MODEL GRAPH — one layer's attention replayed on N simulated devices passing
// key/value blocks round a ring (analysis/RingAttention.h): the schedule, each device's compute,
// idle and send time, the bytes moved, and the check that the ring's output equals softmax
// attention computed in one piece.

#include <iomanip>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "CliArgs.h"
#include "Commands.h"
#include "analysis/RingAttention.h"
#include "io/GraphIO.h"
#include "model/ModelFolder.h"
#include "model/Run.h"

namespace gts::cli {
namespace {

using nlohmann::json;

const char* eventName(analysis::RingEvent::Kind k) {
    switch (k) {
        case analysis::RingEvent::Kind::Compute: return "compute";
        case analysis::RingEvent::Kind::Idle: return "idle";
        case analysis::RingEvent::Kind::Send: return "send";
        case analysis::RingEvent::Kind::Wait: return "wait";
    }
    return "compute";
}

int runRing(const std::vector<std::string>& args) {
    auto valued = kTokenizeValued;
    valued.insert({"seed", "layer", "workers", "link-gbps", "o"});
    auto flags = kTokenizeFlags;
    flags.insert({"json", "no-overlap"});
    CliArgs a(args, flags, valued);
    const std::string usage =
        "gtscope-cli ring MODEL GRAPH[#N] [--layer L] [--workers N] [--no-overlap] [--link-gbps X] [--seed N] "
        "[--json] [-o FILE]";
    if (a.positional().size() != 2) throw UsageError("usage: " + usage);

    const std::string& modelPath = a.positional()[0];
    const auto m = loadModelForGraphs(modelPath);
    const int layers = m->config.numLayers;
    const uint64_t layer = parseCount(a, "layer", 0);
    if (layer >= uint64_t(layers))
        throw UsageError("--layer " + std::to_string(layer) + ": the model has layers 0 to " + std::to_string(layers - 1));
    analysis::RingOptions options;
    options.workers = int(std::min<uint64_t>(parseCount(a, "workers", 4), analysis::kMaxRingWorkers + 1));
    options.overlap = !a.flag("no-overlap");
    options.causal = m->config.causalAttention;
    if (auto bw = a.value("link-gbps")) {
        try {
            size_t used = 0;
            options.linkGBps = std::stod(*bw, &used);
            if (used != bw->size()) throw std::invalid_argument(*bw);
        } catch (const std::exception&) {
            throw UsageError("--link-gbps " + *bw + ": expected a number of GB/s");
        }
    }

    const std::string& source = a.positional()[1];
    const Graph g = io::readGraph(source, graphReadOptions(a));
    const TokenSequence seq = tokenizeWithArgs(a, g, tokenizeOptions(a, m->tokenization), source);
    const model::SequenceInput input = modelInput(*m, seq, source);
    model::RunOptions ro;
    ro.captureKeys = ro.captureValues = true;
    ro.captureLayers = {int(layer)};
    const model::RunResult result = model::runGraphGpt(*m, {input}, ro).front();
    const model::LayerCapture* capture = nullptr;
    for (const auto& c : result.layers)
        if (c.layer == int(layer)) capture = &c;
    if (!capture || capture->values.size() == 0)
        throw UsageError("layer " + std::to_string(layer) + " was skipped in this run (" + source + ")");
    analysis::RingResult ring;
    try {
        ring = analysis::ringAttention(*capture, options);
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string(e.what()) + " (" + source + ")");
    }
    const Tensor dense = analysis::denseAttentionOutput(*capture, options.causal);
    double worst = 0;
    for (size_t i = 0; i < dense.size(); ++i)
        worst = std::max(worst, double(std::abs(dense.data()[i] - ring.out.data()[i])));

    // Per device: time computing, idle (nothing visible under the causal mask) and sending.
    std::vector<double> computeMs(size_t(ring.workers), 0), sendMs(size_t(ring.workers), 0),
        waitMs(size_t(ring.workers), 0);
    std::vector<int> idleSteps(size_t(ring.workers), 0);
    for (const auto& e : ring.events) {
        if (e.kind == analysis::RingEvent::Kind::Send) sendMs[size_t(e.worker)] += e.endMs - e.startMs;
        else if (e.kind == analysis::RingEvent::Kind::Idle) ++idleSteps[size_t(e.worker)];
        else if (e.kind == analysis::RingEvent::Kind::Wait) waitMs[size_t(e.worker)] += e.endMs - e.startMs;
        else computeMs[size_t(e.worker)] += e.endMs - e.startMs;
    }

    std::ostringstream out;
    if (a.flag("json")) {
        json j = {{"input", source},
                  {"layer", layer},
                  {"positions", ring.positions},
                  {"heads", ring.heads},
                  {"head_dim", ring.headDim},
                  {"workers", ring.workers},
                  {"overlap", options.overlap},
                  {"causal", options.causal},
                  {"link_gbps", options.linkGBps},
                  {"block_start", ring.blockStart},
                  {"total_ms", ring.totalMs},
                  {"bytes_sent", ring.bytesSent},
                  {"peak_bytes_per_device", ring.peakBytesPerDevice},
                  {"max_abs_diff_vs_dense", worst}};
        j["events"] = json::array();
        for (const auto& e : ring.events)
            j["events"].push_back({{"worker", e.worker},
                                   {"step", e.step},
                                   {"kind", eventName(e.kind)},
                                   {"block", e.block},
                                   {"start_ms", e.startMs},
                                   {"end_ms", e.endMs}});
        out << j.dump(2) << "\n";
    } else {
        out << source << ": layer " << layer << " over " << ring.workers << " devices in a ring ("
            << ring.positions << " positions, " << ring.heads << " heads of " << ring.headDim << ", "
            << (options.causal ? "causal" : "bidirectional") << ", sends "
            << (options.overlap ? "overlapped with compute" : "after compute");
        if (options.linkGBps > 0) out << ", link " << options.linkGBps << " GB/s";
        out << ")\n\n" << std::setw(7) << "device" << std::setw(12) << "positions" << std::setw(13) << "compute ms"
            << std::setw(12) << "idle steps" << std::setw(10) << "send ms" << std::setw(10) << "wait ms\n";
        for (int w = 0; w < ring.workers; ++w)
            out << std::setw(7) << w << std::setw(12)
                << (std::to_string(ring.blockStart[size_t(w)]) + "-" + std::to_string(ring.blockStart[size_t(w) + 1] - 1))
                << std::setw(13) << std::fixed << std::setprecision(3) << computeMs[size_t(w)] << std::setw(12)
                << idleSteps[size_t(w)] << std::setw(10) << sendMs[size_t(w)] << std::setw(10) << waitMs[size_t(w)]
                << "\n";
        out << "\nschedule (block each device holds per step; · = idle under the causal mask)\n";
        for (int w = 0; w < ring.workers; ++w) {
            out << "  device " << std::setw(2) << w << ":";
            for (int step = 0; step < ring.workers; ++step) {
                const int block = ((w - step) % ring.workers + ring.workers) % ring.workers;
                const bool idle = options.causal && ring.blockStart[size_t(block)] > ring.blockStart[size_t(w) + 1] - 1;
                out << " " << (idle ? std::string("·") : std::to_string(block));
            }
            out << "\n";
        }
        out << "\ntotal " << std::setprecision(3) << ring.totalMs << " ms, " << ring.bytesSent << " bytes sent, "
            << ring.peakBytesPerDevice << " bytes per device at most\n"
            << "max |ring − one-piece softmax attention| = " << std::scientific << std::setprecision(2) << worst << "\n";
    }
    if (auto o = a.value("o")) io::writeFileAtomically(*o, out.str());
    else std::cout << out.str();
    return 0;
}

const CommandRegistration ringCommand{
    "ring",
    "MODEL GRAPH [--layer L] [--workers N] [--no-overlap] [--link-gbps X] [--json]: one layer's attention on N "
    "simulated devices in a ring (ring attention, for teaching)",
    runRing};

}  // namespace
}  // namespace gts::cli
