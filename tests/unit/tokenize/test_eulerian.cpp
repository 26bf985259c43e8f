#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "graph/Algorithms.h"
#include "graph/Graph.h"
#include "tokenize/EulerianSerializer.h"
#include "tokenize/Eulerizer.h"
#include "tokenize/SeededRandom.h"

using namespace gts;

namespace {

Graph makeGraph(size_t n, const std::vector<std::pair<NodeId, NodeId>>& edges) {
    Graph g;
    g.addNodes(n);
    for (auto [a, b] : edges) g.addEdge(a, b);
    return g;
}

std::pair<NodeId, NodeId> unordered(NodeId a, NodeId b) { return a < b ? std::pair{a, b} : std::pair{b, a}; }

/// Degrees of the eulerized multigraph (a self loop counts 2).
std::vector<uint64_t> multigraphDegrees(size_t n, const Eulerization& eul) {
    std::vector<uint64_t> deg(n, 0);
    for (const MultigraphEdge& e : eul.edges) {
        ++deg[e.u];
        ++deg[e.v];
    }
    return deg;
}

void expectEulerizationValid(const Graph& g, const Eulerization& eul) {
    ASSERT_EQ(eul.edges.size(), g.edgeCount() + eul.addedCount);
    for (EdgeId e = 0; e < g.edgeCount(); ++e) {
        EXPECT_FALSE(eul.edges[e].copy);
        EXPECT_EQ(eul.edges[e].original, e);
    }
    for (size_t i = g.edgeCount(); i < eul.edges.size(); ++i) {
        const MultigraphEdge& c = eul.edges[i];
        ASSERT_TRUE(c.copy);
        ASSERT_LT(c.original, g.edgeCount());
        EXPECT_EQ(unordered(c.u, c.v), unordered(g.edge(c.original).src, g.edge(c.original).dst));
        EXPECT_NE(c.u, c.v) << "a self loop is never on a shortest path";
    }
    const auto deg = multigraphDegrees(g.nodeCount(), eul);
    for (NodeId v = 0; v < g.nodeCount(); ++v) EXPECT_EQ(deg[v] % 2, 0u) << "node " << v;
}

}  // namespace

// --- SeededRandom ---------------------------------------------------------------------------

TEST(SeededRandom, EngineIsTheStandardMt19937_64) {
    // The C++ standard fixes the 10000th output of a default-seeded (5489) mt19937_64.
    // below(UINT64_MAX) passes draws through unchanged except UINT64_MAX itself (never met here).
    SeededRandom r(5489);
    uint64_t x = 0;
    for (int i = 0; i < 10000; ++i) x = r.below(UINT64_MAX);
    EXPECT_EQ(x, 9981545732273789042ull);
}

TEST(SeededRandom, BelowIsInRangeAndRoughlyUniform) {
    SeededRandom r(7);
    std::vector<int> counts(6, 0);
    for (int i = 0; i < 60000; ++i) ++counts[r.below(6)];
    for (int c : counts) EXPECT_NEAR(c, 10000, 500);
    EXPECT_EQ(r.below(1), 0u);
    EXPECT_THROW(r.below(0), std::invalid_argument);
    std::vector<int> items = {0, 1, 2, 3, 4, 5, 6, 7};
    r.shuffle(items);
    std::vector<int> sorted = items;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(sorted, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7}));
}

// --- Eulerizer ------------------------------------------------------------------------------

