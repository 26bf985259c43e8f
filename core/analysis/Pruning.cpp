#include "analysis/Pruning.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>

#include "analysis/Ablation.h"

namespace gts::analysis {

std::vector<double> weightedPageRank(std::span<const float> attention, int64_t n, int iterations) {
    if (n <= 0) return {};
    if (attention.size() != static_cast<size_t>(n * n))
        throw std::invalid_argument("PageRank: attention is not " + std::to_string(n) + " x " + std::to_string(n));
    if (iterations < 0) throw std::invalid_argument("PageRank: negative iteration count");
    const auto N = static_cast<size_t>(n);
    std::vector<double> s(N, 1.0 / static_cast<double>(n)), next(N);
    for (int t = 0; t < iterations; ++t) {
        std::fill(next.begin(), next.end(), 0.0);
        for (size_t i = 0; i < N; ++i) {
            const float* row = attention.data() + i * N;
            for (size_t j = 0; j < N; ++j) next[j] += row[j] * s[i];
        }
        s.swap(next);
    }
    return s;
}

std::vector<double> zeroTPruneImportance(const Tensor& attention, const ZeroTPruneOptions& options,
                                         std::vector<int>* usedHeads) {
    if (attention.rank() != 3 || attention.dim(1) != attention.dim(2))
        throw std::invalid_argument("Zero-TPrune: attention must be [heads, n, n]");
    const int64_t H = attention.dim(0), n = attention.dim(1);
    const auto N = static_cast<size_t>(n);
    std::vector<std::vector<double>> scores(static_cast<size_t>(H));
    std::vector<int> used;
    const double vmax = options.varianceMaxFraction * static_cast<double>(n - 1);
    for (int64_t h = 0; h < H; ++h) {
        scores[static_cast<size_t>(h)] = weightedPageRank(
            std::span<const float>(attention.data() + h * n * n, N * N), n, options.iterations);
        double mean = 0.0, var = 0.0;
        for (double v : scores[static_cast<size_t>(h)]) mean += v * static_cast<double>(n);
        mean /= static_cast<double>(n);
        for (double v : scores[static_cast<size_t>(h)]) {
            const double x = v * static_cast<double>(n) - mean;
            var += x * x;
        }
        var /= static_cast<double>(n);
        if (var >= options.varianceMin && var <= vmax) used.push_back(static_cast<int>(h));
    }
    if (used.empty())
        for (int64_t h = 0; h < H; ++h) used.push_back(static_cast<int>(h));
    std::vector<double> importance(N, 0.0);
    for (int h : used)
        for (size_t j = 0; j < N; ++j) importance[j] += scores[static_cast<size_t>(h)][j] * scores[static_cast<size_t>(h)][j];
    for (double& v : importance) v = std::sqrt(v / static_cast<double>(used.size()));
    if (usedHeads) *usedHeads = used;
    return importance;
}

std::vector<int32_t> zeroTPruneSelect(const std::vector<double>& importance, const Tensor& keys,
                                      int64_t drop, const std::vector<bool>& protect) {
    const auto n = static_cast<int64_t>(importance.size());
    if (keys.rank() != 3 || keys.dim(1) != n)
        throw std::invalid_argument("Zero-TPrune: keys must be [kv_heads, " + std::to_string(n) + ", head_dim]");
    if (protect.size() != importance.size())
        throw std::invalid_argument("Zero-TPrune: protect flags do not match the tokens");
    if (drop <= 0) return {};
    const int64_t KV = keys.dim(0), d = keys.dim(2);
    // Unprotected tokens by increasing importance (ties: lower index first).
    std::vector<int32_t> order;
    for (int32_t i = 0; i < n; ++i)
        if (!protect[static_cast<size_t>(i)]) order.push_back(i);
    std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
        return importance[static_cast<size_t>(a)] < importance[static_cast<size_t>(b)];
    });
    drop = std::min<int64_t>(drop, static_cast<int64_t>(order.size()));
    const size_t half = static_cast<size_t>(n / 2);
    const size_t aCount = std::min(half, order.size());
    std::vector<bool> inA(static_cast<size_t>(n), false);
    for (size_t k = 0; k < aCount; ++k) inA[static_cast<size_t>(order[k])] = true;

    auto key = [&](int32_t token, int64_t g) { return keys.data() + (g * n + token) * d; };
    std::vector<double> norm(static_cast<size_t>(n), 0.0);
    for (int32_t t = 0; t < n; ++t) {
        for (int64_t g = 0; g < KV; ++g)
            for (int64_t c = 0; c < d; ++c) norm[static_cast<size_t>(t)] += static_cast<double>(key(t, g)[c]) * key(t, g)[c];
        norm[static_cast<size_t>(t)] = std::sqrt(norm[static_cast<size_t>(t)]);
    }
    struct Pair {
        int32_t a;
        double similarity;
        size_t rank;  // position of a in `order` (less important first)
    };
    std::vector<Pair> pairs;
    for (size_t k = 0; k < aCount; ++k) {
        const int32_t a = order[k];
        double best = -2.0;
        for (int32_t b = 0; b < n; ++b) {
            if (inA[static_cast<size_t>(b)]) continue;
            double dot = 0.0;
            for (int64_t g = 0; g < KV; ++g)
                for (int64_t c = 0; c < d; ++c) dot += static_cast<double>(key(a, g)[c]) * key(b, g)[c];
            const double denom = norm[static_cast<size_t>(a)] * norm[static_cast<size_t>(b)];
            best = std::max(best, denom > 0.0 ? dot / denom : 0.0);
        }
        pairs.push_back({a, best, k});
    }
    std::stable_sort(pairs.begin(), pairs.end(), [](const Pair& x, const Pair& y) {
        if (x.similarity != y.similarity) return x.similarity > y.similarity;
        return x.rank < y.rank;
    });
    std::vector<int32_t> out;
    std::vector<bool> gone(static_cast<size_t>(n), false);
    for (const Pair& p : pairs) {
        if (static_cast<int64_t>(out.size()) == drop) break;
        out.push_back(p.a);
        gone[static_cast<size_t>(p.a)] = true;
    }
    for (int32_t t : order) {
        if (static_cast<int64_t>(out.size()) == drop) break;
        if (!gone[static_cast<size_t>(t)]) out.push_back(t);
    }
    std::sort(out.begin(), out.end());
    return out;
}

