// Interpretability metrics at GraphGPT-base size (issue 7): every per-head metric (with the
// graph-aware hop profile), rollout and within-layer head similarity for 12 layers × 12 heads
// of a 512-position sequence. Attention is random softmax rows; the graph a random 512-node
// molecule-like graph (a ring with chords) tokenized in the stacked layout, so positions carry
// real provenance (the Eulerian walk revisits nodes).

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

}  // namespace