TEST(Eulerizer, HandComputedSmallCases) {
    // Path 0-1-2-3: ends are odd, 3 hops apart.
    EXPECT_EQ(eulerize(makeGraph(4, {{0, 1}, {1, 2}, {2, 3}})).addedCount, 3u);
    // Triangle: already Eulerian.
    EXPECT_EQ(eulerize(makeGraph(3, {{0, 1}, {1, 2}, {2, 0}})).addedCount, 0u);
    // Star with 3 leaves: 4 odd nodes; centre-leaf (1) + leaf-leaf (2).
    EXPECT_EQ(eulerize(makeGraph(4, {{0, 1}, {0, 2}, {0, 3}})).addedCount, 3u);
    // Two separate edges: each component gets its own copy.
    EXPECT_EQ(eulerize(makeGraph(4, {{0, 1}, {2, 3}})).addedCount, 2u);
    // A self loop keeps parity; the double edge 0=1 is already even.
    EXPECT_EQ(eulerize(makeGraph(2, {{0, 1}, {0, 1}, {1, 1}})).addedCount, 0u);
    // Empty and edgeless graphs.
    EXPECT_EQ(eulerize(makeGraph(0, {})).addedCount, 0u);
    EXPECT_EQ(eulerize(makeGraph(3, {})).addedCount, 0u);
    const Graph path = makeGraph(4, {{0, 1}, {1, 2}, {2, 3}});
    const Eulerization eul = eulerize(path);
    expectEulerizationValid(path, eul);
    EXPECT_TRUE(eul.exact);
}

TEST(Eulerizer, ObjectivesDifferAsNetworkxDoes) {
    // Odd nodes a=0, b=1, c=2, d=3: a and b joined twice (degree 3 each), a chain of 3 hops
    // a..c and one of 3 hops b..d (c and d have degree 1). Hops: ab 1, cd 7, ac 3, bd 3,
    // ad 4, bc 4. networkx maximizes the sum of 1/(hops+1): {ab, cd} = 1/2 + 1/8 beats
    // {ac, bd} = 1/4 + 1/4 and {ad, bc} = 1/5 + 1/5, so it adds 1 + 7 = 8 edges; the least
    // total is {ac, bd}: 6.
    Graph g;
    g.addNodes(4);
    auto chain = [&](NodeId from, NodeId to) {
        const NodeId x = g.addNode();
        const NodeId y = g.addNode();
        g.addEdge(from, x);
        g.addEdge(x, y);
        g.addEdge(y, to);
    };
    g.addEdge(0, 1);
    g.addEdge(0, 1);
    chain(0, 2);
    chain(1, 3);
    EulerizeOptions minTotal;
    minTotal.objective = MatchingObjective::MinTotalLength;
    const Eulerization byNx = eulerize(g);
    const Eulerization byMin = eulerize(g, minTotal);
    EXPECT_EQ(byNx.addedCount, 8u);
    EXPECT_EQ(byMin.addedCount, 6u);
    expectEulerizationValid(g, byNx);
    expectEulerizationValid(g, byMin);
}

TEST(Eulerizer, MatchesNetworkxOnSeededGraphs) {
    std::ifstream in(std::string(GTS_FIXTURES_DIR) + "/tokenize/eulerize_expected.json");
    ASSERT_TRUE(in) << "missing fixture; run tests/fixtures/tokenize/make_expected.py";
    const nlohmann::json fixture = nlohmann::json::parse(in);
    size_t checked = 0, differing = 0;
    for (const auto& item : fixture.at("graphs")) {
        std::vector<std::pair<NodeId, NodeId>> edges;
        for (const auto& e : item.at("edges")) edges.emplace_back(e.at(0).get<NodeId>(), e.at(1).get<NodeId>());
        const Graph g = makeGraph(item.at("nodes").get<size_t>(), edges);
        SCOPED_TRACE(item.dump());
        ASSERT_TRUE(item.at("nx_optimal").get<bool>());
        const Eulerization byNx = eulerize(g);
        expectEulerizationValid(g, byNx);
        EXPECT_EQ(byNx.addedCount, item.at("nx_objective_added").get<size_t>());
        if (item.at("nx_unique_size").get<bool>()) {
            EXPECT_EQ(byNx.addedCount, item.at("nx_added").get<size_t>());
        }
        EulerizeOptions minTotal;
        minTotal.objective = MatchingObjective::MinTotalLength;
        const Eulerization byMin = eulerize(g, minTotal);
        expectEulerizationValid(g, byMin);
        EXPECT_EQ(byMin.addedCount, item.at("min_total").get<size_t>());
        EXPECT_EQ(connectedComponents(g).count, item.at("components").get<uint32_t>());
        differing += byNx.addedCount != byMin.addedCount;
        ++checked;
    }
    EXPECT_GE(checked, 100u);
    EXPECT_GE(differing, 1u);  // the fixture holds a graph where the objectives disagree
}

