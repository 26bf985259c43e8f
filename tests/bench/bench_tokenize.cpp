// Tokenizer at scale: Eulerian serialization and GraphGPT stacked tokens of a random graph with
// 100,000 edges (20,000 nodes, so eulerization takes the approximate matching).

#include <benchmark/benchmark.h>

#include <random>

#include "graph/Graph.h"
#include "tokenize/EulerianSerializer.h"
#include "tokenize/TokenSequence.h"

namespace {

constexpr size_t kEdges = 100000;
constexpr size_t kNodes = 20000;
// Node indices must fit the scope; two index tokens per position as "q*256", "r".
constexpr uint32_t kNodeScope = 32768;
constexpr uint32_t kScopeBase = 256;

gts::Graph randomGraph(bool withFeatures) {
    gts::Graph g;
    g.addNodes(kNodes);
    g.reserveEdges(kEdges);
    std::mt19937_64 rng(1);
    std::uniform_int_distribution<uint32_t> pick(0, uint32_t(kNodes - 1));
    for (size_t i = 0; i < kEdges; ++i) g.addEdge(pick(rng), pick(rng));
    if (withFeatures) {  // molecule-like: 9 node and 3 edge feature columns
        gts::AttrColumn& nf = g.nodeAttrs().add("feat", gts::AttrKind::Discrete, 9);
        for (size_t v = 0; v < kNodes; ++v)
            for (uint32_t k = 0; k < 9; ++k) nf.setInt(v, int64_t(rng() % 10), k);
        gts::AttrColumn& ef = g.edgeAttrs().add("feat", gts::AttrKind::Discrete, 3);
        for (size_t e = 0; e < kEdges; ++e)
            for (uint32_t k = 0; k < 3; ++k) ef.setInt(e, int64_t(rng() % 4), k);
    }
    return g;
}

void BM_SerializeWalk(benchmark::State& state) {
    const gts::Graph g = randomGraph(false);
    gts::SerializeOptions o;
    o.nodeScope = kNodeScope;
    o.scopeBase = kScopeBase;
    uint64_t seed = 0;
    for (auto _ : state) {
        o.seed = ++seed;
        gts::Serialization s = gts::EulerianSerializer(o).serialize(g);
        benchmark::DoNotOptimize(s.walk.nodes.size());
    }
    state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(kEdges));
}
BENCHMARK(BM_SerializeWalk)->Unit(benchmark::kMillisecond);

void BM_TokenizeStacked(benchmark::State& state) {
    const gts::Graph g = randomGraph(state.range(0) != 0);
    gts::TokenizeOptions o;
    o.nodeScope = kNodeScope;
    o.scopeBase = kScopeBase;
    uint64_t seed = 0;
    for (auto _ : state) {
        gts::TokenSequence s = gts::tokenize(g, o, ++seed);
        benchmark::DoNotOptimize(s.positions.size());
    }
    state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(kEdges));
}
BENCHMARK(BM_TokenizeStacked)->Arg(0)->Arg(1)->ArgName("features")->Unit(benchmark::kMillisecond);

}  // namespace
