// Graph algorithms: hand-computed values, and networkx/numpy values from
// tests/fixtures/algorithms/make_expected.py (expected.json).
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <numbers>
#include <random>

#include <nlohmann/json.hpp>

#include "graph/Algorithms.h"

using namespace gts;
using nlohmann::json;

namespace {

Graph makeGraph(size_t n, std::initializer_list<std::pair<NodeId, NodeId>> edges,
                bool directed = false) {
    Graph g(directed);
    g.addNodes(n);
    for (auto [a, b] : edges) g.addEdge(a, b);
    return g;
}

Graph pathGraph(size_t n) {
    Graph g;
    g.addNodes(n);
    for (NodeId i = 0; i + 1 < n; ++i) g.addEdge(i, i + 1);
    return g;
}

Graph cycleGraph(size_t n) {
    Graph g = pathGraph(n);
    g.addEdge(NodeId(n - 1), 0);
    return g;
}

Graph starGraph(size_t leaves) {
    Graph g;
    g.addNodes(leaves + 1);
    for (NodeId i = 1; i <= leaves; ++i) g.addEdge(0, i);
    return g;
}

// Uniform random multigraph (loops possible) from a fixed seed.
Graph randomGraph(size_t n, size_t m, uint64_t seed) {
    std::mt19937_64 rng(seed);
    Graph g;
    g.addNodes(n);
    g.reserveEdges(m);
    for (size_t i = 0; i < m; ++i) g.addEdge(NodeId(rng() % n), NodeId(rng() % n));
    return g;
}

const json& fixture() {
    static const json data = [] {
        std::ifstream in(std::string(GTS_FIXTURES_DIR) + "/algorithms/expected.json");
        if (!in) throw std::runtime_error("cannot open algorithms/expected.json");
        return json::parse(in);
    }();
    return data;
}

const json& fixtureGraph(const std::string& name) {
    for (const json& g : fixture()["graphs"])
        if (g["name"] == name) return g;
    throw std::runtime_error("no fixture graph " + name);
}

Graph graphFromFixture(const json& entry) {
    Graph g;
    g.addNodes(entry["nodes"].get<size_t>());
    for (const json& e : entry["edges"]) g.addEdge(e[0].get<NodeId>(), e[1].get<NodeId>());
    return g;
}

const char* kindKey(LaplacianKind kind) {
    return kind == LaplacianKind::Unnormalized ? "unnormalized" : "normalized";
}

// Largest distance between the subspaces spanned by the columns of `mine` and the vectors in
// `theirs` (each orthonormal): || (I - P_theirs) mine ||.
double subspaceDistance(const Eigen::MatrixXd& mine, const Eigen::MatrixXd& theirs) {
    const Eigen::MatrixXd residue = mine - theirs * (theirs.transpose() * mine);
    return residue.norm();
}

// Checks each group of equal reference eigenvalues: our vectors for that group span the same
// space as the reference vectors (up to sign when the group has one member).
void expectSameEigenspaces(const SpectralResult& got, const Eigen::VectorXd& refValues,
                           const Eigen::MatrixXd& refVectors, int count, double tol,
                           double sameValue = 1e-8) {
    int start = 0;
    while (start < count) {
        int end = start + 1;
        while (end < refValues.size() && std::abs(refValues[end] - refValues[end - 1]) < sameValue) ++end;
        if (end > count) break;  // the group is cut off by k: its subspace is not determined
        const Eigen::MatrixXd mine = got.vectors.middleCols(start, end - start);
        const Eigen::MatrixXd theirs = refVectors.middleCols(start, end - start);
        EXPECT_LT(subspaceDistance(mine, theirs), tol) << "eigenvalues " << start << ".." << end - 1;
        start = end;
    }
}

// The eigen-equation itself: ||M x - lambda x|| small for every returned pair.
void expectEigenpairs(const Graph& g, LaplacianKind kind, const SpectralResult& r, double tol) {
    const Eigen::SparseMatrix<double> m = laplacian(g, kind);
    for (int j = 0; j < r.available; ++j) {
        const Eigen::VectorXd x = r.vectors.col(j);
        EXPECT_NEAR(x.norm(), 1.0, 1e-9);
        EXPECT_LT((m * x - r.values[j] * x).norm(), tol) << "pair " << j;
    }
}

}  // namespace

// Components ------------------------------------------------------------------------------------

