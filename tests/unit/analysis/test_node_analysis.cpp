// analysis/NodeLevel: node-level runs in the views' terms, and ablation and pruning on nodes,
// checked on a toy NodeLevelModel whose output and attention are known in closed form, so each
// expectation is computed by hand rather than by the code under test.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "analysis/NodeLevel.h"

namespace gts::analysis {
namespace {

/// A toy node-level model over a path graph: 2 heads, `layers` layers. Every node attends to
/// node 0 with weight 0.7 and spreads 0.3 uniformly over the other present nodes (node 0
/// attends to itself with 1), so node 0 is the most important by PageRank. Node i's state is
/// the one-hot e_i (distinct, orthogonal: no two nodes are similar). Output (graph task):
/// y = Σ_{l,h not masked} w[l][h] + Σ_{present at the end} (i + 1) · 0.01.
class ToyModel final : public model::NodeLevelModel {
public:
    explicit ToyModel(int layers, model::NodeObjective objective = model::NodeObjective::Regression) {
        s_.family = "toy";
        s_.familyName = "Toy";
        s_.numLayers = layers;
        s_.numHeads = 2;
        s_.hiddenDim = 4;
        s_.objective = objective;
    }
    const model::NodeModelSummary& summary() const override { return s_; }
    const std::filesystem::path& folder() const override { return path_; }
    const std::filesystem::path& weightsPath() const override { return path_; }
    static double weight(int l, int h) { return 1.0 + 10.0 * l + h; }

    model::NodeRunResult run(const Graph& g, const model::NodeRunOptions& o) const override {
        ++runs;
        const size_t n = g.nodeCount();
        std::vector<uint8_t> alive(n, 1);
        model::NodeRunResult r;
        r.layers.resize(size_t(s_.numLayers));
        double y = 0;
        for (int l = 0; l < s_.numLayers; ++l) {
            if (size_t(l) < o.keepNodes.size() && !o.keepNodes[size_t(l)].empty()) {
                std::vector<uint8_t> kept(n, 0);
                for (uint32_t v : o.keepNodes[size_t(l)]) kept[v] = 1;
                for (size_t i = 0; i < n; ++i) alive[i] &= kept[i];
            }
            for (int h = 0; h < 2; ++h)
                if (!(size_t(l) < o.headMask.size() && size_t(h) < o.headMask[size_t(l)].size() &&
                      o.headMask[size_t(l)][size_t(h)]))
                    y += weight(l, h);
            const bool capture = o.captureLayers.empty() ||
                                 std::find(o.captureLayers.begin(), o.captureLayers.end(), l) != o.captureLayers.end();
            auto& c = r.layers[size_t(l)];
            c.present = alive;
            if (capture && o.captureAttention) {
                c.attention = Tensor({2, int64_t(n), int64_t(n)});
                size_t others = 0;
                for (size_t j = 1; j < n; ++j) others += alive[j];
                for (int h = 0; h < 2; ++h)
                    for (size_t i = 0; i < n; ++i) {
                        if (!alive[i]) continue;
                        float* row = c.attention.mutableData() + (size_t(h) * n + i) * n;
                        if (i == 0 || others == 0) {
                            row[0] = 1.0f;
                            continue;
                        }
                        row[0] = 0.7f;
                        for (size_t j = 1; j < n; ++j)
                            if (alive[j]) row[j] = 0.3f / float(others);
                    }
            }
            if (capture && o.captureNodeStates) {
                c.nodeStates = Tensor({int64_t(n), int64_t(n)});
                for (size_t i = 0; i < n; ++i)
                    if (alive[i]) c.nodeStates.mutableData()[i * n + i] = 1.0f;
            }
        }
        for (size_t i = 0; i < n; ++i)
            if (alive[i]) y += 0.01 * double(i + 1);
        if (s_.objective == model::NodeObjective::Classification)
            r.output = Tensor({2}, {float(y), 0.0f});
        else
            r.output = Tensor({1}, {float(y)});
        return r;
    }

    double flops(const Graph& g, const std::vector<std::vector<uint32_t>>& keep) const override {
        // One unit per node per layer.
        std::set<uint32_t> alive;
        for (uint32_t i = 0; i < g.nodeCount(); ++i) alive.insert(i);
        double f = 0;
        for (int l = 0; l < s_.numLayers; ++l) {
            if (size_t(l) < keep.size() && !keep[size_t(l)].empty()) {
                std::set<uint32_t> next;
                for (uint32_t v : keep[size_t(l)])
                    if (alive.count(v)) next.insert(v);
                alive = next;
            }
            f += double(alive.size());
        }
        return f;
    }

