#pragma once
// Causal importance by ablation: remove one head (or one layer) and measure how the model's
// output moves. DARTS-GT (Chakraborty et al. 2025, "Interpretable Graph Transformers via
// Differentiable Architecture Search") calls the per-head output change "head deviation"; it
// is what attention-based metrics are compared against, since visual salience and causal
// importance can disagree.

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "model/ModelFolder.h"
#include "model/Run.h"

namespace gts::analysis {

/// How a model's output change is measured, by its head:
///  - regression: mean over labels of |y_full − y_changed| (in the target's units);
///  - single-label classification: KL(p_full ‖ p_changed) of the softmax, in nats;
///  - multi-label classification: mean over labels of the Bernoulli KL of the sigmoids;
///  - pre-training: mean over the positions present in both runs of KL(p_full ‖ p_changed)
///    of each next-token slot's softmax;
///  - no head: ‖h_full − h_changed‖ / ‖h_full‖ of the final hidden states (shared positions).
enum class OutputMeasure : uint8_t { AbsoluteDelta, Kl, BernoulliKl, TokenKl, HiddenRelative };
OutputMeasure outputMeasure(const model::GraphGptModel& model);
const char* outputMeasureName(OutputMeasure m);  // "abs_delta", "kl", ...
double outputChange(const model::GraphGptModel& model, const model::RunResult& full,
                    const model::RunResult& changed);
/// One output vector's change a → b of n values by AbsoluteDelta (mean |Δ|), Kl or BernoulliKl
/// (mean over values); 0 for n = 0.
double vectorChange(OutputMeasure m, const float* a, const float* b, int64_t n);

struct AblationOptions {
    bool heads = true;
    bool layers = true;
    /// Start each ablated run from the full run's residual stream below the ablated layer
    /// (false: every run from the embeddings, for comparison).
    bool reuseActivations = true;
    int threads = 0;
    /// (done, total) runs.
    std::function<void(int64_t, int64_t)> progress;
    const std::atomic<bool>* cancel = nullptr;
};

struct Ablation {
    OutputMeasure measure = OutputMeasure::AbsoluteDelta;
    /// headChange[l][h]: output change with head h of layer l zeroed (RunOptions::headMask).
    std::vector<std::vector<double>> headChange;
    /// layerChange[l]: output change with layer l skipped (RunOptions::skipLayers).
    std::vector<double> layerChange;
    /// The unablated prediction (fine-tuning: logits; else empty).
    std::vector<float> prediction;
    int64_t runs = 0;
};

/// One run per head and per layer on one sequence. Each ablated run starts from the residual
/// stream of the full run below the ablated layer (RunOptions::resume), so ablating layer l
/// costs layers l..L−1 only. Throws model::RunCancelled when cancelled.
Ablation ablate(const model::GraphGptModel& model, const model::SequenceInput& input,
                const AblationOptions& options = {});

}  // namespace gts::analysis
