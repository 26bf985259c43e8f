// The CPU GraphGPT forward against the PyTorch reference (tests/reference/graphgpt_ref.py,
// fixtures written by tests/reference/make_fixtures.py in float64 from the f32 weights).
// Tolerances (issue 4): logits and predictions within 1e-4 absolute, attention within 1e-5.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "checkpoint/SafeTensors.h"
#include "model/ModelFolder.h"
#include "model/Run.h"

using namespace gts;
using namespace gts::model;
namespace fs = std::filesystem;

namespace {

const fs::path kFixtures = fs::path(GTS_FIXTURES_DIR) / "model";

constexpr float kOutputTolerance = 1e-4f;
constexpr float kAttentionTolerance = 1e-5f;

std::vector<std::string> fixtureNames() {
    std::vector<std::string> names;
    if (!fs::exists(kFixtures)) return names;
    for (const auto& entry : fs::directory_iterator(kFixtures))
        if (fs::exists(entry.path() / "config.json") && fs::exists(entry.path() / "expected.safetensors"))
            names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

nlohmann::json readJson(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return nlohmann::json::parse(ss.str());
}

std::vector<SequenceInput> readInputs(const fs::path& path) {
    std::vector<SequenceInput> inputs;
    const nlohmann::json doc = readJson(path);
    for (const auto& seq : doc.at("sequences")) {
        SequenceInput input;
        for (const auto& pos : seq.at("ids")) input.ids.push_back(pos.get<std::vector<int32_t>>());
        inputs.push_back(std::move(input));
    }
    if (inputs.empty()) throw std::runtime_error("fixture has no sequences: " + path.string());
    return inputs;
}

/// The largest |a - b| (shapes must match).
void expectClose(const Tensor& actual, const Tensor& expected, float tolerance, const std::string& what) {
    ASSERT_EQ(actual.shape(), expected.shape()) << what;
    float worst = 0.0f;
    size_t worstAt = 0;
    for (size_t i = 0; i < expected.size(); ++i) {
        const float diff = std::abs(actual.data()[i] - expected.data()[i]);
        if (!(diff <= worst)) {
            worst = diff;
            worstAt = i;
        }
    }
    EXPECT_LE(worst, tolerance) << what << ": element " << worstAt << " is "
                                << actual.data()[worstAt] << ", reference "
                                << expected.data()[worstAt];
}

const Tensor& expectedTensor(const checkpoint::SafeTensors& st, const std::string& name) {
    auto it = st.tensors.find(name);
    if (it == st.tensors.end()) throw std::runtime_error("fixture lacks tensor " + name);
    return it->second;
}

/// Compares every output the fixture holds for `results`.
void compareResults(const std::vector<RunResult>& results, const checkpoint::SafeTensors& expected,
                    const GraphGptModel& model, const std::string& label) {
    for (size_t s = 0; s < results.size(); ++s) {
        const auto& r = results[s];
        const std::string seq = std::to_string(s);
        expectClose(r.logits, expectedTensor(expected, "logits." + seq), kOutputTolerance,
                    label + " logits." + seq);
        expectClose(r.hidden, expectedTensor(expected, "hidden." + seq), kOutputTolerance,
                    label + " hidden." + seq);
        if (expected.tensors.count("token_logits." + seq))
            expectClose(r.tokenLogits, expectedTensor(expected, "token_logits." + seq), kOutputTolerance,
                        label + " token_logits." + seq);
        if (expected.tensors.count("embeddings." + seq))
            expectClose(r.embeddings, expectedTensor(expected, "embeddings." + seq), kOutputTolerance,
                        label + " embeddings." + seq);
        for (const auto& layer : r.layers) {
            const std::string suffix = seq + "." + std::to_string(layer.layer);
            // The reference records no attention for a skipped layer; neither may we.
            if (!expected.tensors.count("attn." + suffix) && expected.tensors.count("residual." + suffix)) {
                EXPECT_EQ(layer.attention.size(), 0u) << label << " attention of skipped layer " << suffix;
            }
            if (expected.tensors.count("attn." + suffix))
                expectClose(layer.attention, expectedTensor(expected, "attn." + suffix),
                            kAttentionTolerance, label + " attn." + suffix);
            if (expected.tensors.count("residual." + suffix))
                expectClose(layer.residual, expectedTensor(expected, "residual." + suffix),
                            kOutputTolerance, label + " residual." + suffix);
            if (expected.tensors.count("positions." + suffix)) {
                const auto& pos = expectedTensor(expected, "positions." + suffix);
                ASSERT_EQ(pos.size(), layer.positions.size()) << label << " positions." << suffix;
                for (size_t i = 0; i < pos.size(); ++i)
                    EXPECT_EQ(static_cast<int32_t>(pos.data()[i]), layer.positions[i])
                        << label << " positions." << suffix;
            }
        }
        // Every captured layer of the reference was produced here too.
        for (int l = 0; l < model.config.numLayers; ++l) {
            if (expected.tensors.count("attn." + seq + "." + std::to_string(l))) {
                EXPECT_TRUE(std::any_of(r.layers.begin(), r.layers.end(),
                                        [&](const LayerCapture& c) { return c.layer == l; }))
                    << label << ": layer " << l << " of sequence " << s << " not captured";
            }
        }
    }
}

RunOptions captureAll() {
    RunOptions o;
    o.captureAttention = true;
    o.captureResidual = true;
    return o;
}

class ForwardFixture : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

TEST_P(ForwardFixture, MatchesReference) {
    const auto& [name, weightsFile] = GetParam();
    const fs::path folder = kFixtures / name;
    if (!fs::exists(folder / weightsFile)) GTEST_SKIP() << "no " << weightsFile << " in " << name;
    const auto model = loadGraphGptModel(folder / weightsFile);
    const auto inputs = readInputs(folder / "inputs.json");
    const auto expected = checkpoint::readSafeTensors(folder / "expected.safetensors");
    const auto results = runGraphGpt(*model, inputs, captureAll());
    ASSERT_EQ(results.size(), inputs.size());
    compareResults(results, expected, *model, name + "/" + weightsFile);
}

TEST_P(ForwardFixture, InterventionsMatchReference) {
    const auto& [name, weightsFile] = GetParam();
    const fs::path folder = kFixtures / name;
    if (!fs::exists(folder / "interventions.json") || !fs::exists(folder / weightsFile))
        GTEST_SKIP() << name << " has no interventions";
    const auto model = loadGraphGptModel(folder / weightsFile);
    const auto inputs = readInputs(folder / "inputs.json");
    const auto expected = checkpoint::readSafeTensors(folder / "expected_interventions.safetensors");
    const auto spec = readJson(folder / "interventions.json");
    RunOptions options = captureAll();
    const auto layers = static_cast<size_t>(model->config.numLayers);
    if (spec.contains("head_mask")) {
        options.headMask.assign(layers, std::vector<bool>(static_cast<size_t>(model->config.numHeads), false));
        for (const auto& lh : spec["head_mask"])
            options.headMask.at(lh.at(0).get<size_t>()).at(lh.at(1).get<size_t>()) = true;
    }
    if (spec.contains("skip_layers")) {
        options.skipLayers.assign(layers, false);
        for (const auto& l : spec["skip_layers"]) options.skipLayers.at(l.get<size_t>()) = true;
    }
    if (spec.contains("keep_tokens")) {
        options.keepTokens.assign(layers, {});
        for (const auto& [layer, keep] : spec["keep_tokens"].items())
            options.keepTokens.at(std::stoul(layer)) = keep.get<std::vector<int32_t>>();
    }
    // Keep-sets are positions of one sequence: the reference runs them one sequence at a time.
    std::vector<RunResult> results;
    for (const auto& input : inputs) {
        bool fits = true;
        for (const auto& keep : options.keepTokens)
            for (int32_t p : keep) fits = fits && static_cast<size_t>(p) < input.ids.size();
        if (!fits) break;
        results.push_back(runGraphGpt(*model, {input}, options).front());
    }
    ASSERT_FALSE(results.empty());
    compareResults(results, expected, *model, name + "/" + weightsFile + " (interventions)");
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, ForwardFixture,
    ::testing::Combine(::testing::ValuesIn(fixtureNames()),
                       ::testing::Values(std::string("model.safetensors"), std::string("pytorch_model.bin"))),
    [](const auto& param) {
        std::string n = std::get<0>(param.param) + "_" + std::get<1>(param.param);
        for (char& c : n)
            if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
        return n;
    });

TEST(Forward, FixturesExist) {
    // The parameterized suite silently has no cases without fixtures; require a real set.
    EXPECT_GE(fixtureNames().size(), 5u);
}

// Properties that need no reference: packing, threads and captures must not change results.
class ForwardProperties : public ::testing::Test {
protected:
    void SetUp() override {
        const auto names = fixtureNames();
        if (names.empty()) GTEST_SKIP() << "no fixtures";
        folder_ = kFixtures / names.front();
        model_ = loadGraphGptModel(folder_);
        inputs_ = readInputs(folder_ / "inputs.json");
    }
    fs::path folder_;
    std::shared_ptr<const GraphGptModel> model_;
    std::vector<SequenceInput> inputs_;
};

TEST_F(ForwardProperties, BatchThreadsAndCaptureDoNotChangeOutputs) {
    const auto together = runGraphGpt(*model_, inputs_, captureAll());
    RunOptions plain;
    plain.threads = 1;
    for (size_t s = 0; s < inputs_.size(); ++s) {
        const auto alone = runGraphGpt(*model_, {inputs_[s]}, plain).front();
        // Packing changes the GEMM blocking (and FMA grouping), so results may differ by
        // rounding: a few ulps, far inside the reference tolerance.
        expectClose(alone.logits, together[s].logits, 1e-5f, "alone vs packed logits");
        EXPECT_TRUE(alone.layers.empty()) << "captured without being asked";
        EXPECT_EQ(alone.embeddings.size(), 0u);
    }
}

TEST_F(ForwardProperties, AttentionRowsAreDistributions) {
    const auto results = runGraphGpt(*model_, inputs_, captureAll());
    for (const auto& r : results)
        for (const auto& layer : r.layers) {
            const auto S = static_cast<size_t>(layer.attention.dim(1));
            for (size_t row = 0; row < layer.attention.size() / S; ++row) {
                double sum = 0;
                for (size_t j = 0; j < S; ++j) {
                    const float a = layer.attention.data()[row * S + j];
                    EXPECT_GE(a, 0.0f);
                    sum += a;
                }
                EXPECT_NEAR(sum, 1.0, 1e-5);
            }
        }
}

TEST_F(ForwardProperties, TrailingPadPositionsAreIgnored) {
    auto padded = inputs_.front();
    const size_t width = padded.ids.front().size();
    padded.ids.push_back(std::vector<int32_t>(width, 0));
    padded.ids.push_back(std::vector<int32_t>(width, 0));
    const auto a = runGraphGpt(*model_, {inputs_.front()}).front();
    const auto b = runGraphGpt(*model_, {padded}).front();
    expectClose(b.logits, a.logits, 1e-5f, "padded vs unpadded");
}

TEST_F(ForwardProperties, HeadMaskChangesOutputAndSkipsAreIdentity) {
    RunOptions mask;
    mask.headMask = {{true}};
    const auto base = runGraphGpt(*model_, {inputs_.front()}).front();
    const auto masked = runGraphGpt(*model_, {inputs_.front()}, mask).front();
    float change = 0;
    for (size_t i = 0; i < base.logits.size(); ++i)
        change = std::max(change, std::abs(base.logits.data()[i] - masked.logits.data()[i]));
    EXPECT_GT(change, 1e-6f) << "masking head 0 of layer 0 changed nothing";

    // Skipping every layer leaves the final norm of the embeddings.
    RunOptions skipAll = captureAll();
    skipAll.skipLayers.assign(static_cast<size_t>(model_->config.numLayers), true);
    const auto skipped = runGraphGpt(*model_, {inputs_.front()}, skipAll).front();
    for (const auto& layer : skipped.layers)
        expectClose(layer.residual, skipped.embeddings, 0.0f, "skipped layer residual");
}

TEST_F(ForwardProperties, ProgressAndCancellation) {
    std::vector<int64_t> seen;
    RunOptions options;
    options.progress = [&](int64_t done, int64_t total) {
        EXPECT_EQ(total, static_cast<int64_t>(inputs_.size()) * model_->config.numLayers);
        seen.push_back(done);
    };
    runGraphGpt(*model_, inputs_, options);
    ASSERT_FALSE(seen.empty());
    EXPECT_EQ(seen.back(), static_cast<int64_t>(inputs_.size()) * model_->config.numLayers);
    EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));

