#include <gtest/gtest.h>

#include "graph/Graph.h"

using namespace gts;

TEST(Graph, AddNodesAndEdgesWithAttributes) {
    Graph g;
    g.addNodes(3);
    auto& feat = g.nodeAttrs().add("feat", AttrKind::Discrete, 2);
    feat.setInt(0, 5, 0);
    feat.setInt(0, 7, 1);
    EXPECT_TRUE(feat.has(0));
    EXPECT_FALSE(feat.has(1));
    EdgeId e = g.addEdge(0, 1);
    g.addEdge(1, 2);
    g.addEdge(1, 1);
    auto& w = g.edgeAttrs().add("weight", AttrKind::Continuous);
    w.setReal(e, 0.5);
    EXPECT_EQ(g.nodeCount(), 3u);
    EXPECT_EQ(g.edgeCount(), 3u);
    EXPECT_EQ(g.degree(1), 4u);  // two edges plus a self loop counted twice
    EXPECT_EQ(g.selfLoopCount(), 1u);
    EXPECT_FALSE(g.hasMultiEdges());
    g.addEdge(2, 1);
    EXPECT_TRUE(g.hasMultiEdges());
    EXPECT_EQ(feat.valueText(0), "[5, 7]");
    EXPECT_EQ(w.valueText(0), "0.5");
    EXPECT_EQ(w.valueText(1), "");
}

TEST(Graph, DirectedAdjacency) {
    Graph g(true);
    g.addNodes(3);
    g.addEdge(0, 1);
    g.addEdge(0, 2);
    g.addEdge(2, 0);
    EXPECT_EQ(g.degree(0, Direction::Out), 2u);
    EXPECT_EQ(g.degree(0, Direction::In), 1u);
    EXPECT_EQ(g.degree(0, Direction::Both), 3u);
    const Csr& out = g.adjacency(Direction::Out);
    ASSERT_EQ(out.neighborsOf(0).size(), 2u);
    EXPECT_EQ(out.neighborsOf(0)[0], 1u);
    EXPECT_EQ(out.neighborsOf(0)[1], 2u);
    EXPECT_EQ(out.edgesOf(2)[0], 2u);
}

TEST(Graph, KeysAndRemoval) {
    Graph g;
    g.addNode("a");
    g.addNode("b");
    g.addNode("c");
    g.addEdge(0, 1);
    g.addEdge(1, 2);
    g.addEdge(0, 2);
    auto& label = g.nodeAttrs().add("label", AttrKind::String);
    label.setString(2, "C");
    EXPECT_EQ(*g.findNode("c"), 2u);
    std::vector<uint32_t> edgeMap;
    auto nodeMap = g.removeNode(1, &edgeMap);
    EXPECT_EQ(nodeMap[1], kNoIndex);
    EXPECT_EQ(nodeMap[2], 1u);
    EXPECT_EQ(edgeMap[0], kNoIndex);
    EXPECT_EQ(edgeMap[1], kNoIndex);
    EXPECT_EQ(edgeMap[2], 0u);
    ASSERT_EQ(g.edgeCount(), 1u);
    EXPECT_EQ(g.edge(0).src, 0u);
    EXPECT_EQ(g.edge(0).dst, 1u);
    EXPECT_EQ(*g.findNode("c"), 1u);
    EXPECT_FALSE(g.findNode("b"));
    EXPECT_EQ(g.nodeAttrs().find("label")->stringAt(1), "C");
    EXPECT_THROW(g.addEdge(0, 5), std::out_of_range);
}

TEST(Graph, KeylessNodesAreFoundByIndex) {
    Graph g;
    g.addNodes(12);
    EXPECT_EQ(*g.findNode("11"), 11u);
    EXPECT_FALSE(g.findNode("12"));
    EXPECT_FALSE(g.findNode("x"));
    EXPECT_EQ(g.nodeKey(4), "4");
}