const char* pruneMethodName(PruneMethod m) {
    return m == PruneMethod::ZeroTPrune ? "zero-tprune" : "random";
}

std::vector<int64_t> pruneCounts(const PruneSchedule& schedule, int numLayers, int64_t positions,
                                 int64_t protectedCount) {
    if (!(schedule.keepRatio > 0.0 && schedule.keepRatio <= 1.0))
        throw std::invalid_argument("pruning: keep ratio " + std::to_string(schedule.keepRatio) +
                                    " outside (0, 1]");
    const int last = schedule.lastLayer < 0 ? numLayers - 1 : schedule.lastLayer;
    if (schedule.firstLayer < 1 || schedule.firstLayer > last || last >= numLayers)
        throw std::invalid_argument("pruning: layers " + std::to_string(schedule.firstLayer) + "-" +
                                    std::to_string(last) + " outside 1.." +
                                    std::to_string(numLayers - 1) +
                                    " (a layer prunes by the attention of the one before)");
    std::vector<int64_t> counts(static_cast<size_t>(numLayers), 0);
    int64_t total = std::llround(static_cast<double>(positions) * (1.0 - schedule.keepRatio));
    total = std::clamp<int64_t>(total, 0, std::max<int64_t>(0, positions - protectedCount));
    const int layers = last - schedule.firstLayer + 1;
    for (int k = 0; k < layers; ++k)
        counts[static_cast<size_t>(schedule.firstLayer + k)] = total / layers + (k < total % layers ? 1 : 0);
    return counts;
}

double prunedFlops(const model::GraphGptModel& model, const std::vector<int64_t>& layerPositions) {
    double flops = 0.0;
    for (int64_t s : layerPositions) flops += model::graphGptLayerFlops(model, s);
    return flops + model::graphGptHeadFlops(model, layerPositions.empty() ? 0 : layerPositions.back());
}

double maskedFlops(const model::GraphGptModel& model, int64_t positions,
                   const std::vector<std::vector<bool>>& headMask, const std::vector<bool>& skipLayers) {
    const auto& c = model.config;
    const double S = static_cast<double>(positions), D = c.hiddenSize, d = c.headDim;
    const int group = c.numHeads / std::max(1, c.numKvHeads);
    double flops = model::graphGptHeadFlops(model, positions);
    for (int l = 0; l < c.numLayers; ++l) {
        if (static_cast<size_t>(l) < skipLayers.size() && skipLayers[static_cast<size_t>(l)]) continue;
        auto masked = [&](int h) {
            return static_cast<size_t>(l) < headMask.size() && static_cast<size_t>(h) < headMask[static_cast<size_t>(l)].size() &&
                   headMask[static_cast<size_t>(l)][static_cast<size_t>(h)];
        };
        int heads = 0, groups = 0;
        for (int h = 0; h < c.numHeads; ++h) heads += !masked(h);
        for (int g = 0; g < c.numKvHeads; ++g) {
            bool any = false;
            for (int h = g * group; h < (g + 1) * group; ++h) any = any || !masked(h);
            groups += any;
        }
        // The layer's flops (graphGptLayerFlops) with H and KV replaced by what remains.
        flops += model::graphGptLayerFlops(model, positions) -
                 2.0 * S * D * d * (2.0 * (c.numHeads - heads) + 2.0 * (c.numKvHeads - groups)) -
                 2.0 * 2.0 * S * S * d * (c.numHeads - heads);
    }
    return flops;
}

