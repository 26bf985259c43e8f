// Pruning's random baseline and per-layer FLOPs: prunedFlops against a hand count with a
// different sequence length per layer; random pruning determined by its seed, different
// across seeds, removing exactly as many tokens at the same layers as Zero-TPrune (so both
// run at the same FLOPs) and never the last (pooled) position; a sweep's points equal the
// mean of the single runs it is made of.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "analysis/Pruning.h"

using namespace gts;
using namespace gts::analysis;
namespace fs = std::filesystem;

namespace {

const fs::path kModel = fs::path(GTS_FIXTURES_DIR) / "model" / "finetune_regression_layerscale_bias";

/// The fixture's longest input sequence (10 positions).
model::SequenceInput longestInput() {
    std::ifstream in(kModel / "inputs.json");
    std::stringstream ss;
    ss << in.rdbuf();
    const auto doc = nlohmann::json::parse(ss.str());
    model::SequenceInput best;
    for (const auto& seq : doc.at("sequences")) {
        model::SequenceInput input;
        for (const auto& pos : seq.at("ids")) input.ids.push_back(pos.get<std::vector<int32_t>>());
        if (input.ids.size() > best.ids.size()) best = std::move(input);
    }
    return best;
}

TEST(PrunedFlops, PerLayerLengthsByHand) {
    // 2 layers, hidden 8, 4 heads of 2 in 2 kv groups, MLP 16, no output head.
    model::GraphGptModel m;
    m.config.numLayers = 2;
    m.config.hiddenSize = 8;
    m.config.numHeads = 4;
    m.config.numKvHeads = 2;
    m.config.headDim = 2;
    m.config.intermediateSize = 16;
    m.weights.head = model::HeadKind::None;
    // Layer on 5 positions: projections 2·5·8·2·(2·4 + 2·2) = 1920, attention 2·2·5²·2·4 = 800,
    // MLP 2·5·3·8·16 = 3840 → 6560. On 3: 1152 + 288 + 2304 = 3744.
    EXPECT_DOUBLE_EQ(prunedFlops(m, {5, 3}), 6560.0 + 3744.0);
    EXPECT_DOUBLE_EQ(prunedFlops(m, {5, 5}), model::graphGptFlops(m, 5));
}

TEST(RandomPruning, SeededSameCountsAsZeroTPruneNeverTheLast) {
    const auto model = model::loadGraphGptModel(kModel);
    const auto input = longestInput();
    const auto S = static_cast<int32_t>(input.ids.size());
    ASSERT_EQ(S, 10);
    PruneOptions z;
    z.schedule.keepRatio = 0.5;
    const PruneResult zr = prune(*model, input, z);
    std::set<std::vector<std::vector<int32_t>>> distinct;
    for (uint64_t seed = 0; seed < 10; ++seed) {
        PruneOptions o = z;
        o.method = PruneMethod::Random;
        o.seed = seed;
        const PruneResult r = prune(*model, input, o);
        EXPECT_EQ(r.keep, prune(*model, input, o).keep) << "seed " << seed;
        ASSERT_EQ(r.dropped.size(), zr.dropped.size());
        for (size_t l = 0; l < r.dropped.size(); ++l) {
            EXPECT_EQ(r.dropped[l].size(), zr.dropped[l].size()) << "layer " << l;
            for (int32_t p : r.dropped[l]) EXPECT_NE(p, S - 1);
        }
        EXPECT_EQ(r.layerPositions, zr.layerPositions);
        EXPECT_DOUBLE_EQ(r.flopsPruned, zr.flopsPruned);
        EXPECT_EQ(r.pruned.positions.back(), S - 1);
        distinct.insert(r.dropped);
    }
    // 5 of 9 removable positions over 2 layers: 10 seeds giving one set would be a fixed choice.
    EXPECT_GE(distinct.size(), 3u);
}

TEST(PruneSweep, PointsAreMeansOfSingleRuns) {
    const auto model = model::loadGraphGptModel(kModel);
    const auto input = longestInput();
    SweepOptions s;
    s.keepRatios = {0.6};
    s.randomSeeds = 1;
    const auto points = pruneSweep(*model, {input}, s);
    ASSERT_EQ(points.size(), 2u);
    PruneOptions o;
    o.schedule.keepRatio = 0.6;
    const PruneResult zr = prune(*model, input, o);
    o.method = PruneMethod::Random;
    o.seed = 0;  // the sweep's first seed for its first sequence
    const PruneResult rr = prune(*model, input, o);
    for (const auto& p : points) {
        const PruneResult& r = p.method == PruneMethod::ZeroTPrune ? zr : rr;
        // Multi-threaded runs may round differently from run to run (the engine's parallel
        // partition is not fixed): equal within float rounding of the output.
        EXPECT_NEAR(p.meanChange, r.change, 1e-5 * (1.0 + r.change)) << pruneMethodName(p.method);
        EXPECT_DOUBLE_EQ(p.flopsRatio, r.flopsPruned / r.flopsFull);
        EXPECT_EQ(p.samples, 1);
        EXPECT_LT(p.flopsRatio, 1.0);
    }
}

}  // namespace
