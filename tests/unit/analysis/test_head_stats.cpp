// Per-head metrics against values computed by hand (the arithmetic is in the comments).

#include <gtest/gtest.h>

#include <cmath>

#include "analysis/HeadStats.h"

using namespace gts;
using namespace gts::analysis;

namespace {

// Path 0-1-2-3 tokenized in the stacked layout from node 0 with <eos>: positions 0..3 stand for
// nodes 0..3 (the only walk from an end of a path), position 4 is <eos>.
struct PathRun {
    Graph graph{false};
    TokenSequence tokens;
    model::RunResult result;

    PathRun() {
        graph.addNodes(4);
        graph.addEdge(0, 1);
        graph.addEdge(1, 2);
        graph.addEdge(2, 3);
        TokenizeOptions o;
        o.nodeScope = 8;
        o.scopeBase = 8;
        o.addEos = true;
        tokens = tokenize(graph, o, 0, NodeId{0});
        model::LayerCapture c;
        c.layer = 0;
        c.positions = {0, 1, 2, 3, 4};
        c.attention = Tensor({1, 5, 5}, {0.5f, 0.5f, 0, 0, 0,        //
                                         0, 0.5f, 0.25f, 0, 0.25f,    //
                                         0, 0, 0, 0, 1,               //
                                         0.25f, 0, 0, 0.25f, 0.5f,    //
                                         0, 0, 0, 0, 1});
        result.layers.push_back(c);
    }
};

}  // namespace

TEST(HeadStats, PlacesAndHops) {
    PathRun r;
    ASSERT_EQ(r.tokens.path, (std::vector<NodeId>{0, 1, 2, 3}));
    const PositionPlaces p = positionPlaces(r.graph, r.tokens);
    ASSERT_EQ(p.kind.size(), 5u);
    EXPECT_EQ(p.kind[4], PositionPlaces::Kind::Special);
    const auto hops = positionHops(r.graph, p, {0, 1, 2, 3, 4});
    EXPECT_EQ(hops[0 * 5 + 3], 3);
    EXPECT_EQ(hops[2 * 5 + 1], 1);
    EXPECT_EQ(hops[1 * 5 + 1], 0);
    EXPECT_EQ(hops[1 * 5 + 4], -2);
    EXPECT_EQ(hops[4 * 5 + 0], -2);
}

TEST(HeadStats, HandComputedValues) {
    PathRun r;
    HeadStatsOptions o;
    o.maxHops = 2;
    const RunHeadStats stats = computeHeadStats(r.result, r.tokens, r.graph, o);
    ASSERT_EQ(stats.heads.size(), 1u);
    const HeadStats& s = stats.heads[0];
    // Row entropies: ln2, 1.5 ln2, 0, 1.5 ln2, 0, each over ln 5, mean over 5 rows.
    EXPECT_NEAR(s.entropy, 4.0 * std::log(2.0) / (5.0 * std::log(5.0)), 1e-6);
    EXPECT_NEAR(s.confidence, 3.5 / 5, 1e-6);        // maxima .5 .5 1 .5 1
    EXPECT_NEAR(s.selfMass, 2.25 / 5, 1e-6);         // diagonal .5 .5 0 .25 1
    EXPECT_NEAR(s.specialMass, 2.75 / 5, 1e-6);      // column 4
    EXPECT_NEAR(s.sinkMass, 3.5 / 5, 1e-6);          // columns 0 and 4
    EXPECT_TRUE(s.noOp);
    EXPECT_NEAR(s.sequenceDistance, 4.75 / 5, 1e-6); // .5 + 1 + 2 + 1.25 + 0
    // Graph rows 0..3: hop 0: .5+.5+0+.25, hop 1: .5+.25, beyond (hop 3): .25, special 1.75.
    ASSERT_EQ(s.hopProfile.size(), 3u);
    EXPECT_NEAR(s.hopProfile[0], 1.25 / 4, 1e-6);
    EXPECT_NEAR(s.hopProfile[1], 0.75 / 4, 1e-6);
    EXPECT_NEAR(s.hopProfile[2], 0.0, 1e-9);
    EXPECT_NEAR(s.hopBeyond, 0.25 / 4, 1e-6);
    EXPECT_NEAR(s.hopSpecial, 1.75 / 4, 1e-6);
    // Reachable mass 1 + .75 + 0 + .5 with hop mass .5 + .25 + .75.
    EXPECT_NEAR(s.meanHops, 1.5 / 2.25, 1e-6);
    EXPECT_NEAR(s.sameNodeMass, 0.0, 1e-9);  // every node is visited once
    // Uniform attention over the 5 keys from the 4 graph rows: hop 0 once per row; hop 1:
    // 1 + 2 + 2 + 1 keys; hop 2: 1 + 1 + 1 + 1.
    ASSERT_EQ(s.hopChance.size(), 3u);
    EXPECT_NEAR(s.hopChance[0], 4.0 / 5 / 4, 1e-9);
    EXPECT_NEAR(s.hopChance[1], 6.0 / 5 / 4, 1e-9);
    EXPECT_NEAR(s.hopChance[2], 4.0 / 5 / 4, 1e-9);

    o.noOpThreshold = 0.8;
    EXPECT_FALSE(computeHeadStats(r.result, r.tokens, r.graph, o).heads[0].noOp);
}