TEST(Eulerizer, ApproximationMakesEveryDegreeEvenAndIsNoBetterThanExact) {
    SeededRandom r(11);
    for (int trial = 0; trial < 40; ++trial) {
        const size_t n = 30 + r.below(200);
        Graph g;
        g.addNodes(n);
        for (NodeId v = 1; v < n; ++v) g.addEdge(NodeId(r.below(v)), v);  // connected
        const size_t extra = r.below(n);
        for (size_t i = 0; i < extra; ++i) g.addEdge(NodeId(r.below(n)), NodeId(r.below(n)));
        EulerizeOptions approx;
        approx.exactMaxOddNodes = 0;
        approx.objective = MatchingObjective::MinTotalLength;
        const Eulerization a = eulerize(g, approx);
        expectEulerizationValid(g, a);
        EXPECT_FALSE(a.exact);
        size_t odd = 0;
        for (NodeId v = 0; v < n; ++v) odd += g.degree(v) % 2;
        EXPECT_GE(a.addedCount, odd / 2);
        if (odd <= 16) {
            EulerizeOptions exact = approx;
            exact.exactMaxOddNodes = 16;
            EXPECT_GE(a.addedCount, eulerize(g, exact).addedCount);
        }
    }
    // A big star: one region swallows the centre, so greedy rounds pair few leaves and the
    // spanning-tree T-join has to finish.
    Graph star;
    star.addNodes(5001);
    for (NodeId v = 1; v <= 5000; ++v) star.addEdge(0, v);
    const Eulerization s = eulerize(star);
    expectEulerizationValid(star, s);
    EXPECT_EQ(s.addedCount, 5000u);  // every leaf pairs through the centre: 2 hops per pair
}

TEST(Eulerizer, RefusesAnOversizedExactThreshold) {
    EulerizeOptions options;
    options.exactMaxOddNodes = kExactMatchingHardMaxOddNodes + 1;
    EXPECT_THROW(eulerize(makeGraph(2, {{0, 1}}), options), std::invalid_argument);
}

// --- EulerianSerializer: hand-checked cases --------------------------------------------------

TEST(EulerianSerializer, IndexTokensSplitAtScopeBase) {
    EXPECT_EQ(EulerianSerializer::indexTokens(5, 512), (std::vector<std::string>{"5"}));
    EXPECT_EQ(EulerianSerializer::indexTokens(511, 512), (std::vector<std::string>{"511"}));
    EXPECT_EQ(EulerianSerializer::indexTokens(600, 512), (std::vector<std::string>{"1*512", "88"}));
    EXPECT_EQ(EulerianSerializer::indexTokens(37, 10), (std::vector<std::string>{"3*10", "7"}));
    EXPECT_EQ(EulerianSerializer::indexTokens(10, 10), (std::vector<std::string>{"1*10", "0"}));
    EXPECT_EQ(EulerianSerializer::indexTokens(9999, 0), (std::vector<std::string>{"9999"}));
}

