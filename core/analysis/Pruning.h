#pragma once
// Token pruning: Zero-TPrune (Wang et al., CVPR 2024, "Zero-TPrune: Zero-Shot Token Pruning
// through Leveraging of the Attention Graph in Pre-Trained Transformers") and a random
// baseline, run through the engine's per-layer keep-sets, with the FLOPs saved and the output
// change; and a sweep over keep ratios.

#include <atomic>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "model/ModelFolder.h"
#include "model/Run.h"

namespace gts::analysis {

// --- Zero-TPrune's stages on one layer -------------------------------------------------------

/// Weighted PageRank on one head's attention graph (Zero-TPrune §3.1, "I-stage"): token j's
/// importance is the attention it receives, weighted by the importance of who attends:
/// s⁽ᵗ⁺¹⁾_j = Σ_i a_ij s⁽ᵗ⁾_i, from the uniform s⁽⁰⁾ = 1/n, for `iterations` steps. Rows of A
/// sum to 1, so s stays a distribution. attention: [n × n] row-major.
std::vector<double> weightedPageRank(std::span<const float> attention, int64_t n, int iterations);

struct ZeroTPruneOptions {
    /// PageRank iterations per pruning layer.
    int iterations = 30;
    /// Variance-based Head Filter (§3.1): a head takes part only when the variance of its
    /// scores, measured on n·s (mean 1), lies in [varianceMin, varianceMax]: near 0 the head
    /// is uniform and says nothing; near n − 1 (the variance of a one-hot) it points at a
    /// single token. When no head passes, all heads are used.
    double varianceMin = 0.01;
    double varianceMaxFraction = 0.9;  ///< varianceMax = fraction · (n − 1)
};

/// The I-stage over all heads of one layer: each head's PageRank, the heads outside the
/// variance band dropped, the rest combined by root mean square (Emphasizing Informative
/// Region: sqrt(mean_h s_h²), which favours tokens some head finds very important).
/// attention: [heads, n, n]. `usedHeads` (optional) receives the heads kept by the filter.
std::vector<double> zeroTPruneImportance(const Tensor& attention, const ZeroTPruneOptions& options,
                                         std::vector<int>* usedHeads = nullptr);

/// The S-stage (§3.2): tokens sorted by importance, the less important half (floor(n/2)) is
/// group A and the rest group B; each A token is matched with its most similar B token by the
/// cosine similarity of key vectors (all kv heads' keys concatenated), and the A tokens of the
/// `drop` most similar pairs are removed (ties: the less important first). Tokens marked
/// `protect` are never in A. When more must go than A holds, the least important of the
/// remaining unprotected tokens follow. keys: [kv_heads, n, head_dim]. Returns the row
/// indices to drop, increasing.
std::vector<int32_t> zeroTPruneSelect(const std::vector<double>& importance, const Tensor& keys,
                                      int64_t drop, const std::vector<bool>& protect);

// --- Pruning runs ------------------------------------------------------------------------------

enum class PruneMethod : uint8_t { ZeroTPrune, Random };
const char* pruneMethodName(PruneMethod m);  // "zero-tprune", "random"

/// Which layers prune and how many tokens go. `keepRatio` is the fraction of positions left
/// after the last pruning layer; the round(S·(1 − keepRatio)) removed are spread evenly over
/// the pruning layers firstLayer..lastLayer (earlier layers take the remainder). A pruning
/// layer l removes tokens before layer l runs, judged by layer l − 1's attention, so
/// firstLayer ≥ 1. lastLayer −1: the last layer.
struct PruneSchedule {
    double keepRatio = 0.7;
    int firstLayer = 1;
    int lastLayer = -1;
};
/// Tokens removed at each layer [numLayers] for a sequence of `positions` (protected
/// positions never go, so at most positions − protected).
std::vector<int64_t> pruneCounts(const PruneSchedule& schedule, int numLayers, int64_t positions,
                                 int64_t protectedCount);

struct PruneOptions {
    PruneMethod method = PruneMethod::ZeroTPrune;
    PruneSchedule schedule;
    ZeroTPruneOptions zeroTPrune;
    uint64_t seed = 0;  ///< random method
    int threads = 0;
    const std::atomic<bool>* cancel = nullptr;
};

struct PruneResult {
    /// keepTokens as given to the engine (RunOptions::keepTokens), [numLayers].
    std::vector<std::vector<int32_t>> keep;
    /// The original positions removed before each layer, [numLayers].
    std::vector<std::vector<int32_t>> dropped;
    /// Positions each layer runs on, [numLayers].
    std::vector<int64_t> layerPositions;
    double flopsFull = 0.0, flopsPruned = 0.0;
    model::RunResult full, pruned;
    /// outputChange(model, full, pruned) (see Ablation.h).
    double change = 0.0;
};

/// Protected positions: the last position (the fine-tuning head pools it; the run's output
/// lives there) is never removed.
PruneResult prune(const model::GraphGptModel& model, const model::SequenceInput& input,
                  const PruneOptions& options);

/// FLOPs of a forward whose layer l runs on layerPositions[l] positions, with the head on the
/// last layer's positions (see graphGptFlops).
double prunedFlops(const model::GraphGptModel& model, const std::vector<int64_t>& layerPositions);

/// FLOPs of a forward over `positions` positions with heads masked and layers skipped (the
/// GTSP view of sparsity: a removed head's q and o slices, its scores and weighted values are
/// not computed; its k and v slices go when every head of its kv group is removed; a skipped
/// layer costs nothing). Masks as in RunOptions::headMask / skipLayers.
double maskedFlops(const model::GraphGptModel& model, int64_t positions,
                   const std::vector<std::vector<bool>>& headMask, const std::vector<bool>& skipLayers);

/// One point of a sweep: mean over sequences (and over seeds for random) at one keep ratio.
struct SweepPoint {
    PruneMethod method = PruneMethod::ZeroTPrune;
    double keepRatio = 1.0;
    double flopsRatio = 1.0;     ///< pruned / full FLOPs
    double meanChange = 0.0;     ///< mean output change
    double stddevChange = 0.0;   ///< over sequences (and seeds)
    int64_t samples = 0;
};
struct SweepOptions {
    std::vector<double> keepRatios = {0.9, 0.8, 0.7, 0.6, 0.5};
    PruneSchedule schedule;  ///< its keepRatio is replaced by each of keepRatios
    ZeroTPruneOptions zeroTPrune;
    int randomSeeds = 5;
    int threads = 0;
    std::function<void(int64_t done, int64_t total)> progress;
    const std::atomic<bool>* cancel = nullptr;
};
/// Zero-TPrune and random pruning at each keep ratio over every sequence.
std::vector<SweepPoint> pruneSweep(const model::GraphGptModel& model,
                                   const std::vector<model::SequenceInput>& inputs,
                                   const SweepOptions& options);

}  // namespace gts::analysis
