#pragma once
// GraphGPT's model configuration (config.json) and the tokenization settings that go with a
// checkpoint (tokenization.json).
//
// config.json holds HF LlamaConfig fields plus GraphGPT's (alibaba/graph-gpt
// src/models/graphgpt/configuration_graphgpt.py, configs/model/base.yaml). Rules applied as
// GraphGPT applies them (src/utils/modules_utils.py set_model_config):
// - intermediate_size == 0 and num_attention_heads == 0: intermediate = 4 * hidden,
//   head_dim = 64, heads = hidden / 64;
// - num_key_value_heads absent or null: = num_attention_heads;
// - head_dim absent or null: hidden / heads.
// The task head is decided by the weights (lm_head.weight: pre-training; score.*: fine-tuning),
// and for fine-tuning by problem_type (absent: regression when num_labels == 1, else
// single-label classification — HF's rule at loss time).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "tokenize/TokenSequence.h"

namespace gts::model {

/// HF ACT2FN names: "gelu" (exact, erf), "gelu_new"/"gelu_pytorch_tanh" (tanh approximation),
/// "silu"/"swish", "relu".
enum class Activation : uint8_t { Gelu, GeluTanh, Silu, Relu };
const char* activationName(Activation a);
std::optional<Activation> parseActivation(std::string_view name);

/// How the embeddings of a position's stacked tokens combine (StackedFeatAggregation):
/// Sum: Σ_f E[id_f]; Gated: Σ_f w_f ⊙ E[id_f] with w = stacked_feat_agg.weight [F, hidden].
enum class StackAggregation : uint8_t { Sum, Gated };
/// GraphGPT's stack_method: None (one token per position), Short (stacked), Long (stacked,
/// and each position's embedding is divided by its number of non-pad tokens).
enum class StackMethod : uint8_t { None, Short, Long };

enum class ProblemType : uint8_t { Regression, SingleLabelClassification, MultiLabelClassification };
const char* problemTypeName(ProblemType p);  // HF names: "regression", ...

struct GraphGptConfig {
    int vocabSize = 0;
    int hiddenSize = 0;
    int intermediateSize = 0;
    int numLayers = 0;
    int numHeads = 0;
    int numKvHeads = 0;
    int headDim = 0;
    Activation hiddenAct = Activation::Gelu;
    double rmsNormEps = 1e-6;
    double ropeTheta = 10000.0;
    int maxPositionEmbeddings = 1024;
    /// GraphGPT's default for fine-tuning and masked pre-training is bidirectional.
    bool causalAttention = false;
    bool tieWordEmbeddings = false;
    bool attentionBias = false;
    bool mlpBias = false;
    /// layer_scale_init_value > 0 means the layers hold lambda_1 / lambda_2.
    double layerScaleInit = 0.0;
    int stackedFeat = 1;
    StackMethod stackMethod = StackMethod::None;
    StackAggregation stackAggregation = StackAggregation::Sum;
    int padTokenId = 0;
    std::optional<int> bosTokenId;
    std::optional<int> eosTokenId;
    /// Pre-training: next_n_token (GraphGPT sets it to stacked_feat).
    int nextNToken = 1;
    /// Fine-tuning head.
    int numLabels = 1;
    std::optional<ProblemType> problemType;
    /// Hidden sizes of the score MLP (empty: one Linear).
    std::vector<int> scoreMlp;
    /// Pooling of token outputs for the fine-tuning head; GraphGPT supports "last" only.
    std::string poolingMethod = "last";

    /// The problem type, with HF's rule when the config has none.
    ProblemType effectiveProblemType() const;
};

/// Parses a config.json document and applies the rules above. `source` names the file in
/// errors. Throws io::ParseError for missing or wrong-typed required fields (hidden_size,
/// num_hidden_layers, vocab_size) or inconsistent sizes (hidden not divisible as needed,
/// heads not a multiple of kv heads, ...), naming the field.
GraphGptConfig parseGraphGptConfig(const nlohmann::json& json, const std::string& source);
GraphGptConfig parseGraphGptConfigText(std::string_view text, const std::string& source);
/// A config.json document that parses back to `config`.
std::string graphGptConfigToJson(const GraphGptConfig& config);

/// tokenization.json: {"layout": "stacked"|"stacked-long"|"flat", "world": "molecule",
/// "node_scope": 64, "scope_base": 64, "cyclic": true, "remove_edge_type_token": true,
/// "add_eos": false, "attr_assignment": "first", "node_columns": ["feat"],
/// "edge_columns": ["feat"], "permute_nodes": false}. Absent fields take GraphGPT's pcqm4m-v2
/// defaults (TokenizeOptions' defaults); unknown fields are an error (a typo must not silently
/// change tokenization).
TokenizeOptions parseTokenizationJson(std::string_view text, const std::string& source);
std::string tokenizationToJson(const TokenizeOptions& options);

}  // namespace gts::model