TEST(EulerianSerializer, PathGraphFromAnEndIsShortenedToThePath) {
    // 0-1-2: eulerization copies both edges; from 0 the circuit is 0 1 2 1 0 (either order),
    // and the prefix 0 1 2 already covers both edges.
    const Graph g = makeGraph(3, {{0, 1}, {1, 2}});
    SerializeOptions options;
    options.start = 0;
    options.reindex = ReindexMode::Sequential;
    for (uint64_t seed = 0; seed < 8; ++seed) {
        options.seed = seed;
        const Serialization s = EulerianSerializer(options).serialize(g);
        EXPECT_EQ(s.walk.nodes, (std::vector<NodeId>{0, 1, 2}));
        ASSERT_EQ(s.walk.steps.size(), 2u);
        EXPECT_EQ(s.walk.steps[0].kind, StepKind::Edge);
        EXPECT_EQ(s.walk.steps[0].edge, 0u);
        EXPECT_EQ(s.walk.steps[1].edge, 1u);
        EXPECT_EQ(s.walk.eulerizedEdgeCount, 2u);
        EXPECT_EQ(s.walk.componentCount, 1u);
        EXPECT_EQ(s.nodeTokens, (std::vector<std::vector<std::string>>{{"0"}, {"1"}, {"2"}}));
    }
    // From the middle the walk must repeat one edge: 1 0 1 2 or 1 2 1 0.
    options.start = 1;
    std::set<std::vector<NodeId>> seen;
    for (uint64_t seed = 0; seed < 32; ++seed) {
        options.seed = seed;
        const Serialization s = EulerianSerializer(options).serialize(g);
        seen.insert(s.walk.nodes);
        ASSERT_EQ(s.walk.steps.size(), 3u);
        EXPECT_EQ(s.walk.steps[1].kind, StepKind::EulerizationCopy);
        EXPECT_EQ(s.walk.steps[1].edge, s.walk.steps[0].edge);
        EXPECT_EQ(s.nodeTokens, (std::vector<std::vector<std::string>>{{"0"}, {"1"}, {"0"}, {"2"}}));
    }
    EXPECT_EQ(seen, (std::set<std::vector<NodeId>>{{1, 0, 1, 2}, {1, 2, 1, 0}}));
}

TEST(EulerianSerializer, TriangleIsAFullCircuitInBothDirections) {
    const Graph g = makeGraph(3, {{0, 1}, {1, 2}, {2, 0}});
    SerializeOptions options;
    options.start = 2;
    std::set<std::vector<NodeId>> seen;
    for (uint64_t seed = 0; seed < 32; ++seed) {
        options.seed = seed;
        seen.insert(EulerianSerializer(options).walk(g).nodes);
    }
    EXPECT_EQ(seen, (std::set<std::vector<NodeId>>{{2, 0, 1, 2}, {2, 1, 0, 2}}));
}

TEST(EulerianSerializer, TinyGraphs) {
    SerializeOptions options;
    options.reindex = ReindexMode::Sequential;
    const EulerianSerializer ser(options);
    EXPECT_TRUE(ser.serialize(makeGraph(0, {})).walk.nodes.empty());

    const Serialization one = ser.serialize(makeGraph(1, {}));
    EXPECT_EQ(one.walk.nodes, (std::vector<NodeId>{0}));
    EXPECT_TRUE(one.walk.steps.empty());
    EXPECT_EQ(one.nodeTokens, (std::vector<std::vector<std::string>>{{"0"}}));

    // A self loop on a lone node is walked (GraphGPT drops it; we must decode it back).
    const Serialization loop = ser.serialize(makeGraph(1, {{0, 0}}));
    EXPECT_EQ(loop.walk.nodes, (std::vector<NodeId>{0, 0}));
    ASSERT_EQ(loop.walk.steps.size(), 1u);
    EXPECT_EQ(loop.walk.steps[0].kind, StepKind::Edge);

    // Two isolated nodes: one jump.
    const Serialization two = ser.serialize(makeGraph(2, {}));
    EXPECT_EQ(two.walk.nodes.size(), 2u);
    ASSERT_EQ(two.walk.steps.size(), 1u);
    EXPECT_EQ(two.walk.steps[0].kind, StepKind::Jump);
    EXPECT_EQ(two.walk.steps[0].edge, kNoIndex);
    EXPECT_EQ(two.walk.componentCount, 2u);

    // Cyclic re-indexing of a lone node: one index drawn below nodeScope.
    SerializeOptions cyclic;
    cyclic.nodeScope = 8;
    cyclic.scopeBase = 8;
    std::set<uint32_t> starts;
    for (uint64_t seed = 0; seed < 200; ++seed) {
        cyclic.seed = seed;
        starts.insert(EulerianSerializer(cyclic).serialize(makeGraph(1, {})).nodeIndex[0]);
    }
    EXPECT_EQ(starts.size(), 8u);
    EXPECT_LT(*starts.rbegin(), 8u);
}