TEST(Components, LabelsInOrderOfLowestNode) {
    // {0, 3, 5}, {1, 4}, {2}, {6 (self loop)}
    Graph g = makeGraph(7, {{5, 3}, {3, 0}, {4, 1}, {1, 4}, {6, 6}});
    Components c = connectedComponents(g);
    EXPECT_EQ(c.count, 4u);
    EXPECT_EQ(c.label, (std::vector<uint32_t>{0, 1, 2, 0, 1, 0, 3}));
    EXPECT_EQ(c.sizes, (std::vector<uint64_t>{3, 2, 1, 1}));
}

TEST(Components, DirectedEdgesConnectBothWays) {
    Graph g = makeGraph(3, {{2, 1}, {1, 0}}, true);
    EXPECT_EQ(connectedComponents(g).count, 1u);
}

TEST(Components, EmptyGraph) {
    Graph g;
    Components c = connectedComponents(g);
    EXPECT_EQ(c.count, 0u);
    EXPECT_TRUE(c.label.empty());
    EXPECT_TRUE(c.sizes.empty());
}

TEST(Components, AgreesWithNetworkxHopsOnKarate) {
    Graph g = graphFromFixture(fixtureGraph("karate"));
    EXPECT_EQ(connectedComponents(g).count, 1u);
    Graph split = graphFromFixture(fixtureGraph("split"));
    Components c = connectedComponents(split);
    EXPECT_EQ(c.count, 3u);
    EXPECT_EQ(c.sizes, (std::vector<uint64_t>{4, 3, 1}));
}

// BFS -------------------------------------------------------------------------------------------

TEST(Bfs, PathGraphHops) {
    Graph g = pathGraph(5);
    EXPECT_EQ(bfsHops(g, 2), (std::vector<int32_t>{2, 1, 0, 1, 2}));
    EXPECT_EQ(bfsHops(g, 0), (std::vector<int32_t>{0, 1, 2, 3, 4}));
    EXPECT_EQ(bfsHops(g, 2, 1), (std::vector<int32_t>{-1, 1, 0, 1, -1}));
    EXPECT_EQ(bfsHops(g, 2, 0), (std::vector<int32_t>{-1, -1, 0, -1, -1}));
}

TEST(Bfs, UnreachableAndSelfLoopsAndMultiEdges) {
    Graph g = makeGraph(5, {{0, 0}, {0, 1}, {1, 0}, {1, 2}, {3, 4}});
    EXPECT_EQ(bfsHops(g, 0), (std::vector<int32_t>{0, 1, 2, -1, -1}));
    EXPECT_EQ(bfsHops(g, 4), (std::vector<int32_t>{-1, -1, -1, 1, 0}));
}

TEST(Bfs, MultiSource) {
    Graph g = pathGraph(7);
    const std::vector<NodeId> sources{0, 5, 5};
    EXPECT_EQ(bfsHops(g, sources), (std::vector<int32_t>{0, 1, 2, 2, 1, 0, 1}));
    EXPECT_EQ(bfsHops(g, sources, 1), (std::vector<int32_t>{0, 1, -1, -1, 1, 0, 1}));
    EXPECT_EQ(bfsHops(g, std::span<const NodeId>()), std::vector<int32_t>(7, -1));
}

TEST(Bfs, DirectionsOfADirectedGraph) {
    Graph g = makeGraph(4, {{0, 1}, {1, 2}, {3, 2}}, true);
    EXPECT_EQ(bfsHops(g, 1), (std::vector<int32_t>{1, 0, 1, 2}));
    EXPECT_EQ(bfsHops(g, 1, -1, Direction::Out), (std::vector<int32_t>{-1, 0, 1, -1}));
    EXPECT_EQ(bfsHops(g, 1, -1, Direction::In), (std::vector<int32_t>{1, 0, -1, -1}));
}

TEST(Bfs, BadSourceThrows) {
    Graph g = pathGraph(3);
    EXPECT_THROW(bfsHops(g, 3), std::out_of_range);
    const std::vector<NodeId> sources{0, 9};
    EXPECT_THROW(bfsHops(g, sources), std::out_of_range);
    EXPECT_THROW(shortestPath(g, 0, 3), std::out_of_range);
    EXPECT_THROW(bfsTree(g, 7), std::out_of_range);
}

TEST(Bfs, MatchesNetworkxOnKarate) {
    const json& entry = fixtureGraph("karate");
    Graph g = graphFromFixture(entry);
    for (NodeId s = 0; s < g.nodeCount(); ++s)
        EXPECT_EQ(bfsHops(g, s), entry["hops"][s].get<std::vector<int32_t>>()) << "source " << s;
}

// Shortest paths --------------------------------------------------------------------------------

