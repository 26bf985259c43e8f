#pragma once
// Ring attention, for teaching: one layer's attention computed by N simulated devices, the way
// Ring Attention (Liu, Zaharia & Abbeel 2023, "Ring Attention with Blockwise Transformers for
// Near-Infinite Context", §3) and TokenRing spread a long sequence over GPUs.
//
// The sequence is cut into N contiguous blocks of rows; device w keeps the queries of block w
// and starts with the keys and values of block w. In each of N steps every device attends its
// queries to the key/value block it holds, merges the result into its running output with the
// log-sum-exp rule
//   lse = max(lse1, lse2) + log1p(exp(−|lse1 − lse2|)),
//   out = exp(lse1 − lse) · out1 + exp(lse2 − lse) · out2,
// and passes the block to device w + 1 (mod N), so after N steps every query has seen every key
// and the result equals softmax(Q Kᵀ/√d + mask) V exactly (up to float rounding). With overlap
// (the paper's schedule) the send of the next block runs while the current one is computed, so a
// step costs max(compute, send) instead of their sum. Under a causal mask device w has nothing
// to compute for blocks j > w: the idle steps that striped and zigzag layouts were made to fill.
//
// The devices are threads of this machine and a send is a copy into the neighbour's receive
// buffer; `linkGBps` makes a send last as long as it would over a link of that bandwidth, so
// the timeline shows when communication hides behind compute and when it does not.

#include <cstdint>
#include <vector>

#include "model/Run.h"
#include "tensor/Tensor.h"

namespace gts::analysis {

struct RingOptions {
    int workers = 4;       ///< simulated devices, 1 … kMaxRingWorkers
    bool overlap = true;   ///< send the next block while computing the current one
    double linkGBps = 0;   ///< simulated link bandwidth, GB/s; 0: as fast as a memory copy
    bool causal = true;    ///< the model's mask (GraphGptConfig::causalAttention)
};

inline constexpr int kMaxRingWorkers = 64;

struct RingEvent {
    /// Wait: from the end of a device's own work in a step to the moment every device has
    /// finished the step (the ring moves in lockstep).
    enum class Kind : uint8_t { Compute, Idle, Send, Wait };
    Kind kind = Kind::Compute;
    int worker = 0;
    int step = 0;
    int block = 0;          ///< the key/value block computed on or sent
    double startMs = 0, endMs = 0;  ///< from the start of the ring
};

struct RingResult {
    int workers = 0;
    int heads = 0;
    int headDim = 0;
    int64_t positions = 0;
    std::vector<int64_t> blockStart;  ///< [workers + 1]: device w owns rows [blockStart[w], blockStart[w+1])
    Tensor out;                       ///< [heads, S, head_dim]: the attention output per head
    Tensor lse;                       ///< [heads, S]: log Σ_j exp(s_ij) over the allowed keys
    std::vector<RingEvent> events;    ///< in no particular order
    double totalMs = 0;
    int64_t bytesSent = 0;          ///< key/value bytes passed around the ring
    int64_t peakBytesPerDevice = 0;  ///< the largest device's queries, two K/V buffers, output and lse
};

/// Runs the ring over a layer captured with RunOptions::captureKeys and captureValues
/// (queries and keys after RoPE, values). Throws std::invalid_argument when the capture lacks
/// them, their shapes disagree, or workers is outside 1 … min(kMaxRingWorkers, S).
RingResult ringAttention(const model::LayerCapture& layer, const RingOptions& options);

/// softmax(Q Kᵀ/√d + mask) V per head from the same capture, in double (what the ring must
/// equal), [heads, S, head_dim].
Tensor denseAttentionOutput(const model::LayerCapture& layer, bool causal);

}  // namespace gts::analysis
