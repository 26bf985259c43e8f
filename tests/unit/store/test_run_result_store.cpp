// A real run's captures survive a session save/open bit for bit, so the app can show attention
// and predictions from a reopened session with no engine run.

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "model/ModelFolder.h"
#include "model/Run.h"
#include "store/RunResultStore.h"
#include "store/Session.h"
#include "store/Sha256.h"

namespace fs = std::filesystem;
using namespace gts;

namespace {

const fs::path kModel = fs::path(GTS_FIXTURES_DIR) / "model" / "pretrain_sum_mtp";

model::SequenceInput firstInput() {
    std::ifstream in(kModel / "inputs.json");
    const auto doc = nlohmann::json::parse(in);
    model::SequenceInput input;
    for (const auto& pos : doc.at("sequences").at(0).at("ids"))
        input.ids.push_back(pos.get<std::vector<int32_t>>());
    return input;
}

void expectSameTensor(const Tensor& a, const Tensor& b, const std::string& what) {
    ASSERT_EQ(a.shape(), b.shape()) << what;
    ASSERT_EQ(0, std::memcmp(a.data(), b.data(), a.size() * sizeof(float))) << what;
}

}  // namespace

TEST(RunResultStore, CapturedRunRoundTripsThroughASessionFile) {
    auto m = model::loadGraphGptModel(kModel);
    model::RunOptions options;
    options.captureAttention = true;
    options.captureScores = true;
    options.captureResidual = true;
    const model::RunResult run = model::runGraphGpt(*m, {firstInput()}, options).front();
    ASSERT_FALSE(run.layers.empty());
    ASSERT_GT(run.layers[0].attention.size(), 0u);

    store::Session s;
    s.model = {kModel.string(), store::modelFingerprint(kModel)};
    store::putRunResult(s, "run0.", run);
    fs::path file = fs::temp_directory_path() / ("gts-rrs-" + std::to_string(getpid()) + ".gtscope");
    fs::remove(file);
    store::saveSession(file, s);
    store::OpenReport rep;
    store::Session back = store::openSession(file, &rep);
    EXPECT_TRUE(rep.warnings.empty());
    auto r = store::getRunResult(back, "run0.");
    ASSERT_TRUE(r.has_value());
    expectSameTensor(r->logits, run.logits, "logits");
    expectSameTensor(r->hidden, run.hidden, "hidden");
    expectSameTensor(r->embeddings, run.embeddings, "embeddings");
    EXPECT_EQ(r->positions, run.positions);
    ASSERT_EQ(r->layers.size(), run.layers.size());
    for (size_t i = 0; i < run.layers.size(); ++i) {
        EXPECT_EQ(r->layers[i].layer, run.layers[i].layer);
        EXPECT_EQ(r->layers[i].positions, run.layers[i].positions);
        expectSameTensor(r->layers[i].attention, run.layers[i].attention, "attention");
        expectSameTensor(r->layers[i].scores, run.layers[i].scores, "scores");
        expectSameTensor(r->layers[i].residual, run.layers[i].residual, "residual");
    }
    EXPECT_FALSE(store::getRunResult(back, "run1.").has_value());
    fs::remove(file);
}

TEST(RunResultStore, ReplacingAResultDropsTheOldLayers) {
    model::RunResult a;
    a.positions = {0, 1};
    a.logits = Tensor({2}, {1.f, 2.f});
    a.layers.resize(3);
    for (auto& c : a.layers) c.positions = {0, 1};
    store::Session s;
    store::putRunResult(s, "r.", a);
    model::RunResult b = a;
    b.layers.resize(1);
    store::putRunResult(s, "r.", b);
    EXPECT_EQ(s.tensors.count("r.layer2.positions"), 0u);
    EXPECT_EQ(store::getRunResult(s, "r.")->layers.size(), 1u);
    // A non-integer position is refused.
    s.tensors["r.positions"] = Tensor({1}, {0.5f});
    EXPECT_THROW(store::getRunResult(s, "r."), std::invalid_argument);
}