TEST(ShortestPath, TieBrokenByCsrOrder) {
    // Cycle 0-1-2-3-4-5-0, edge i joins i and i+1 (edge 5 joins 5 and 0). Both ways round to 3
    // are 3 hops; node 0 lists edge 0 (to 1) before edge 5 (to 5), so the path goes via 1.
    Graph g = cycleGraph(6);
    ShortestPath p = shortestPath(g, 0, 3);
    EXPECT_EQ(p.nodes, (std::vector<NodeId>{0, 1, 2, 3}));
    EXPECT_EQ(p.edges, (std::vector<EdgeId>{0, 1, 2}));
    // From 3, edge 2 (to 2) comes before edge 3 (to 4).
    ShortestPath back = shortestPath(g, 3, 0);
    EXPECT_EQ(back.nodes, (std::vector<NodeId>{3, 2, 1, 0}));
    EXPECT_EQ(back.edges, (std::vector<EdgeId>{2, 1, 0}));
    ShortestPath near = shortestPath(g, 0, 4);
    EXPECT_EQ(near.nodes, (std::vector<NodeId>{0, 5, 4}));
    EXPECT_EQ(near.edges, (std::vector<EdgeId>{5, 4}));
}

TEST(ShortestPath, MultiEdgeTakesLowestEdgeIndex) {
    // Edges: 0: 2-1, 1: 1-0, 2: 0-1 (parallel to 1), 3: 1-1 (loop).
    Graph g = makeGraph(3, {{2, 1}, {1, 0}, {0, 1}, {1, 1}});
    ShortestPath p = shortestPath(g, 0, 2);
    EXPECT_EQ(p.nodes, (std::vector<NodeId>{0, 1, 2}));
    EXPECT_EQ(p.edges, (std::vector<EdgeId>{1, 0}));
}

TEST(ShortestPath, TrivialAndUnreachable) {
    Graph g = makeGraph(4, {{0, 1}, {2, 3}});
    ShortestPath same = shortestPath(g, 2, 2);
    EXPECT_EQ(same.nodes, (std::vector<NodeId>{2}));
    EXPECT_TRUE(same.edges.empty());
    ShortestPath none = shortestPath(g, 0, 3);
    EXPECT_FALSE(none.found());
    EXPECT_TRUE(none.edges.empty());
}

TEST(ShortestPath, TreePathsAreShortestAndConsistent) {
    const json& entry = fixtureGraph("karate");
    Graph g = graphFromFixture(entry);
    BfsTree tree = bfsTree(g, 16);
    for (NodeId t = 0; t < g.nodeCount(); ++t) {
        ShortestPath p = pathInTree(tree, t);
        ASSERT_EQ(int(p.edges.size()), entry["hops"][16][t].get<int>());
        EXPECT_EQ(p.nodes.front(), 16u);
        EXPECT_EQ(p.nodes.back(), t);
        for (size_t i = 0; i < p.edges.size(); ++i) {
            const Edge& e = g.edge(p.edges[i]);
            const bool joins = (e.src == p.nodes[i] && e.dst == p.nodes[i + 1]) ||
                               (e.dst == p.nodes[i] && e.src == p.nodes[i + 1]);
            EXPECT_TRUE(joins) << "edge " << p.edges[i] << " on the path to " << t;
        }
        ShortestPath direct = shortestPath(g, 16, t);
        EXPECT_EQ(direct.nodes, p.nodes);
        EXPECT_EQ(direct.edges, p.edges);
    }
}

// All pairs -------------------------------------------------------------------------------------

TEST(AllPairsHops, MatchesNetworkxOnKarate) {
    const json& entry = fixtureGraph("karate");
    Graph g = graphFromFixture(entry);
    HopMatrix h = allPairsHops(g);
    ASSERT_EQ(h.n, 34u);
    for (NodeId i = 0; i < 34; ++i)
        for (NodeId j = 0; j < 34; ++j)
            EXPECT_EQ(h.at(i, j), entry["hops"][i][j].get<int>()) << i << "," << j;
}

TEST(AllPairsHops, UnreachableAndTooLarge) {
    Graph g = makeGraph(3, {{0, 1}});
    HopMatrix h = allPairsHops(g);
    EXPECT_EQ(h.hops, (std::vector<int16_t>{0, 1, -1, 1, 0, -1, -1, -1, 0}));
    try {
        allPairsHops(g, 2);
        FAIL() << "expected std::length_error";
    } catch (const std::length_error& e) {
        EXPECT_NE(std::string(e.what()).find("3 nodes"), std::string::npos) << e.what();
    }
    Graph empty;
    EXPECT_EQ(allPairsHops(empty).n, 0u);
}

// Degrees ---------------------------------------------------------------------------------------

