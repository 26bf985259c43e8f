// Model folders: finding config / weights / vocab / tokenization, loading and binding them.

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "checkpoint/SafeTensors.h"
#include "io/GraphIO.h"
#include "model/ModelFolder.h"

using namespace gts;
using namespace gts::model;
namespace fs = std::filesystem;

namespace {

const fs::path kTinyPretrain = fs::path(GTS_FIXTURES_DIR) / "model-folder" / "tiny-pretrain";

// vocab 6, hidden 4, intermediate 8, 1 layer, 2 heads of dim 2, a regression head.
const char* kConfig = R"({"vocab_size": 6, "hidden_size": 4, "intermediate_size": 8,
  "num_hidden_layers": 1, "num_attention_heads": 2, "problem_type": "regression"})";
// embed 24, norms 3*4, q/k/v/o 4*16, gate/up/down 3*32, score 4 + 1.
constexpr int64_t kTaskParameters = 24 + 12 + 64 + 96 + 5;

void writeText(const fs::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary) << text;
}

Tensor ramp(Tensor::Shape shape, float start) {
    Tensor t(std::move(shape));
    for (size_t i = 0; i < t.size(); ++i) t.mutableData()[i] = start + 0.01f * float(i);
    return t;
}

std::map<std::string, Tensor> taskTensors() {
    std::map<std::string, Tensor> t;
    t["model.embed_tokens.weight"] = ramp({6, 4}, 0);
    t["model.layers.0.input_layernorm.weight"] = ramp({4}, 1);
    for (const char* p : {"q", "k", "v", "o"})
        t[std::string("model.layers.0.self_attn.") + p + "_proj.weight"] = ramp({4, 4}, 2);
    t["model.layers.0.post_attention_layernorm.weight"] = ramp({4}, 3);
    t["model.layers.0.mlp.gate_proj.weight"] = ramp({8, 4}, 4);
    t["model.layers.0.mlp.up_proj.weight"] = ramp({8, 4}, 5);
    t["model.layers.0.mlp.down_proj.weight"] = ramp({4, 8}, 6);
    t["model.norm.weight"] = ramp({4}, 7);
    t["score.weight"] = ramp({1, 4}, 8);
    t["score.bias"] = ramp({1}, 9);
    return t;
}

class ModelFolderTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("gts_model_folder_" + std::to_string(::getpid()) + "_" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    /// A complete task-model folder: config.json, model.safetensors, vocab.
    void writeTaskFolder() {
        writeText(dir_ / "config.json", kConfig);
        checkpoint::writeSafeTensors(dir_ / "model.safetensors", taskTensors());
        writeText(dir_ / "vocab", "a 1\nb 2\nc 5\n");
    }

    fs::path dir_;
};

template <typename Error>
void expectError(const fs::path& path, std::initializer_list<std::string> fragments) {
    try {
        loadGraphGptModel(path);
        ADD_FAILURE() << "loaded " << path;
    } catch (const Error& e) {
        for (const std::string& f : fragments)
            EXPECT_NE(std::string(e.what()).find(f), std::string::npos)
                << "message: " << e.what() << "\nexpected fragment: " << f;
    }
}

}  // namespace

TEST_F(ModelFolderTest, LoadsSafeTensorsFolder) {
    writeTaskFolder();
    const auto model = loadGraphGptModel(dir_);
    EXPECT_EQ(model->files.weights, dir_ / "model.safetensors");
    ASSERT_TRUE(model->files.vocab.has_value());
    EXPECT_EQ(*model->files.vocab, dir_ / "vocab");
    EXPECT_TRUE(model->hasVocab);
    EXPECT_EQ(model->vocab.maxId(), 5);
    EXPECT_EQ(model->weights.head, HeadKind::Task);
    EXPECT_EQ(model->config.effectiveProblemType(), ProblemType::Regression);
    EXPECT_EQ(model->weights.parameterCount(), kTaskParameters);
    EXPECT_FLOAT_EQ(model->weights.score[0].bias->data()[0], 9.0f);
    EXPECT_FLOAT_EQ(model->weights.layers[0].down.weight.data()[3], 6.03f);
    // No tokenization.json: GraphGPT's pcqm4m-v2 settings.
    EXPECT_FALSE(model->hasTokenizationFile);
    EXPECT_EQ(model->tokenization.nodeScope, TokenizeOptions{}.nodeScope);
    EXPECT_EQ(model->tokenization.layout, TokenLayout::Stacked);

    // The weights file given directly finds its config beside it.
    EXPECT_EQ(loadGraphGptModel(dir_ / "model.safetensors")->weights.parameterCount(),
              kTaskParameters);
}

TEST_F(ModelFolderTest, LocatesByPriority) {
    writeTaskFolder();
    writeText(dir_ / "model.pt", "not used");
    writeText(dir_ / "tokenization.json", R"({"node_scope": 32})");
    ModelFiles f = locateModelFiles(dir_);
    EXPECT_EQ(f.weights, dir_ / "model.safetensors");
    EXPECT_EQ(f.tokenization, dir_ / "tokenization.json");
    EXPECT_EQ(loadGraphGptModel(dir_)->tokenization.nodeScope, 32u);
    fs::remove(dir_ / "vocab");
    writeText(dir_ / "pcqm.vocab", "a 1\n");
    EXPECT_EQ(locateModelFiles(dir_).vocab, dir_ / "pcqm.vocab");
    writeText(dir_ / "other.vocab", "a 1\n");
    EXPECT_FALSE(locateModelFiles(dir_).vocab.has_value());  // two candidates: neither
    const auto model = loadGraphGptModel(dir_);
    EXPECT_FALSE(model->hasVocab);
}

