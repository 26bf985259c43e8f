// Figure export of a large graph with attention: 10,000 nodes, 50,000 edges (random endpoints,
// random positions, random attention on every node and edge), built into a scene and written
// as SVG and PDF text (no disk). Issue 8 asks for "seconds" at this size.

#include <benchmark/benchmark.h>

#include <random>

#include "scene/PdfWriter.h"
#include "scene/SvgWriter.h"
#include "scene/Views.h"

namespace {

struct LargeGraph {
    gts::Graph graph;
    std::vector<float> x, y;
    gts::analysis::GraphAttention ga;
    LargeGraph() {
        constexpr size_t kNodes = 10000, kEdges = 50000;
        std::mt19937 rng(7);
        std::uniform_real_distribution<float> pos(-0.5f, 0.5f), w(0.0f, 1.0f);
        std::uniform_int_distribution<uint32_t> node(0, kNodes - 1);
        graph.addNodes(kNodes);
        for (size_t e = 0; e < kEdges; ++e) graph.addEdge(node(rng), node(rng));
        for (size_t v = 0; v < kNodes; ++v) {
            x.push_back(pos(rng));
            y.push_back(pos(rng));
            ga.node.push_back(w(rng));
        }
        for (size_t e = 0; e < kEdges; ++e) ga.edge.push_back(w(rng));
        ga.maxNode = ga.maxEdge = 1.0f;
    }
    gts::scene::GraphFigureInput input() const {
        gts::scene::GraphFigureInput in;
        in.graph = &graph;
        in.x = &x;
        in.y = &y;
        in.attention = &ga;
        return in;
    }
};

const LargeGraph& large() {
    static const LargeGraph g;
    return g;
}

void BM_BuildGraphScene_10k_50k(benchmark::State& state) {
    for (auto _ : state) {
        auto s = gts::scene::buildGraphAttention(large().input(), gts::scene::Theme::Paper);
        benchmark::DoNotOptimize(s);
    }
}

void BM_GraphFigureSvg_10k_50k(benchmark::State& state) {
    const auto s = gts::scene::buildGraphAttention(large().input(), gts::scene::Theme::Paper);
    size_t bytes = 0;
    for (auto _ : state) bytes = gts::scene::toSvg(s).size();
    state.counters["MB"] = double(bytes) / 1e6;
    state.counters["primitives"] = double(gts::scene::primitiveCount(s));
}

void BM_GraphFigurePdf_10k_50k(benchmark::State& state) {
    const auto s = gts::scene::buildGraphAttention(large().input(), gts::scene::Theme::Paper);
    size_t bytes = 0;
    for (auto _ : state) bytes = gts::scene::toPdf(s).size();
    state.counters["MB"] = double(bytes) / 1e6;
}

}  // namespace

BENCHMARK(BM_BuildGraphScene_10k_50k)->Unit(benchmark::kMillisecond)->Repetitions(3)->ReportAggregatesOnly(true);
BENCHMARK(BM_GraphFigureSvg_10k_50k)->Unit(benchmark::kMillisecond)->Repetitions(3)->ReportAggregatesOnly(true);
BENCHMARK(BM_GraphFigurePdf_10k_50k)->Unit(benchmark::kMillisecond)->Repetitions(3)->ReportAggregatesOnly(true);
