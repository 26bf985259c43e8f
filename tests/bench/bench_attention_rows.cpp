// Attention rows on demand (issue 9): a layer of a 16,384-position run whose maps were over the
// capture budget keeps its queries and keys; the views recompute what they show. Measured here
// at GraphGPT-mini size (4 heads of 64, as tests/bench/long_sequences.py's model): one query's
// row for one head and for the mean over heads (what the graph overlay and the sequence strip
// draw on a click), and the attention matrix view's block of 64 rows under the mean. The goal:
// a clicked token's row within 100 ms.

#include <benchmark/benchmark.h>

#include <random>

#include "analysis/AttentionView.h"
#include "model/ModelFolder.h"

namespace {

constexpr int kHeads = 4, kHeadDim = 64;
constexpr int64_t kPositions = 16384;

struct Layer {
    gts::model::GraphGptModel model;
    gts::model::LayerCapture capture;

    Layer() {
        model.config.numHeads = kHeads;
        model.config.numKvHeads = kHeads;
        model.config.headDim = kHeadDim;
        model.config.causalAttention = false;
        std::mt19937 rng(5);
        std::normal_distribution<float> n(0.0f, 1.0f);
        auto randomTensor = [&](int64_t a, int64_t b, int64_t c) {
            std::vector<float> v(size_t(a * b * c));
            for (float& x : v) x = n(rng);
            return gts::Tensor({a, b, c}, std::move(v));
        };
        capture.layer = 0;
        capture.attentionDeferred = true;
        capture.queries = randomTensor(kHeads, kPositions, kHeadDim);
        capture.keys = randomTensor(kHeads, kPositions, kHeadDim);
        capture.positions.resize(size_t(kPositions));
        for (int64_t p = 0; p < kPositions; ++p) capture.positions[size_t(p)] = int32_t(p);
    }
};

const Layer& layer() {
    static const Layer l;
    return l;
}

void BM_DeferredRow_OneHead(benchmark::State& state) {
    const Layer& l = layer();
    int64_t row = 0;
    for (auto _ : state) {
        auto r = gts::analysis::attentionRowsOf(l.model, l.capture, 1, gts::analysis::HeadAggregation::Single,
                                                row, 1);
        benchmark::DoNotOptimize(r.data());
        row = (row + 4099) % kPositions;
    }
}
BENCHMARK(BM_DeferredRow_OneHead)->Unit(benchmark::kMillisecond);

void BM_DeferredRow_MeanOverHeads(benchmark::State& state) {
    const Layer& l = layer();
    int64_t row = 0;
    for (auto _ : state) {
        auto r = gts::analysis::attentionRowsOf(l.model, l.capture, 0, gts::analysis::HeadAggregation::Mean,
                                                row, 1);
        benchmark::DoNotOptimize(r.data());
        row = (row + 4099) % kPositions;
    }
}
BENCHMARK(BM_DeferredRow_MeanOverHeads)->Unit(benchmark::kMillisecond);

void BM_DeferredMatrixBlock64_Mean(benchmark::State& state) {
    const Layer& l = layer();
    int64_t first = 0;
    for (auto _ : state) {
        auto r = gts::analysis::attentionRowsOf(l.model, l.capture, 0, gts::analysis::HeadAggregation::Mean,
                                                first, 64);
        benchmark::DoNotOptimize(r.data());
        first = (first + 4099) % (kPositions - 64);
    }
}
BENCHMARK(BM_DeferredMatrixBlock64_Mean)->Unit(benchmark::kMillisecond);

}  // namespace
