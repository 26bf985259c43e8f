#pragma once
// Running a GraphGPT model: inputs, what to capture, interventions, and results.
//
// The forward (alibaba/graph-gpt src/models/graphgpt + HF modeling_llama):
//   x_0 = aggregate_f E[id_{p,f}]                          (sum or gated; Long: / #non-pad)
//   per layer l:  h = x + λ1 ⊙ o_proj(Attn(RMSNorm_in(x)))
//                 x = h + λ2 ⊙ down(act(gate(RMSNorm_post(h))) ⊙ up(RMSNorm_post(h)))
//   Attn: q, k, v projections; RoPE (half split, rotate_half, positions 0..S-1) on q and k;
//         a_h = softmax(q_h k_{g(h)}ᵀ / √head_dim + mask); kv group g(h) = h / (heads/kv_heads);
//         mask: bidirectional over the sequence's own positions (no padding is ever formed),
//         or causal when the config says so.
//   y = RMSNorm_final(x_L)
//   pre-training: logits[p, j] = lm_head(n_token_proj(y_p) split into next_n slots)[j]
//   fine-tuning:  score(y_last) on the last position (GraphGPT pools "last" non-pad).
// RMSNorm: x / sqrt(mean(x²) + eps) * w, in f32.

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <vector>

#include "tensor/Tensor.h"

namespace gts::model {

struct GraphGptModel;

/// One sequence: for every position its stacked token ids (all positions the same width, at
/// most config.stackedFeat slots; narrower positions are padded with pad id 0 — GraphGPT's
/// collator does the same).
struct SequenceInput {
    std::vector<std::vector<int32_t>> ids;  ///< [positions][slots]
};

/// What a run records and how it intervenes. Captures cost nothing when not asked for.
struct RunOptions {
    /// Attention probabilities per layer and head: LayerCapture::attention [heads, S_l, S_l].
    bool captureAttention = false;
    /// Pre-softmax scores (scaled q·k, masked entries -inf): LayerCapture::scores.
    bool captureScores = false;
    /// Residual stream after each layer: LayerCapture::residual [S_l, hidden]; the embedding
    /// output goes to RunResult::embeddings.
    bool captureResidual = false;
    /// Each head's contribution to the attention output, o_proj applied to that head alone
    /// (without bias): LayerCapture::headOutputs [heads, S_l, hidden].
    bool captureHeadOutputs = false;
    /// Keys after RoPE, per kv head: LayerCapture::keys [kv_heads, S_l, head_dim] (token
    /// similarity for Zero-TPrune's S-stage).
    bool captureKeys = false;
    /// Queries (after RoPE) and values: LayerCapture::queries [heads, S_l, head_dim] and
    /// values [kv_heads, S_l, head_dim]. With captureKeys, all a layer's attention is computed
    /// from (analysis::ringAttention replays it across simulated devices).
    bool captureValues = false;
    /// With captureAttention: the most bytes of [heads, S_l, S_l] maps to keep (0: no limit).
    /// A layer whose map would pass the budget keeps its queries and keys instead
    /// (LayerCapture::attentionDeferred), O(S) memory, and runs blockwise; any of its rows is
    /// recomputed on demand by attentionRows().
    size_t attentionBudgetBytes = 0;
    /// Layers to capture (empty: all).
    std::vector<int> captureLayers;

    /// headMask[l][h] == true zeroes head h of layer l (its attention output before o_proj).
    /// Missing entries mean not masked.
    std::vector<std::vector<bool>> headMask;
    /// skipLayers[l] == true makes layer l the identity.
    std::vector<bool> skipLayers;
    /// keepTokens[l] (when present and non-empty): the original positions that remain from
    /// layer l on; positions already removed stay removed. Survivors keep their RoPE position
    /// and their order. The fine-tuning head reads the last remaining position.
    std::vector<std::vector<int32_t>> keepTokens;

