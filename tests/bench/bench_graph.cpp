// Graph model at scale: building, CSR adjacency and components for up to 10 million edges,
// and reading/writing edge lists.

#include <benchmark/benchmark.h>

#include <random>

#include "graph/Algorithms.h"
#include "graph/Graph.h"
#include "io/GraphIO.h"

namespace {

gts::Graph randomGraph(size_t nodes, size_t edges, uint32_t seed) {
    gts::Graph g;
    g.addNodes(nodes);
    g.reserveEdges(edges);
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<uint32_t> pick(0, uint32_t(nodes - 1));
    for (size_t i = 0; i < edges; ++i) g.addEdge(pick(rng), pick(rng));
    return g;
}

void BM_BuildGraph(benchmark::State& state) {
    const size_t edges = size_t(state.range(0));
    for (auto _ : state) {
        gts::Graph g = randomGraph(edges / 5, edges, 1);
        benchmark::DoNotOptimize(g.edgeCount());
    }
    state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(edges));
}
BENCHMARK(BM_BuildGraph)->Arg(100'000)->Arg(10'000'000)->Unit(benchmark::kMillisecond);

void BM_AdjacencyAndComponents(benchmark::State& state) {
    const size_t edges = size_t(state.range(0));
    const gts::Graph base = randomGraph(edges / 5, edges, 2);
    for (auto _ : state) {
        gts::Graph g = base;  // fresh caches each round
        benchmark::DoNotOptimize(g.adjacency(gts::Direction::Both).neighbors.data());
        benchmark::DoNotOptimize(gts::connectedComponents(g).count);
    }
    state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(edges));
}
BENCHMARK(BM_AdjacencyAndComponents)->Arg(100'000)->Arg(10'000'000)->Unit(benchmark::kMillisecond);

void BM_EdgeListRoundTrip(benchmark::State& state) {
    const size_t edges = size_t(state.range(0));
    const std::vector<gts::Graph> graphs{randomGraph(edges / 5, edges, 3)};
    for (auto _ : state) {
        std::string text = gts::io::writeGraphsToText(graphs, gts::io::Format::EdgeList);
        auto back = gts::io::readGraphsFromText(text, gts::io::Format::EdgeList, "bench.edges");
        benchmark::DoNotOptimize(back.front().edgeCount());
    }
    state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(edges));
}
BENCHMARK(BM_EdgeListRoundTrip)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