TEST(Degrees, SelfLoopsCountTwiceAndDirections) {
    Graph g = makeGraph(3, {{0, 1}, {0, 1}, {1, 1}});
    EXPECT_EQ(degrees(g), (std::vector<uint64_t>{2, 4, 0}));
    Graph d = makeGraph(3, {{0, 1}, {0, 2}, {2, 2}}, true);
    EXPECT_EQ(degrees(d, Direction::Out), (std::vector<uint64_t>{2, 0, 1}));
    EXPECT_EQ(degrees(d, Direction::In), (std::vector<uint64_t>{0, 1, 2}));
    EXPECT_EQ(degrees(d, Direction::Both), (std::vector<uint64_t>{2, 1, 3}));
}

// Laplacians ------------------------------------------------------------------------------------

TEST(Laplacian, HandComputedEntriesWithLoopsAndMultiEdges) {
    // Edges 0-1 twice, 1-2, loop at 2, loop at 3, node 4 isolated.
    Graph g = makeGraph(5, {{0, 1}, {1, 0}, {1, 2}, {2, 2}, {3, 3}});
    Eigen::MatrixXd a = adjacencyMatrix(g);
    EXPECT_EQ(a(0, 1), 2.0);
    EXPECT_EQ(a(2, 2), 1.0);
    EXPECT_EQ(a(3, 3), 1.0);
    const Eigen::Vector<double, 5> rowSums(2, 3, 2, 1, 0);
    EXPECT_EQ(adjacencyRowSums(g), rowSums);
    Eigen::MatrixXd l = laplacian(g, LaplacianKind::Unnormalized);
    Eigen::MatrixXd expectL(5, 5);
    expectL << 2, -2, 0, 0, 0,  //
        -2, 3, -1, 0, 0,        //
        0, -1, 1, 0, 0,         // delta 2 minus the loop's A_22 = 1
        0, 0, 0, 0, 0,          // loop only: cancels out
        0, 0, 0, 0, 0;
    EXPECT_TRUE(l.isApprox(expectL, 1e-15)) << l;
    Eigen::MatrixXd nl = laplacian(g, LaplacianKind::SymmetricNormalized);
    EXPECT_NEAR(nl(0, 0), 1.0, 1e-15);
    EXPECT_NEAR(nl(0, 1), -2.0 / std::sqrt(6.0), 1e-15);
    EXPECT_NEAR(nl(1, 2), -1.0 / std::sqrt(6.0), 1e-15);
    EXPECT_NEAR(nl(2, 2), 0.5, 1e-15);  // 1 - A_22 / delta_2
    EXPECT_EQ(nl(3, 3), 0.0);           // 1 - 1/1
    EXPECT_EQ(nl(4, 4), 0.0);           // isolated: zero row, as networkx
    EXPECT_EQ(nl.row(4).norm(), 0.0);
}

TEST(Laplacian, MatchesNetworkxConventions) {
    for (const char* name : {"quirks", "petersen", "split"}) {
        const json& entry = fixtureGraph(name);
        Graph g = graphFromFixture(entry);
        Eigen::MatrixXd l = laplacian(g, LaplacianKind::Unnormalized);
        Eigen::MatrixXd nl = laplacian(g, LaplacianKind::SymmetricNormalized);
        for (Eigen::Index i = 0; i < l.rows(); ++i) {
            for (Eigen::Index j = 0; j < l.cols(); ++j) {
                EXPECT_NEAR(l(i, j), entry["laplacian"][i][j].get<double>(), 1e-14) << name;
                EXPECT_NEAR(nl(i, j), entry["normalized_laplacian"][i][j].get<double>(), 1e-14)
                    << name << " " << i << "," << j;
            }
        }
    }
}

// Eigenpairs ------------------------------------------------------------------------------------

