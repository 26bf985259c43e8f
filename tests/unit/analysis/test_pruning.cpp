// Zero-TPrune's stages against hand-computed values; pruning runs and ablation on the model
// fixtures against direct engine runs.

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "analysis/Ablation.h"
#include "analysis/Pruning.h"

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

std::vector<std::string> fixtures() {
    return {"finetune_regression_layerscale_bias", "finetune_classify_mlp_long_gqa",
            "pretrain_sum_mtp", "pretrain_gated_gqa_causal_tied"};
}

}  // namespace

TEST(ZeroTPrune, WeightedPageRankByHand) {
    // A = [[.5, .5, 0], [0, .5, .5], [0, 0, 1]]: s1 = Aᵀ(1/3) = (1/6, 1/3, 1/2),
    // s2 = Aᵀ s1 = (1/12, 1/4, 2/3).
    const std::vector<float> a = {0.5f, 0.5f, 0, 0, 0.5f, 0.5f, 0, 0, 1};
    const auto s1 = weightedPageRank(a, 3, 1);
    EXPECT_NEAR(s1[0], 1.0 / 6, 1e-9);
    EXPECT_NEAR(s1[1], 1.0 / 3, 1e-9);
    EXPECT_NEAR(s1[2], 1.0 / 2, 1e-9);
    const auto s2 = weightedPageRank(a, 3, 2);
    EXPECT_NEAR(s2[0], 1.0 / 12, 1e-9);
    EXPECT_NEAR(s2[1], 1.0 / 4, 1e-9);
    EXPECT_NEAR(s2[2], 2.0 / 3, 1e-9);
    EXPECT_THROW(weightedPageRank(a, 2, 1), std::invalid_argument);
}

TEST(ZeroTPrune, HeadFilterAndRootMeanSquare) {
    const float u = 1.0f / 3;
    // Head 0 uniform (variance 0: filtered out), head 1 the matrix above.
    const Tensor att({2, 3, 3}, {u, u, u, u, u, u, u, u, u,  //
                                 0.5f, 0.5f, 0, 0, 0.5f, 0.5f, 0, 0, 1});
    ZeroTPruneOptions o;
    o.iterations = 2;
    std::vector<int> used;
    auto imp = zeroTPruneImportance(att, o, &used);
    EXPECT_EQ(used, (std::vector<int>{1}));
    EXPECT_NEAR(imp[0], 1.0 / 12, 1e-9);
    EXPECT_NEAR(imp[2], 2.0 / 3, 1e-9);
    o.varianceMin = 0.0;
    imp = zeroTPruneImportance(att, o, &used);
    EXPECT_EQ(used.size(), 2u);
    // 1e-7: the uniform head's 1/3 is a float.
    EXPECT_NEAR(imp[0], std::sqrt((1.0 / 144 + 1.0 / 9) / 2), 1e-7);
    EXPECT_NEAR(imp[2], std::sqrt((4.0 / 9 + 1.0 / 9) / 2), 1e-7);
}

TEST(ZeroTPrune, SimilarityStageDropsTheMostRedundantOfTheLessImportantHalf) {
    // Importance order: t0 < t2 < t3 < t1, so A = {t0, t2}, B = {t1, t3}. t2's key equals t3's
    // (cosine 1); t0's is close to t1's (cosine .995): t2 goes first although t0 matters less.
    const std::vector<double> importance = {0.1, 0.4, 0.2, 0.3};
    const Tensor keys({1, 4, 2}, {1, 0, 1, 0.1f, 0, 1, 0, 1});
    const std::vector<bool> none(4, false);
    EXPECT_EQ(zeroTPruneSelect(importance, keys, 1, none), (std::vector<int32_t>{2}));
    EXPECT_EQ(zeroTPruneSelect(importance, keys, 2, none), (std::vector<int32_t>{0, 2}));
    // More than A holds: the least important of the rest follow (t3), never a protected token.
    std::vector<bool> protect(4, false);
    protect[1] = true;
    EXPECT_EQ(zeroTPruneSelect(importance, keys, 3, protect), (std::vector<int32_t>{0, 2, 3}));
    EXPECT_EQ(zeroTPruneSelect(importance, keys, 9, protect), (std::vector<int32_t>{0, 2, 3}));
}

TEST(Pruning, CountsSpreadOverLayers) {
    PruneSchedule s;
    s.keepRatio = 0.7;
    EXPECT_EQ(pruneCounts(s, 4, 10, 1), (std::vector<int64_t>{0, 1, 1, 1}));
    s.keepRatio = 0.5;
    EXPECT_EQ(pruneCounts(s, 4, 10, 1), (std::vector<int64_t>{0, 2, 2, 1}));
    s.firstLayer = 2;
    s.lastLayer = 2;
    EXPECT_EQ(pruneCounts(s, 4, 10, 1), (std::vector<int64_t>{0, 0, 5, 0}));
    s.firstLayer = 0;
    EXPECT_THROW(pruneCounts(s, 4, 10, 1), std::invalid_argument);
    s.firstLayer = 1;
    s.keepRatio = 0.0;
    EXPECT_THROW(pruneCounts(s, 4, 10, 1), std::invalid_argument);
}