PruneResult prune(const model::GraphGptModel& model, const model::SequenceInput& input,
                  const PruneOptions& options) {
    const int L = model.config.numLayers;
    const auto S = static_cast<int64_t>(input.ids.size());
    const auto counts = pruneCounts(options.schedule, L, S, 1);
    PruneResult r;
    r.keep.assign(static_cast<size_t>(L), {});
    r.dropped.assign(static_cast<size_t>(L), {});

    model::RunOptions base;
    base.threads = options.threads;
    base.cancel = options.cancel;
    r.full = model::runGraphGpt(model, {input}, base).front();

    std::vector<int32_t> present(static_cast<size_t>(S));
    std::iota(present.begin(), present.end(), 0);
    std::mt19937_64 rng(options.seed);
    for (int l = 1; l < L; ++l) {
        const int64_t drop = counts[static_cast<size_t>(l)];
        if (drop <= 0) continue;
        std::vector<bool> protect(present.size(), false);
        protect.back() = true;  // the last position: the pooled output
        std::vector<int32_t> rows;
        if (options.method == PruneMethod::ZeroTPrune) {
            model::RunOptions o = base;
            o.keepTokens = r.keep;
            o.captureLayers = {l - 1};
            o.captureAttention = true;
            o.captureKeys = true;
            const auto run = model::runGraphGpt(model, {input}, o).front();
            const auto& c = run.layers.front();
            if (c.positions != present) throw std::logic_error("Zero-TPrune: positions out of step");
            const auto importance = zeroTPruneImportance(c.attention, options.zeroTPrune);
            rows = zeroTPruneSelect(importance, c.keys, drop, protect);
        } else {
            std::vector<int32_t> candidates;
            for (size_t i = 0; i < present.size(); ++i)
                if (!protect[i]) candidates.push_back(static_cast<int32_t>(i));
            std::shuffle(candidates.begin(), candidates.end(), rng);
            candidates.resize(static_cast<size_t>(std::min<int64_t>(drop, static_cast<int64_t>(candidates.size()))));
            std::sort(candidates.begin(), candidates.end());
            rows = candidates;
        }
        std::vector<bool> gone(present.size(), false);
        for (int32_t row : rows) {
            gone[static_cast<size_t>(row)] = true;
            r.dropped[static_cast<size_t>(l)].push_back(present[static_cast<size_t>(row)]);
        }
        std::vector<int32_t> kept;
        for (size_t i = 0; i < present.size(); ++i)
            if (!gone[i]) kept.push_back(present[i]);
        present = kept;
        r.keep[static_cast<size_t>(l)] = present;
    }
    model::RunOptions o = base;
    o.keepTokens = r.keep;
    r.pruned = model::runGraphGpt(model, {input}, o).front();
    r.layerPositions.assign(static_cast<size_t>(L), S);
    int64_t now = S;
    for (int l = 0; l < L; ++l) {
        now -= static_cast<int64_t>(r.dropped[static_cast<size_t>(l)].size());
        r.layerPositions[static_cast<size_t>(l)] = now;
    }
    r.flopsFull = model::graphGptFlops(model, S);
    r.flopsPruned = prunedFlops(model, r.layerPositions);
    r.change = outputChange(model, r.full, r.pruned);
    return r;
}

std::vector<SweepPoint> pruneSweep(const model::GraphGptModel& model,
                                   const std::vector<model::SequenceInput>& inputs,
                                   const SweepOptions& options) {
    if (options.randomSeeds < 1) throw std::invalid_argument("sweep: at least one random seed");
    std::vector<SweepPoint> points;
    const int64_t total = static_cast<int64_t>(options.keepRatios.size() * inputs.size()) *
                          (1 + options.randomSeeds);
    int64_t done = 0;
    for (double keep : options.keepRatios) {
        for (PruneMethod method : {PruneMethod::ZeroTPrune, PruneMethod::Random}) {
            SweepPoint p;
            p.method = method;
            p.keepRatio = keep;
            double sum = 0.0, sq = 0.0, flops = 0.0, fullFlops = 0.0;
            const int seeds = method == PruneMethod::Random ? options.randomSeeds : 1;
            for (size_t i = 0; i < inputs.size(); ++i)
                for (int seed = 0; seed < seeds; ++seed) {
                    PruneOptions o;
                    o.method = method;
                    o.schedule = options.schedule;
                    o.schedule.keepRatio = keep;
                    o.zeroTPrune = options.zeroTPrune;
                    o.seed = static_cast<uint64_t>(seed) * 0x9E3779B97F4A7C15ull + i;
                    o.threads = options.threads;
                    o.cancel = options.cancel;
                    const PruneResult r = prune(model, inputs[i], o);
                    sum += r.change;
                    sq += r.change * r.change;
                    flops += r.flopsPruned;
                    fullFlops += r.flopsFull;
                    ++p.samples;
                    if (options.progress) options.progress(++done, total);
                }
            const double n = static_cast<double>(p.samples);
            p.meanChange = n ? sum / n : 0.0;
            p.stddevChange = n ? std::sqrt(std::max(0.0, sq / n - p.meanChange * p.meanChange)) : 0.0;
            p.flopsRatio = fullFlops > 0.0 ? flops / fullFlops : 1.0;
            points.push_back(p);
        }
    }
    return points;
}

}  // namespace gts::analysis