    /// Starts the run at layer `resume.layer` from a residual stream recorded earlier (the
    /// input of that layer: RunResult::embeddings for layer 0, else LayerCapture::residual of
    /// layer − 1, both with captureResidual), for one sequence only. Layers below are not run
    /// (nothing is captured for them); interventions apply from `resume.layer` on. With the
    /// same options below that layer the result equals a full run: ablating a late layer then
    /// costs the layers from it upward only.
    struct Resume {
        int layer = -1;                  ///< -1: no resume
        Tensor residual;                 ///< [positions, hidden]
        std::vector<int32_t> positions;  ///< the original positions of its rows, increasing
    } resume;

    /// Attention without S×S memory: 0 (default) runs blockwise above 512 positions when no
    /// S×S capture of that layer is asked for; > 0 always runs blockwise with blocks of this
    /// many queries and keys (tests); < 0 never.
    int attentionBlock = 0;

    /// Threads for this run (0: oneTBB's default).
    int threads = 0;
    /// Called after each layer of each sequence with (layers done, total layer steps).
    std::function<void(int64_t done, int64_t total)> progress;
    /// Checked before each layer and between a layer's attention and MLP; when set the run
    /// throws RunCancelled.
    const std::atomic<bool>* cancel = nullptr;
};

struct LayerCapture {
    int layer = 0;
    /// The original positions present in this layer (after keep-sets), [S_l].
    std::vector<int32_t> positions;
    Tensor attention;    ///< [heads, S_l, S_l] or empty
    Tensor scores;       ///< [heads, S_l, S_l] or empty
    Tensor residual;     ///< [S_l, hidden] or empty
    Tensor headOutputs;  ///< [heads, S_l, hidden] or empty
    Tensor keys;         ///< [kv_heads, S_l, head_dim] or empty
    /// Attention over the budget: `attention` is empty, `queries` [heads, S_l, head_dim] and
    /// `keys` (after RoPE) hold what its rows are computed from.
    bool attentionDeferred = false;
    Tensor queries;
    Tensor values;  ///< [kv_heads, S_l, head_dim] with RunOptions::captureValues, else empty
};

struct RunResult {
    /// Pre-training: [S_final, next_n, vocab] logits per position and slot.
    /// Fine-tuning: [num_labels] on the pooled (last) position.
    Tensor logits;
    /// Fine-tuning: the score head on every remaining position, [S_final, num_labels].
    Tensor tokenLogits;
    /// Final-norm output [S_final, hidden].
    Tensor hidden;
    /// The original positions remaining at the end.
    std::vector<int32_t> positions;
    Tensor embeddings;  ///< [S, hidden] when captureResidual
    std::vector<LayerCapture> layers;  ///< captured layers, in layer order
    /// Wall time of the runGraphGpt call that produced this result (all its sequences).
    double milliseconds = 0.0;
};

class RunCancelled : public std::runtime_error {
public:
    RunCancelled() : std::runtime_error("run cancelled") {}
};

/// Runs the model on each sequence (sequences in parallel, no padding work). Throws
/// std::invalid_argument for ids outside the vocabulary, empty sequences, positions wider than
/// stacked_feat, bad intervention indices, and RunCancelled when cancelled.
std::vector<RunResult> runGraphGpt(const GraphGptModel& model,
                                   const std::vector<SequenceInput>& inputs,
                                   const RunOptions& options = {});

/// Rows [firstRow, firstRow + count) of head `head`'s attention in a layer captured with
/// attentionDeferred (or with attention: then copied), recomputed as softmax(q_i Kᵀ/√d + mask)
/// from the captured queries and keys; [count, S_l] row-major. Throws std::invalid_argument
/// for a layer with neither, or rows/head out of range.
std::vector<float> attentionRows(const GraphGptModel& model, const LayerCapture& layer, int head,
                                 int64_t firstRow, int64_t count);

/// Floating-point operations of one forward over a sequence of `positions` (multiply-adds
/// count 2), for pruning reports and throughput figures.
double graphGptFlops(const GraphGptModel& model, int64_t positions);
/// One decoder layer's share of it, and the output head's (on `positions` rows).
double graphGptLayerFlops(const GraphGptModel& model, int64_t positions);
double graphGptHeadFlops(const GraphGptModel& model, int64_t positions);

}  // namespace gts::model
