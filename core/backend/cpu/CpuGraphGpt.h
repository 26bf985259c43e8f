#pragma once
// The CPU backend of the GraphGPT forward: Eigen for the dense algebra, oneTBB across row
// blocks and (sequence, head) pairs.
//
// Sequences are packed, not padded: the rows of every sequence of a pack are stacked into one
// [Σ S_i, hidden] matrix, so the projections and the MLP run as a few large GEMMs over real
// rows only, and attention runs per (sequence, head) over that sequence's own rows.

#include <vector>

#include "model/Run.h"

namespace gts::model {
struct GraphGptModel;
}

namespace gts::backend::cpu {

/// Runs validated inputs (every id < vocab, widths <= stacked_feat, trailing pad positions
/// already removed, interventions in range). Called by model::runGraphGpt.
std::vector<model::RunResult> runGraphGpt(const model::GraphGptModel& model,
                                          const std::vector<model::SequenceInput>& inputs,
                                          const model::RunOptions& options);

}  // namespace gts::backend::cpu