    mutable std::atomic<int> runs{0};

private:
    model::NodeModelSummary s_;
    std::filesystem::path path_;
};

Graph path(size_t n) {
    Graph g;
    g.addNodes(n);
    for (NodeId i = 0; i + 1 < n; ++i) g.addEdge(i, i + 1);
    return g;
}

TEST(NodeRunResult, CompactsLayersToThePresentNodesAndPoolsNodeOutputs) {
    model::NodeRunResult run;
    run.output = Tensor({3, 2}, {1, 2, 3, 4, 5, 6});
    run.layers.resize(2);
    run.layers[0].present = {1, 1, 1};
    run.layers[0].attention = Tensor({1, 3, 3}, {0, 1, 0, 0.5f, 0, 0.5f, 0, 1, 0});
    run.layers[1].present = {1, 0, 1};
    run.layers[1].attention = Tensor({1, 3, 3}, {0, 0, 1, 0, 0, 0, 1, 0, 0});
    run.layers[1].nodeStates = Tensor({3, 1}, {7, 0, 9});
    model::NodeModelSummary s;
    s.nodeTask = true;
    s.numOutputs = 2;
    const model::RunResult r = nodeRunResult(run, s, 3);
    EXPECT_EQ(r.positions, (std::vector<int32_t>{0, 2}));
    ASSERT_EQ(r.layers.size(), 2u);
    EXPECT_EQ(r.layers[0].positions, (std::vector<int32_t>{0, 1, 2}));
    EXPECT_EQ(r.layers[0].attention.shape(), (std::vector<int64_t>{1, 3, 3}));
    EXPECT_EQ(r.layers[1].positions, (std::vector<int32_t>{0, 2}));
    ASSERT_EQ(r.layers[1].attention.shape(), (std::vector<int64_t>{1, 2, 2}));
    EXPECT_EQ(std::vector<float>(r.layers[1].attention.data(), r.layers[1].attention.data() + 4),
              (std::vector<float>{0, 1, 1, 0}));
    // Rows of the remaining nodes 0 and 2; logits their mean.
    EXPECT_EQ(std::vector<float>(r.tokenLogits.data(), r.tokenLogits.data() + 4), (std::vector<float>{1, 2, 5, 6}));
    EXPECT_FLOAT_EQ(r.logits.data()[0], 3.0f);
    EXPECT_FLOAT_EQ(r.logits.data()[1], 4.0f);
    EXPECT_EQ(std::vector<float>(r.hidden.data(), r.hidden.data() + 2), (std::vector<float>{7, 9}));
}

TEST(NodeOutputChange, ByObjectiveAndOverTheNodesBothRunsKeep) {
    model::NodeModelSummary s;
    model::NodeRunResult a, b;
    a.output = Tensor({2}, {1.0f, 0.0f});
    b.output = Tensor({2}, {0.0f, 0.0f});
    s.objective = model::NodeObjective::Regression;
    EXPECT_DOUBLE_EQ(nodeOutputChange(s, a, b), 0.5);  // mean |Δ| over outputs
    s.objective = model::NodeObjective::Classification;
    // KL(softmax(1, 0) ‖ (1/2, 1/2)) = Σ p log 2p.
    const double p = 1.0 / (1.0 + std::exp(-1.0));
    EXPECT_NEAR(nodeOutputChange(s, a, b), p * std::log(2 * p) + (1 - p) * std::log(2 * (1 - p)), 1e-12);
    EXPECT_EQ(nodeOutputMeasure(s), OutputMeasure::Kl);

    // Node task: node 1 is gone in the changed run, so only nodes 0 and 2 count.
    s.objective = model::NodeObjective::Regression;
    s.nodeTask = true;
    a.output = Tensor({3, 1}, {1, 2, 3});
    b.output = Tensor({3, 1}, {2, 0, 3});
    b.layers.resize(1);
    b.layers[0].present = {1, 0, 1};
    EXPECT_DOUBLE_EQ(nodeOutputChange(s, a, b), 0.5);  // (|1 − 2| + |3 − 3|) / 2
    b.output = Tensor({2, 1}, {1, 2});
    EXPECT_THROW(nodeOutputChange(s, a, b), std::invalid_argument);
}

TEST(NodePredictions, ReadByTheObjectiveRowByRow) {
    // Classification: the softmax of each row and its most probable class (a tie: the lower).
    const Tensor logits({3, 3}, {0.0f, std::log(3.0f), 0.0f,  //
                                 2.0f, 2.0f, -1.0f,            //
                                 1000.0f, 0.0f, 999.0f});      // no overflow at large logits
    NodePredictions p = nodePredictions(logits, model::NodeObjective::Classification);
    ASSERT_EQ(p.rows, 3);
    ASSERT_EQ(p.outputs, 3);
    EXPECT_NEAR(p.row(0)[0], 0.2, 1e-6);
    EXPECT_NEAR(p.row(0)[1], 0.6, 1e-6);
    EXPECT_NEAR(p.row(0)[2], 0.2, 1e-6);
    EXPECT_EQ(p.predicted, (std::vector<int32_t>{1, 0, 0}));
    EXPECT_NEAR(p.row(2)[0], 1.0 / (1.0 + std::exp(-1.0)), 1e-6);
    for (int64_t r = 0; r < 3; ++r) EXPECT_NEAR(p.row(r)[0] + p.row(r)[1] + p.row(r)[2], 1.0, 1e-6);

    // Multi-label: a sigmoid per output; no class.
    p = nodePredictions(Tensor({1, 2}, {0.0f, std::log(4.0f)}), model::NodeObjective::MultiLabel);
    EXPECT_NEAR(p.row(0)[0], 0.5, 1e-7);
    EXPECT_NEAR(p.row(0)[1], 0.8, 1e-6);
    EXPECT_EQ(p.predicted, (std::vector<int32_t>{-1}));

    // Regression: the values as they are; a graph task's [outputs] is one row.
    p = nodePredictions(Tensor({2}, {-3.5f, 7.0f}), model::NodeObjective::Regression);
    EXPECT_EQ(p.rows, 1);
    EXPECT_EQ(p.values, (std::vector<float>{-3.5f, 7.0f}));
    EXPECT_EQ(nodePredictions(Tensor(), model::NodeObjective::Classification).rows, 0);
}

TEST(NodePredictions, ClassesAndValuesLandOnTheirNodes) {
    // A run whose output rows are nodes 0, 2 and 3 of 4 (node 1 pruned before the output).
    model::RunResult run;
    run.positions = {0, 2, 3};
    run.tokenLogits = Tensor({3, 2}, {0.5f, -1.0f,   // node 0: class 0
                                      -2.0f, 2.0f,   // node 2: class 1
                                      1.0f, 1.0f});  // node 3: a tie, class 0
    model::NodeModelSummary s;
    s.nodeTask = true;
    s.numOutputs = 2;
    s.objective = model::NodeObjective::Classification;
    EXPECT_EQ(predictedNodeClasses(run, s, 4), (std::vector<int32_t>{0, -1, 1, 0}));
    EXPECT_TRUE(predictedNodeValues(run, s, 4).empty());
    s.objective = model::NodeObjective::Regression;
    const std::vector<float> v = predictedNodeValues(run, s, 4);
    ASSERT_EQ(v.size(), 4u);
    EXPECT_EQ(v[0], 0.5f);
    EXPECT_TRUE(std::isnan(v[1]));
    EXPECT_EQ(v[2], -2.0f);
    EXPECT_EQ(v[3], 1.0f);
    EXPECT_TRUE(predictedNodeClasses(run, s, 4).empty());
    s.nodeTask = false;  // a graph task has no per-node prediction
    EXPECT_TRUE(predictedNodeValues(run, s, 4).empty());
    s.nodeTask = true;
    run.tokenLogits = Tensor({2, 2});  // rows that do not match the positions
    EXPECT_TRUE(predictedNodeValues(run, s, 4).empty());
}

TEST(AblateNodes, EachHeadsChangeIsItsWeightAndALayersIsItsHeadsSum) {
    const ToyModel m(3);
    const Graph g = path(5);
    AblationOptions o;
    o.threads = 2;
    const Ablation a = ablateNodes(m, g, o);
    EXPECT_EQ(a.measure, OutputMeasure::AbsoluteDelta);
    ASSERT_EQ(a.headChange.size(), 3u);
    for (int l = 0; l < 3; ++l) {
        for (int h = 0; h < 2; ++h) EXPECT_NEAR(a.headChange[size_t(l)][size_t(h)], ToyModel::weight(l, h), 1e-4);
        EXPECT_NEAR(a.layerChange[size_t(l)], ToyModel::weight(l, 0) + ToyModel::weight(l, 1), 1e-4);
    }
    EXPECT_EQ(a.runs, 3 * 2 + 3);
    EXPECT_EQ(m.runs.load(), 1 + 9);
    ASSERT_EQ(a.prediction.size(), 1u);

    AblationOptions headsOnly;
    headsOnly.layers = false;
    EXPECT_TRUE(ablateNodes(m, g, headsOnly).layerChange.empty());
}

TEST(PruneNodes, ZeroTPruneKeepsTheNodeEveryoneAttendsToAndFollowsTheSchedule) {
    const ToyModel m(4);
    const Graph g = path(9);
    PruneOptions o;
    o.schedule.keepRatio = 0.5;  // round(4.5) = 5 of 9 go over layers 1..3: 2, 2, 1
    const PruneResult r = pruneNodes(m, g, o);
    EXPECT_EQ(r.layerPositions, (std::vector<int64_t>{9, 7, 5, 4}));
    std::set<int32_t> gone;
    for (size_t l = 0; l < r.dropped.size(); ++l)
        for (int32_t v : r.dropped[l]) {
            EXPECT_TRUE(gone.insert(v).second) << "node " << v << " dropped twice";
            EXPECT_NE(v, 0) << "node 0 holds 0.7 of every row: the most important";
        }
    EXPECT_EQ(gone.size(), 5u);
    // keep[l]: what remains from layer l on, consistent with dropped.
    for (int32_t v : r.keep[3]) EXPECT_FALSE(gone.count(v));
    EXPECT_EQ(r.keep[3].size(), 4u);
    // FLOPs: one unit per present node per layer.
    EXPECT_DOUBLE_EQ(r.flopsFull, 36.0);
    EXPECT_DOUBLE_EQ(r.flopsPruned, 9.0 + 7 + 5 + 4);
    // Output change: the removed nodes' (i + 1) · 0.01.
    double expected = 0;
    for (int32_t v : gone) expected += 0.01 * (v + 1);
    EXPECT_NEAR(r.change, expected, 1e-5);
    EXPECT_EQ(r.full.positions.size(), 9u);
    EXPECT_EQ(r.pruned.positions, r.keep[3]);
}

TEST(PruneNodes, RandomIsSeededAndLayerRangesAreChecked) {
    const ToyModel m(3);
    const Graph g = path(10);
    PruneOptions o;
    o.method = PruneMethod::Random;
    o.schedule.keepRatio = 0.6;
    o.seed = 7;
    const PruneResult a = pruneNodes(m, g, o), b = pruneNodes(m, g, o);
    EXPECT_EQ(a.dropped, b.dropped);
    o.seed = 8;
    bool differs = false;
    for (int s = 8; s < 16 && !differs; ++s) {
        o.seed = uint64_t(s);
        differs = pruneNodes(m, g, o).dropped != a.dropped;
    }
    EXPECT_TRUE(differs);
    o.schedule.firstLayer = 0;
    EXPECT_THROW(pruneNodes(m, g, o), std::invalid_argument);
    // A keep ratio that would remove everything still leaves one node.
    PruneOptions all;
    all.schedule.keepRatio = 0.01;
    EXPECT_EQ(pruneNodes(m, path(3), all).layerPositions.back(), 1);
}

TEST(PruneNodesSweep, TwoPointsPerRatioWithMeansOverSeeds) {
    const ToyModel m(3);
    const Graph g1 = path(6), g2 = path(8);
    SweepOptions o;
    o.keepRatios = {0.8, 0.5};
    o.randomSeeds = 3;
    int64_t last = 0;
    o.progress = [&](int64_t done, int64_t) { last = done; };
    const auto points = pruneNodesSweep(m, {&g1, &g2}, o);
    ASSERT_EQ(points.size(), 4u);
    EXPECT_EQ(points[0].method, PruneMethod::ZeroTPrune);
    EXPECT_EQ(points[0].samples, 2);
    EXPECT_EQ(points[1].samples, 6);
    EXPECT_EQ(last, 2 * 2 * (1 + 3));
    EXPECT_LT(points[2].flopsRatio, points[0].flopsRatio);
}

TEST(NodeTokens, OnePositionPerNodeNamedByItsKey) {
    Graph g;
    g.addNode("a");
    g.addNode("b");
    const TokenSequence t = nodeTokenSequence(g);
    ASSERT_EQ(t.positions.size(), 2u);
    EXPECT_EQ(t.positions[1], (std::vector<std::string>{"b"}));
    EXPECT_EQ(t.positionSources[1].node, 1u);
    EXPECT_EQ(t.positionSources[1].kind, PositionKind::Node);
}

}  // namespace
}  // namespace gts::analysis
