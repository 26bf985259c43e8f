// ForceAtlas2: hand-computed forces, Barnes–Hut against the exact sum, and layout properties
// (clusters separate, grid edges come out even, seeds reproduce, cancellation is prompt).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include <tbb/global_control.h>

#include "layout/ForceAtlas2.h"
#include "layout/Layout.h"
#include "layout/LayoutTestGraphs.h"

using namespace gts;
using namespace gts::layout;
using namespace gts::layout::test;

namespace {

LayoutOptions fa2Options(uint64_t seed = 1, int iterations = 300) {
    LayoutOptions o;
    o.seed = seed;
    o.forceAtlas2.iterations = iterations;
    return o;
}

Graph randomGraph(size_t n, size_t m, uint64_t seed) {
    std::mt19937_64 engine(seed);
    Graph g;
    g.addNodes(n);
    for (size_t e = 0; e < m; ++e) g.addEdge(NodeId(engine() % n), NodeId(engine() % n));
    return g;
}

}  // namespace

TEST(ForceAtlas2Forces, RepulsionOfTwoNodesByHand) {
    // Masses 2 and 3 at distance 5 (3-4-5 triangle), k_r = 1: |F| = 1 * 2 * 3 / 5 = 1.2.
    const std::vector<double> x = {0, 3}, y = {0, 4}, mass = {2, 3};
    std::vector<double> fx(2), fy(2);
    repulsionForces(x, y, mass, 1.0, 0.0, fx, fy);
    EXPECT_NEAR(fx[0], -1.2 * 0.6, 1e-12);
    EXPECT_NEAR(fy[0], -1.2 * 0.8, 1e-12);
    EXPECT_NEAR(fx[1], 1.2 * 0.6, 1e-12);
    EXPECT_NEAR(fy[1], 1.2 * 0.8, 1e-12);
    // Three nodes on a line, unit masses, k_r = 2: the middle one feels 2/1 - 2/1 = 0, an end
    // 2/1 + 2/2 = 3 outwards.
    const std::vector<double> x3 = {-1, 0, 1}, y3 = {0, 0, 0}, m3 = {1, 1, 1};
    std::vector<double> fx3(3), fy3(3);
    repulsionForces(x3, y3, m3, 2.0, 0.0, fx3, fy3);
    EXPECT_NEAR(fx3[0], -3.0, 1e-12);
    EXPECT_NEAR(fx3[1], 0.0, 1e-12);
    EXPECT_NEAR(fx3[2], 3.0, 1e-12);
}

TEST(ForceAtlas2Forces, MassesCountDistinctNeighbours) {
    Graph g;
    g.addNodes(4);
    g.addEdge(0, 1);
    g.addEdge(1, 0);  // a multi-edge counts once
    g.addEdge(1, 1);  // a self loop not at all
    g.addEdge(1, 2);
    const std::vector<double> mass = forceAtlas2Masses(g);
    EXPECT_EQ(mass, (std::vector<double>{2, 3, 2, 1}));
}

TEST(ForceAtlas2Forces, BarnesHutWithinAFewPercentOfExact) {
    // Positions clustered as a layout would be (a Gaussian blob and a uniform square), masses
    // as degrees of a random graph.
    const size_t n = 3000;
    const Graph g = randomGraph(n, 4 * n, 7);
    const std::vector<double> mass = forceAtlas2Masses(g);
    std::mt19937_64 engine(11);
    std::normal_distribution<double> normal(0.0, 30.0);
    std::vector<double> x(n), y(n);
    for (size_t i = 0; i < n; ++i) {
        if (i % 2) {
            x[i] = normal(engine);
            y[i] = normal(engine);
        } else {
            x[i] = double(engine() % 20000) / 100.0 - 100.0;
            y[i] = double(engine() % 20000) / 100.0 - 100.0;
        }
    }
    std::vector<double> ex(n), ey(n), bx(n), by(n);
    repulsionForces(x, y, mass, 2.0, 0.0, ex, ey);
    repulsionForces(x, y, mass, 2.0, 1.2, bx, by);
    double errorNorm = 0, exactNorm = 0;
    std::vector<double> relative(n);
    for (size_t i = 0; i < n; ++i) {
        const double dx = bx[i] - ex[i], dy = by[i] - ey[i];
        errorNorm += dx * dx + dy * dy;
        exactNorm += ex[i] * ex[i] + ey[i] * ey[i];
        relative[i] = std::hypot(dx, dy) / std::hypot(ex[i], ey[i]);
    }
    EXPECT_LT(std::sqrt(errorNorm / exactNorm), 0.03);
    std::nth_element(relative.begin(), relative.begin() + n / 2, relative.end());
    EXPECT_LT(relative[n / 2], 0.02);
    // And the approximation is an approximation (the test would notice an exact sum).
    EXPECT_GT(std::sqrt(errorNorm / exactNorm), 1e-9);
}

