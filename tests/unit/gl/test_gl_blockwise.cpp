// The GPU backend's blockwise attention (shaders/compute/attention_block.comp: key blocks in
// shared memory merged by the log-sum-exp rule, issue 9): the kernel against softmax attention
// computed in double; the whole forward blockwise on the GPU against the GPU's dense path and the
// CPU backend on every model fixture (outputs within 1e-4, attention within 1e-5), with ragged
// blocks, causal masks, GQA, head masks, keep-sets and trailing pads; deferred layers whose rows
// recompute to the CPU's attention; and a 3,000-position causal GQA model where the GPU's and the
// CPU's blockwise forwards and deferred rows agree.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "checkpoint/SafeTensors.h"
#include "model/Backend.h"
#include "model/ModelFolder.h"
#include "model/Run.h"

#ifdef GTS_HAVE_GL
#include "backend/gl/GlDevice.h"
#include "backend/gl/GlKernels.h"
#endif

using namespace gts;
using namespace gts::model;
namespace fs = std::filesystem;

namespace {

const fs::path kFixtures = fs::path(GTS_FIXTURES_DIR) / "model";
constexpr float kOutputTolerance = 1e-4f;
constexpr float kAttentionTolerance = 1e-5f;

#define REQUIRE_GPU()                                                              \
    if (const std::string why = gpuUnavailableReason(); !why.empty())              \
    GTEST_SKIP() << "no GPU backend here: " << why

std::vector<std::string> fixtureNames() {
    std::vector<std::string> names;
    if (!fs::exists(kFixtures)) return names;
    for (const auto& entry : fs::directory_iterator(kFixtures))
        if (fs::exists(entry.path() / "config.json") && fs::exists(entry.path() / "inputs.json"))
            names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

std::vector<SequenceInput> readInputs(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    const nlohmann::json doc = nlohmann::json::parse(ss.str());  // outlives the loop
    std::vector<SequenceInput> inputs;
    for (const auto& seq : doc.at("sequences")) {
        SequenceInput input;
        for (const auto& pos : seq.at("ids")) input.ids.push_back(pos.get<std::vector<int32_t>>());
        inputs.push_back(std::move(input));
    }
    return inputs;
}

/// max |a − b|; NaN when the shapes differ (fails every bound). Equal values (also −inf) count 0.
double maxDiff(const float* a, const float* b, size_t n) {
    double worst = 0.0;
    for (size_t i = 0; i < n; ++i) {
        if (a[i] == b[i]) continue;
        const double d = std::abs(static_cast<double>(a[i]) - b[i]);
        if (!(d <= worst)) worst = d;
    }
    return worst;
}

double maxDiff(const Tensor& a, const Tensor& b) {
    if (a.shape() != b.shape()) return NAN;
    return maxDiff(a.data(), b.data(), a.size());
}

/// Outputs and the captures blockwise attention allows (no S×S maps) of two runs.
void expectSameOutputs(const std::vector<RunResult>& got, const std::vector<RunResult>& want,
                       const std::string& label) {
    ASSERT_EQ(got.size(), want.size()) << label;
    for (size_t s = 0; s < got.size(); ++s) {
        const std::string seq = label + ", sequence " + std::to_string(s);
        EXPECT_LE(maxDiff(got[s].logits, want[s].logits), kOutputTolerance) << seq << " logits";
        EXPECT_LE(maxDiff(got[s].tokenLogits, want[s].tokenLogits), kOutputTolerance) << seq << " tokenLogits";
        EXPECT_LE(maxDiff(got[s].hidden, want[s].hidden), kOutputTolerance) << seq << " hidden";
        EXPECT_EQ(got[s].positions, want[s].positions) << seq;
        ASSERT_EQ(got[s].layers.size(), want[s].layers.size()) << seq;
        for (size_t l = 0; l < got[s].layers.size(); ++l) {
            const auto &g = got[s].layers[l], &w = want[s].layers[l];
            const std::string at = seq + ", layer " + std::to_string(w.layer);
            EXPECT_EQ(g.positions, w.positions) << at;
            EXPECT_LE(maxDiff(g.residual, w.residual), kOutputTolerance) << at << " residual";
            EXPECT_LE(maxDiff(g.headOutputs, w.headOutputs), kOutputTolerance) << at << " headOutputs";
            EXPECT_LE(maxDiff(g.keys, w.keys), kOutputTolerance) << at << " keys";
        }
    }
}

std::vector<RunResult> onGpu(const GraphGptModel& model, const std::vector<SequenceInput>& inputs,
                             const RunOptions& options) {
    auto run = runModel(model, inputs, options, Backend::Gpu);
    EXPECT_EQ(run.ran, Backend::Gpu);
    return std::move(run.results);
}

RunOptions withBlock(int block) {
    RunOptions o;
    o.captureResidual = o.captureHeadOutputs = o.captureKeys = true;
    o.attentionBlock = block;
    return o;
}

#ifdef GTS_HAVE_GL
using backend::gl::GlDevice;
using backend::gl::Kernels;

std::vector<float> randomValues(size_t count, unsigned seed, float scale) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(-scale, scale);
    std::vector<float> v(count);
    for (float& x : v) x = dist(rng);
    return v;
}

struct KernelCase {
    int S, H, KV, d, keyBlock;
    bool causal;
};

/// attention_block.comp against softmax(q_i K_gᵀ/√d + causal mask) V_g and log Σ_j exp(s_ij)
/// written out in double, on shapes that neither its 64-row query tiles nor its key blocks
/// divide: one-key blocks, blocks clamped by the shared tile (d = 128: 16 keys), GQA; and
/// sequences long enough to take several dispatches (llvmpipe silently cut one dispatch's loops
/// after 65,535 iterations: S ≥ 1,800 at d = 64 lost its last key blocks).
TEST(GlBlockwiseKernel, MatchesSoftmaxAttentionInDouble) {
    if (!GlDevice::instance().available())
        GTEST_SKIP() << "no OpenGL 4.3 context: " << GlDevice::instance().unavailableReason();
    const KernelCase cases[] = {{150, 4, 2, 12, 7, false}, {150, 4, 2, 12, 7, true},  {65, 2, 1, 128, 0, true},
                                {70, 3, 3, 5, 1, false},    {200, 2, 2, 33, 64, true}, {1, 2, 1, 8, 3, true},
                                {520, 1, 1, 64, 0, false},  {600, 2, 1, 64, 0, true},  {4100, 1, 1, 8, 0, false},
                                {40, 1, 1, 300, 0, true}, {2048, 2, 1, 64, 0, true}, {2048, 1, 1, 64, 0, false}, {1500, 1, 1, 64, 0, false},
                                {5000, 1, 1, 64, 3, true}};
    unsigned seed = 40;
    for (const auto& c : cases) {
        const std::string label = "S " + std::to_string(c.S) + ", H " + std::to_string(c.H) + ", KV " +
                                  std::to_string(c.KV) + ", d " + std::to_string(c.d) + ", block " +
                                  std::to_string(c.keyBlock) + (c.causal ? ", causal" : "");
        // Queries scaled up so that rows are peaked and the merge's rescaling matters.
        const auto q = randomValues(size_t(c.S) * c.H * c.d, ++seed, 3.0f);
        const auto k = randomValues(size_t(c.S) * c.KV * c.d, ++seed, 1.0f);
        const auto v = randomValues(size_t(c.S) * c.KV * c.d, ++seed, 1.0f);
        const float scale = 1.0f / std::sqrt(static_cast<float>(c.d));
        std::vector<float> out, lse;
        GlDevice::instance().run([&] {
            auto& kernels = Kernels::get();
            backend::gl::Buffer bq = backend::gl::Buffer::of(q, "q"), bk = backend::gl::Buffer::of(k, "k"),
                                bv = backend::gl::Buffer::of(v, "v"), bo(q.size() * 4, "out"),
                                bl(size_t(c.H) * c.S * 4, "lse");
            kernels.attentionBlock(bq, bk, bv, bo, &bl, c.S, c.H, c.KV, c.d, c.keyBlock, scale, c.causal);
            out = bo.floats(q.size());
            lse = bl.floats(size_t(c.H) * c.S);
        });
        double worstOut = 0.0, worstLse = 0.0;
        for (int h = 0; h < c.H; ++h) {
            const int g = h / (c.H / c.KV);
            for (int i = 0; i < c.S; ++i) {
                const int allowed = c.causal ? i + 1 : c.S;
                std::vector<double> s(static_cast<size_t>(allowed));
                double m = -std::numeric_limits<double>::infinity();
                for (int j = 0; j < allowed; ++j) {
                    double dot = 0.0;
                    for (int e = 0; e < c.d; ++e)
                        dot += double(q[(size_t(i) * c.H + h) * c.d + e]) * k[(size_t(j) * c.KV + g) * c.d + e];
                    s[size_t(j)] = dot * scale;
                    m = std::max(m, s[size_t(j)]);
                }
                double sum = 0.0;
                for (double& x : s) sum += (x = std::exp(x - m));
                // lse relative to its size (≈ 10 here; 1,667 float merges at S = 5,000 with 3-key blocks).
                const double wantLse = m + std::log(sum);
                worstLse = std::max(worstLse, std::abs(lse[size_t(h) * c.S + i] - wantLse) / std::max(1.0, std::abs(wantLse)));
                for (int e = 0; e < c.d; ++e) {
                    double o = 0.0;
                    for (int j = 0; j < allowed; ++j) o += s[size_t(j)] / sum * v[(size_t(j) * c.KV + g) * c.d + e];
                    worstOut = std::max(worstOut, std::abs(out[(size_t(i) * c.H + h) * c.d + e] - o));
                }
            }
        }
        EXPECT_LT(worstOut, 1e-5) << label;
        EXPECT_LT(worstLse, 1e-5) << label << " (lse, relative)";
    }
}

TEST(GlBlockwiseKernel, KeyBlocksFitTheSharedTiles) {
    using backend::gl::blockAttentionKeyRows;
    using backend::gl::blockAttentionQueryRows;
    EXPECT_EQ(blockAttentionQueryRows(8), 32);     // at most 32 query rows
    EXPECT_EQ(blockAttentionQueryRows(64), 16);    // 1,024 query floats / 64
    EXPECT_EQ(blockAttentionQueryRows(1024), 1);
    EXPECT_EQ(blockAttentionKeyRows(0, 8), 32);    // 1,024 score floats / 32 query rows
    EXPECT_EQ(blockAttentionKeyRows(0, 64), 32);   // 2,048 key floats / 64
    EXPECT_EQ(blockAttentionKeyRows(0, 128), 16);
    EXPECT_EQ(blockAttentionKeyRows(0, 1024), 2);
    EXPECT_EQ(blockAttentionKeyRows(7, 12), 7);
    EXPECT_EQ(blockAttentionKeyRows(100, 12), 32);
    EXPECT_EQ(blockAttentionKeyRows(40, 100), 20);
    // A dispatch covers whole key blocks, at least one, within the loop budget (d = 64: 16 query
    // rows, 32-key blocks: 32 + 8 · 65 + 66 + 16 · 33 + 1 = 1,147 iterations per block, 14 blocks
    // in 16,384).
    using backend::gl::blockAttentionKeysPerDispatch;
    EXPECT_EQ(blockAttentionKeysPerDispatch(64, 0), 14 * 32);
    EXPECT_EQ(blockAttentionKeysPerDispatch(64, 7) % 7, 0);
    EXPECT_GE(blockAttentionKeysPerDispatch(1024, 0), blockAttentionKeyRows(0, 1024));
}

TEST(GlBlockwiseKernel, RefusesHeadsWiderThanItsRegisters) {
    if (!GlDevice::instance().available())
        GTEST_SKIP() << "no OpenGL 4.3 context: " << GlDevice::instance().unavailableReason();
    const int d = backend::gl::kBlockAttentionMaxHeadDim + 1;
    EXPECT_THROW(GlDevice::instance().run([&] {
        backend::gl::Buffer b(size_t(4) * d * 4, "x");
        Kernels::get().attentionBlock(b, b, b, b, nullptr, 4, 1, 1, d, 0, 1.0f, false);
    }),
                 backend::gl::GpuUnsupported);
}
#endif

class GpuBlockwise : public ::testing::TestWithParam<std::string> {};

/// Blockwise on the GPU (blocks that divide no sequence, and one key at a time) = the GPU's dense
/// path = the CPU backend blockwise with the same blocks.
TEST_P(GpuBlockwise, EqualsGpuDenseAndCpu) {
    REQUIRE_GPU();
    const auto model = loadGraphGptModel(kFixtures / GetParam() / "model.safetensors");
    const auto inputs = readInputs(kFixtures / GetParam() / "inputs.json");
    ASSERT_FALSE(inputs.empty());
    const auto dense = onGpu(*model, inputs, withBlock(-1));
    for (int block : {1, 3, 7}) {
        const auto gpu = onGpu(*model, inputs, withBlock(block));
        const std::string label = GetParam() + ", block " + std::to_string(block);
        expectSameOutputs(gpu, dense, label + " vs GPU dense");
        expectSameOutputs(gpu, runGraphGpt(*model, inputs, withBlock(block)), label + " vs CPU");
    }
}

/// Head masks and keep-sets apply to blockwise layers as to dense ones.
TEST_P(GpuBlockwise, HeadMasksAndKeepSetsApply) {
    REQUIRE_GPU();
    const auto model = loadGraphGptModel(kFixtures / GetParam() / "model.safetensors");
    const auto inputs = readInputs(kFixtures / GetParam() / "inputs.json");
    RunOptions options = withBlock(2);
    options.headMask.assign(1, std::vector<bool>(static_cast<size_t>(model->config.numHeads), false));
    options.headMask[0][0] = true;
    const auto S = static_cast<int32_t>(inputs[0].ids.size());
    if (model->config.numLayers > 1) {
        options.keepTokens.resize(static_cast<size_t>(model->config.numLayers));
        for (int32_t p = 0; p < S - 1; p += 2) options.keepTokens[1].push_back(p);
        options.keepTokens[1].push_back(S - 1);
    }
    const auto gpu = onGpu(*model, {inputs[0]}, options);
    expectSameOutputs(gpu, runGraphGpt(*model, {inputs[0]}, options), GetParam() + " interventions vs CPU");
    RunOptions dense = options;
    dense.attentionBlock = -1;
    expectSameOutputs(gpu, onGpu(*model, {inputs[0]}, dense), GetParam() + " interventions vs GPU dense");
}

/// Trailing pad positions (what a batch pads shorter sequences with) change nothing: the padded
/// run, blockwise, equals the unpadded one and the CPU's.
TEST_P(GpuBlockwise, TrailingPadsChangeNothing) {
    REQUIRE_GPU();
    const auto model = loadGraphGptModel(kFixtures / GetParam() / "model.safetensors");
    auto inputs = readInputs(kFixtures / GetParam() / "inputs.json");
    const auto plain = onGpu(*model, inputs, withBlock(5));
    for (auto& input : inputs) {
        const size_t width = input.ids.front().size();
        for (int p = 0; p < 9; ++p) input.ids.emplace_back(width, model->config.padTokenId);
    }
    const auto padded = onGpu(*model, inputs, withBlock(5));
    expectSameOutputs(padded, plain, GetParam() + " padded vs unpadded");
    expectSameOutputs(padded, runGraphGpt(*model, inputs, withBlock(5)), GetParam() + " padded vs CPU");
}

/// Every layer over the budget: the GPU keeps queries and keys (and runs blockwise), and the rows
/// recomputed from them equal the CPU's full attention maps within 1e-5.
TEST_P(GpuBlockwise, DeferredRowsEqualTheCpuAttention) {
    REQUIRE_GPU();
    const auto model = loadGraphGptModel(kFixtures / GetParam() / "model.safetensors");
    const auto inputs = readInputs(kFixtures / GetParam() / "inputs.json");
    RunOptions full;
    full.captureAttention = true;
    const auto cpu = runGraphGpt(*model, inputs, full);
    RunOptions budget = full;
    budget.attentionBudgetBytes = 1;
    const auto gpu = onGpu(*model, inputs, budget);
    ASSERT_EQ(gpu.size(), cpu.size());
    for (size_t s = 0; s < gpu.size(); ++s) {
        EXPECT_LE(maxDiff(gpu[s].logits, cpu[s].logits), kOutputTolerance) << GetParam() << " sequence " << s;
        ASSERT_EQ(gpu[s].layers.size(), cpu[s].layers.size());
        for (size_t l = 0; l < gpu[s].layers.size(); ++l) {
            const auto& c = gpu[s].layers[l];
            ASSERT_TRUE(c.attentionDeferred) << "layer " << l;
            EXPECT_EQ(c.attention.size(), 0u);
            const auto S = static_cast<int64_t>(c.positions.size());
            for (int h = 0; h < model->config.numHeads; ++h) {
                const auto rows = attentionRows(*model, c, h, 0, S);
                ASSERT_EQ(rows.size(), static_cast<size_t>(S * S));
                const float* want = cpu[s].layers[l].attention.data() + static_cast<size_t>(h) * S * S;
                EXPECT_LE(maxDiff(rows.data(), want, rows.size()), kAttentionTolerance)
                    << GetParam() << " sequence " << s << " layer " << l << " head " << h;
            }
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, GpuBlockwise, ::testing::ValuesIn(fixtureNames()), [](const auto& param) {
    std::string n = param.param;
    for (char& ch : n)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
    return n;
});

TEST(GpuBlockwiseFixtures, Exist) { EXPECT_GE(fixtureNames().size(), 5u); }

/// A causal GQA model with 64-wide heads (2 layers, hidden 128, 2 query heads on 1 kv head,
/// random weights scaled by 1/√fan_in), written to a temporary folder and loaded.
std::shared_ptr<const GraphGptModel> longSequenceModel() {
    constexpr int64_t kHidden = 128, kIntermediate = 256, kLayers = 2, kHeads = 2, kKvHeads = 1, kVocab = 64;
    const fs::path dir = fs::temp_directory_path() / ("gts-test-gl-blockwise-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::ofstream(dir / "config.json")
        << "{\"model_type\":\"graphgpt\",\"vocab_size\":" << kVocab << ",\"hidden_size\":" << kHidden
        << ",\"intermediate_size\":" << kIntermediate << ",\"num_hidden_layers\":" << kLayers
        << ",\"num_attention_heads\":" << kHeads << ",\"num_key_value_heads\":" << kKvHeads
        << ",\"max_position_embeddings\":4096,\"hidden_act\":\"silu\",\"rms_norm_eps\":1e-6,"
           "\"rope_theta\":10000.0,\"causal_attention\":true,\"stacked_feat\":1,\"pad_token_id\":0,"
           "\"num_labels\":1,\"problem_type\":\"regression\"}";
    std::mt19937_64 rng(23);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::map<std::string, Tensor> tensors;
    auto add = [&](const std::string& name, std::vector<int64_t> shape) {
        const bool norm = name.find("norm") != std::string::npos;
        const float scale = 1.0f / std::sqrt(static_cast<float>(shape.back()));
        Tensor t(shape);
        for (size_t i = 0; i < t.size(); ++i) t.mutableData()[i] = norm ? 1.0f : scale * normal(rng);
        tensors.emplace(name, std::move(t));
    };
    const int64_t headDim = kHidden / kHeads;
    add("model.embed_tokens.weight", {kVocab, kHidden});
    for (int l = 0; l < kLayers; ++l) {
        const std::string p = "model.layers." + std::to_string(l) + ".";
        add(p + "input_layernorm.weight", {kHidden});
        add(p + "post_attention_layernorm.weight", {kHidden});
        add(p + "self_attn.q_proj.weight", {kHidden, kHidden});
        add(p + "self_attn.k_proj.weight", {kKvHeads * headDim, kHidden});
        add(p + "self_attn.v_proj.weight", {kKvHeads * headDim, kHidden});
        add(p + "self_attn.o_proj.weight", {kHidden, kHidden});
        add(p + "mlp.gate_proj.weight", {kIntermediate, kHidden});
        add(p + "mlp.up_proj.weight", {kIntermediate, kHidden});
        add(p + "mlp.down_proj.weight", {kHidden, kIntermediate});
    }
    add("model.norm.weight", {kHidden});
    add("score.weight", {1, kHidden});
    checkpoint::writeSafeTensors(dir / "model.safetensors", tensors);
    auto model = loadGraphGptModel(dir);
    fs::remove_all(dir);
    return model;
}

/// 3,000 positions (over the dense limit of 512, so both backends run blockwise by default; no
/// block size divides it): the GPU's forward equals the CPU's, every layer is deferred under a
/// small budget on both, and rows recomputed from the GPU's queries and keys (first, middle,
/// last query: 1, 1,501 and 3,000 keys seen under the causal mask) equal the CPU's.
TEST(GpuBlockwiseLong, ThreeThousandPositionsMatchTheCpu) {
    REQUIRE_GPU();
    const auto model = longSequenceModel();
    ASSERT_EQ(model->config.headDim, 64);
    constexpr int64_t S = 3000;
    std::mt19937 rng(11);
    std::uniform_int_distribution<int32_t> id(1, model->config.vocabSize - 1);
    SequenceInput input;
    for (int64_t p = 0; p < S; ++p) input.ids.push_back({id(rng)});
    RunOptions options;
    options.captureAttention = true;
    options.attentionBudgetBytes = 1 << 20;  // less than one layer's 2 × 3,000² floats
    const auto gpu = onGpu(*model, {input}, options)[0];
    const auto cpu = runGraphGpt(*model, {input}, options)[0];
    EXPECT_LE(maxDiff(gpu.hidden, cpu.hidden), kOutputTolerance);
    EXPECT_LE(maxDiff(gpu.logits, cpu.logits), kOutputTolerance);
    ASSERT_EQ(gpu.layers.size(), 2u);
    for (size_t l = 0; l < gpu.layers.size(); ++l) {
        const auto &g = gpu.layers[l], &c = cpu.layers[l];
        ASSERT_TRUE(g.attentionDeferred && c.attentionDeferred) << "layer " << l;
        EXPECT_LE(maxDiff(g.queries, c.queries), kOutputTolerance) << "layer " << l;
        EXPECT_LE(maxDiff(g.keys, c.keys), kOutputTolerance) << "layer " << l;
        for (int h = 0; h < model->config.numHeads; ++h)
            for (int64_t row : {int64_t{0}, S / 2, S - 1}) {
                const auto a = attentionRows(*model, g, h, row, 1), b = attentionRows(*model, c, h, row, 1);
                ASSERT_EQ(a.size(), static_cast<size_t>(S));
                EXPECT_LE(maxDiff(a.data(), b.data(), a.size()), kAttentionTolerance)
                    << "layer " << l << " head " << h << " row " << row;
                EXPECT_GT(a[static_cast<size_t>(row)], 0.0f);
                if (row + 1 < S) {  // the causal mask (attentionRows' exp(−inf) may give a denormal)
                    EXPECT_LT(a[static_cast<size_t>(row + 1)], 1e-30f) << "row " << row;
                }
            }
    }
    // Without captures the default (blockwise above 512 positions) gives the same forward.
    const auto plain = onGpu(*model, {input}, {})[0];
    EXPECT_LE(maxDiff(plain.hidden, gpu.hidden), kOutputTolerance);
}

#ifdef GTS_HAVE_GL
/// Where one head's S×S map passes the driver's storage-block limit, dense GPU attention is
/// refused but the default runs blockwise on the GPU and agrees with the CPU.
TEST(GpuBlockwiseLong, RunsWhereDenseMapsDoNotFit) {
    REQUIRE_GPU();
    const auto model = loadGraphGptModel(kFixtures / "finetune_classify_mlp_long_gqa" / "model.safetensors");
    int64_t blockBytes = 0;
    GlDevice::instance().run([&] { blockBytes = GlDevice::instance().limits().maxStorageBlockBytes; });
    const auto S = static_cast<int64_t>(std::sqrt(static_cast<double>(blockBytes) / sizeof(float))) + 1;
    if (S > 8192) GTEST_SKIP() << "this driver takes a " << S - 1 << "-position map in one storage block";
    std::mt19937 rng(3);
    std::uniform_int_distribution<int32_t> id(1, model->config.vocabSize - 1);
    SequenceInput input;
    const size_t width = static_cast<size_t>(std::max(1, model->config.stackedFeat));
    for (int64_t p = 0; p < S; ++p) {
        std::vector<int32_t> slots(width);
        for (auto& x : slots) x = id(rng);
        input.ids.push_back(slots);
    }
    RunOptions dense;
    dense.attentionBlock = -1;
    try {
        runModel(*model, {input}, dense, Backend::Gpu);
        ADD_FAILURE() << "dense attention over " << S << " positions ran on the GPU";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("per storage block"), std::string::npos) << e.what();
    }
    const auto gpu = onGpu(*model, {input}, {});
    const auto cpu = runGraphGpt(*model, {input}, {});
    EXPECT_LE(maxDiff(gpu[0].logits, cpu[0].logits), kOutputTolerance);
    EXPECT_LE(maxDiff(gpu[0].hidden, cpu[0].hidden), kOutputTolerance);
}
#endif

}  // namespace