TEST(Pruning, MaskedFlopsByHand) {
    // A hand count for a 2-layer model, hidden 8, 4 heads of 2 in 2 kv groups, MLP 16, no head.
    model::GraphGptModel m;
    m.config.numLayers = 2;
    m.config.hiddenSize = 8;
    m.config.numHeads = 4;
    m.config.numKvHeads = 2;
    m.config.headDim = 2;
    m.config.intermediateSize = 16;
    m.weights.head = model::HeadKind::None;
    const double S = 5;
    // Per layer: projections 2·S·D·d·(2H + 2KV) = 2·5·8·2·12 = 1920; attention 4·S²·d·H = 800;
    // MLP 2·S·3·D·I = 3840.
    const double layer = 1920 + 800 + 3840;
    EXPECT_DOUBLE_EQ(maskedFlops(m, 5, {}, {}), 2 * layer);
    EXPECT_DOUBLE_EQ(model::graphGptFlops(m, 5), 2 * layer);
    // Head 0 of layer 0: its q and o (2·S·D·d·2 = 320) and attention (4·S²·d = 200); its kv
    // group still serves head 1.
    EXPECT_DOUBLE_EQ(maskedFlops(m, 5, {{true, false, false, false}}, {}), 2 * layer - 520);
    // Heads 0 and 1: also kv group 0's k and v (another 320).
    EXPECT_DOUBLE_EQ(maskedFlops(m, 5, {{true, true, false, false}}, {}), 2 * layer - 2 * 520 - 320);
    EXPECT_DOUBLE_EQ(maskedFlops(m, 5, {}, {false, true}), layer);
    (void)S;
}

class ModelFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(ModelFixture, ResumeEqualsAFullRun) {
    const auto model = model::loadGraphGptModel(kFixtures / GetParam());
    const auto input = firstInput(kFixtures / GetParam());
    model::RunOptions full;
    full.captureResidual = true;
    const auto ref = model::runGraphGpt(*model, {input}, full).front();
    for (int l = 0; l <= model->config.numLayers; ++l) {
        model::RunOptions o;
        o.resume.layer = l;
        o.resume.residual = l == 0 ? ref.embeddings : ref.layers[static_cast<size_t>(l - 1)].residual;
        o.resume.positions = ref.positions;
        const auto r = model::runGraphGpt(*model, {input}, o).front();
        ASSERT_EQ(r.logits.size(), ref.logits.size());
        for (size_t i = 0; i < r.logits.size(); ++i)
            EXPECT_NEAR(r.logits.data()[i], ref.logits.data()[i], 1e-4) << "layer " << l;
    }
    model::RunOptions bad;
    bad.resume.layer = 1;
    bad.resume.residual = ref.embeddings;
    bad.resume.positions = {0};
    EXPECT_THROW(model::runGraphGpt(*model, {input}, bad), std::invalid_argument);
}

TEST_P(ModelFixture, KeysAreRopedProjectionsOfTheNormedResidual) {
    const auto model = model::loadGraphGptModel(kFixtures / GetParam());
    const auto input = firstInput(kFixtures / GetParam());
    const auto& c = model->config;
    model::RunOptions o;
    o.captureResidual = true;
    o.captureKeys = true;
    const auto r = model::runGraphGpt(*model, {input}, o).front();
    const int64_t S = static_cast<int64_t>(input.ids.size()), D = c.hiddenSize, d = c.headDim;
    for (int l = 0; l < c.numLayers; ++l) {
        const Tensor& x = l == 0 ? r.embeddings : r.layers[static_cast<size_t>(l - 1)].residual;
        const auto& w = model->weights.layers[static_cast<size_t>(l)];
        const Tensor& keys = r.layers[static_cast<size_t>(l)].keys;
        ASSERT_EQ(keys.shape(), (Tensor::Shape{c.numKvHeads, S, d}));
        for (int64_t p = 0; p < S; ++p) {
            // RMSNorm, k projection, then RoPE (half split) at position p, in double.
            double ms = 0.0;
            for (int64_t k = 0; k < D; ++k) ms += double(x.data()[p * D + k]) * x.data()[p * D + k];
            const double inv = 1.0 / std::sqrt(ms / D + c.rmsNormEps);
            std::vector<double> proj(static_cast<size_t>(c.numKvHeads * d), 0.0);
            for (int64_t o2 = 0; o2 < c.numKvHeads * d; ++o2) {
                double acc = w.k.bias ? w.k.bias->data()[o2] : 0.0;
                for (int64_t k = 0; k < D; ++k)
                    acc += x.data()[p * D + k] * inv * w.inputNorm.data()[k] * w.k.weight.data()[o2 * D + k];
                proj[static_cast<size_t>(o2)] = acc;
            }
            for (int64_t g = 0; g < c.numKvHeads; ++g)
                for (int64_t i = 0; i < d / 2; ++i) {
                    const double angle = p * std::pow(c.ropeTheta, -2.0 * i / d);
                    const double a = proj[static_cast<size_t>(g * d + i)], b = proj[static_cast<size_t>(g * d + i + d / 2)];
                    EXPECT_NEAR(keys.data()[(g * S + p) * d + i], a * std::cos(angle) - b * std::sin(angle), 1e-4);
                    EXPECT_NEAR(keys.data()[(g * S + p) * d + i + d / 2], b * std::cos(angle) + a * std::sin(angle), 1e-4);
                }
        }
    }
}

