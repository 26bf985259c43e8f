// The GPU backend (OpenGL compute, core/backend/gl) against the CPU backend on the same inputs
// (issue 9). Synthetic model written once to a temporary folder: hidden 256, intermediate
// 1,024, 8 layers, 8 heads with 2 kv heads (GQA), stacked ids of width 4, a regression head;
// random weights (the values do not change the cost). Shapes: 8 sequences x 128 positions (a
// batch of molecules), 1 x 512 and 1 x 1,024 (one large subgraph). Both backends return the
// same results (test_gl_forward); the weights are uploaded by the warm-up run, so iterations
// time the forward and the read-back of the outputs only.
//
// On Mesa llvmpipe (CI, this machine) the "GPU" is the CPU again, through a shader JIT: expect
// it slower than the Eigen path. On a real GPU run the same suite, or from the CLI:
//   gtscope-cli bench MODEL --graphs FILE --backend gpu

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

#include "model/Backend.h"
#include "model/ModelFolder.h"

namespace {

constexpr int kHidden = 256, kIntermediate = 1024, kLayers = 8, kHeads = 8, kKvHeads = 2, kVocab = 512;
constexpr int kStacked = 4;

/// safetensors: 8-byte little-endian header length, JSON {name: {dtype, shape, data_offsets}},
/// then F32 data; normal weights scaled by 1/√fan_in, norms 1.
void writeWeights(const std::filesystem::path& file,
                  const std::vector<std::pair<std::string, std::vector<int64_t>>>& tensors) {
    std::mt19937_64 rng(19);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::string header = "{";
    std::vector<float> data;
    for (const auto& [name, shape] : tensors) {
        int64_t count = 1;
        std::string dims;
        for (int64_t d : shape) {
            count *= d;
            dims += (dims.empty() ? "" : ",") + std::to_string(d);
        }
        const bool norm = name.find("norm") != std::string::npos;
        const float scale = 1.0f / std::sqrt(static_cast<float>(shape.back()));
        const size_t begin = data.size() * sizeof(float);
        for (int64_t i = 0; i < count; ++i) data.push_back(norm ? 1.0f : scale * normal(rng));
        if (header.size() > 1) header += ",";
        header += "\"" + name + "\":{\"dtype\":\"F32\",\"shape\":[" + dims + "],\"data_offsets\":[" +
                  std::to_string(begin) + "," + std::to_string(data.size() * sizeof(float)) + "]}";
    }
    header += "}";
    while (header.size() % 8 != 0) header += ' ';
    std::ofstream out(file, std::ios::binary);
    const uint64_t n = header.size();
    for (int i = 0; i < 8; ++i) out.put(static_cast<char>((n >> (8 * i)) & 0xff));
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size() * sizeof(float)));
}

std::shared_ptr<const gts::model::GraphGptModel> makeModel() {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("gts-bench-gl-" + std::to_string(static_cast<long>(::getpid())));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "config.json")
        << "{\"model_type\":\"graphgpt\",\"vocab_size\":" << kVocab << ",\"hidden_size\":" << kHidden
        << ",\"intermediate_size\":" << kIntermediate << ",\"num_hidden_layers\":" << kLayers
        << ",\"num_attention_heads\":" << kHeads << ",\"num_key_value_heads\":" << kKvHeads
        << ",\"max_position_embeddings\":2048,\"hidden_act\":\"gelu\",\"rms_norm_eps\":1e-6,"
           "\"rope_theta\":10000.0,\"causal_attention\":false,\"stacked_feat\":"
        << kStacked
        << ",\"stack_method\":\"short\",\"stacked_feat_agg_method\":\"sum\",\"pad_token_id\":0,"
           "\"num_labels\":1,\"problem_type\":\"regression\"}";
    const int64_t headDim = kHidden / kHeads;
    std::vector<std::pair<std::string, std::vector<int64_t>>> tensors;
    tensors.push_back({"model.embed_tokens.weight", {kVocab, kHidden}});
    for (int l = 0; l < kLayers; ++l) {
        const std::string p = "model.layers." + std::to_string(l) + ".";
        tensors.push_back({p + "input_layernorm.weight", {kHidden}});
        tensors.push_back({p + "post_attention_layernorm.weight", {kHidden}});
        tensors.push_back({p + "self_attn.q_proj.weight", {kHidden, kHidden}});
        tensors.push_back({p + "self_attn.k_proj.weight", {kKvHeads * headDim, kHidden}});
        tensors.push_back({p + "self_attn.v_proj.weight", {kKvHeads * headDim, kHidden}});
        tensors.push_back({p + "self_attn.o_proj.weight", {kHidden, kHidden}});
        tensors.push_back({p + "mlp.gate_proj.weight", {kIntermediate, kHidden}});
        tensors.push_back({p + "mlp.up_proj.weight", {kIntermediate, kHidden}});
        tensors.push_back({p + "mlp.down_proj.weight", {kHidden, kIntermediate}});
    }
    tensors.push_back({"model.norm.weight", {kHidden}});
    tensors.push_back({"score.weight", {1, kHidden}});
    writeWeights(dir / "model.safetensors", tensors);
    auto model = gts::model::loadGraphGptModel(dir);
    std::filesystem::remove_all(dir);
    return model;
}

const gts::model::GraphGptModel& benchModel() {
    static const auto model = makeModel();
    return *model;
}

std::vector<gts::model::SequenceInput> inputs(int64_t sequences, int64_t positions) {
    std::mt19937_64 rng(7);
    std::uniform_int_distribution<int32_t> id(1, kVocab - 1);
    std::vector<gts::model::SequenceInput> out(static_cast<size_t>(sequences));
    for (auto& in : out)
        for (int64_t p = 0; p < positions; ++p) {
            std::vector<int32_t> slots(kStacked);
            for (int32_t& s : slots) s = id(rng);
            in.ids.push_back(std::move(slots));
        }
    return out;
}

/// Args: sequences, positions each.
void forward(benchmark::State& state, gts::model::Backend backend) {
    if (backend == gts::model::Backend::Gpu)
        if (const std::string why = gts::model::gpuUnavailableReason(); !why.empty()) {
            state.SkipWithError(("no GPU backend: " + why).c_str());
            return;
        }
    const auto& model = benchModel();
    const auto in = inputs(state.range(0), state.range(1));
    gts::model::RunOptions options;
    gts::model::runModel(model, in, options, backend);  // warm-up: uploads, shader compiles
    for (auto _ : state) benchmark::DoNotOptimize(gts::model::runModel(model, in, options, backend));
    state.counters["positions/s"] = benchmark::Counter(static_cast<double>(state.range(0) * state.range(1)),
                                                       benchmark::Counter::kIsIterationInvariantRate);
    if (backend == gts::model::Backend::Gpu) state.SetLabel(gts::model::gpuDescription());
}

void BM_ForwardCpu(benchmark::State& state) { forward(state, gts::model::Backend::Cpu); }
void BM_ForwardGpu(benchmark::State& state) { forward(state, gts::model::Backend::Gpu); }

void shapes(benchmark::internal::Benchmark* b) {
    b->Args({8, 128})->Args({1, 512})->Args({1, 1024});
    b->Unit(benchmark::kMillisecond)->UseRealTime()->Repetitions(5)->ReportAggregatesOnly(true);
}
BENCHMARK(BM_ForwardCpu)->Apply(shapes);
BENCHMARK(BM_ForwardGpu)->Apply(shapes);

}  // namespace