    std::atomic<bool> cancel{true};
    options.cancel = &cancel;
    EXPECT_THROW(runGraphGpt(*model_, inputs_, options), RunCancelled);
}

TEST_F(ForwardProperties, BadInputIsRefusedWithWhere) {
    auto bad = inputs_.front();
    bad.ids[1][0] = model_->config.vocabSize;
    try {
        runGraphGpt(*model_, {inputs_.front(), bad});
        ADD_FAILURE() << "accepted an id outside the vocabulary";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("sequence 1, position 1"), std::string::npos) << e.what();
    }
    EXPECT_THROW(runGraphGpt(*model_, {SequenceInput{}}), std::invalid_argument);
    auto wide = inputs_.front();
    wide.ids[0].resize(static_cast<size_t>(model_->config.stackedFeat) + 1, 1);
    EXPECT_THROW(runGraphGpt(*model_, {wide}), std::invalid_argument);
    RunOptions keep;
    keep.keepTokens = {{0, 1000}};
    EXPECT_THROW(runGraphGpt(*model_, {inputs_.front()}, keep), std::invalid_argument);
    RunOptions heads;
    heads.headMask = {std::vector<bool>(static_cast<size_t>(model_->config.numHeads) + 1, false)};
    EXPECT_THROW(runGraphGpt(*model_, {inputs_.front()}, heads), std::invalid_argument);
}

}  // namespace
