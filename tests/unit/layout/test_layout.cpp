// Circular, spectral and molecule layouts, and computeLayout's normalization and dispatch:
// properties checkable by hand (equal radii, equal spacing, monotone paths, regular hexagons).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "graph/AttrNames.h"
#include "io/Molecule.h"
#include "layout/Layout.h"
#include "layout/LayoutTestGraphs.h"
#include "layout/MoleculeLayout.h"

using namespace gts;
using namespace gts::layout;
using namespace gts::layout::test;

namespace {

std::vector<NodeId> range(NodeId begin, NodeId end) {
    std::vector<NodeId> v;
    for (NodeId i = begin; i < end; ++i) v.push_back(i);
    return v;
}

// Radii of `nodes` about their centroid: {min, max}.
std::pair<double, double> radii(const Layout& l, const std::vector<NodeId>& nodes) {
    const auto [cx, cy] = centroid(l, nodes);
    double lo = 1e300, hi = 0;
    for (NodeId v : nodes) {
        const double r = std::hypot(l.x[v] - cx, l.y[v] - cy);
        lo = std::min(lo, r);
        hi = std::max(hi, r);
    }
    return {lo, hi};
}

void expectNormalized(const Layout& l) {
    ASSERT_FALSE(l.x.empty());
    const auto [minX, maxX] = std::minmax_element(l.x.begin(), l.x.end());
    const auto [minY, maxY] = std::minmax_element(l.y.begin(), l.y.end());
    EXPECT_NEAR(std::max(*maxX - *minX, *maxY - *minY), 1.0, 1e-5);
    EXPECT_NEAR(*minX + *maxX, 0.0, 1e-5);
    EXPECT_NEAR(*minY + *maxY, 0.0, 1e-5);
}

}  // namespace

TEST(LayoutMethodNames, RoundTrip) {
    for (LayoutMethod m : {LayoutMethod::Auto, LayoutMethod::ForceAtlas2, LayoutMethod::Spectral,
                           LayoutMethod::Circular, LayoutMethod::Molecule})
        EXPECT_EQ(parseLayoutMethod(layoutMethodName(m)), m);
    EXPECT_EQ(parseLayoutMethod("fa2"), LayoutMethod::ForceAtlas2);
    EXPECT_FALSE(parseLayoutMethod("spring"));
}

TEST(Normalize, CentresAndScalesTheLongerSide) {
    std::vector<double> x = {1, 5, 3}, y = {2, 2, 4};  // box 4 wide, 2 high, centre (3, 3)
    normalizeLayout(x, y);
    EXPECT_DOUBLE_EQ(x[0], -0.5);
    EXPECT_DOUBLE_EQ(x[1], 0.5);
    EXPECT_DOUBLE_EQ(x[2], 0.0);
    EXPECT_DOUBLE_EQ(y[0], -0.25);
    EXPECT_DOUBLE_EQ(y[2], 0.25);
    std::vector<double> px = {7}, py = {-3};
    normalizeLayout(px, py);
    EXPECT_EQ(px[0], 0.0);
    EXPECT_EQ(py[0], 0.0);
}

TEST(Circular, EqualRadiusAndSpacingInNodeOrder) {
    // A path: the circle follows node order, not edges.
    const Graph g = pathGraph(12);
    const Layout l = computeLayout(g, LayoutMethod::Circular);
    EXPECT_EQ(l.method, "circular");
    const auto [lo, hi] = radii(l, range(0, 12));
    EXPECT_NEAR(lo / hi, 1.0, 1e-5);
    // Chord between neighbours in node order: 2 r sin(pi / 12).
    const double chord = 2 * hi * std::sin(std::numbers::pi / 12);
    const auto [cx, cy] = centroid(l, range(0, 12));
    for (NodeId i = 0; i < 12; ++i) {
        const NodeId j = (i + 1) % 12;
        EXPECT_NEAR(distance(l, i, j), chord, 1e-5) << i;
        // Counter-clockwise: the turn from i to j about the centre is positive.
        const double cross = (l.x[i] - cx) * (l.y[j] - cy) - (l.y[i] - cy) * (l.x[j] - cx);
        EXPECT_GT(cross, 0.0) << i;
    }
    expectNormalized(l);
}

