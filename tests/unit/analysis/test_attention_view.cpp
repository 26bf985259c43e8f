#include <gtest/gtest.h>

#include <numeric>

#include "analysis/AttentionView.h"

using namespace gts;
using namespace gts::analysis;

namespace {

// A path 0-1-2 (two edges), tokenized in the stacked layout from node 0: the walk is 0,1,2, so
// position p stands for node p and (p > 0) the edge it arrived along.
struct PathFixture {
    Graph graph{false};
    TokenSequence tokens;
    model::RunResult result;

    PathFixture() {
        graph.addNodes(3);
        graph.addEdge(0, 1);
        graph.addEdge(1, 2);
        TokenizeOptions o;
        o.nodeScope = 8;
        o.scopeBase = 8;
        tokens = tokenize(graph, o, 0, NodeId{0});
        model::LayerCapture c;
        c.layer = 0;
        c.positions = {0, 1, 2};
        // Head 0: each query attends to itself; head 1: every query attends to position 2.
        c.attention = Tensor({2, 3, 3}, {1, 0, 0, 0, 1, 0, 0, 0, 1,  //
                                         0, 0, 1, 0, 0, 1, 0, 0, 1});
        result.layers.push_back(c);
    }
};

TEST(AttentionView, MatrixPerHeadMeanAndMax) {
    PathFixture f;
    ASSERT_EQ(f.tokens.positions.size(), 3u);
    int64_t S = 0;
    EXPECT_EQ(attentionMatrix(f.result, 0, 1, HeadAggregation::Single, &S),
              (std::vector<float>{0, 0, 1, 0, 0, 1, 0, 0, 1}));
    EXPECT_EQ(S, 3);
    EXPECT_EQ(attentionMatrix(f.result, 0, 0, HeadAggregation::Mean),
              (std::vector<float>{0.5f, 0, 0.5f, 0, 0.5f, 0.5f, 0, 0, 1}));
    EXPECT_EQ(attentionMatrix(f.result, 0, 0, HeadAggregation::Max),
              (std::vector<float>{1, 0, 1, 0, 1, 1, 0, 0, 1}));
    EXPECT_TRUE(attentionMatrix(f.result, 5, 0, HeadAggregation::Mean, &S).empty());
    EXPECT_EQ(S, 0);
    EXPECT_THROW(attentionMatrix(f.result, 0, 2, HeadAggregation::Single), std::out_of_range);
}

TEST(AttentionView, OnGraphFollowsProvenance) {
    PathFixture f;
    // The walk must be 0, 1, 2 for the hand-computed values below.
    ASSERT_EQ(f.tokens.path, (std::vector<NodeId>{0, 1, 2}));
    const auto m = attentionMatrix(f.result, 0, 1, HeadAggregation::Single);
    // Query 0 under head 1 attends fully to position 2: node 2 and edge 1 (1-2) get weight 1.
    GraphAttention g = attentionOnGraph(f.graph, f.tokens, m, 3, {0, 1, 2}, 0);
    EXPECT_EQ(g.node, (std::vector<float>{0, 0, 1}));
    EXPECT_EQ(g.edge, (std::vector<float>{0, 1}));
    EXPECT_EQ(g.maxNode, 1.0f);
    // All queries, head 0 (identity): each node gets 1/3, each edge 1/3 (the first position
    // arrives along no edge).
    const auto id = attentionMatrix(f.result, 0, 0, HeadAggregation::Single);
    g = attentionOnGraph(f.graph, f.tokens, id, 3, {0, 1, 2}, -1);
    for (float v : g.node) EXPECT_FLOAT_EQ(v, 1.0f / 3);
    for (float v : g.edge) EXPECT_FLOAT_EQ(v, 1.0f / 3);
    // A pruned query (not among the layer's positions) gives nothing.
    g = attentionOnGraph(f.graph, f.tokens, {1}, 1, {0}, 2);
    EXPECT_EQ(std::accumulate(g.node.begin(), g.node.end(), 0.0f), 0.0f);
}

}  // namespace

