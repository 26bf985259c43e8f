// Interpretability metrics at GraphGPT-base size (issue 7): every per-head metric (with the
// graph-aware hop profile), rollout and within-layer head similarity for 12 layers × 12 heads
// of a 512-position sequence. Attention is random softmax rows; the graph a random 512-node
// molecule-like graph (a ring with chords) tokenized in the stacked layout, so positions carry
// real provenance (the Eulerian walk revisits nodes). BM_AllMetrics is the whole set one head
// overview computes (issue 7's goal: well under a second); the all-pairs similarity and exact
// flow at its 128-position cap are measured on their own to state their cost.

#include <benchmark/benchmark.h>

#include <cmath>
#include <random>

#include "analysis/HeadStats.h"
#include "analysis/Saliency.h"

namespace {

constexpr int kLayers = 12, kHeads = 12;
constexpr int64_t kPositions = 512;

struct Data {
    gts::Graph graph{false};
    gts::TokenSequence tokens;
    gts::model::RunResult result;

    Data() {
        std::mt19937_64 rng(3);
        // A ring with chords, grown until the walk has kPositions positions.
        const uint32_t nodes = 400;
        graph.addNodes(nodes);
        for (uint32_t v = 0; v < nodes; ++v) graph.addEdge(v, (v + 1) % nodes);
        std::uniform_int_distribution<uint32_t> pick(0, nodes - 1);
        gts::TokenizeOptions o;
        o.nodeScope = 1024;
        o.scopeBase = 1024;
        while (true) {
            tokens = gts::tokenize(graph, o, 1);
            if (static_cast<int64_t>(tokens.positionSources.size()) >= kPositions) break;
            graph.addEdge(pick(rng), pick(rng));
        }
        std::vector<int32_t> positions(static_cast<size_t>(kPositions));
        for (int32_t p = 0; p < kPositions; ++p) positions[static_cast<size_t>(p)] = p;
        std::exponential_distribution<float> logits(1.0f);
        for (int l = 0; l < kLayers; ++l) {
            gts::model::LayerCapture c;
            c.layer = l;
            c.positions = positions;
            c.attention = gts::Tensor({kHeads, kPositions, kPositions});
            float* a = c.attention.mutableData();
            for (int64_t r = 0; r < kHeads * kPositions; ++r) {
                float sum = 0.0f;
                for (int64_t k = 0; k < kPositions; ++k) sum += a[r * kPositions + k] = std::exp(3.0f * logits(rng));
                for (int64_t k = 0; k < kPositions; ++k) a[r * kPositions + k] /= sum;
            }
            result.layers.push_back(std::move(c));
        }
    }
};

const Data& data() {
    static const Data d;
    return d;
}

void BM_HeadStats_12x12_512(benchmark::State& state) {
    const Data& d = data();
    for (auto _ : state) benchmark::DoNotOptimize(gts::analysis::computeHeadStats(d.result, d.tokens, d.graph));
}
BENCHMARK(BM_HeadStats_12x12_512)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Rollout_12x12_512(benchmark::State& state) {
    const Data& d = data();
    for (auto _ : state)
        benchmark::DoNotOptimize(gts::analysis::attentionRollout(d.result, gts::analysis::SaliencyTarget::LastPosition));
}
BENCHMARK(BM_Rollout_12x12_512)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_HeadSimilarityWithinLayers_12x12_512(benchmark::State& state) {
    const Data& d = data();
    for (auto _ : state) benchmark::DoNotOptimize(gts::analysis::headSimilarity(d.result, true));
}
BENCHMARK(BM_HeadSimilarityWithinLayers_12x12_512)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_AllMetrics_12x12_512(benchmark::State& state) {
    const Data& d = data();
    for (auto _ : state) {
        auto stats = gts::analysis::computeHeadStats(d.result, d.tokens, d.graph);
        auto rollout = gts::analysis::attentionRollout(d.result, gts::analysis::SaliencyTarget::LastPosition);
        gts::analysis::saliencyOnGraph(rollout, d.graph, d.tokens);
        const auto similarity = gts::analysis::headSimilarity(d.result, true);
        auto clustering = gts::analysis::clusterHeads(similarity);
        benchmark::DoNotOptimize(stats);
        benchmark::DoNotOptimize(rollout);
        benchmark::DoNotOptimize(clustering);
    }
}
BENCHMARK(BM_AllMetrics_12x12_512)->Unit(benchmark::kMillisecond)->UseRealTime();

// Every pair of the 144 heads across layers (metrics --similarity): 10,296 pairs of 512² rows.
void BM_HeadSimilarityAllPairs_12x12_512(benchmark::State& state) {
    const Data& d = data();
    for (auto _ : state) benchmark::DoNotOptimize(gts::analysis::headSimilarity(d.result, false));
}
BENCHMARK(BM_HeadSimilarityAllPairs_12x12_512)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

// Exact attention flow at its size cap (kMaxFlowPositions = 128), 12 layers: one max-flow per
// input position over (L + 1)·S nodes and L·S² edges.
void BM_Flow_12x12_128(benchmark::State& state) {
    const auto& full = data().result;
    gts::model::RunResult small;
    constexpr int64_t n = gts::analysis::kMaxFlowPositions;
    for (const auto& c : full.layers) {
        gts::model::LayerCapture s;
        s.layer = c.layer;
        for (int32_t p = 0; p < n; ++p) s.positions.push_back(p);
        s.attention = gts::Tensor({kHeads, n, n});
        // The top-left n × n block of each head, rows renormalized.
        for (int64_t h = 0; h < kHeads; ++h)
            for (int64_t i = 0; i < n; ++i) {
                const float* src = c.attention.data() + (h * kPositions + i) * kPositions;
                float* dst = s.attention.mutableData() + (h * n + i) * n;
                float sum = 0.0f;
                for (int64_t j = 0; j < n; ++j) sum += dst[j] = src[j];
                for (int64_t j = 0; j < n; ++j) dst[j] /= sum;
            }
        small.layers.push_back(std::move(s));
    }
    for (auto _ : state)
        benchmark::DoNotOptimize(gts::analysis::attentionFlow(small, gts::analysis::SaliencyTarget::LastPosition));
}
BENCHMARK(BM_Flow_12x12_128)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

}  // namespace