TEST(HeadStats, SameNodeMassOnARevisit) {
    // Triangle 0-1-2 from node 0: the Eulerian circuit 0,1,2,0 visits node 0 twice.
    Graph g(false);
    g.addNodes(3);
    g.addEdge(0, 1);
    g.addEdge(1, 2);
    g.addEdge(2, 0);
    TokenizeOptions o;
    o.nodeScope = 8;
    o.scopeBase = 8;
    const TokenSequence t = tokenize(g, o, 0, NodeId{0});
    ASSERT_EQ(t.positionSources.size(), 4u);
    ASSERT_EQ(t.positionSources[0].node, t.positionSources[3].node);
    model::RunResult r;
    model::LayerCapture c;
    c.positions = {0, 1, 2, 3};
    // Query 0 gives .6 to position 3 (its own node again), query 3 gives .2 to position 0.
    c.attention = Tensor({1, 4, 4}, {0.4f, 0, 0, 0.6f,  //
                                     0, 1, 0, 0,        //
                                     0, 0, 1, 0,        //
                                     0.2f, 0, 0, 0.8f});
    r.layers.push_back(c);
    const HeadStats s = computeHeadStats(r, t, g).heads[0];
    EXPECT_NEAR(s.sameNodeMass, (0.6 + 0.2) / 4, 1e-6);
}

TEST(HeadStats, CausalRowsNormalizedByTheirOwnLength) {
    Graph g(false);
    g.addNodes(3);
    g.addEdge(0, 1);
    g.addEdge(1, 2);
    TokenizeOptions o;
    o.nodeScope = 8;
    o.scopeBase = 8;
    const TokenSequence t = tokenize(g, o, 0, NodeId{0});
    model::RunResult r;
    model::LayerCapture c;
    c.positions = {0, 1, 2};
    const float third = 1.0f / 3;
    c.attention = Tensor({1, 3, 3}, {1, 0, 0, 0.5f, 0.5f, 0, third, third, third});
    r.layers.push_back(c);
    HeadStatsOptions causal;
    causal.causal = true;
    // Row 0 has one key (left out); rows 1 and 2 are uniform over their keys: entropy 1.
    EXPECT_NEAR(computeHeadStats(r, t, g, causal).heads[0].entropy, 1.0, 1e-6);
    // Read as bidirectional: (0 + ln2/ln3 + 1) / 3.
    EXPECT_NEAR(computeHeadStats(r, t, g).heads[0].entropy, (std::log(2.0) / std::log(3.0) + 1) / 3, 1e-6);
}

TEST(HeadStats, SummaryMeanAndSpread) {
    RunHeadStats a, b;
    HeadStats h;
    h.entropy = 0.2;
    h.hopProfile = {0.5};
    a.heads = {h};
    h.entropy = 0.6;
    b.heads = {h};
    const auto s = summarizeHeadStats({a, b});
    ASSERT_EQ(s.size(), 1u);
    EXPECT_EQ(s[0].graphs, 2);
    ASSERT_EQ(s[0].names[0], "entropy");
    EXPECT_NEAR(s[0].mean[0], 0.4, 1e-12);
    EXPECT_NEAR(s[0].stddev[0], 0.2, 1e-12);
}

TEST(HeadStats, RefusesMismatchedCaptures) {
    PathRun r;
    r.result.layers[0].positions = {0, 1, 2, 3};
    EXPECT_THROW(computeHeadStats(r.result, r.tokens, r.graph), std::invalid_argument);
    PathRun bad;
    bad.result.layers[0].positions = {0, 1, 2, 3, 9};
    EXPECT_THROW(computeHeadStats(bad.result, bad.tokens, bad.graph), std::invalid_argument);
}
