#pragma once
// Per-head summaries of one attention matrix A [S, S] (rows are queries, each row a
// probability distribution over keys), used to colour the head overview.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "model/Run.h"

namespace gts::analysis {

enum class HeadMetric : uint8_t { None, Entropy, Confidence, SelfMass };
const char* headMetricName(HeadMetric m);  // "none", "entropy", "confidence", "self-mass"
std::optional<HeadMetric> parseHeadMetric(std::string_view name);

/// Normalized attention entropy: (1/S) Σ_i H(A_i) / log S with H(p) = -Σ_j p_j log p_j
/// (0 log 0 = 0). 0: every query looks at one key; 1: every query spreads uniformly over all
/// S keys. Attention entropy as a head summary: Clark et al. 2019, "What Does BERT Look At?"
/// (§3). Defined as 0 for S == 1 (a single key has no choice).
double attentionEntropy(std::span<const float> matrix, int64_t size);

/// Confidence: (1/S) Σ_i max_j A_ij, the mean over queries of the largest attention weight —
/// Voita et al. 2019, "Analyzing Multi-Head Self-Attention: Specialized Heads Do the Heavy
/// Lifting, the Rest Can Be Pruned" (§4.1). Ranges from 1/S to 1.
double attentionConfidence(std::span<const float> matrix, int64_t size);

/// Self mass: (1/S) Σ_i A_ii, the mean attention a position pays to itself (the diagonal of
/// the map; the "attend to self" pattern of Kovaleva et al. 2019, "Revealing the Dark Secrets
/// of BERT", §4). Ranges from 0 to 1.
double attentionSelfMass(std::span<const float> matrix, int64_t size);

/// The metric of `matrix` (0 for None or an empty matrix). Throws std::invalid_argument when
/// matrix.size() != size * size.
double headMetric(HeadMetric metric, std::span<const float> matrix, int64_t size);

/// The metric of every captured head: [captured layer index][head], in result.layers order.
std::vector<std::vector<double>> headMetrics(const model::RunResult& result, HeadMetric metric);

}  // namespace gts::analysis
