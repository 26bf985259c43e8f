// Rollout, flow, JSD and head clustering against hand-computed values.

#include <gtest/gtest.h>

#include "analysis/Saliency.h"

using namespace gts;
using namespace gts::analysis;

namespace {

model::RunResult twoLayers(bool second) {
    model::RunResult r;
    model::LayerCapture c;
    c.layer = 0;
    c.positions = {0, 1};
    c.attention = Tensor({1, 2, 2}, {1, 0, 0.5f, 0.5f});  // Â1 = [[1, 0], [.25, .75]]
    r.layers.push_back(c);
    if (second) {
        c.layer = 1;
        c.attention = Tensor({1, 2, 2}, {0, 1, 1, 0});  // Â2 = [[.5, .5], [.5, .5]]
        r.layers.push_back(c);
    }
    return r;
}

}  // namespace

TEST(Saliency, RolloutByHand) {
    const auto one = attentionRollout(twoLayers(false), SaliencyTarget::LastPosition);
    EXPECT_NEAR(one.position[0], 0.25, 1e-12);
    EXPECT_NEAR(one.position[1], 0.75, 1e-12);
    // Â2 Â1 = [[.625, .375], [.625, .375]].
    const auto two = attentionRollout(twoLayers(true), SaliencyTarget::LastPosition);
    EXPECT_NEAR(two.position[0], 0.625, 1e-12);
    EXPECT_NEAR(two.position[1], 0.375, 1e-12);
}

TEST(Saliency, FlowByHandDiffersFromRollout) {
    const auto one = attentionFlow(twoLayers(false), SaliencyTarget::LastPosition);
    EXPECT_NEAR(one.position[0], 0.25, 1e-9);
    EXPECT_NEAR(one.position[1], 0.75, 1e-9);
    // Input 0: min(1, .5) + min(.25, .5) = .75; input 1: min(.75, .5) = .5.
    const auto two = attentionFlow(twoLayers(true), SaliencyTarget::LastPosition);
    EXPECT_NEAR(two.position[0], 0.75, 1e-9);
    EXPECT_NEAR(two.position[1], 0.5, 1e-9);
}

TEST(Saliency, PrunedTokensKeepTheirState) {
    auto r = twoLayers(true);
    // Layer 1 runs without position 0: its row of Â2 is the identity row.
    r.layers[1].positions = {1};
    r.layers[1].attention = Tensor({1, 1, 1}, {1});
    const auto s = attentionRollout(r, SaliencyTarget::LastPosition);
    EXPECT_NEAR(s.position[0], 0.25, 1e-12);
    EXPECT_NEAR(s.position[1], 0.75, 1e-12);
}

TEST(Saliency, PrunedBeforeTheFirstLayer) {
    // Three positions, position 1 dropped before layer 0: layer 0 sees {0, 2} with Â1 rows
    // [[1, 0], [.25, .75]] over them. Saliency is over the original three positions; the
    // dropped one reached nothing. (Taking S from layer 0's count refused position 2.)
    model::RunResult r;
    model::LayerCapture c;
    c.layer = 0;
    c.positions = {0, 2};
    c.attention = Tensor({1, 2, 2}, {1, 0, 0.5f, 0.5f});
    r.layers.push_back(c);
    const auto s = attentionRollout(r, SaliencyTarget::LastPosition);
    ASSERT_EQ(s.position.size(), 3u);
    EXPECT_NEAR(s.position[0], 0.25, 1e-12);
    EXPECT_NEAR(s.position[1], 0.0, 1e-12);
    EXPECT_NEAR(s.position[2], 0.75, 1e-12);
    const auto f = attentionFlow(r, SaliencyTarget::LastPosition);
    EXPECT_NEAR(f.position[0], 0.25, 1e-9);
    EXPECT_NEAR(f.position[1], 0.0, 1e-9);
}

TEST(Saliency, RefusesMissingLayersAndLargeFlow) {
    auto r = twoLayers(true);
    r.layers[1].attention = Tensor();
    EXPECT_THROW(attentionRollout(r, SaliencyTarget::LastPosition), std::invalid_argument);
    model::RunResult big;
    model::LayerCapture c;
    const int n = static_cast<int>(kMaxFlowPositions) + 1;
    for (int i = 0; i < n; ++i) c.positions.push_back(i);
    c.attention = Tensor({1, n, n});
    big.layers.push_back(c);
    EXPECT_THROW(attentionFlow(big, SaliencyTarget::LastPosition), std::invalid_argument);
}