TEST(Circular, ComponentsOnSeparateCircles) {
    // Nodes 0..5 form a 6-cycle, 6..8 a triangle, 9 is alone.
    Graph g = cycleGraph(6);
    g.addNodes(4);
    g.addEdge(6, 7);
    g.addEdge(7, 8);
    g.addEdge(8, 6);
    const Layout l = computeLayout(g, LayoutMethod::Circular);
    const auto [lo6, hi6] = radii(l, range(0, 6));
    const auto [lo3, hi3] = radii(l, range(6, 9));
    EXPECT_NEAR(lo6 / hi6, 1.0, 1e-5);
    EXPECT_NEAR(lo3 / hi3, 1.0, 1e-5);
    // Packed apart: every triangle node is farther from the hexagon's centre than its radius.
    const auto [cx, cy] = centroid(l, range(0, 6));
    for (NodeId v = 6; v < 10; ++v) EXPECT_GT(std::hypot(l.x[v] - cx, l.y[v] - cy), hi6 * 1.2) << v;
    // Larger components get larger circles (box side ~ sqrt(size)).
    EXPECT_GT(hi6, hi3);
}

TEST(Spectral, PathIsMonotoneAlongTheFirstAxis) {
    for (size_t n : {3u, 10u, 50u}) {
        const Layout l = computeLayout(pathGraph(n), LayoutMethod::Spectral);
        EXPECT_EQ(l.method, "spectral");
        const double sign = l.x[n - 1] > l.x[0] ? 1.0 : -1.0;
        for (NodeId i = 0; i + 1 < n; ++i) EXPECT_GT(sign * (l.x[i + 1] - l.x[i]), 0.0) << n << " " << i;
        // Mirror symmetry of the path: node i and n-1-i at equal distance from the middle.
        for (NodeId i = 0; i < n; ++i)
            EXPECT_NEAR(l.x[i] + l.x[n - 1 - i], l.x[0] + l.x[n - 1], 1e-4) << n << " " << i;
    }
}

TEST(Spectral, CycleIsACircle) {
    for (size_t n : {5u, 12u, 40u}) {
        const Layout l = computeLayout(cycleGraph(n), LayoutMethod::Spectral);
        const auto [lo, hi] = radii(l, range(0, NodeId(n)));
        EXPECT_NEAR(lo / hi, 1.0, 1e-4) << n;
        // Neighbours are adjacent on the circle: all edges of equal length.
        for (NodeId i = 0; i < n; ++i)
            EXPECT_NEAR(distance(l, i, NodeId((i + 1) % n)), distance(l, 0, 1), 1e-4) << n << " " << i;
    }
}

TEST(Spectral, DisconnectedWithTinyComponents) {
    // A 12-cycle, a single edge, an isolated node and a self-loop node.
    Graph g = cycleGraph(12);
    g.addNodes(4);
    g.addEdge(12, 13);
    g.addEdge(15, 15);
    const Layout l = computeLayout(g, LayoutMethod::Spectral);
    ASSERT_EQ(l.x.size(), 16u);
    for (size_t v = 0; v < 16; ++v) ASSERT_TRUE(std::isfinite(l.x[v]) && std::isfinite(l.y[v]));
    const auto [lo, hi] = radii(l, range(0, 12));
    EXPECT_NEAR(lo / hi, 1.0, 1e-4);
    EXPECT_GT(distance(l, 12, 13), 0.0);
    for (NodeId v = 12; v < 16; ++v)
        for (NodeId u = v + 1; u < 16; ++u) EXPECT_GT(distance(l, u, v), 1e-3) << u << " " << v;
    expectNormalized(l);
}

