#pragma once
// The GPU backend of the GraphGPT forward: the math of core/model/Run.h in OpenGL compute
// kernels (GlKernels), on the GlDevice thread.
//
// Sequences run in the CPU backend's order (longest first, packs of at most 8,192 rows, layers
// outer and sequences inner), so captures under an attention budget and progress counts match
// it. Each sequence keeps its own residual stream on the GPU. Attention is chosen as the CPU
// backend chooses it: blockwise with log-sum-exp merging (shaders/compute/attention_block.comp,
// O(S) memory per head) above 512 positions, for a layer whose attention is deferred past the
// budget, or with RunOptions::attentionBlock > 0 (its key block size); otherwise dense per head
// (heads in chunks whose S×S maps fit one storage block). Weights are uploaded once per model
// and kept for the next run (the two most recent models).

#include <vector>

#include "model/Run.h"

namespace gts::model {
struct GraphGptModel;
}

namespace gts::backend::gl {

/// Runs validated inputs (as backend::cpu::runGraphGpt: ids in the vocabulary, widths within
/// stacked_feat, trailing pad positions removed, interventions in range). Supports every
/// capture and intervention of RunOptions; threads does not apply. Throws GpuUnsupported when a buffer would pass the driver's limits,
/// std::runtime_error when the device is unavailable, std::invalid_argument for a bad resume,
/// model::RunCancelled when cancelled. `progress` is called on the device thread.
std::vector<model::RunResult> runGraphGpt(const model::GraphGptModel& model,
                                          const std::vector<model::SequenceInput>& inputs,
                                          const model::RunOptions& options);

/// Frees the device copies of every model's weights (they are uploaded again on next use).
void releaseModelBuffers();

}  // namespace gts::backend::gl