TEST(EulerianSerializer, RejectsBadOptions) {
    const Graph g = makeGraph(4, {{0, 1}, {1, 2}, {2, 0}});  // node 3 isolated
    SerializeOptions options;
    options.start = 4;
    EXPECT_THROW(EulerianSerializer(options).serialize(g), std::invalid_argument);

    SerializeOptions small;
    small.nodeScope = 3;
    EXPECT_THROW(EulerianSerializer(small).serialize(g), std::invalid_argument);
    SerializeOptions badBase;
    badBase.nodeScope = 101;
    badBase.scopeBase = 10;
    EXPECT_THROW(EulerianSerializer(badBase).serialize(g), std::invalid_argument);

    auto pathError = [&](std::vector<NodeId> path) -> std::string {
        SerializeOptions o;
        o.path = std::move(path);
        try {
            EulerianSerializer(o).serialize(g);
        } catch (const std::invalid_argument& e) {
            return e.what();
        }
        return "";
    };
    EXPECT_EQ(pathError({0, 1, 2, 0, 3}), "");
    EXPECT_EQ(pathError({0, 2, 1, 0, 3}), "");  // against the edges' stored direction is fine
    EXPECT_EQ(pathError({0, 1, 2, 1, 0, 3}), "path: never walks edge 2 (2 - 0)");
    EXPECT_EQ(pathError({0, 1, 2, 0}), "path: never visits node 3");
    EXPECT_EQ(pathError({0, 1, 2, 0, 7}), "path: position 4: node 7 is not a node (the graph has 4)");
    EXPECT_EQ(pathError({3, 0, 1, 2, 0, 2, 0}), "");
    EXPECT_EQ(pathError({1, 1, 2, 0, 1, 3}),
              "path: step 0: nodes 1 and 1 are in one component but not joined by an edge");
    EXPECT_EQ(pathError({}), "path: empty, but the graph has nodes");
}

TEST(EulerianSerializer, ExplicitPathReproducesWalkAndProvenance) {
    const Graph g = makeGraph(5, {{0, 1}, {1, 2}, {2, 0}, {2, 3}, {3, 3}});
    SerializeOptions options;
    options.reindex = ReindexMode::Sequential;
    options.path = std::vector<NodeId>{3, 3, 2, 0, 1, 2, 3, 4};
    const Serialization s = EulerianSerializer(options).serialize(g);
    EXPECT_EQ(s.walk.nodes, *options.path);
    const std::vector<StepKind> kinds = {StepKind::Edge, StepKind::Edge, StepKind::Edge,
                                         StepKind::Edge, StepKind::Edge, StepKind::EulerizationCopy,
                                         StepKind::Jump};
    const std::vector<EdgeId> edges = {4, 3, 2, 0, 1, 3, kNoIndex};
    ASSERT_EQ(s.walk.steps.size(), kinds.size());
    for (size_t i = 0; i < kinds.size(); ++i) {
        EXPECT_EQ(s.walk.steps[i].kind, kinds[i]) << i;
        EXPECT_EQ(s.walk.steps[i].edge, edges[i]) << i;
    }
    EXPECT_EQ(s.walk.eulerizedEdgeCount, 1u);
    EXPECT_EQ(s.nodeIndex, (std::vector<uint32_t>{2, 3, 1, 0, 4}));
}

// --- EulerianSerializer: properties over seeded random graphs --------------------------------