TEST(Spectral, PathCycleStarClosedForms) {
    const int n = 9;
    SpectralResult path = smallestEigenvectors(pathGraph(n), n, LaplacianKind::Unnormalized, false);
    SpectralResult cycle = smallestEigenvectors(cycleGraph(n), n, LaplacianKind::Unnormalized, false);
    std::vector<double> cycleExpect;
    for (int j = 0; j < n; ++j) {
        // P_n: 2 - 2 cos(pi j / n); C_n: 2 - 2 cos(2 pi j / n), sorted.
        EXPECT_NEAR(path.values[j], 2.0 - 2.0 * std::cos(std::numbers::pi * j / n), 1e-12);
        cycleExpect.push_back(2.0 - 2.0 * std::cos(2.0 * std::numbers::pi * j / n));
    }
    std::sort(cycleExpect.begin(), cycleExpect.end());
    for (int j = 0; j < n; ++j) EXPECT_NEAR(cycle.values[j], cycleExpect[size_t(j)], 1e-12);
    // Fiedler vector of a path: cos(pi (i + 1/2) / n), up to scale; the sign rule makes the
    // largest-magnitude entry positive, a tie between the ends settled by node 0.
    Eigen::VectorXd fiedler(n);
    for (int i = 0; i < n; ++i) fiedler[i] = std::cos(std::numbers::pi * (i + 0.5) / n);
    fiedler.normalize();
    EXPECT_LT((path.vectors.col(1) - fiedler).norm(), 1e-10);

    // K_{1,5}: L has 0, 1 (x4), 6; N has 0, 1 (x4), 2.
    SpectralResult star = smallestEigenvectors(starGraph(5), 6, LaplacianKind::Unnormalized, false);
    EXPECT_LT((star.values - Eigen::Vector<double, 6>(0, 1, 1, 1, 1, 6)).norm(), 1e-12);
    SpectralResult nstar =
        smallestEigenvectors(starGraph(5), 6, LaplacianKind::SymmetricNormalized, false);
    EXPECT_LT((nstar.values - Eigen::Vector<double, 6>(0, 1, 1, 1, 1, 2)).norm(), 1e-12);
    expectEigenpairs(starGraph(5), LaplacianKind::SymmetricNormalized, nstar, 1e-12);
}

TEST(Spectral, MatchesNumpyDense) {
    for (const char* name : {"karate", "quirks", "petersen", "split"}) {
        const json& entry = fixtureGraph(name);
        Graph g = graphFromFixture(entry);
        for (LaplacianKind kind : {LaplacianKind::Unnormalized, LaplacianKind::SymmetricNormalized}) {
            SCOPED_TRACE(std::string(name) + " " + kindKey(kind));
            const json& ref = entry[kindKey(kind)];
            const auto refValues = ref["values"].get<std::vector<double>>();
            const auto refRows = ref["vectors"].get<std::vector<std::vector<double>>>();
            const int kv = int(refRows.size());
            SpectralResult r = smallestEigenvectors(g, kv, kind, false);
            EXPECT_FALSE(r.iterative);
            ASSERT_EQ(r.available, kv);
            Eigen::VectorXd values = Eigen::Map<const Eigen::VectorXd>(refValues.data(),
                                                                      Eigen::Index(refValues.size()));
            Eigen::MatrixXd vecs(g.nodeCount(), kv);
            for (int j = 0; j < kv; ++j)
                for (size_t i = 0; i < g.nodeCount(); ++i) vecs(Eigen::Index(i), j) = refRows[size_t(j)][i];
            for (int j = 0; j < kv; ++j) EXPECT_NEAR(r.values[j], values[j], 1e-9) << j;
            expectSameEigenspaces(r, values, vecs, kv, 1e-8);
            expectEigenpairs(g, kind, r, 1e-10);
        }
    }
}

TEST(Spectral, AllEigenvaluesOfKarate) {
    const json& entry = fixtureGraph("karate");
    Graph g = graphFromFixture(entry);
    for (LaplacianKind kind : {LaplacianKind::Unnormalized, LaplacianKind::SymmetricNormalized}) {
        const auto ref = entry[kindKey(kind)]["values"].get<std::vector<double>>();
        SpectralResult r = smallestEigenvectors(g, 34, kind, false);
        for (int j = 0; j < 34; ++j) EXPECT_NEAR(r.values[j], ref[size_t(j)], 1e-9);
    }
}

TEST(Spectral, SignConvention) {
    Graph g = graphFromFixture(fixtureGraph("karate"));
    SpectralResult r = smallestEigenvectors(g, 6, LaplacianKind::SymmetricNormalized, false);
    for (int j = 0; j < 6; ++j) {
        Eigen::Index at = 0;
        r.vectors.col(j).cwiseAbs().maxCoeff(&at);
        EXPECT_GT(r.vectors(at, j), 0.0) << j;
    }
}

