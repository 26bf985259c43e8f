// RunOptions::captureKeys against the PyTorch reference: the keys after RoPE of every layer,
// per kv head [kv_heads, S, head_dim], of each fixture's first sequence
// (tests/reference/make_key_fixtures.py, float64 reference from the same weights). Within
// 1e-4 absolute, the engine's output tolerance (test_forward). Resuming from a captured
// residual stream reproduces a later layer's keys and the logits bitwise (one thread).

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "checkpoint/SafeTensors.h"
#include "model/ModelFolder.h"
#include "model/Run.h"

using namespace gts;
using namespace gts::model;
namespace fs = std::filesystem;

namespace {

const fs::path kFixtures = fs::path(GTS_FIXTURES_DIR) / "model";
constexpr float kKeyTolerance = 1e-4f;

std::vector<std::string> fixtureNames() {
    std::vector<std::string> names;
    if (!fs::exists(kFixtures)) return names;
    for (const auto& entry : fs::directory_iterator(kFixtures))
        if (fs::exists(entry.path() / "expected_keys.safetensors")) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

SequenceInput firstSequence(const fs::path& inputsJson) {
    std::ifstream in(inputsJson);
    std::stringstream ss;
    ss << in.rdbuf();
    const auto doc = nlohmann::json::parse(ss.str());
    SequenceInput input;
    for (const auto& pos : doc.at("sequences").at(0).at("ids")) input.ids.push_back(pos.get<std::vector<int32_t>>());
    return input;
}

class KeyFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(KeyFixture, KeysMatchReference) {
    const fs::path folder = kFixtures / GetParam();
    const auto model = loadGraphGptModel(folder);
    const auto input = firstSequence(folder / "inputs.json");
    const auto expected = checkpoint::readSafeTensors(folder / "expected_keys.safetensors");
    RunOptions o;
    o.captureKeys = true;
    const auto got = runGraphGpt(*model, {input}, o);
    ASSERT_EQ(got.size(), 1u);
    ASSERT_EQ(got[0].layers.size(), static_cast<size_t>(model->config.numLayers));
    for (const auto& layer : got[0].layers) {
        const std::string name = "keys." + std::to_string(layer.layer);
        const auto it = expected.tensors.find(name);
        ASSERT_NE(it, expected.tensors.end()) << name;
        const Tensor& want = it->second;
        ASSERT_EQ(layer.keys.shape(), want.shape()) << GetParam() << " " << name;
        float worst = 0.0f;
        for (size_t i = 0; i < want.size(); ++i)
            worst = std::max(worst, std::abs(layer.keys.data()[i] - want.data()[i]));
        EXPECT_LE(worst, kKeyTolerance) << GetParam() << " " << name;
    }
}

TEST_P(KeyFixture, ResumedRunCapturesTheSameKeys) {
    const fs::path folder = kFixtures / GetParam();
    const auto model = loadGraphGptModel(folder);
    if (model->config.numLayers < 2) GTEST_SKIP() << "one layer";
    const auto input = firstSequence(folder / "inputs.json");
    // One thread each: with several the engine's parallel partition (hence float rounding of
    // the output) may vary from run to run; on one the resumed run must be bitwise equal.
    RunOptions o;
    o.threads = 1;
    o.captureKeys = true;
    o.captureResidual = true;
    const auto full = runGraphGpt(*model, {input}, o).at(0);
    const int last = model->config.numLayers - 1;
    RunOptions r;
    r.threads = 1;
    r.captureKeys = true;
    r.resume.layer = last;
    r.resume.residual = full.layers.at(static_cast<size_t>(last - 1)).residual;
    r.resume.positions = full.layers.at(static_cast<size_t>(last - 1)).positions;
    const auto resumed = runGraphGpt(*model, {input}, r).at(0);
    ASSERT_EQ(resumed.layers.size(), 1u);
    const Tensor& a = resumed.layers[0].keys;
    const Tensor& b = full.layers.at(static_cast<size_t>(last)).keys;
    ASSERT_EQ(a.shape(), b.shape());
    for (size_t i = 0; i < a.size(); ++i) ASSERT_EQ(a.data()[i], b.data()[i]) << GetParam() << " element " << i;
    ASSERT_EQ(resumed.logits.size(), full.logits.size());
    for (size_t i = 0; i < full.logits.size(); ++i) EXPECT_EQ(resumed.logits.data()[i], full.logits.data()[i]);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, KeyFixture, ::testing::ValuesIn(fixtureNames()),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