namespace {

enum class Shape { Tree, Cycle, Dense, Disconnected, MultiEdge, SelfLoops, Isolated, Sparse, Large };
constexpr int kShapeCount = 9;

Graph randomGraph(SeededRandom& r, Shape shape) {
    Graph g;
    auto n = [&](size_t lo, size_t hi) { return lo + size_t(r.below(hi - lo + 1)); };
    auto tree = [&](NodeId first, size_t count) {
        for (NodeId v = first + 1; v < first + count; ++v) g.addEdge(first + NodeId(r.below(v - first)), v);
    };
    switch (shape) {
        case Shape::Tree: {
            const size_t k = n(1, 40);
            g.addNodes(k);
            tree(0, k);
            break;
        }
        case Shape::Cycle: {
            const size_t k = n(3, 30);
            g.addNodes(k);
            for (NodeId v = 0; v < k; ++v) g.addEdge(v, NodeId((v + 1) % k));
            for (size_t i = r.below(4); i > 0; --i) g.addEdge(NodeId(r.below(k)), NodeId(r.below(k)));
            break;
        }
        case Shape::Dense: {
            const size_t k = n(2, 12);
            const uint64_t p = 40 + r.below(60);  // edge probability in percent
            g.addNodes(k);
            for (NodeId a = 0; a < k; ++a)
                for (NodeId b = a + 1; b < k; ++b)
                    if (r.below(100) < p) g.addEdge(a, b);
            break;
        }
        case Shape::Disconnected: {
            const size_t parts = n(2, 5);
            for (size_t i = 0; i < parts; ++i) {
                const size_t k = n(1, 10);
                const NodeId first = g.addNodes(k);
                tree(first, k);
                if (k >= 3 && r.coin()) g.addEdge(first, NodeId(first + k - 1));
            }
            break;
        }
        case Shape::MultiEdge: {
            const size_t k = n(2, 20);
            g.addNodes(k);
            tree(0, k);
            for (size_t i = r.below(6); i > 0; --i) {
                const Edge e = g.edge(EdgeId(r.below(g.edgeCount())));
                if (r.coin()) g.addEdge(e.src, e.dst); else g.addEdge(e.dst, e.src);
            }
            break;
        }
        case Shape::SelfLoops: {
            const size_t k = n(1, 15);
            g.addNodes(k);
            tree(0, k);
            for (size_t i = n(1, 4); i > 0; --i) {
                const NodeId v = NodeId(r.below(k));
                g.addEdge(v, v);
            }
            break;
        }
        case Shape::Isolated: {
            const size_t k = n(1, 12);
            g.addNodes(k);
            for (size_t i = r.below(k); i > 0; --i) g.addEdge(NodeId(r.below(k)), NodeId(r.below(k)));
            break;
        }
        case Shape::Sparse: {
            const size_t k = n(2, 60);
            g.addNodes(k);
            for (size_t i = r.below(k * 3 / 2); i > 0; --i) g.addEdge(NodeId(r.below(k)), NodeId(r.below(k)));
            break;
        }
        case Shape::Large: {  // enough odd nodes for the approximate matching
            const size_t k = n(100, 400);
            g.addNodes(k);
            tree(0, k);
            for (size_t i = r.below(k); i > 0; --i) g.addEdge(NodeId(r.below(k)), NodeId(r.below(k)));
            break;
        }
    }
    return g;
}

/// Checks everything a serialization promises; returns false (with gtest failures) otherwise.
bool checkSerialization(const Graph& g, const SerializeOptions& options, const Serialization& s) {
    const EulerianWalk& w = s.walk;
    const Components comps = connectedComponents(g);
    EXPECT_EQ(w.componentCount, comps.count);
    if (g.nodeCount() == 0) {
        EXPECT_TRUE(w.nodes.empty());
        return true;
    }
    EXPECT_EQ(w.nodes.size(), w.steps.size() + 1);
    if (options.start) {
        EXPECT_EQ(w.nodes.front(), *options.start);
    }

    // Traversals per unordered pair may not exceed the pair's multiplicity in the eulerized
    // multigraph: then the walk is a walk of that multigraph.
    const Eulerization eul = eulerize(g, options.eulerize);
    EXPECT_EQ(w.eulerizedEdgeCount, eul.addedCount);
    std::map<std::pair<NodeId, NodeId>, int> available;
    for (const MultigraphEdge& e : eul.edges) ++available[unordered(e.u, e.v)];
    std::vector<int> walked(g.edgeCount(), 0);
    size_t jumps = 0;
    std::vector<uint8_t> componentClosed(comps.count, 0);
    for (size_t i = 0; i < w.steps.size(); ++i) {
        const NodeId a = w.nodes[i], b = w.nodes[i + 1];
        const WalkStep& step = w.steps[i];
        if (step.kind == StepKind::Jump) {
            ++jumps;
            EXPECT_EQ(step.edge, kNoIndex);
            EXPECT_NE(comps.label[a], comps.label[b]) << "jump inside a component at step " << i;
            EXPECT_FALSE(componentClosed[comps.label[b]]) << "component entered twice";
            componentClosed[comps.label[a]] = 1;
            // The walk of a component ends on the step that covers its last edge.
            if (i > 0 && w.steps[i - 1].kind != StepKind::Jump) {
                EXPECT_EQ(w.steps[i - 1].kind, StepKind::Edge) << "unshortened walk before step " << i;
            }
            continue;
        }
        EXPECT_LT(step.edge, g.edgeCount());
        if (step.edge >= g.edgeCount()) return false;
        EXPECT_EQ(unordered(a, b), unordered(g.edge(step.edge).src, g.edge(step.edge).dst)) << "step " << i;
        EXPECT_GE(--available[unordered(a, b)], 0) << "pair walked more often than it exists, step " << i;
        if (step.kind == StepKind::Edge) ++walked[step.edge];
        else EXPECT_GE(walked[step.edge], 1) << "copy walked before its original, step " << i;
    }
    if (!w.steps.empty() && w.steps.back().kind != StepKind::Jump) {
        EXPECT_EQ(w.steps.back().kind, StepKind::Edge) << "unshortened final walk";
    }
    EXPECT_EQ(jumps + 1, size_t(comps.count));
    for (EdgeId e = 0; e < g.edgeCount(); ++e) EXPECT_EQ(walked[e], 1) << "edge " << e;
    std::vector<uint8_t> seen(g.nodeCount(), 0);
    for (NodeId v : w.nodes) seen[v] = 1;
    for (NodeId v = 0; v < g.nodeCount(); ++v) EXPECT_TRUE(seen[v]) << "node " << v;

    // Re-indexing: distinct indices below nodeScope, following GraphGPT's rule per mode.
    std::vector<NodeId> firstSeen;
    std::vector<uint8_t> had(g.nodeCount(), 0);
    for (NodeId v : w.nodes)
        if (!had[v]) { had[v] = 1; firstSeen.push_back(v); }
    std::set<uint32_t> indices(s.nodeIndex.begin(), s.nodeIndex.end());
    EXPECT_EQ(indices.size(), g.nodeCount());
    EXPECT_LT(*indices.rbegin(), options.nodeScope);
    for (size_t k = 0; k < firstSeen.size(); ++k) {
        const uint32_t index = s.nodeIndex[firstSeen[k]];
        if (options.reindex == ReindexMode::Sequential) {
            EXPECT_EQ(index, k);
        } else if (options.reindex == ReindexMode::Cyclic) {
            EXPECT_EQ(index, (s.nodeIndex[firstSeen[0]] + k) % options.nodeScope);
        }
    }
    EXPECT_EQ(s.nodeTokens.size(), w.nodes.size());
    for (size_t i = 0; i < w.nodes.size() && i < s.nodeTokens.size(); ++i)
        EXPECT_EQ(s.nodeTokens[i], EulerianSerializer::indexTokens(s.nodeIndex[w.nodes[i]], options.scopeBase));
    return !::testing::Test::HasFailure();
}

}  // namespace