TEST(Spectral, DisconnectedNullSpaceIsComponentIndicators) {
    // Components {0,1,2,3} (path), {4,5,6} (triangle), {7} (isolated).
    Graph g = graphFromFixture(fixtureGraph("split"));
    SpectralResult r = smallestEigenvectors(g, 5, LaplacianKind::Unnormalized, false);
    EXPECT_EQ(r.zeroCount, 3);
    EXPECT_EQ(r.values[0], 0.0);
    EXPECT_EQ(r.values[2], 0.0);
    Eigen::VectorXd first = Eigen::VectorXd::Zero(8);
    first.head(4).setConstant(0.5);
    EXPECT_LT((r.vectors.col(0) - first).norm(), 1e-15);
    EXPECT_NEAR(r.vectors(4, 1), 1.0 / std::sqrt(3.0), 1e-15);
    EXPECT_EQ(r.vectors(7, 2), 1.0);
    EXPECT_NEAR(r.values[3], 2.0 - std::sqrt(2.0), 1e-12);  // path P4's 2 - 2 cos(pi/4)
    EXPECT_NEAR(r.values[4], 2.0, 1e-12);

    // N: sqrt(delta) weights; the path's degrees are 1, 2, 2, 1.
    SpectralResult nr = smallestEigenvectors(g, 3, LaplacianKind::SymmetricNormalized, false);
    EXPECT_NEAR(nr.vectors(0, 0), std::sqrt(1.0 / 6.0), 1e-15);
    EXPECT_NEAR(nr.vectors(1, 0), std::sqrt(2.0 / 6.0), 1e-15);
    EXPECT_EQ(nr.vectors(7, 2), 1.0);

    SpectralResult skip = smallestEigenvectors(g, 2, LaplacianKind::Unnormalized, true);
    EXPECT_EQ(skip.available, 2);
    EXPECT_NEAR(skip.values[0], 2.0 - std::sqrt(2.0), 1e-12);
    EXPECT_NEAR(skip.values[1], 2.0, 1e-12);
    EXPECT_NEAR(skip.vectors.col(0).head(4).norm(), 1.0, 1e-12);  // lives on the path
}

TEST(Spectral, SmallGraphsArePadded) {
    Graph empty;
    SpectralResult e = smallestEigenvectors(empty, 3, LaplacianKind::Unnormalized, false);
    EXPECT_EQ(e.available, 0);
    EXPECT_EQ(e.values.size(), 3);
    EXPECT_EQ(e.vectors.rows(), 0);

    Graph one;
    one.addNode();
    SpectralResult o = smallestEigenvectors(one, 3, LaplacianKind::SymmetricNormalized, false);
    EXPECT_EQ(o.available, 1);
    EXPECT_EQ(o.vectors(0, 0), 1.0);
    EXPECT_EQ(o.vectors(0, 1), 0.0);
    EXPECT_EQ(o.values[1], 0.0);
    SpectralResult os = smallestEigenvectors(one, 3, LaplacianKind::SymmetricNormalized, true);
    EXPECT_EQ(os.available, 0);
    EXPECT_EQ(os.vectors.norm(), 0.0);

    SpectralResult p3 = smallestEigenvectors(pathGraph(3), 5, LaplacianKind::Unnormalized, true);
    EXPECT_EQ(p3.available, 2);
    EXPECT_NEAR(p3.values[0], 1.0, 1e-12);
    EXPECT_NEAR(p3.values[1], 3.0, 1e-12);
    EXPECT_EQ(p3.values[2], 0.0);
    EXPECT_EQ(p3.vectors.rightCols(3).norm(), 0.0);

    EXPECT_EQ(smallestEigenvectors(pathGraph(3), 0, LaplacianKind::Unnormalized, false).values.size(), 0);
    SpectralOptions bad;
    bad.tolerance = 0.0;
    EXPECT_THROW(smallestEigenvectors(pathGraph(3), 1, LaplacianKind::Unnormalized, false, bad),
                 std::invalid_argument);
}

TEST(Spectral, IterativeMatchesNumpyIncludingRepeatedEigenvalues) {
    SpectralOptions iterative;
    iterative.denseMaxNodes = 0;
    for (const char* name : {"karate", "petersen", "split", "quirks"}) {
        const json& entry = fixtureGraph(name);
        Graph g = graphFromFixture(entry);
        for (LaplacianKind kind : {LaplacianKind::Unnormalized, LaplacianKind::SymmetricNormalized}) {
            SCOPED_TRACE(std::string(name) + " " + kindKey(kind));
            const auto refValues = entry[kindKey(kind)]["values"].get<std::vector<double>>();
            const int kv = std::min<int>(6, int(g.nodeCount()));
            SpectralResult r = smallestEigenvectors(g, kv, kind, false, iterative);
            EXPECT_TRUE(r.iterative);
            EXPECT_TRUE(r.converged);
            for (int j = 0; j < kv; ++j) EXPECT_NEAR(r.values[j], refValues[size_t(j)], 1e-6) << j;
            expectEigenpairs(g, kind, r, 1e-6);
        }
    }
}

#ifdef NDEBUG
constexpr size_t kAgreementNodes = 1000;
constexpr size_t kLargeAgreementNodes = 3000;
#else
// Unoptimised Eigen takes minutes over a dense 3000 x 3000 eigensolve.
constexpr size_t kAgreementNodes = 500;
constexpr size_t kLargeAgreementNodes = 600;
#endif