TEST(ForceAtlas2Layout, TwoCliquesSeparate) {
    const size_t k = 10;
    const Graph g = twoCliques(k);
    for (uint64_t seed : {1u, 2u, 3u}) {
        const Layout l = computeLayout(g, LayoutMethod::ForceAtlas2, fa2Options(seed));
        EXPECT_EQ(l.method, "forceatlas2");
        double intra = 0, inter = 0;
        size_t intraCount = 0, interCount = 0;
        for (NodeId a = 0; a < 2 * k; ++a)
            for (NodeId b = a + 1; b < 2 * k; ++b) {
                if ((a < k) == (b < k)) {
                    intra += distance(l, a, b);
                    ++intraCount;
                } else {
                    inter += distance(l, a, b);
                    ++interCount;
                }
            }
        intra /= double(intraCount);
        inter /= double(interCount);
        EXPECT_LT(intra * 2, inter) << seed;
    }
}

TEST(ForceAtlas2Layout, GridEdgesRoughlyUniform) {
    // Edge lengths settle where attraction d balances repulsion k_r m m' / d, so they grow with
    // the masses: interior edges (both ends of degree 4) are alike, border edges shorter.
    const size_t side = 12;
    const Graph g = gridGraph(side, side);
    const Layout l = computeLayout(g, LayoutMethod::ForceAtlas2, fa2Options(3, 500));
    std::vector<double> all, interior;
    for (const Edge& e : g.edges()) {
        const double d = distance(l, e.src, e.dst);
        all.push_back(d);
        if (g.degree(e.src) == 4 && g.degree(e.dst) == 4) interior.push_back(d);
    }
    ASSERT_EQ(interior.size(), 2 * (side - 2) * (side - 3));
    double mean = 0, square = 0;
    for (double d : interior) {
        mean += d;
        square += d * d;
    }
    mean /= double(interior.size());
    const double cv = std::sqrt(square / double(interior.size()) - mean * mean) / mean;
    EXPECT_LT(cv, 0.2);
    for (double d : all) {
        EXPECT_GT(d, mean / 3);
        EXPECT_LT(d, mean * 3);
    }
    // Not folded: opposite corners are at least a side's worth of edges apart.
    EXPECT_GT(distance(l, 0, NodeId(side * side - 1)), double(side - 1) * mean * 0.7);
}

TEST(ForceAtlas2Layout, DeterministicForASeedWhateverTheThreads) {
    const Graph g = randomGraph(400, 1200, 5);
    LayoutOptions o = fa2Options(42, 60);
    o.spectralStartMaxNodes = 0;  // random start: the seed matters
    const Layout a = computeLayout(g, LayoutMethod::ForceAtlas2, o);
    Layout b;
    {
        tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
        b = computeLayout(g, LayoutMethod::ForceAtlas2, o);
    }
    EXPECT_EQ(a.x, b.x);
    EXPECT_EQ(a.y, b.y);
    o.seed = 43;
    const Layout c = computeLayout(g, LayoutMethod::ForceAtlas2, o);
    EXPECT_NE(a.x, c.x);
}

TEST(ForceAtlas2Layout, CancellationStopsWithinOneIteration) {
    // Documented behaviour: the flag is read before every iteration and LayoutCancelled thrown.
    const Graph g = randomGraph(300, 900, 9);
    std::atomic<bool> cancel{false};
    int calls = 0;
    auto progress = [&](double) {
        if (++calls == 5) cancel = true;
    };
    EXPECT_THROW(computeLayout(g, LayoutMethod::ForceAtlas2, fa2Options(1, 300), &cancel, progress),
                 LayoutCancelled);
    EXPECT_EQ(calls, 5);
    // Progress reaches 1 on an uncancelled run, once per iteration.
    cancel = false;
    std::vector<double> seen;
    computeLayout(g, LayoutMethod::ForceAtlas2, fa2Options(1, 20), &cancel,
                  [&](double f) { seen.push_back(f); });
    ASSERT_EQ(seen.size(), 20u);
    EXPECT_DOUBLE_EQ(seen.back(), 1.0);
    EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
}

TEST(ForceAtlas2Layout, SelfLoopsAndMultiEdgesExertNoExtraForce) {
    const Graph simple = twoCliques(5);
    Graph noisy = simple;
    noisy.addEdge(0, 1);
    noisy.addEdge(1, 0);
    noisy.addEdge(3, 3);
    noisy.setDirected(true);
    const Layout a = computeLayout(simple, LayoutMethod::ForceAtlas2, fa2Options(4, 100));
    const Layout b = computeLayout(noisy, LayoutMethod::ForceAtlas2, fa2Options(4, 100));
    // The spectral start does see multi-edges (weights in A); a random start does not.
    LayoutOptions randomStart = fa2Options(4, 100);
    randomStart.spectralStartMaxNodes = 0;
    EXPECT_EQ(computeLayout(simple, LayoutMethod::ForceAtlas2, randomStart).x,
              computeLayout(noisy, LayoutMethod::ForceAtlas2, randomStart).x);
    for (size_t v = 0; v < 10; ++v) ASSERT_TRUE(std::isfinite(a.x[v]) && std::isfinite(b.x[v]));
}