TEST(Molecule, BenzeneIsARegularHexagon) {
    const Graph g = io::moleculeFromSmiles("c1ccccc1");
    const Layout l = computeLayout(g, LayoutMethod::Molecule);
    EXPECT_EQ(l.method, "molecule");
    ASSERT_EQ(l.x.size(), 6u);
    std::vector<double> bonds;
    for (const Edge& e : g.edges()) bonds.push_back(distance(l, e.src, e.dst));
    ASSERT_EQ(bonds.size(), 6u);
    const auto [shortest, longest] = std::minmax_element(bonds.begin(), bonds.end());
    EXPECT_LT(*longest / *shortest, 1.02);
    // Regular: every atom at one bond length from the centre.
    const auto [lo, hi] = radii(l, range(0, 6));
    EXPECT_LT(hi / lo, 1.02);
    EXPECT_NEAR(hi, bonds[0], 0.02 * bonds[0]);
    // Auto recognises a molecule.
    EXPECT_EQ(computeLayout(g, LayoutMethod::Auto).method, "molecule");
}

TEST(Molecule, PlanarPositionsInTheGraphAreUsed) {
    Graph g = io::moleculeFromSmiles("CCO");
    AttrColumn& pos = g.nodeAttrs().add(attr::kPos, AttrKind::Continuous, 3);
    const double xyz[3][3] = {{0, 0, 0}, {2, 0, 0}, {2, 1, 0}};  // a right angle at atom 1
    for (size_t v = 0; v < 3; ++v)
        for (uint32_t k = 0; k < 3; ++k) pos.setReal(v, xyz[v][k], k);
    const Layout l = computeLayout(g, LayoutMethod::Molecule);
    EXPECT_FLOAT_EQ(l.x[0], -0.5);
    EXPECT_FLOAT_EQ(l.x[1], 0.5);
    EXPECT_FLOAT_EQ(l.y[2], 0.25);
    // 3D positions are not projected: RDKit depicts the molecule (C-C-O at about 120 degrees).
    pos.setReal(2, 0.7, 2);
    const Layout d = computeLayout(g, LayoutMethod::Molecule);
    const double a = distance(d, 0, 1), b = distance(d, 1, 2), c = distance(d, 0, 2);
    const double angle = std::acos((a * a + b * b - c * c) / (2 * a * b)) * 180 / std::numbers::pi;
    EXPECT_NEAR(angle, 120.0, 2.0);
    // Without leave to use them, the positions are ignored as well.
    LayoutOptions noPositions;
    noPositions.useGraphPositions = false;
    pos.setReal(2, 0.0, 2);
    const Layout e = computeLayout(g, LayoutMethod::Molecule, noPositions);
    EXPECT_NEAR(distance(e, 0, 1) / distance(e, 1, 2), 1.0, 0.02);
}

TEST(Molecule, NonMoleculeWithoutPositionsIsRejected) {
    const Graph g = cycleGraph(5);
    EXPECT_FALSE(isMoleculeGraph(g));
    EXPECT_THROW(computeLayout(g, LayoutMethod::Molecule), std::invalid_argument);
    // Auto falls back to ForceAtlas2 for a plain graph.
    EXPECT_EQ(computeLayout(g, LayoutMethod::Auto).method, "forceatlas2");
}

TEST(StorePositions, WritesATwoColumnPos) {
    Graph g = pathGraph(3);
    const Layout l = computeLayout(g, LayoutMethod::Circular);
    storePositions(g, l);
    const AttrColumn* pos = g.nodeAttrs().find(attr::kPos);
    ASSERT_NE(pos, nullptr);
    EXPECT_EQ(pos->kind, AttrKind::Continuous);
    EXPECT_EQ(pos->width, 2u);
    EXPECT_DOUBLE_EQ(pos->realAt(2, 1), double(l.y[2]));
    Layout wrong = l;
    wrong.x.pop_back();
    EXPECT_THROW(storePositions(g, wrong), std::invalid_argument);
}

TEST(Cancel, RaisedFlagStopsEveryMethod) {
    std::atomic<bool> cancel{true};
    for (LayoutMethod m : {LayoutMethod::Auto, LayoutMethod::ForceAtlas2, LayoutMethod::Spectral,
                           LayoutMethod::Circular})
        EXPECT_THROW(computeLayout(cycleGraph(8), m, {}, &cancel), LayoutCancelled);
}
