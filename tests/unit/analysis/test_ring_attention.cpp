// Ring attention (analysis/RingAttention.h) on the model fixtures: N simulated devices passing
// key/value blocks round the ring give the attention output the engine's own captured maps give
// (A · V, with A the engine's softmax) and softmax attention in double, for any N that does or
// does not divide the sequence, with and without overlap, causal or not, GQA; the schedule has
// N² compute steps (N(N−1)/2 idle under a causal mask) and N(N−1) sends carrying (N−1) copies
// of all keys and values; a slow link makes sends last bytes / bandwidth.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "analysis/RingAttention.h"
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

struct Captured {
    std::shared_ptr<const model::GraphGptModel> model;
    model::RunResult run;
};

Captured capture(const std::string& name) {
    Captured c;
    c.model = model::loadGraphGptModel(kFixtures / name);
    model::RunOptions o;
    o.captureAttention = o.captureKeys = o.captureValues = true;
    c.run = model::runGraphGpt(*c.model, {firstInput(kFixtures / name)}, o).front();
    return c;
}

/// A · V per head from the engine's captured attention [H, S, S] and values [KV, S, d].
std::vector<float> attentionTimesValues(const model::LayerCapture& l) {
    const int64_t H = l.attention.dim(0), S = l.attention.dim(1), KV = l.values.dim(0), d = l.values.dim(2);
    std::vector<float> out(size_t(H * S * d), 0.0f);
    for (int64_t h = 0; h < H; ++h)
        for (int64_t i = 0; i < S; ++i)
            for (int64_t j = 0; j < S; ++j) {
                const float a = l.attention.data()[(h * S + i) * S + j];
                const float* v = l.values.data() + ((h / (H / KV)) * S + j) * d;
                for (int64_t c = 0; c < d; ++c) out[size_t((h * S + i) * d + c)] += a * v[c];
            }
    return out;
}

double maxDiff(const float* a, const float* b, size_t n) {
    double worst = 0;
    for (size_t i = 0; i < n; ++i) worst = std::max(worst, double(std::abs(a[i] - b[i])));
    return worst;
}

class RingOnFixtures : public ::testing::TestWithParam<std::string> {};

TEST_P(RingOnFixtures, EqualsTheEnginesAttentionForAnyNumberOfDevices) {
    const Captured c = capture(GetParam());
    const bool causal = c.model->config.causalAttention;
    for (const auto& layer : c.run.layers) {
        ASSERT_EQ(layer.values.rank(), 3u);
        const auto engine = attentionTimesValues(layer);
        const Tensor dense = denseAttentionOutput(layer, causal);
        ASSERT_EQ(dense.size(), engine.size());
        EXPECT_LE(maxDiff(dense.data(), engine.data(), engine.size()), 1e-5) << GetParam() << " layer " << layer.layer;
        const int64_t S = layer.values.dim(1);
        for (int workers : {1, 2, 3, 5, int(S)})
            for (bool overlap : {false, true}) {
                if (workers > S) continue;
                RingOptions o;
                o.workers = workers;
                o.overlap = overlap;
                o.causal = causal;
                const RingResult r = ringAttention(layer, o);
                const std::string at = GetParam() + " layer " + std::to_string(layer.layer) + ", " +
                                       std::to_string(workers) + " devices" + (overlap ? ", overlap" : "");
                ASSERT_EQ(r.out.size(), engine.size()) << at;
                EXPECT_LE(maxDiff(r.out.data(), engine.data(), engine.size()), 1e-5) << at;
                EXPECT_LE(maxDiff(r.out.data(), dense.data(), engine.size()), 1e-5) << at;
                int compute = 0, idle = 0, sends = 0, waits = 0;
                for (const auto& e : r.events) {
                    EXPECT_LE(e.startMs, e.endMs);
                    EXPECT_LE(e.endMs, r.totalMs + 1e-6);
                    if (e.kind == RingEvent::Kind::Wait) {
                        ++waits;
                        continue;
                    }
                    if (e.kind == RingEvent::Kind::Send) ++sends;
                    else (e.kind == RingEvent::Kind::Idle ? idle : compute) += 1;
                    // Device w holds block (w − step) mod N at a step.
                    EXPECT_EQ(e.block, ((e.worker - e.step) % workers + workers) % workers) << at;
                }
                EXPECT_EQ(compute + idle, workers * workers) << at;
                EXPECT_EQ(idle, causal ? workers * (workers - 1) / 2 : 0) << at;
                EXPECT_EQ(sends, workers * (workers - 1)) << at;
                EXPECT_EQ(waits, workers * workers) << at;  // one per device and step
                const int64_t kvBytes = 2 * layer.values.dim(0) * S * layer.values.dim(2) * int64_t(sizeof(float));
                EXPECT_EQ(r.bytesSent, (workers - 1) * kvBytes) << at;
                EXPECT_EQ(r.blockStart.front(), 0);
                EXPECT_EQ(r.blockStart.back(), S);
            }
    }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, RingOnFixtures,
                         ::testing::Values("finetune_regression_layerscale_bias", "finetune_classify_mlp_long_gqa",
                                           "pretrain_gated_gqa_causal_tied", "pretrain_sum_mtp"));

TEST(RingAttention, ASlowLinkMakesSendsLastBytesOverBandwidth) {
    const Captured c = capture("finetune_classify_mlp_long_gqa");
    const auto& layer = c.run.layers.front();
    RingOptions o;
    o.workers = 2;
    o.causal = c.model->config.causalAttention;
    o.linkGBps = 1e-4;  // 100 kB/s
    const RingResult r = ringAttention(layer, o);
    for (const auto& e : r.events) {
        if (e.kind != RingEvent::Kind::Send) continue;
        const int64_t rows = r.blockStart[size_t(e.block) + 1] - r.blockStart[size_t(e.block)];
        const double bytes = 2.0 * double(layer.values.dim(0) * rows * layer.values.dim(2)) * 4.0;
        EXPECT_GE(e.endMs - e.startMs, bytes / 1e5 * 1e3 * 0.99) << "device " << e.worker;
    }
}

TEST(RingAttention, RefusesWhatItCannotRun) {
    const Captured c = capture("finetune_regression_layerscale_bias");
    const auto& layer = c.run.layers.front();
    const int64_t S = layer.values.dim(1);
    RingOptions o;
    o.workers = 0;
    EXPECT_THROW(ringAttention(layer, o), std::invalid_argument);
    o.workers = int(S) + 1;
    EXPECT_THROW(ringAttention(layer, o), std::invalid_argument);
    o.workers = 2;
    o.linkGBps = -1;
    EXPECT_THROW(ringAttention(layer, o), std::invalid_argument);
    model::LayerCapture noValues = layer;
    noValues.values = Tensor();
    o.linkGBps = 0;
    try {
        ringAttention(noValues, o);
        ADD_FAILURE() << "ran without values";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("captureValues"), std::string::npos) << e.what();
    }
}

}  // namespace