TEST_P(ModelFixture, AblationMatchesDirectMaskedRuns) {
    const auto model = model::loadGraphGptModel(kFixtures / GetParam());
    const auto input = firstInput(kFixtures / GetParam());
    const Ablation a = ablate(*model, input);
    const int L = model->config.numLayers, H = model->config.numHeads;
    ASSERT_EQ(a.headChange.size(), static_cast<size_t>(L));
    EXPECT_EQ(a.runs, L * H + L);
    const auto full = model::runGraphGpt(*model, {input}).front();
    double largest = 0.0;
    for (int l = 0; l < L; ++l) {
        for (int h = 0; h < H; ++h) {
            model::RunOptions o;
            o.headMask.assign(static_cast<size_t>(L), std::vector<bool>(static_cast<size_t>(H), false));
            o.headMask[static_cast<size_t>(l)][static_cast<size_t>(h)] = true;
            const double direct = outputChange(*model, full, model::runGraphGpt(*model, {input}, o).front());
            EXPECT_NEAR(a.headChange[static_cast<size_t>(l)][static_cast<size_t>(h)], direct, 1e-4 + 1e-3 * direct);
            largest = std::max(largest, direct);
        }
        model::RunOptions o;
        o.skipLayers.assign(static_cast<size_t>(L), false);
        o.skipLayers[static_cast<size_t>(l)] = true;
        const double direct = outputChange(*model, full, model::runGraphGpt(*model, {input}, o).front());
        EXPECT_NEAR(a.layerChange[static_cast<size_t>(l)], direct, 1e-4 + 1e-3 * direct);
    }
    EXPECT_GT(largest, 0.0) << "no head changes the output at all";
    AblationOptions fromScratch;
    fromScratch.reuseActivations = false;
    const Ablation b = ablate(*model, input, fromScratch);
    for (int l = 0; l < L; ++l)
        for (int h = 0; h < H; ++h)
            EXPECT_NEAR(a.headChange[size_t(l)][size_t(h)], b.headChange[size_t(l)][size_t(h)], 1e-4 + 1e-3 * b.headChange[size_t(l)][size_t(h)]);
}

TEST_P(ModelFixture, PruningRunsTheScheduleAndCountsFlops) {
    const auto model = model::loadGraphGptModel(kFixtures / GetParam());
    const auto input = firstInput(kFixtures / GetParam());
    const int L = model->config.numLayers;
    const auto S = static_cast<int64_t>(input.ids.size());
    if (L < 2) {  // a layer prunes by the attention of the layer before: nothing to prune by
        EXPECT_THROW(prune(*model, input, PruneOptions{}), std::invalid_argument);
        return;
    }
    for (PruneMethod method : {PruneMethod::ZeroTPrune, PruneMethod::Random}) {
        PruneOptions o;
        o.method = method;
        o.schedule.keepRatio = 0.5;
        const PruneResult r = prune(*model, input, o);
        const auto counts = pruneCounts(o.schedule, L, S, 1);
        int64_t now = S;
        double flops = 0.0;
        for (int l = 0; l < L; ++l) {
            EXPECT_EQ(static_cast<int64_t>(r.dropped[static_cast<size_t>(l)].size()), counts[static_cast<size_t>(l)]);
            now -= counts[static_cast<size_t>(l)];
            EXPECT_EQ(r.layerPositions[static_cast<size_t>(l)], now);
            flops += model::graphGptLayerFlops(*model, now);
        }
        // The last position is never removed; the pruned run equals a direct keep-set run.
        EXPECT_EQ(r.pruned.positions.back(), S - 1);
        EXPECT_NEAR(r.flopsPruned, flops + model::graphGptHeadFlops(*model, now), 1.0);
        EXPECT_LT(r.flopsPruned, r.flopsFull);
        model::RunOptions direct;
        direct.keepTokens = r.keep;
        EXPECT_NEAR(outputChange(*model, r.full, model::runGraphGpt(*model, {input}, direct).front()), r.change, 1e-6);
    }
    // Random pruning is a function of its seed.
    PruneOptions o;
    o.method = PruneMethod::Random;
    o.seed = 7;
    EXPECT_EQ(prune(*model, input, o).keep, prune(*model, input, o).keep);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ModelFixture, ::testing::ValuesIn(fixtures()));
