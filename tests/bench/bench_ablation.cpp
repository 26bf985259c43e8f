// Causal ablation of every head and layer (issue 7) with and without reuse of the full run's
// activations below the ablated layer (AblationOptions::reuseActivations, RunOptions::resume).
// The model is synthetic, written once to a temporary folder as config.json + model.safetensors
// with random weights (the values do not change the cost): hidden 256, intermediate 1,024,
// 8 layers, 8 heads (GraphGPT's small width; its 768-wide base would take minutes per
// iteration on the 2-core machine), a regression head, one 128-position sequence of stacked
// ids. 64 head runs + 8 layer runs + the full run per iteration. Without reuse that is
// 72 · 8 + 8 = 584 layer evaluations; with reuse ablating layer l runs layers l..7 only:
// 8 · 36 + (36 − 8) + 8 = 324 (a skipped layer itself costs nothing), so ~1.8x is expected.

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

#include "analysis/Ablation.h"
#include "model/ModelFolder.h"

namespace {

constexpr int kHidden = 256, kIntermediate = 1024, kLayers = 8, kHeads = 8, kVocab = 512;
constexpr int kStacked = 4;
constexpr int64_t kPositions = 128;

/// Writes a safetensors file (8-byte little-endian header length, JSON header of
/// {name: {dtype, shape, data_offsets}}, then the F32 data) of random normal weights.
void writeSafetensors(const std::filesystem::path& file,
                      const std::vector<std::pair<std::string, std::vector<int64_t>>>& tensors) {
    std::mt19937_64 rng(11);
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
        const float scale = norm ? 0.0f : 1.0f / std::sqrt(static_cast<float>(shape.back()));
        std::normal_distribution<float> normal(0.0f, 1.0f);
        const size_t begin = data.size() * sizeof(float);
        for (int64_t i = 0; i < count; ++i) data.push_back(norm ? 1.0f : scale * normal(rng));
        const size_t end = data.size() * sizeof(float);
        if (header.size() > 1) header += ",";
        header += "\"" + name + "\":{\"dtype\":\"F32\",\"shape\":[" + dims + "],\"data_offsets\":[" +
                  std::to_string(begin) + "," + std::to_string(end) + "]}";
    }
    header += "}";
    while (header.size() % 8 != 0) header += ' ';
    std::ofstream out(file, std::ios::binary);
    const uint64_t n = header.size();
    unsigned char len[8];
    for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>((n >> (8 * i)) & 0xff);
    out.write(reinterpret_cast<const char*>(len), 8);
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size() * sizeof(float)));
}

struct Setup {
    std::shared_ptr<const gts::model::GraphGptModel> model;
    gts::model::SequenceInput input;

    Setup() {
        const auto dir = std::filesystem::temp_directory_path() /
                         ("gts-bench-ablation-" + std::to_string(static_cast<long>(::getpid())));
        std::filesystem::create_directories(dir);
        std::ofstream(dir / "config.json")
            << "{\"model_type\":\"graphgpt\",\"vocab_size\":" << kVocab << ",\"hidden_size\":" << kHidden
            << ",\"intermediate_size\":" << kIntermediate << ",\"num_hidden_layers\":" << kLayers
            << ",\"num_attention_heads\":" << kHeads << ",\"num_key_value_heads\":" << kHeads
            << ",\"max_position_embeddings\":1024,\"hidden_act\":\"silu\",\"rms_norm_eps\":1e-6,"
               "\"rope_theta\":10000.0,\"causal_attention\":false,\"tie_word_embeddings\":false,"
               "\"attention_bias\":false,\"mlp_bias\":false,\"stacked_feat\":"
            << kStacked
            << ",\"stack_method\":\"short\",\"stacked_feat_agg_method\":\"sum\",\"pad_token_id\":0,"
               "\"next_n_token\":1,\"num_labels\":1,\"problem_type\":\"regression\",\"pooling_method\":\"last\"}";
        std::vector<std::pair<std::string, std::vector<int64_t>>> tensors;
        tensors.push_back({"model.embed_tokens.weight", {kVocab, kHidden}});
        for (int l = 0; l < kLayers; ++l) {
            const std::string p = "model.layers." + std::to_string(l) + ".";
            tensors.push_back({p + "input_layernorm.weight", {kHidden}});
            tensors.push_back({p + "post_attention_layernorm.weight", {kHidden}});
            for (const char* proj : {"q_proj", "k_proj", "v_proj", "o_proj"})
                tensors.push_back({p + "self_attn." + proj + ".weight", {kHidden, kHidden}});
            tensors.push_back({p + "mlp.gate_proj.weight", {kIntermediate, kHidden}});
            tensors.push_back({p + "mlp.up_proj.weight", {kIntermediate, kHidden}});
            tensors.push_back({p + "mlp.down_proj.weight", {kHidden, kIntermediate}});
        }
        tensors.push_back({"model.norm.weight", {kHidden}});
        tensors.push_back({"score.weight", {1, kHidden}});
        writeSafetensors(dir / "model.safetensors", tensors);
        model = gts::model::loadGraphGptModel(dir);
        std::filesystem::remove_all(dir);

        std::mt19937_64 rng(5);
        std::uniform_int_distribution<int32_t> id(1, kVocab - 1);
        for (int64_t p = 0; p < kPositions; ++p) {
            std::vector<int32_t> slots(kStacked);
            for (int32_t& s : slots) s = id(rng);
            input.ids.push_back(std::move(slots));
        }
    }
};

const Setup& setup() {
    static const Setup s;
    return s;
}

void ablateAll(benchmark::State& state, bool reuse) {
    const Setup& s = setup();
    gts::analysis::AblationOptions o;
    o.reuseActivations = reuse;
    o.threads = 1;  // the 2-core machine is shared; one thread gives stable medians
    for (auto _ : state) benchmark::DoNotOptimize(gts::analysis::ablate(*s.model, s.input, o));
}

void BM_AblateAllHeadsAndLayers_Reuse(benchmark::State& state) { ablateAll(state, true); }
void BM_AblateAllHeadsAndLayers_NoReuse(benchmark::State& state) { ablateAll(state, false); }
BENCHMARK(BM_AblateAllHeadsAndLayers_Reuse)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1)->Repetitions(5)->ReportAggregatesOnly(true);
BENCHMARK(BM_AblateAllHeadsAndLayers_NoReuse)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1)->Repetitions(5)->ReportAggregatesOnly(true);

}  // namespace
