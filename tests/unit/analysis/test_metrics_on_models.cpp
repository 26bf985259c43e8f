// Per-head metrics on real attention: every model fixture (tests/fixtures/model, the causal one
// included), full and with a keep-set that prunes tokens from layer 1 on. The fixtures carry ids
// only, so the provenance is a path graph whose stacked walk from node 0 has the fixture's
// length: position p < S−1 stands for node p and position S−1 is <eos>. Then the hop distance
// of two node positions is |p − q|, which lets every metric be recomputed here directly from
// the attention tensor, independently of HeadStats' hop matrix and place table.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "analysis/HeadStats.h"
#include "analysis/MetricsReport.h"
#include "analysis/Saliency.h"
#include "model/ModelFolder.h"

using namespace gts;
using namespace gts::analysis;
namespace fs = std::filesystem;

namespace {

const fs::path kFixtures = fs::path(GTS_FIXTURES_DIR) / "model";

model::SequenceInput firstInput(const fs::path& dir) {
    std::ifstream in(dir / "inputs.json");
    std::stringstream ss;
    ss << in.rdbuf();
    const auto doc = nlohmann::json::parse(ss.str());
    model::SequenceInput input;
    for (const auto& pos : doc.at("sequences").at(0).at("ids")) input.ids.push_back(pos.get<std::vector<int32_t>>());
    return input;
}

std::vector<std::string> fixtureNames() {
    std::vector<std::string> names;
    if (!fs::exists(kFixtures)) return names;
    for (const auto& e : fs::directory_iterator(kFixtures))
        if (fs::exists(e.path() / "inputs.json")) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

/// The metrics of one head recomputed from their definitions (HeadStats.h) on the path
/// provenance: sinks are position 0 and <eos> (S−1); hop(p, q) = |p − q| between nodes.
HeadStats expected(const model::LayerCapture& c, int head, int64_t S, bool causal, int K) {
    const auto n = c.positions.size();
    const float* A = c.attention.data() + static_cast<size_t>(head) * n * n;
    HeadStats e;
    e.hopProfile.assign(static_cast<size_t>(K) + 1, 0.0);
    double entropy = 0.0, reach = 0.0, reachHops = 0.0;
    int entropyRows = 0, graphRows = 0;
    for (size_t i = 0; i < n; ++i) {
        const size_t allowed = causal ? i + 1 : n;
        const int32_t p = c.positions[i];
        double h = 0.0, mx = 0.0;
        for (size_t j = 0; j < n; ++j) {
            const double a = A[i * n + j];
            const int32_t q = c.positions[j];
            if (j >= allowed) {
                EXPECT_EQ(a, 0.0) << "causal row " << i << " attends ahead to " << j;
                continue;
            }
            if (a > 0) h -= a * std::log(a);
            mx = std::max(mx, a);
            if (q == S - 1) e.specialMass += a;
            if (q == S - 1 || q == 0) e.sinkMass += a;
            e.sequenceDistance += a * std::abs(p - q);
            if (p == S - 1) continue;
            if (q == S - 1) {
                e.hopSpecial += a;
                continue;
            }
            const int d = std::abs(p - q);
            if (d <= K) e.hopProfile[static_cast<size_t>(d)] += a;
            else e.hopBeyond += a;
            reach += a;
            reachHops += a * d;
        }
        if (allowed >= 2) {
            entropy += h / std::log(static_cast<double>(allowed));
            ++entropyRows;
        }
        e.confidence += mx;
        e.selfMass += A[i * n + i];
        if (p != S - 1) ++graphRows;
    }
    e.entropy = entropyRows ? entropy / entropyRows : 0.0;
    for (double* v : {&e.confidence, &e.selfMass, &e.specialMass, &e.sinkMass, &e.sequenceDistance})
        *v /= static_cast<double>(n);
    for (double& m : e.hopProfile) m /= graphRows;
    e.hopBeyond /= graphRows;
    e.hopSpecial /= graphRows;
    e.meanHops = reach > 0 ? reachHops / reach : 0.0;
    return e;
}

class MetricsOnModel : public ::testing::TestWithParam<std::tuple<std::string, bool>> {};

}  // namespace

TEST_P(MetricsOnModel, MetricsMatchTheirDefinitionsOnRealAttention) {
    const auto& [name, pruned] = GetParam();
    const auto model = model::loadGraphGptModel(kFixtures / name);
    const auto input = firstInput(kFixtures / name);
    const auto S = static_cast<int64_t>(input.ids.size());
    ASSERT_GE(S, 4);

    Graph g(false);
    g.addNodes(static_cast<size_t>(S - 1));
    for (NodeId v = 0; v + 1 < S - 1; ++v) g.addEdge(v, v + 1);
    TokenizeOptions o;
    o.nodeScope = static_cast<uint32_t>(S);
    o.scopeBase = static_cast<uint32_t>(S);
    o.addEos = true;
    const TokenSequence tokens = tokenize(g, o, 0, NodeId{0});
    ASSERT_EQ(static_cast<int64_t>(tokens.positionSources.size()), S);

    model::RunOptions ro;
    ro.captureAttention = true;
    if (pruned) {
        // From layer 1 on (layer 0 for a one-layer model): the even positions and the last one.
        std::vector<int32_t> keep;
        for (int32_t p = 0; p < S; ++p)
            if (p % 2 == 0 || p == S - 1) keep.push_back(p);
        ro.keepTokens.assign(model->config.numLayers > 1 ? 2 : 1, {});
        ro.keepTokens.back() = keep;
    }
    const auto result = model::runGraphGpt(*model, {input}, ro).front();
    HeadStatsOptions so;
    so.maxHops = 3;
    so.causal = model->config.causalAttention;
    const RunHeadStats stats = computeHeadStats(result, tokens, g, so);
    ASSERT_TRUE(stats.graphAware);
    ASSERT_EQ(stats.heads.size(), result.layers.size() * static_cast<size_t>(model->config.numHeads));

    bool sawPrunedLayer = false;
    for (const HeadStats& s : stats.heads) {
        const auto& c = result.layers[static_cast<size_t>(s.layer)];
        ASSERT_EQ(s.positions, static_cast<int64_t>(c.positions.size()));
        sawPrunedLayer = sawPrunedLayer || s.positions < S;
        const HeadStats e = expected(c, s.head, S, so.causal, so.maxHops);
        const std::string where = name + " head " + std::to_string(s.layer) + "." + std::to_string(s.head);
        EXPECT_NEAR(s.entropy, e.entropy, 1e-9) << where;
        EXPECT_NEAR(s.confidence, e.confidence, 1e-9) << where;
        EXPECT_NEAR(s.selfMass, e.selfMass, 1e-9) << where;
        EXPECT_NEAR(s.specialMass, e.specialMass, 1e-9) << where;
        EXPECT_NEAR(s.sinkMass, e.sinkMass, 1e-9) << where;
        EXPECT_EQ(s.noOp, s.sinkMass >= so.noOpThreshold) << where;
        EXPECT_NEAR(s.sequenceDistance, e.sequenceDistance, 1e-7) << where;
        EXPECT_NEAR(s.sameNodeMass, 0.0, 1e-12) << where << " (a path walk visits each node once)";
        for (int k = 0; k <= so.maxHops; ++k)
            EXPECT_NEAR(s.hopProfile[static_cast<size_t>(k)], e.hopProfile[static_cast<size_t>(k)], 1e-9)
                << where << " hop " << k;
        EXPECT_NEAR(s.hopBeyond, e.hopBeyond, 1e-9) << where;
        EXPECT_NEAR(s.hopSpecial, e.hopSpecial, 1e-9) << where;
        EXPECT_NEAR(s.meanHops, e.meanHops, 1e-7) << where;

        // Bounds that hold for any attention.
        EXPECT_GE(s.entropy, -1e-12) << where;
        EXPECT_LE(s.entropy, 1 + 1e-6) << where;
        EXPECT_LE(s.selfMass, s.confidence + 1e-9) << where;
        EXPECT_LE(s.specialMass, s.sinkMass + 1e-12) << where;
        double bins = s.hopBeyond + s.hopSpecial, chance = 0.0;
        for (double m : s.hopProfile) bins += m;
        for (double m : s.hopChance) chance += m;
        EXPECT_NEAR(bins, 1.0, 1e-5) << where << ": a graph row's bins hold its whole mass";
        EXPECT_LE(chance, 1.0 + 1e-9) << where;
    }
    EXPECT_EQ(sawPrunedLayer, pruned);

    // Rollout keeps a distribution. (Only when layer 0 has every position: attentionRollout
    // takes S from the first layer, so a keep-set at layer 0 is refused as of this writing.)
    if (static_cast<int64_t>(result.layers.front().positions.size()) == S) {
        const Saliency r = attentionRollout(result, SaliencyTarget::LastPosition);
        double total = 0.0;
        for (double v : r.position) total += v;
        EXPECT_NEAR(total, 1.0, 1e-6);
    }
    // The report aggregates one graph with zero spread.
    const MetricsReport report = metricsReport({stats});
    ASSERT_EQ(report.heads.size(), stats.heads.size());
    for (const auto& h : report.heads)
        for (double sd : h.stddev) EXPECT_NEAR(sd, 0.0, 1e-7);  // sqrt(E[x²] − E[x]²) rounds
}

INSTANTIATE_TEST_SUITE_P(Fixtures, MetricsOnModel,
                         ::testing::Combine(::testing::ValuesIn(fixtureNames()), ::testing::Bool()),
                         [](const auto& param) {
                             return std::get<0>(param.param) + (std::get<1>(param.param) ? "_pruned" : "_full");
                         });

TEST(MetricsOnModelFixtures, AreThere) {
    // The parameterized suite silently has no cases without fixtures; require the causal one too.
    const auto names = fixtureNames();
    EXPECT_GE(names.size(), 5u);
    EXPECT_NE(std::find(names.begin(), names.end(), "pretrain_gated_gqa_causal_tied"), names.end());
}
