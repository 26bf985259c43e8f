#pragma once
// The tensors of a GraphGPT checkpoint bound to their roles, with every shape checked.
//
// Names (HF Llama / GraphGPT; a leading "module." is already stripped by the readers):
//   model.embed_tokens.weight                        [vocab, hidden]
//   model.layers.{i}.input_layernorm.weight          [hidden]
//   model.layers.{i}.self_attn.q_proj.weight         [heads * head_dim, hidden]   (+ .bias)
//   model.layers.{i}.self_attn.k_proj.weight         [kv_heads * head_dim, hidden] (+ .bias)
//   model.layers.{i}.self_attn.v_proj.weight         [kv_heads * head_dim, hidden] (+ .bias)
//   model.layers.{i}.self_attn.o_proj.weight         [hidden, heads * head_dim]   (+ .bias)
//   model.layers.{i}.post_attention_layernorm.weight [hidden]
//   model.layers.{i}.mlp.gate_proj.weight            [intermediate, hidden]       (+ .bias)
//   model.layers.{i}.mlp.up_proj.weight              [intermediate, hidden]       (+ .bias)
//   model.layers.{i}.mlp.down_proj.weight            [hidden, intermediate]       (+ .bias)
//   model.layers.{i}.lambda_1, lambda_2              [hidden]  (layer scale, optional)
//   model.norm.weight                                [hidden]
//   stacked_feat_agg.weight                          [stacked_feat, hidden] (gated only)
//   pre-training:  n_token_proj.weight [hidden * next_n, hidden] (next_n > 1),
//                  lm_head.weight [vocab, hidden] (absent when tie_word_embeddings)
//   fine-tuning:   score.weight [labels, hidden] (+ score.bias), or an MLP:
//                  score.mlp_modules.{k}.weight / .bias for k = 0..len(mlp)
// Linear weights are [out, in] as torch stores them: y = x Wᵀ + b.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/GraphGptConfig.h"
#include "tensor/Tensor.h"

namespace gts::model {

enum class HeadKind : uint8_t { Pretrain, Task, None };
const char* headKindName(HeadKind k);  // "pretrain", "task", "none"

struct LinearWeights {
    Tensor weight;                ///< [out, in]
    std::optional<Tensor> bias;   ///< [out]
    int64_t outFeatures() const { return weight.dim(0); }
    int64_t inFeatures() const { return weight.dim(1); }
};

struct LayerWeights {
    Tensor inputNorm;             ///< [hidden]
    LinearWeights q, k, v, o;
    Tensor postAttentionNorm;     ///< [hidden]
    LinearWeights gate, up, down;
    std::optional<Tensor> lambda1, lambda2;  ///< [hidden]
};

struct GraphGptWeights {
    Tensor embedTokens;                   ///< [vocab, hidden]
    std::optional<Tensor> stackedFeatAgg; ///< [stacked_feat, hidden]
    std::vector<LayerWeights> layers;
    Tensor finalNorm;                     ///< [hidden]
    HeadKind head = HeadKind::None;
    /// Pre-training head.
    std::optional<LinearWeights> nTokenProj;
    Tensor lmHead;                        ///< [vocab, hidden] (the embedding when tied)
    /// Fine-tuning head: one Linear, or the MLP's Linears in order (activation before each).
    std::vector<LinearWeights> score;

    /// Parameter count (tied weights counted once).
    int64_t parameterCount() const;
};

/// Binds `tensors` to `config`. Throws io::ParseError(source, 0, ...) for a missing tensor
/// ("missing tensor model.layers.3.mlp.up_proj.weight"), a misshaped one ("tensor
/// model.norm.weight: expected shape [256], found [128]"), or tensors that fit no known role
/// are reported only when `strict` (checkpoints often carry extras such as rotary inv_freq).
/// May adjust config fields the weights decide: the head kind, num_labels (from score's
/// shape), the score MLP sizes when the config lists none.
GraphGptWeights bindGraphGptWeights(const std::map<std::string, Tensor>& tensors,
                                    GraphGptConfig& config, const std::string& source,
                                    bool strict = false);

/// The tensors of `weights` under their checkpoint names (for writing a checkpoint back).
std::map<std::string, Tensor> graphGptTensors(const GraphGptWeights& weights,
                                              const GraphGptConfig& config);

}  // namespace gts::model