// A node-level model's attention on the path 0-1-2 (rows are destinations):
//   A = [[.5, .5, 0], [.2, .3, .5], [0, .6, .4]].
TEST(AttentionView, NodeAttentionLiesOnNodesAndEdges) {
    Graph g(false);
    g.addNodes(3);
    g.addEdge(0, 1);
    g.addEdge(1, 2);
    const std::vector<float> a = {0.5f, 0.5f, 0, 0.2f, 0.3f, 0.5f, 0, 0.6f, 0.4f};
    // Query 1: its row on the nodes; edge 0-1 carries A[1][0] = .2, edge 1-2 A[1][2] = .5.
    const auto q1 = nodeAttentionOnGraph(g, a, 3, 1);
    EXPECT_FLOAT_EQ(q1.node[0], 0.2f);
    EXPECT_FLOAT_EQ(q1.node[1], 0.3f);
    EXPECT_FLOAT_EQ(q1.node[2], 0.5f);
    EXPECT_FLOAT_EQ(q1.edge[0], 0.2f);
    EXPECT_FLOAT_EQ(q1.edge[1], 0.5f);
    EXPECT_FLOAT_EQ(q1.maxNode, 0.5f);
    // Query 0: only the edge at node 0 carries weight (A[0][1] = .5).
    const auto q0 = nodeAttentionOnGraph(g, a, 3, 0);
    EXPECT_FLOAT_EQ(q0.edge[0], 0.5f);
    EXPECT_FLOAT_EQ(q0.edge[1], 0.0f);
    // All queries: column means (.7/3, 1.4/3, .9/3) and the mean of both directions per edge.
    const auto all = nodeAttentionOnGraph(g, a, 3, -1);
    EXPECT_NEAR(all.node[0], 0.7 / 3, 1e-6);
    EXPECT_NEAR(all.node[1], 1.4 / 3, 1e-6);
    EXPECT_NEAR(all.node[2], 0.9 / 3, 1e-6);
    EXPECT_NEAR(all.edge[0], (0.5 + 0.2) / 2, 1e-6);
    EXPECT_NEAR(all.edge[1], (0.5 + 0.6) / 2, 1e-6);
    EXPECT_NEAR(all.maxEdge, 0.55, 1e-6);
    EXPECT_THROW(nodeAttentionOnGraph(g, a, 2, 0), std::invalid_argument);
    EXPECT_THROW(nodeAttentionOnGraph(g, a, 3, 3), std::invalid_argument);
    // A neighbour model's attention stays on the path's edges: no arcs.
    EXPECT_TRUE(q1.arcs.empty());
    EXPECT_TRUE(all.arcs.empty());
}

// Attention beyond the edges (all-pairs or k-hop models) becomes arcs on the edges' scale.
TEST(NodeAttentionOnGraph, WeightBetweenUnjoinedNodesBecomesArcs) {
    Graph g;
    g.addNodes(4);
    g.addEdge(0, 1);
    g.addEdge(1, 2);
    g.addEdge(2, 3);
    // Row i: what node i gives 0..3.
    const std::vector<float> a = {0.1f, 0.2f, 0.3f, 0.4f,  //
                                  0.25f, 0.25f, 0.25f, 0.25f,  //
                                  0.0f, 0.5f, 0.5f, 0.0f,  //
                                  0.9f, 0.0f, 0.1f, 0.0f};
    const auto q0 = nodeAttentionOnGraph(g, a, 4, 0);
    // Node 0 is joined to 1 only: 0→2 (.3) and 0→3 (.4) are arcs; the largest weight is an arc.
    ASSERT_EQ(q0.arcs.size(), 2u);
    EXPECT_EQ(q0.arcs[0].a, 0u);
    EXPECT_EQ(q0.arcs[0].b, 2u);
    EXPECT_FLOAT_EQ(q0.arcs[0].weight, 0.3f);
    EXPECT_EQ(q0.arcs[1].b, 3u);
    EXPECT_FLOAT_EQ(q0.arcs[1].weight, 0.4f);
    EXPECT_FLOAT_EQ(q0.maxEdge, 0.4f);
    // Node 2 gives nothing beyond its neighbours.
    EXPECT_TRUE(nodeAttentionOnGraph(g, a, 4, 2).arcs.empty());
    // Mean over queries: unjoined pairs 0-2 ((.3 + 0) / 2), 0-3 ((.4 + .9) / 2), 1-3 ((.25 + 0) / 2).
    const auto all = nodeAttentionOnGraph(g, a, 4, -1);
    ASSERT_EQ(all.arcs.size(), 3u);
    EXPECT_NEAR(all.arcs[0].weight, 0.15, 1e-6);
    EXPECT_NEAR(all.arcs[1].weight, 0.65, 1e-6);
    EXPECT_EQ(all.arcs[2].a, 1u);
    EXPECT_NEAR(all.arcs[2].weight, 0.125, 1e-6);
    EXPECT_NEAR(all.maxEdge, 0.65, 1e-6);
}

TEST(NodeAttentionOnGraph, OnlyTheStrongestArcsAreKept) {
    // All-pairs attention over 20 isolated nodes, A[i][j] = (i + j) / 1000: 190 unjoined pairs.
    Graph g;
    g.addNodes(20);
    std::vector<float> a(400);
    for (size_t i = 0; i < 20; ++i)
        for (size_t j = 0; j < 20; ++j) a[i * 20 + j] = float(i + j) / 1000.0f;
    const auto all = nodeAttentionOnGraph(g, a, 20, -1);
    ASSERT_EQ(all.arcs.size(), kMaxArcs);
    // The kept ones are the strongest: no dropped pair is stronger than the weakest kept.
    float weakestKept = 1.0f;
    for (const auto& arc : all.arcs) weakestKept = std::min(weakestKept, arc.weight);
    size_t stronger = 0;
    for (size_t i = 0; i < 20; ++i)
        for (size_t j = i + 1; j < 20; ++j) stronger += float(i + j) / 1000.0f > weakestKept;
    EXPECT_LE(stronger, kMaxArcs);
    EXPECT_NEAR(all.maxEdge, 37.0 / 1000.0, 1e-6);  // the pair 18-19
    // With a query: node 19's 19 others, all unjoined; the 19 fit under the cap.
    const auto q = nodeAttentionOnGraph(g, a, 20, 19);
    EXPECT_EQ(q.arcs.size(), 19u);
    EXPECT_NEAR(q.maxEdge, 37.0 / 1000.0, 1e-6);
}