TEST(Spectral, IterativeAgreesWithDenseOnRandomGraph) {
    Graph g = randomGraph(kAgreementNodes, 3 * kAgreementNodes, 7);
    g.addNodes(2);  // at least three components, whatever the draw
    const int k = 6;
    for (LaplacianKind kind : {LaplacianKind::Unnormalized, LaplacianKind::SymmetricNormalized}) {
        SCOPED_TRACE(kindKey(kind));
        SpectralOptions denseOpt;
        denseOpt.denseMaxNodes = g.nodeCount();
        SpectralOptions iterOpt;
        iterOpt.denseMaxNodes = 0;
        SpectralResult dense = smallestEigenvectors(g, k, kind, true, denseOpt);
        SpectralResult iter = smallestEigenvectors(g, k, kind, true, iterOpt);
        ASSERT_FALSE(dense.iterative);
        ASSERT_TRUE(iter.iterative);
        EXPECT_TRUE(iter.converged);
        EXPECT_EQ(dense.zeroCount, iter.zeroCount);
        EXPECT_GE(dense.zeroCount, 3);
        for (int j = 0; j < k; ++j) EXPECT_NEAR(iter.values[j], dense.values[j], 1e-6) << j;
        expectSameEigenspaces(iter, dense.values, dense.vectors, k, 1e-5, 1e-4);
        // Simple eigenvalues: the sign convention makes the vectors equal, not just parallel.
        for (int j = 0; j < k; ++j) {
            const bool simple = (j == 0 || dense.values[j] - dense.values[j - 1] > 1e-4) &&
                                (j + 1 == k || dense.values[j + 1] - dense.values[j] > 1e-4);
            if (simple) {
                EXPECT_LT((iter.vectors.col(j) - dense.vectors.col(j)).norm(), 1e-5) << j;
            }
        }
    }
}

TEST(Spectral, IterativeEigenvaluesMatchDenseSpectrumOn3000Nodes) {
    Graph g = randomGraph(kLargeAgreementNodes, 3 * kLargeAgreementNodes, 5);
    const int k = 8;
    const LaplacianKind kind = LaplacianKind::SymmetricNormalized;
    SpectralOptions iterOpt;
    iterOpt.denseMaxNodes = 0;
    SpectralResult iter = smallestEigenvectors(g, k, kind, true, iterOpt);
    ASSERT_EQ(iter.available, k);
    EXPECT_TRUE(iter.converged);
    const Eigen::MatrixXd dense(laplacian(g, kind));
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(dense, Eigen::EigenvaluesOnly);
    EXPECT_LT(std::abs(solver.eigenvalues()[iter.zeroCount - 1]), 1e-9);
    EXPECT_GT(solver.eigenvalues()[iter.zeroCount], 1e-3);
    for (int j = 0; j < k; ++j)
        EXPECT_NEAR(iter.values[j], solver.eigenvalues()[iter.zeroCount + j], 1e-6) << j;
    expectEigenpairs(g, kind, iter, 1e-7);
    const Eigen::MatrixXd gram = iter.vectors.transpose() * iter.vectors;
    EXPECT_LT((gram - Eigen::MatrixXd::Identity(k, k)).norm(), 1e-8);
}

TEST(Spectral, IterativeSeparatesAClusterWiderThanItsBlock) {
    // 1000 disjoint 3-node paths: N has eigenvalues 0, 1 and 2, each 1000 times.
    Graph g;
    g.addNodes(3000);
    for (NodeId i = 0; i < 3000; i += 3) {
        g.addEdge(i, i + 1);
        g.addEdge(i + 1, i + 2);
    }
    SpectralOptions iterOpt;
    iterOpt.denseMaxNodes = 0;
    SpectralResult r = smallestEigenvectors(g, 4, LaplacianKind::SymmetricNormalized, true, iterOpt);
    EXPECT_TRUE(r.converged);
    EXPECT_EQ(r.zeroCount, 1000);
    for (int j = 0; j < 4; ++j) EXPECT_NEAR(r.values[j], 1.0, 1e-9);
    expectEigenpairs(g, LaplacianKind::SymmetricNormalized, r, 1e-8);
}

// Random walks ----------------------------------------------------------------------------------