TEST_F(ModelFolderTest, TellsModelsFromGraphs) {
    EXPECT_FALSE(isModelPath(dir_));  // empty folder: could be an OGB folder
    writeText(dir_ / "edge.csv", "0,1\n");
    EXPECT_FALSE(isModelPath(dir_));
    writeText(dir_ / "pytorch_model.bin", "x");
    EXPECT_TRUE(isModelPath(dir_));  // weights without config: a model (that lacks its config)
    EXPECT_TRUE(isModelPath(dir_ / "a.safetensors"));
    EXPECT_TRUE(isModelPath(dir_ / "model.safetensors.index.json"));
    EXPECT_TRUE(isModelPath(dir_ / "x.pt"));
    EXPECT_FALSE(isModelPath(dir_ / "graph.json"));
    EXPECT_FALSE(isModelPath(dir_ / "mol.sdf"));
}

TEST_F(ModelFolderTest, MissingFilesAreNamed) {
    expectError<io::FileError>(dir_, {dir_.string(), "no model weights", "model.safetensors"});
    checkpoint::writeSafeTensors(dir_ / "model.safetensors", taskTensors());
    expectError<io::FileError>(dir_, {"config.json", "missing"});
    expectError<io::FileError>(dir_ / "nowhere", {"nowhere", "no such file"});
    writeText(dir_ / "notes.txt", "x");
    expectError<io::FileError>(dir_ / "notes.txt", {"notes.txt", "not a model"});
}

TEST_F(ModelFolderTest, BadContentIsNamed) {
    writeTaskFolder();
    writeText(dir_ / "vocab", "a 1\nb 6\n");  // id 6 needs vocab_size 7
    expectError<io::ParseError>(dir_, {"vocab", "id 6", "vocab_size 6"});
    writeText(dir_ / "vocab", "a 1\n");
    writeText(dir_ / "config.json", R"({"vocab_size": 6, "hidden_size": 4,
        "intermediate_size": 8, "num_hidden_layers": 2, "num_attention_heads": 2})");
    expectError<io::ParseError>(dir_, {"model.safetensors", "missing tensor model.layers.1."});
    writeText(dir_ / "config.json", "{\"vocab_size\": 6,");
    expectError<io::ParseError>(dir_, {"config.json", "not JSON"});
    writeText(dir_ / "config.json", kConfig);
    writeText(dir_ / "tokenization.json", R"({"cylic": true})");
    expectError<io::ParseError>(dir_, {"tokenization.json", "cylic"});
}

TEST_F(ModelFolderTest, TorchCheckpointFolder) {
    // tests/fixtures/model-folder/make_model_folder.py: hidden 8, intermediate 16, 2 layers,
    // 2 heads of dim 4 over 1 kv head, stacked_feat 2 gated, layer scale, next_n_token 2.
    const auto model = loadGraphGptModel(kTinyPretrain);
    EXPECT_EQ(model->files.weights, kTinyPretrain / "model.pt");
    EXPECT_EQ(model->weights.head, HeadKind::Pretrain);
    EXPECT_EQ(model->config.nextNToken, 2);
    EXPECT_EQ(model->config.numKvHeads, 1);
    EXPECT_EQ(model->weights.layers[1].k.weight.shape(), (Tensor::Shape{4, 8}));
    ASSERT_TRUE(model->weights.stackedFeatAgg.has_value());
    ASSERT_TRUE(model->weights.layers[0].lambda1.has_value());
    // embed 12*8 + agg 2*8 + 2 * (norms 16 + q 64 + k 32 + v 32 + o 64 + mlp 3*128 + lambdas 16)
    // + final norm 8 + n_token_proj 16*8 + lm_head 12*8 = 1560 (rotary inv_freq is no parameter).
    EXPECT_EQ(model->weights.parameterCount(), 1560);
    EXPECT_TRUE(model->hasVocab);
    EXPECT_EQ(model->vocab.maxId(), 11);
    EXPECT_TRUE(model->hasTokenizationFile);
    EXPECT_EQ(model->tokenization.nodeScope, 4u);
    EXPECT_EQ(model->tokenization.reindex, ReindexMode::Sequential);
    EXPECT_TRUE(model->tokenization.addEos);

    // The same tensors through safetensors bind to the same values.
    const std::map<std::string, Tensor> tensors = readCheckpointTensors(kTinyPretrain / "model.pt");
    checkpoint::writeSafeTensors(dir_ / "model.safetensors", tensors);
    fs::copy_file(kTinyPretrain / "config.json", dir_ / "config.json");
    const auto back = loadGraphGptModel(dir_);
    EXPECT_EQ(back->weights.parameterCount(), 1560);
    const Tensor& a = model->weights.layers[1].gate.weight;
    const Tensor& b = back->weights.layers[1].gate.weight;
    ASSERT_EQ(a.shape(), b.shape());
    for (size_t i = 0; i < a.size(); ++i) ASSERT_EQ(a.data()[i], b.data()[i]);
}
