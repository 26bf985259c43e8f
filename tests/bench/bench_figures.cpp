// Figures of the sequence views at sizes past the demo models: the attention matrix of a
// 2,048-position layer (an image, not 4 M rects), the head grid of 12 layers × 12 heads over 512
// positions (144 block-mean thumbnails), and the token strip of 2,000 stacked positions; each
// built into a scene and written as SVG and PDF text (no disk). Random row-stochastic attention.

#include <benchmark/benchmark.h>

#include <random>

#include "scene/PdfWriter.h"
#include "scene/SvgWriter.h"
#include "scene/Views.h"

namespace {

std::vector<float> randomAttention(int64_t heads, int64_t S, uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> w(0.0f, 1.0f);
    std::vector<float> a(size_t(heads * S * S));
    for (int64_t r = 0; r < heads * S; ++r) {
        float sum = 0.0f;
        for (int64_t c = 0; c < S; ++c) sum += a[size_t(r * S + c)] = w(rng);
        for (int64_t c = 0; c < S; ++c) a[size_t(r * S + c)] /= sum;
    }
    return a;
}

void BM_AttentionMatrixFigure_2048(benchmark::State& state) {
    constexpr int64_t S = 2048;
    static const std::vector<float> a = randomAttention(1, S, 3);
    gts::scene::MatrixFigureInput in;
    in.matrix = &a;
    in.size = S;
    size_t svg = 0, pdf = 0;
    for (auto _ : state) {
        const auto s = gts::scene::buildAttentionMatrix(in, gts::scene::Theme::Paper);
        svg = gts::scene::toSvg(s).size();
        pdf = gts::scene::toPdf(s).size();
    }
    state.counters["svg_MB"] = double(svg) / 1e6;
    state.counters["pdf_MB"] = double(pdf) / 1e6;
}

void BM_HeadGridFigure_12x12_512(benchmark::State& state) {
    constexpr int64_t S = 512, heads = 12;
    static const gts::model::RunResult result = [] {
        gts::model::RunResult r;
        for (int l = 0; l < 12; ++l) {
            gts::model::LayerCapture c;
            c.layer = l;
            c.attention = gts::Tensor({heads, S, S}, randomAttention(heads, S, uint32_t(l)));
            r.layers.push_back(std::move(c));
        }
        return r;
    }();
    gts::scene::HeadGridFigureInput in;
    in.result = &result;
    size_t svg = 0;
    for (auto _ : state) {
        const auto s = gts::scene::buildHeadGrid(in, gts::scene::Theme::Paper);
        svg = gts::scene::toSvg(s).size();
        benchmark::DoNotOptimize(gts::scene::toPdf(s));
    }
    state.counters["svg_MB"] = double(svg) / 1e6;
}

void BM_SequenceFigure_2000(benchmark::State& state) {
    static const gts::TokenSequence tokens = [] {
        gts::TokenSequence t;
        for (int p = 0; p < 2000; ++p) {
            t.positions.push_back(
                {"molecule#node#0#" + std::to_string(p % 64), "molecule#node#1#6", "<edge_bi>"});
            t.sources.push_back({gts::TokenSource{gts::TokenRole::NodeIndex},
                                 gts::TokenSource{gts::TokenRole::NodeAttr},
                                 gts::TokenSource{gts::TokenRole::EdgeType}});
        }
        return t;
    }();
    gts::scene::SequenceFigureInput in;
    in.tokens = &tokens;
    size_t svg = 0;
    for (auto _ : state) {
        const auto s = gts::scene::buildSequence(in, gts::scene::Theme::Paper);
        svg = gts::scene::toSvg(s).size();
        benchmark::DoNotOptimize(gts::scene::toPdf(s));
    }
    state.counters["svg_MB"] = double(svg) / 1e6;
}

}  // namespace

BENCHMARK(BM_AttentionMatrixFigure_2048)
    ->Unit(benchmark::kMillisecond)
    ->Repetitions(5)
    ->ReportAggregatesOnly(true);
BENCHMARK(BM_HeadGridFigure_12x12_512)
    ->Unit(benchmark::kMillisecond)
    ->Repetitions(5)
    ->ReportAggregatesOnly(true);
BENCHMARK(BM_SequenceFigure_2000)
    ->Unit(benchmark::kMillisecond)
    ->Repetitions(5)
    ->ReportAggregatesOnly(true);
