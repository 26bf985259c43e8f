#pragma once
// A model::RunResult as named tensors of a store::Session, so a reopened session shows
// attention and predictions with no engine run.
//
// Names under `prefix` (e.g. "run0."): logits, tokenLogits, hidden, embeddings, positions
// ([S] as values), and per captured layer i (0-based index into RunResult::layers):
// "layer<i>.{positions,attention,scores,residual,headOutputs,keys,queries}"; empty tensors are
// not stored. The layer numbers, deferred flags and milliseconds go to settings[prefix + "meta"].

#include <optional>
#include <string>

#include "model/Run.h"
#include "store/Session.h"

namespace gts::store {

void putRunResult(Session& session, const std::string& prefix, const model::RunResult& result);

/// The result stored under `prefix`; nullopt when none is. Throws std::invalid_argument when the
/// stored parts disagree (a layer listed in the meta without its positions, a position that is
/// not an integer).
std::optional<model::RunResult> getRunResult(const Session& session, const std::string& prefix);

}  // namespace gts::store
