#include "analysis/NodeLevel.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "graph/AttrNames.h"

namespace gts::analysis {

TokenSequence nodeTokenSequence(const Graph& graph) {
    TokenSequence seq;
    const size_t n = graph.nodeCount();
    const AttrColumn* symbol = graph.nodeAttrs().find(attr::kSymbol);
    const bool symbols = symbol && symbol->kind == AttrKind::String;
    seq.positions.resize(n);
    seq.sources.resize(n);
    seq.positionSources.resize(n);
    for (size_t i = 0; i < n; ++i) {
        const NodeId v = NodeId(i);
        std::string label = symbols && symbol->has(i) ? symbol->stringAt(i)
                            : graph.hasNodeKeys()      ? graph.nodeKey(v)
                                                       : std::to_string(i);
        seq.positions[i] = {std::move(label)};
        TokenSource t;
        t.role = TokenRole::NodeIndex;
        t.node = v;
        seq.sources[i] = {t};
        PositionSource p;
        p.kind = PositionKind::Node;
        p.walkIndex = uint32_t(i);
        p.node = v;
        seq.positionSources[i] = p;
    }
    return seq;
}

namespace {

/// The nodes present in a capture (all when it does not say).
std::vector<int32_t> presentNodes(const model::NodeLayerCapture& c, size_t n) {
    std::vector<int32_t> out;
    out.reserve(n);
    for (size_t i = 0; i < n; ++i)
        if (c.present.size() != n || c.present[i]) out.push_back(int32_t(i));
    return out;
}

/// Rows and columns `keep` of a [heads, n, n] tensor.
Tensor squareSubset(const Tensor& a, const std::vector<int32_t>& keep) {
    const int64_t heads = a.dim(0), n = a.dim(1), k = int64_t(keep.size());
    if (k == n) return a;
    Tensor out({heads, k, k});
    float* o = out.mutableData();
    for (int64_t h = 0; h < heads; ++h)
        for (int64_t i = 0; i < k; ++i)
            for (int64_t j = 0; j < k; ++j) *o++ = a.data()[(h * n + keep[size_t(i)]) * n + keep[size_t(j)]];
    return out;
}

/// Rows `keep` of a [n, d] tensor.
Tensor rowSubset(const Tensor& a, const std::vector<int32_t>& keep) {
    const int64_t n = a.dim(0), d = a.dim(1), k = int64_t(keep.size());
    if (k == n) return a;
    Tensor out({k, d});
    for (int64_t i = 0; i < k; ++i)
        std::copy_n(a.data() + int64_t(keep[size_t(i)]) * d, d, out.mutableData() + i * d);
    return out;
}

/// The nodes present after the last layer (every node when nothing was removed).
std::vector<uint8_t> finalPresence(const model::NodeRunResult& r, size_t n) {
    std::vector<uint8_t> alive(n, 1);
    for (const auto& c : r.layers)
        if (c.present.size() == n)
            for (size_t i = 0; i < n; ++i) alive[i] &= c.present[i];
    return alive;
}

}  // namespace

model::RunResult nodeRunResult(const model::NodeRunResult& run, const model::NodeModelSummary& summary,
                               size_t nodeCount) {
    model::RunResult out;
    const std::vector<uint8_t> alive = finalPresence(run, nodeCount);
    for (size_t i = 0; i < nodeCount; ++i)
        if (alive[i]) out.positions.push_back(int32_t(i));
    if (summary.nodeTask && run.output.rank() == 2) {
        const int64_t k = run.output.dim(1);
        out.tokenLogits = rowSubset(run.output, out.positions);
        out.logits = Tensor({k});
        const double m = double(std::max<size_t>(1, out.positions.size()));
        for (int32_t i : out.positions)
            for (int64_t c = 0; c < k; ++c) out.logits.mutableData()[c] += float(run.output.data()[i * k + c] / m);
    } else {
        out.logits = run.output;
    }
    for (size_t l = 0; l < run.layers.size(); ++l) {
        const auto& g = run.layers[l];
        if (g.attention.size() == 0 && g.nodeStates.size() == 0) continue;
        model::LayerCapture c;
        c.layer = int(l);
        c.positions = presentNodes(g, nodeCount);
        if (g.attention.size()) c.attention = squareSubset(g.attention, c.positions);
        if (g.nodeStates.size()) {
            c.residual = rowSubset(g.nodeStates, c.positions);
            out.hidden = rowSubset(g.nodeStates, out.positions);
        }
        out.layers.push_back(std::move(c));
    }
    return out;
}

NodePredictions nodePredictions(const Tensor& output, model::NodeObjective objective) {
    NodePredictions p;
    if (output.rank() == 1) {
        p.rows = output.size() > 0 ? 1 : 0;
        p.outputs = output.dim(0);
    } else if (output.rank() == 2) {
        p.rows = output.dim(0);
        p.outputs = output.dim(1);
    }
    if (p.outputs == 0) p.rows = 0;
    p.values.assign(output.data(), output.data() + p.rows * p.outputs);
    p.predicted.assign(static_cast<size_t>(p.rows), -1);
    for (int64_t r = 0; r < p.rows; ++r) {
        float* v = p.values.data() + r * p.outputs;
        if (objective == model::NodeObjective::Classification) {
            const float* top = std::max_element(v, v + p.outputs);
            const float m = *top;
            double sum = 0.0;
            for (int64_t c = 0; c < p.outputs; ++c) sum += std::exp(double(v[c]) - m);
            for (int64_t c = 0; c < p.outputs; ++c) v[c] = float(std::exp(double(v[c]) - m) / sum);
            p.predicted[static_cast<size_t>(r)] = static_cast<int32_t>(top - v);
        } else if (objective == model::NodeObjective::MultiLabel) {
            for (int64_t c = 0; c < p.outputs; ++c) v[c] = float(1.0 / (1.0 + std::exp(-double(v[c]))));
        }
    }
    return p;
}

std::vector<int32_t> predictedNodeClasses(const model::RunResult& run, const model::NodeModelSummary& summary,
                                          size_t nodeCount) {
    const Tensor& out = run.tokenLogits;  // [remaining nodes, outputs]
    if (!summary.nodeTask || summary.objective != model::NodeObjective::Classification || out.rank() != 2 ||
        out.dim(0) != static_cast<int64_t>(run.positions.size()))
        return {};
    const NodePredictions p = nodePredictions(out, summary.objective);
    std::vector<int32_t> classes(nodeCount, -1);
    for (size_t r = 0; r < run.positions.size(); ++r)
        if (run.positions[r] >= 0 && static_cast<size_t>(run.positions[r]) < nodeCount)
            classes[static_cast<size_t>(run.positions[r])] = p.predicted[r];
    return classes;
}

std::vector<float> predictedNodeValues(const model::RunResult& run, const model::NodeModelSummary& summary,
                                       size_t nodeCount) {
    const Tensor& out = run.tokenLogits;  // [remaining nodes, outputs]
    if (!summary.nodeTask || summary.objective != model::NodeObjective::Regression || out.rank() != 2 ||
        out.dim(1) < 1 || out.dim(0) != static_cast<int64_t>(run.positions.size()))
        return {};
    std::vector<float> values(nodeCount, std::numeric_limits<float>::quiet_NaN());
    for (size_t r = 0; r < run.positions.size(); ++r)
        if (run.positions[r] >= 0 && static_cast<size_t>(run.positions[r]) < nodeCount)
            values[static_cast<size_t>(run.positions[r])] = out.data()[r * static_cast<size_t>(out.dim(1))];
    return values;
}

OutputMeasure nodeOutputMeasure(const model::NodeModelSummary& summary) {
    switch (summary.objective) {
    case model::NodeObjective::Classification: return OutputMeasure::Kl;
    case model::NodeObjective::MultiLabel: return OutputMeasure::BernoulliKl;
    case model::NodeObjective::Regression: break;
    }
    return OutputMeasure::AbsoluteDelta;
}

double nodeOutputChange(const model::NodeModelSummary& summary, const model::NodeRunResult& full,
                        const model::NodeRunResult& changed) {
    const OutputMeasure m = nodeOutputMeasure(summary);
    if (full.output.size() != changed.output.size() || full.output.rank() != changed.output.rank())
        throw std::invalid_argument("output change: the runs' outputs differ in shape");
    if (!summary.nodeTask || full.output.rank() != 2)
        return vectorChange(m, full.output.data(), changed.output.data(), int64_t(full.output.size()));
    const int64_t n = full.output.dim(0), k = full.output.dim(1);
    const auto a = finalPresence(full, size_t(n)), b = finalPresence(changed, size_t(n));
    double sum = 0.0;
    int64_t count = 0;
    for (int64_t i = 0; i < n; ++i) {
        if (!a[size_t(i)] || !b[size_t(i)]) continue;
        sum += vectorChange(m, full.output.data() + i * k, changed.output.data() + i * k, k);
        ++count;
    }
    return count ? sum / double(count) : 0.0;
}

Ablation ablateNodes(const model::NodeLevelModel& model, const Graph& graph, const AblationOptions& options) {
    const auto& s = model.summary();
    const int L = s.numLayers, H = s.numHeads;
    Ablation r;
    r.measure = nodeOutputMeasure(s);
    model::NodeRunOptions base;
    base.cancel = options.cancel;
    const model::NodeRunResult full = model.run(graph, base);
    r.prediction.assign(full.output.data(), full.output.data() + full.output.size());
    if (s.nodeTask) r.prediction.clear();  // per-node outputs: too many to show as "the prediction"
    if (!options.heads && !options.layers) return r;

    // Run k < L·H masks head k % H of layer k / H; run L·H + l masks every head of layer l.
    const int64_t headRuns = options.heads ? int64_t(L) * H : 0;
    const int64_t total = headRuns + (options.layers ? L : 0);
    std::vector<double> change(size_t(total), 0.0);
    std::atomic<int64_t> done{0};
    auto one = [&](int64_t k) {
        model::NodeRunOptions o = base;
        o.headMask.assign(size_t(L), std::vector<bool>(size_t(H), false));
        if (k < headRuns) o.headMask[size_t(k / H)][size_t(k % H)] = true;
        else o.headMask[size_t(k - headRuns)].assign(size_t(H), true);
        change[size_t(k)] = nodeOutputChange(s, full, model.run(graph, o));
        const int64_t d = ++done;
        if (options.progress) options.progress(d, total);
    };
    auto loop = [&] {
        tbb::parallel_for(tbb::blocked_range<int64_t>(0, total, 1), [&](const tbb::blocked_range<int64_t>& range) {
            for (int64_t k = range.begin(); k < range.end(); ++k) one(k);
        });
    };
    if (options.threads > 0) tbb::task_arena(options.threads).execute(loop);
    else loop();
    if (options.cancel && options.cancel->load()) throw model::RunCancelled();

    if (options.heads) {
        r.headChange.assign(size_t(L), std::vector<double>(size_t(H), 0.0));
        for (int64_t k = 0; k < headRuns; ++k) r.headChange[size_t(k / H)][size_t(k % H)] = change[size_t(k)];
    }
    if (options.layers) r.layerChange.assign(change.begin() + headRuns, change.end());
    r.runs = total;
    return r;
}

PruneResult pruneNodes(const model::NodeLevelModel& model, const Graph& graph, const PruneOptions& options) {
    const auto& s = model.summary();
    const int L = s.numLayers;
    const auto n = int64_t(graph.nodeCount());
    if (n == 0) throw std::invalid_argument("pruning: the graph has no nodes");
    const auto counts = pruneCounts(options.schedule, L, n, 1);  // one node always stays
    PruneResult r;
    r.keep.assign(size_t(L), {});
    r.dropped.assign(size_t(L), {});
    std::vector<std::vector<uint32_t>> keepNodes(static_cast<size_t>(L));

    model::NodeRunOptions base;
    base.cancel = options.cancel;
    const model::NodeRunResult full = model.run(graph, base);

    std::vector<int32_t> present(static_cast<size_t>(n));
    std::iota(present.begin(), present.end(), 0);
    std::mt19937_64 rng(options.seed);
    for (int l = 1; l < L; ++l) {
        const int64_t drop = std::min<int64_t>(counts[size_t(l)], int64_t(present.size()) - 1);
        if (drop <= 0) continue;
        const std::vector<bool> protect(present.size(), false);
        std::vector<int32_t> rows;
        if (options.method == PruneMethod::ZeroTPrune) {
            model::NodeRunOptions o = base;
            o.keepNodes = keepNodes;
            o.captureLayers = {l - 1};
            o.captureAttention = o.captureNodeStates = true;
            const auto run = model.run(graph, o);
            const auto& c = run.layers.at(size_t(l - 1));
            if (presentNodes(c, size_t(n)) != present) throw std::logic_error("Zero-TPrune on nodes: nodes out of step");
            const Tensor attention = squareSubset(c.attention, present);
            const auto importance = zeroTPruneImportance(attention, options.zeroTPrune);
            // S-stage similarity: the node states entering layer l, as one "kv head".
            Tensor states = rowSubset(c.nodeStates, present);
            const int64_t rowsCount = states.dim(0), width = states.dim(1);
            const Tensor keys({1, rowsCount, width}, std::vector<float>(states.data(), states.data() + states.size()));
            rows = zeroTPruneSelect(importance, keys, drop, protect);
        } else {
            std::vector<int32_t> candidates(present.size());
            std::iota(candidates.begin(), candidates.end(), 0);
            std::shuffle(candidates.begin(), candidates.end(), rng);
            candidates.resize(size_t(drop));
            std::sort(candidates.begin(), candidates.end());
            rows = candidates;
        }
        std::vector<bool> gone(present.size(), false);
        for (int32_t row : rows) {
            gone[size_t(row)] = true;
            r.dropped[size_t(l)].push_back(present[size_t(row)]);
        }
        std::vector<int32_t> kept;
        for (size_t i = 0; i < present.size(); ++i)
            if (!gone[i]) kept.push_back(present[i]);
        present = std::move(kept);
        r.keep[size_t(l)] = present;
        keepNodes[size_t(l)].assign(present.begin(), present.end());
    }
    model::NodeRunOptions o = base;
    o.keepNodes = keepNodes;
    const model::NodeRunResult pruned = model.run(graph, o);
    r.layerPositions.assign(size_t(L), n);
    int64_t now = n;
    for (int l = 0; l < L; ++l) {
        now -= int64_t(r.dropped[size_t(l)].size());
        r.layerPositions[size_t(l)] = now;
    }
    r.flopsFull = model.flops(graph, {});
    r.flopsPruned = model.flops(graph, keepNodes);
    r.change = nodeOutputChange(s, full, pruned);
    r.full = nodeRunResult(full, s, size_t(n));
    r.pruned = nodeRunResult(pruned, s, size_t(n));
    return r;
}

std::vector<SweepPoint> pruneNodesSweep(const model::NodeLevelModel& model, const std::vector<const Graph*>& graphs,
                                        const SweepOptions& options) {
    if (options.randomSeeds < 1) throw std::invalid_argument("sweep: at least one random seed");
    std::vector<SweepPoint> points;
    const int64_t total = int64_t(options.keepRatios.size() * graphs.size()) * (1 + options.randomSeeds);
    int64_t done = 0;
    for (double keep : options.keepRatios) {
        for (PruneMethod method : {PruneMethod::ZeroTPrune, PruneMethod::Random}) {
            SweepPoint p;
            p.method = method;
            p.keepRatio = keep;
            double sum = 0.0, sq = 0.0, flops = 0.0, fullFlops = 0.0;
            const int seeds = method == PruneMethod::Random ? options.randomSeeds : 1;
            for (size_t i = 0; i < graphs.size(); ++i)
                for (int seed = 0; seed < seeds; ++seed) {
                    PruneOptions o;
                    o.method = method;
                    o.schedule = options.schedule;
                    o.schedule.keepRatio = keep;
                    o.zeroTPrune = options.zeroTPrune;
                    o.seed = uint64_t(seed) * 0x9E3779B97F4A7C15ull + i;
                    o.cancel = options.cancel;
                    const PruneResult r = pruneNodes(model, *graphs[i], o);
                    sum += r.change;
                    sq += r.change * r.change;
                    flops += r.flopsPruned;
                    fullFlops += r.flopsFull;
                    ++p.samples;
                    if (options.progress) options.progress(++done, total);
                }
            const double k = double(p.samples);
            p.meanChange = k ? sum / k : 0.0;
            p.stddevChange = k ? std::sqrt(std::max(0.0, sq / k - p.meanChange * p.meanChange)) : 0.0;
            p.flopsRatio = fullFlops > 0.0 ? flops / fullFlops : 1.0;
            points.push_back(p);
        }
    }
    return points;
}

NodeMaskedRun runNodesMasked(const model::NodeLevelModel& model, const Graph& graph,
                             const std::vector<std::vector<bool>>& headMask, const std::atomic<bool>* cancel) {
    const auto& s = model.summary();
    model::NodeRunOptions o;
    o.cancel = cancel;
    const model::NodeRunResult full = model.run(graph, o);
    o.headMask = headMask;
    const model::NodeRunResult masked = model.run(graph, o);
    NodeMaskedRun r;
    r.change = nodeOutputChange(s, full, masked);
    r.full = nodeRunResult(full, s, graph.nodeCount());
    r.masked = nodeRunResult(masked, s, graph.nodeCount());
    return r;
}

}  // namespace gts::analysis