TEST(EulerianSerializer, PropertiesOnTenThousandSeededGraphs) {
    SeededRandom r(2024);
    constexpr int kGraphs = 10800;
    int shapesSeen[kShapeCount] = {};
    size_t differentBySeed = 0, withJumps = 0, withCopies = 0, multi = 0, loops = 0;
    for (int i = 0; i < kGraphs; ++i) {
        const Shape shape = Shape(i % kShapeCount);
        const Graph g = randomGraph(r, shape);
        ++shapesSeen[int(shape)];
        SerializeOptions options;
        options.seed = r.below(UINT64_MAX);
        options.reindex = ReindexMode(r.below(3));
        options.nodeScope = 512;
        options.scopeBase = r.coin() ? 512 : 32;  // 32 exercises the two-token indices
        if (g.nodeCount() > 0 && r.below(4) == 0) options.start = NodeId(r.below(g.nodeCount()));
        if (r.below(4) == 0) options.eulerize.objective = MatchingObjective::MinTotalLength;
        const EulerianSerializer serializer(options);
        const Serialization s = serializer.serialize(g);
        SCOPED_TRACE("graph " + std::to_string(i) + " seed " + std::to_string(options.seed));
        if (!checkSerialization(g, options, s)) {
            ADD_FAILURE() << "graph " << i << " failed; stopping";
            return;
        }
        // Deterministic for a fixed seed.
        const Serialization again = serializer.serialize(g);
        ASSERT_EQ(again.walk.nodes, s.walk.nodes);
        ASSERT_EQ(again.nodeTokens, s.nodeTokens);
        // The walk fed back as an explicit path gives the same walk and provenance.
        SerializeOptions replay = options;
        replay.path = s.walk.nodes;
        replay.reindex = ReindexMode::Sequential;
        if (g.nodeCount() > 0) {
            const Serialization back = EulerianSerializer(replay).serialize(g);
            ASSERT_EQ(back.walk.nodes, s.walk.nodes);
            for (size_t k = 0; k < s.walk.steps.size(); ++k) {
                ASSERT_EQ(back.walk.steps[k].kind, s.walk.steps[k].kind) << k;
                ASSERT_EQ(back.walk.steps[k].edge, s.walk.steps[k].edge) << k;
            }
        }
        SerializeOptions other = options;
        other.seed = options.seed + 1;
        differentBySeed += EulerianSerializer(other).walk(g).nodes != s.walk.nodes;
        for (const WalkStep& step : s.walk.steps) {
            withJumps += step.kind == StepKind::Jump;
            withCopies += step.kind == StepKind::EulerizationCopy;
        }
        multi += g.hasMultiEdges();
        loops += g.selfLoopCount() > 0;
    }
    for (int count : shapesSeen) EXPECT_GT(count, 1000);
    // The generator really produced the cases the properties are about.
    EXPECT_GT(differentBySeed, size_t(kGraphs / 2));
    EXPECT_GT(withJumps, 1000u);
    EXPECT_GT(withCopies, 1000u);
    EXPECT_GT(multi, 500u);
    EXPECT_GT(loops, 1000u);
}

TEST(EulerianSerializer, LargeGraphSerializesQuickly) {
    // 20,000 nodes and 50,000 edges: far past the exact-matching threshold.
    SeededRandom r(5);
    Graph g;
    g.addNodes(20000);
    for (int i = 0; i < 50000; ++i) g.addEdge(NodeId(r.below(20000)), NodeId(r.below(20000)));
    SerializeOptions options;
    options.nodeScope = 20000;
    options.scopeBase = 0;
    options.reindex = ReindexMode::Sequential;
    const Serialization s = EulerianSerializer(options).serialize(g);
    EXPECT_TRUE(checkSerialization(g, options, s));
}