TEST(RandomWalk, HandComputed) {
    // Path 0-1-2, triangle 3-4-5, node 6 with only a self loop, node 7 isolated.
    Graph g = makeGraph(8, {{0, 1}, {1, 2}, {3, 4}, {4, 5}, {5, 3}, {6, 6}});
    const int K = 4;
    std::vector<double> rw = randomWalkReturnProbabilities(g, K);
    ASSERT_EQ(rw.size(), 8u * K);
    auto row = [&](size_t v) { return std::vector<double>(rw.begin() + v * K, rw.begin() + (v + 1) * K); };
    auto expectRow = [&](size_t v, std::vector<double> want) {
        for (int k = 0; k < K; ++k) EXPECT_NEAR(row(v)[size_t(k)], want[size_t(k)], 1e-15) << v << "," << k;
    };
    expectRow(0, {0, 0.5, 0, 0.5});
    expectRow(1, {0, 1, 0, 1});
    expectRow(3, {0, 0.5, 0.25, 0.375});  // triangle: (2^k + 2(-1)^k) / (3 2^k)
    expectRow(6, {1, 1, 1, 1});
    expectRow(7, {0, 0, 0, 0});
    EXPECT_TRUE(randomWalkReturnProbabilities(g, 0).empty());
}

TEST(RandomWalk, LoopAndMultiEdgeWeights) {
    // Node 0: loop, two edges to 1. A_00 = 1, A_01 = 2, delta_0 = 3; node 1: delta 2.
    Graph g = makeGraph(2, {{0, 0}, {0, 1}, {1, 0}});
    std::vector<double> rw = randomWalkReturnProbabilities(g, 2);
    EXPECT_NEAR(rw[0], 1.0 / 3.0, 1e-15);
    EXPECT_NEAR(rw[1], 1.0 / 9.0 + 2.0 / 3.0, 1e-15);  // stay twice, or 0 -> 1 -> 0
    EXPECT_NEAR(rw[2], 0.0, 1e-15);
    EXPECT_NEAR(rw[3], 2.0 / 3.0, 1e-15);  // 1 -> 0 surely, then 0 -> 1 by one of two of three
}

TEST(RandomWalk, MatchesNumpyMatrixPowers) {
    for (const char* name : {"karate", "quirks", "petersen", "split"}) {
        const json& entry = fixtureGraph(name);
        Graph g = graphFromFixture(entry);
        const int K = entry["rwse_k"].get<int>();
        std::vector<double> sparse = randomWalkReturnProbabilities(g, K);
        std::vector<double> dense = randomWalkReturnProbabilitiesDense(g, K);
        for (size_t v = 0; v < g.nodeCount(); ++v) {
            for (int k = 0; k < K; ++k) {
                const double want = entry["rwse"][v][size_t(k)].get<double>();
                EXPECT_NEAR(sparse[v * size_t(K) + size_t(k)], want, 1e-12) << name << " " << v << "," << k;
                EXPECT_NEAR(dense[v * size_t(K) + size_t(k)], want, 1e-12) << name << " " << v << "," << k;
            }
        }
    }
}

TEST(RandomWalk, SparseAgreesWithDenseOnRandomGraph) {
    Graph g = randomGraph(200, 500, 11);
    const int K = 12;
    std::vector<double> sparse = randomWalkReturnProbabilities(g, K);
    std::vector<double> dense = randomWalkReturnProbabilitiesDense(g, K);
    ASSERT_EQ(sparse.size(), dense.size());
    double worst = 0.0;
    for (size_t i = 0; i < sparse.size(); ++i) worst = std::max(worst, std::abs(sparse[i] - dense[i]));
    EXPECT_LT(worst, 1e-12);
    Graph big;
    big.addNodes(kDenseRandomWalkMaxNodes + 1);
    EXPECT_THROW(randomWalkReturnProbabilitiesDense(big, 2), std::length_error);
}

// Scale -----------------------------------------------------------------------------------------

TEST(Scale, TwoMillionEdges) {
    const size_t n = 500000;
    Graph g = randomGraph(n, 2000000, 3);
    // A long path hung off node 0: a recursive search would need 200000 frames.
    const NodeId first = g.addNodes(200000);
    g.addEdge(0, first);
    for (NodeId i = first; i + 1 < first + 200000; ++i) g.addEdge(i, i + 1);
    const auto start = std::chrono::steady_clock::now();
    Components c = connectedComponents(g);
    std::vector<int32_t> hops = bfsHops(g, 0);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(c.label[first + 199999], c.label[0]);
    EXPECT_EQ(hops[first + 199999], 200000);
    uint64_t total = 0;
    for (uint64_t s : c.sizes) total += s;
    EXPECT_EQ(total, g.nodeCount());
    // Average degree 8: the giant component holds all but about e^-8 of the random part.
    EXPECT_GT(c.sizes[c.label[0]], 690000u);
    size_t reached = 0;
    for (int32_t h : hops) reached += h >= 0;
    EXPECT_EQ(reached, c.sizes[c.label[0]]);
    std::cout << "components + BFS on " << g.edgeCount() << " edges: " << seconds << " s\n";
}