TEST(ForceAtlas2Layout, GravityKeepsComponentsAndIsolatedNodesTogether) {
    // Three triangles and five isolated nodes, on raw coordinates. A node of mass m at distance
    // D from the centre feels gravity k_g m inwards and at most about k_r m M / D outwards
    // (M the total mass), so gravity holds every node within D = k_r M / k_g; without gravity
    // the pieces drift apart without bound.
    Graph g;
    g.addNodes(14);
    for (NodeId b : {0u, 3u, 6u}) {
        g.addEdge(b, b + 1);
        g.addEdge(b + 1, b + 2);
        g.addEdge(b + 2, b);
    }
    ForceAtlas2Options o;
    o.iterations = 1600;
    const double kr = effectiveScalingRatio(o, 14);
    const double totalMass = 9 * 3 + 5 * 1;
    auto spreadAfterRun = [&](double gravity, std::vector<double>& x, std::vector<double>& y) {
        x.resize(14);
        y.resize(14);
        std::mt19937_64 engine(3);
        for (size_t v = 0; v < 14; ++v) {
            x[v] = double(engine() % 1000) / 100.0 - 5.0;
            y[v] = double(engine() % 1000) / 100.0 - 5.0;
        }
        o.gravity = gravity;
        runForceAtlas2(g, x, y, o);
        double spread = 0;
        for (size_t v = 0; v < 14; ++v) spread = std::max(spread, std::hypot(x[v], y[v]));
        return spread;
    };
    std::vector<double> x, y;
    EXPECT_GT(spreadAfterRun(0.0, x, y), kr * totalMass);
    EXPECT_LT(spreadAfterRun(1.0, x, y), kr * totalMass);
    // Triangles stay tight and no two nodes coincide.
    double triangleEdge = 0;
    for (const Edge& e : g.edges()) triangleEdge += std::hypot(x[e.src] - x[e.dst], y[e.src] - y[e.dst]);
    triangleEdge /= double(g.edgeCount());
    EXPECT_LT(triangleEdge, 0.2 * kr * totalMass);
    for (size_t a = 0; a < 14; ++a)
        for (size_t b = a + 1; b < 14; ++b)
            EXPECT_GT(std::hypot(x[a] - x[b], y[a] - y[b]), 0.1 * triangleEdge) << a << " " << b;
    // The normalized layout of the same graph fits the unit box.
    const Layout l = computeLayout(g, LayoutMethod::ForceAtlas2, fa2Options(1, 400));
    for (size_t v = 0; v < 14; ++v) EXPECT_LE(std::max(std::abs(l.x[v]), std::abs(l.y[v])), 0.5f + 1e-6f);
}

TEST(ForceAtlas2Layout, ExactAndBarnesHutAgreeOnAClusteredGraph) {
    const Graph g = twoCliques(8);
    LayoutOptions exact = fa2Options(2, 200);
    exact.forceAtlas2.barnesHut = false;
    const Layout a = computeLayout(g, LayoutMethod::ForceAtlas2, exact);
    const Layout b = computeLayout(g, LayoutMethod::ForceAtlas2, fa2Options(2, 200));
    // Same shape: the bridge's length relative to the layout size agrees within 10%.
    EXPECT_NEAR(distance(a, 7, 8), distance(b, 7, 8), 0.1 * distance(a, 7, 8));
}

TEST(ForceAtlas2Layout, BadOptionsAreRejected) {
    const Graph g = pathGraph(4);
    LayoutOptions o;
    o.forceAtlas2.iterations = -1;
    EXPECT_THROW(computeLayout(g, LayoutMethod::ForceAtlas2, o), std::invalid_argument);
    o.forceAtlas2.iterations = kMaxForceAtlas2Iterations + 1;
    EXPECT_THROW(computeLayout(g, LayoutMethod::ForceAtlas2, o), std::invalid_argument);
    o = {};
    o.forceAtlas2.barnesHutTheta = 5;
    EXPECT_THROW(computeLayout(g, LayoutMethod::ForceAtlas2, o), std::invalid_argument);
    std::vector<double> x(3), y(4);
    EXPECT_THROW(runForceAtlas2(g, x, y, {}), std::invalid_argument);
}

TEST(ForceAtlas2Layout, EmptyAndSingleNodeGraphs) {
    const Layout empty = computeLayout(Graph(), LayoutMethod::ForceAtlas2);
    EXPECT_TRUE(empty.x.empty());
    Graph one;
    one.addNode();
    one.addEdge(0, 0);
    const Layout l = computeLayout(one, LayoutMethod::ForceAtlas2);
    ASSERT_EQ(l.x.size(), 1u);
    EXPECT_EQ(l.x[0], 0.0f);
    EXPECT_EQ(l.y[0], 0.0f);
}