TEST(Saliency, OnGraphThroughProvenance) {
    Graph g(false);
    g.addNodes(2);
    g.addEdge(0, 1);
    TokenizeOptions o;
    o.nodeScope = 8;
    o.scopeBase = 8;
    const TokenSequence t = tokenize(g, o, 0, NodeId{0});
    Saliency s;
    s.position = {0.25, 0.75};
    saliencyOnGraph(s, g, t);
    EXPECT_NEAR(s.node[0], 0.25, 1e-12);
    EXPECT_NEAR(s.node[1], 0.75, 1e-12);
    EXPECT_NEAR(s.edge[0], 0.75, 1e-12);  // position 1 arrives along edge 0
}

TEST(HeadSimilarity, JsdByHand) {
    const float a[] = {1, 0, 0, 1};
    const float b[] = {0.5f, 0.5f, 0.5f, 0.5f};
    const float c[] = {0, 1, 1, 0};
    EXPECT_NEAR(attentionJsd(a, a, 2), 0.0, 1e-12);
    EXPECT_NEAR(attentionJsd(a, c, 2), 1.0, 1e-12);
    // ½ log2(4/3) + ½ (½ log2(2/3) + ½ log2 2) = 0.311278 for each row.
    EXPECT_NEAR(attentionJsd(a, b, 2), 0.3112781, 1e-6);
}

TEST(HeadSimilarity, AverageLinkageByHand) {
    HeadSimilarity s;
    s.heads = {{0, 0}, {0, 1}, {0, 2}};
    s.jsd = {0, 0.1, 0.8,  //
             0.1, 0, 0.6,  //
             0.8, 0.6, 0};
    const HeadClustering c = clusterHeads(s);
    ASSERT_EQ(c.merges.size(), 2u);
    EXPECT_EQ(c.merges[0].a, 0);
    EXPECT_EQ(c.merges[0].b, 1);
    EXPECT_NEAR(c.merges[0].height, 0.1, 1e-12);
    EXPECT_NEAR(c.merges[1].height, 0.7, 1e-12);  // mean of .8 and .6
    EXPECT_EQ(c.labels(2), (std::vector<int>{0, 0, 1}));
    EXPECT_EQ(c.labels(3), (std::vector<int>{0, 1, 2}));
}

TEST(HeadSimilarity, AnnotatesClustersAndNearestHeads) {
    HeadSimilarity s;
    s.heads = {{0, 0}, {0, 1}, {1, 0}};
    s.jsd = {0, 0.1, 0.8,  //
             0.1, 0, 0.6,  //
             0.8, 0.6, 0};
    RunHeadStats stats;
    for (const auto& h : s.heads) {
        HeadStats hs;
        hs.layer = h.layer;
        hs.head = h.head;
        stats.heads.push_back(hs);
    }
    annotateSimilarity(stats, s, 2);
    EXPECT_EQ(stats.heads[0].cluster, stats.heads[1].cluster);
    EXPECT_NE(stats.heads[0].cluster, stats.heads[2].cluster);
    EXPECT_EQ(stats.heads[0].nearestHead, 1);
    EXPECT_NEAR(stats.heads[0].nearestJsd, 0.1, 1e-12);
    EXPECT_EQ(stats.heads[2].nearestLayer, 0);
    EXPECT_EQ(stats.heads[2].nearestHead, 1);
    EXPECT_NEAR(stats.heads[2].nearestJsd, 0.6, 1e-12);
}

TEST(HeadSimilarity, FromARun) {
    auto r = twoLayers(true);
    const auto within = headSimilarity(r, true);
    ASSERT_EQ(within.heads.size(), 2u);
    EXPECT_TRUE(std::isnan(within.jsd[1]));
    const auto all = headSimilarity(r, false);
    EXPECT_NEAR(all.jsd[1], attentionJsd(r.layers[0].attention.data(), r.layers[1].attention.data(), 2), 1e-12);
}
