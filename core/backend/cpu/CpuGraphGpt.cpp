#include "backend/cpu/CpuGraphGpt.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>

#include <Eigen/Core>
#include <unsupported/Eigen/SpecialFunctions>
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "model/ModelFolder.h"

namespace gts::backend::cpu {
namespace {

using Eigen::Index;
using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixMap = Eigen::Map<RowMatrix>;
using MatrixRef = Eigen::Ref<RowMatrix>;
using ConstMatrixRef = Eigen::Ref<const RowMatrix>;
using model::Activation;
using model::GraphGptConfig;
using model::GraphGptModel;
using model::LinearWeights;
using model::RunOptions;
using model::RunResult;
using model::SequenceInput;

/// Rows of all sequences in one pack; bounds the [rows, intermediate] activations.
constexpr Index kMaxPackRows = 8192;
/// A calling thread keeps its workspace between runs up to this size (fresh memory costs a
/// page fault per 4 KiB on first touch, a large share of a short run); larger ones are freed.
constexpr size_t kKeptWorkspaceBytes = size_t{256} << 20;
/// Above this many positions a head's attention runs blockwise (no S×S scores) unless the
/// full map is captured: measured (tests/bench/long_sequences.py) equal at 256-512 positions,
/// 1.3x faster at 1,024 and 4.7x at 4,096 (the S×S exp pass leaves the caches). Blocks: 128
/// queries x 512 keys.
constexpr Index kDenseAttentionMaxPositions = 512;
constexpr Index kQueryBlock = 128, kKeyBlock = 512;

/// Grow-only float storage viewed as a row-major matrix of any shape that fits.
class Buffer {
public:
    MatrixMap shape(Index rows, Index cols) {
        const auto need = static_cast<size_t>(rows * cols);
        if (data_.size() < need) data_.resize(need);
        return MatrixMap(data_.data(), rows, cols);
    }
    size_t bytes() const { return data_.size() * sizeof(float); }

private:
    std::vector<float> data_;
};

/// Every activation of a run. Reused across layers, packs and (per calling thread) runs.
struct Workspace {
    Buffer x, normed, q, k, v, attn, proj, gate, up, scoreA, scoreB;
    /// Per worker thread: one head's S×S scores.
    tbb::enumerable_thread_specific<Buffer> scratch;
    /// Per worker thread, blockwise attention: a block's scores and output, the accumulated
    /// output of a query block.
    tbb::enumerable_thread_specific<Buffer> blockScores, blockOut, blockAcc;
    bool inUse = false;

    size_t bytes() const {
        size_t total = 0;
        for (const Buffer* b : {&x, &normed, &q, &k, &v, &attn, &proj, &gate, &up, &scoreA, &scoreB})
            total += b->bytes();
        for (const Buffer& b : scratch) total += b.bytes();
        for (const auto* set : {&blockScores, &blockOut, &blockAcc})
            for (const Buffer& b : *set) total += b.bytes();
        return total;
    }
};

/// Runs body(begin, end) over row blocks in parallel. Blocks are large enough that the GEMM
/// inside each amortizes packing its right-hand side, and small enough to spread over threads.
template <typename Body>
void parallelRows(Index rows, const Body& body) {
    if (rows <= 0) return;
    const Index threads = std::max(1, tbb::this_task_arena::max_concurrency());
    const Index grain = std::clamp<Index>(rows / (2 * threads), 16, 512);
    if (rows <= grain) {
        body(Index{0}, rows);
        return;
    }
    tbb::parallel_for(tbb::blocked_range<Index>(0, rows, grain),
                      [&](const tbb::blocked_range<Index>& r) { body(r.begin(), r.end()); },
                      tbb::simple_partitioner());
}

/// y = x Wᵀ + b (torch's Linear: W is [out, in]).
/// y must already have x.rows() rows and out-features columns.
void linear(const ConstMatrixRef& x, const LinearWeights& w, MatrixRef y) {
    const auto W = w.weight.matrix();
    parallelRows(x.rows(), [&](Index r0, Index r1) {
        auto out = y.middleRows(r0, r1 - r0);
        out.noalias() = x.middleRows(r0, r1 - r0) * W.transpose();
        if (w.bias) out.rowwise() += w.bias->flat().transpose();
    });
}

/// RMSNorm (HF LlamaRMSNorm): x / sqrt(mean(x²) + eps) * w.
void rmsNorm(const ConstMatrixRef& x, const Tensor& weight, float eps, MatrixRef y) {
    const auto w = weight.flat();
    const float invCols = 1.0f / static_cast<float>(x.cols());
    parallelRows(x.rows(), [&](Index r0, Index r1) {
        for (Index r = r0; r < r1; ++r) {
            const float meanSquare = x.row(r).squaredNorm() * invCols;
            const float scale = 1.0f / std::sqrt(meanSquare + eps);
            y.row(r) = (x.row(r) * scale).cwiseProduct(w.transpose());
        }
    });
}

/// The activation in place (HF ACT2FN): gelu = x Φ(x) with erf; gelu tanh approximation;
/// silu = x σ(x); relu.
void activate(MatrixRef m, Activation act) {
    parallelRows(m.rows(), [&](Index r0, Index r1) {
        auto a = m.middleRows(r0, r1 - r0).array();
        switch (act) {
        case Activation::Gelu:
            a = 0.5f * a * (1.0f + (a * static_cast<float>(M_SQRT1_2)).erf());
            break;
        case Activation::GeluTanh: {
            const float k = std::sqrt(2.0f / static_cast<float>(M_PI));
            a = 0.5f * a * (1.0f + (k * (a + 0.044715f * a.cube())).tanh());
            break;
        }
        case Activation::Silu:
            a = a / (1.0f + (-a).exp());
            break;
        case Activation::Relu:
            a = a.max(0.0f);
            break;
        }
    });
}

/// RoPE tables: cos/sin of p · θ^(-2i/d) for i < d/2, computed in double.
struct RopeTable {
    int half = 0;
    std::vector<float> cosines, sines;  // [positions][half]

    RopeTable(int maxPosition, int headDim, double theta) : half(headDim / 2) {
        const size_t count = static_cast<size_t>(maxPosition + 1) * static_cast<size_t>(half);
        cosines.resize(count);
        sines.resize(count);
        for (int i = 0; i < half; ++i) {
            const double invFreq = std::pow(theta, -2.0 * i / headDim);
            for (int p = 0; p <= maxPosition; ++p) {
                const double angle = p * invFreq;
                cosines[static_cast<size_t>(p) * half + i] = static_cast<float>(std::cos(angle));
                sines[static_cast<size_t>(p) * half + i] = static_cast<float>(std::sin(angle));
            }
        }
    }
};

/// Rotates every head of `m` [rows, heads * d] by each row's position, HF's half-split form:
/// (x1, x2) → (x1 cos − x2 sin, x2 cos + x1 sin).
void applyRope(MatrixRef m, int heads, int headDim, const std::vector<int32_t>& rowPositions,
               const RopeTable& table) {
    const int half = headDim / 2;
    parallelRows(m.rows(), [&](Index r0, Index r1) {
        for (Index r = r0; r < r1; ++r) {
            const size_t base = static_cast<size_t>(rowPositions[static_cast<size_t>(r)]) * half;
            const float* c = table.cosines.data() + base;
            const float* s = table.sines.data() + base;
            float* row = m.row(r).data();
            for (int h = 0; h < heads; ++h) {
                float* x1 = row + static_cast<ptrdiff_t>(h) * headDim;
                float* x2 = x1 + half;
                for (int i = 0; i < half; ++i) {
                    const float a = x1[i], b = x2[i];
                    x1[i] = a * c[i] - b * s[i];
                    x2[i] = b * c[i] + a * s[i];
                }
            }
        }
    });
}

/// One sequence inside a pack.
struct PackedSequence {
    size_t input = 0;              ///< index into the run's inputs
    Index offset = 0;              ///< first row in the pack
    Index rows = 0;
    std::vector<int32_t> positions;  ///< original position of every row
};

bool wants(const RunOptions& options, int layer) {
    return options.captureLayers.empty() ||
           std::find(options.captureLayers.begin(), options.captureLayers.end(), layer) !=
               options.captureLayers.end();
}

Tensor tensorFromRows(const ConstMatrixRef& m, Index offset, Index rows) {
    Tensor t({rows, m.cols()});
    t.mutableMatrix() = m.middleRows(offset, rows);
    return t;
}

class PackRunner {
public:
    PackRunner(const GraphGptModel& model, const RunOptions& options,
               std::vector<RunResult>& results, std::atomic<int64_t>& progressDone,
               int64_t progressTotal, Workspace& workspace)
        : cfg_(model.config), w_(model.weights), options_(options),
          results_(results), progressDone_(progressDone), progressTotal_(progressTotal),
          ws_(workspace) {}

    void run(const std::vector<SequenceInput>& inputs, const std::vector<size_t>& members) {
        seqs_.clear();
        pack(inputs, members);
        const int first = std::max(0, options_.resume.layer);
        if (options_.resume.layer >= 0) resume();
        else embed(inputs);
        for (int layer = 0; layer < cfg_.numLayers; ++layer) {
            if (layer < first) {
                const int64_t done = progressDone_.fetch_add(1) + 1;
                if (options_.progress) options_.progress(done, progressTotal_);
                continue;
            }
            if (options_.cancel && options_.cancel->load(std::memory_order_relaxed))
                throw model::RunCancelled();
            if (static_cast<size_t>(layer) < options_.keepTokens.size() &&
                !options_.keepTokens[static_cast<size_t>(layer)].empty())
                keep(options_.keepTokens[static_cast<size_t>(layer)]);
            const bool skipped = static_cast<size_t>(layer) < options_.skipLayers.size() &&
                                 options_.skipLayers[static_cast<size_t>(layer)];
            const bool capture = wants(options_, layer) &&
                                 (options_.captureAttention || options_.captureScores ||
                                  options_.captureResidual || options_.captureHeadOutputs ||
                                  options_.captureKeys);
            if (capture) startCapture(layer, skipped);
            if (!skipped) block(layer, capture);
            if (capture && options_.captureResidual)
                for (auto& seq : seqs_)
                    results_[seq.input].layers.back().residual = tensorFromRows(X(), seq.offset, seq.rows);
            const int64_t done = progressDone_.fetch_add(static_cast<int64_t>(seqs_.size())) +
                                 static_cast<int64_t>(seqs_.size());
            if (options_.progress) options_.progress(done, progressTotal_);
        }
        heads();
    }

private:
    const GraphGptConfig& cfg_;
    const model::GraphGptWeights& w_;
    const RunOptions& options_;
    std::vector<RunResult>& results_;
    std::atomic<int64_t>& progressDone_;
    int64_t progressTotal_;

    Workspace& ws_;

    std::vector<PackedSequence> seqs_;
    std::vector<int32_t> rowPositions_;
    Index rows_ = 0;  ///< rows of the pack now (after keep-sets)

    /// The residual stream [rows, hidden].
    MatrixMap X() { return ws_.x.shape(rows_, cfg_.hiddenSize); }

    void pack(const std::vector<SequenceInput>& inputs, const std::vector<size_t>& members) {
        Index offset = 0;
        for (size_t index : members) {
            PackedSequence seq;
            seq.input = index;
            seq.offset = offset;
            seq.rows = static_cast<Index>(inputs[index].ids.size());
            seq.positions.resize(static_cast<size_t>(seq.rows));
            std::iota(seq.positions.begin(), seq.positions.end(), 0);
            offset += seq.rows;
            seqs_.push_back(std::move(seq));
        }
        rows_ = offset;
        refreshRowPositions();
    }

    void refreshRowPositions() {
        rowPositions_.clear();
        for (const auto& seq : seqs_)
            rowPositions_.insert(rowPositions_.end(), seq.positions.begin(), seq.positions.end());
    }

    /// x_p = Σ_f E[id_{p,f}] (sum) or Σ_f g_f ⊙ E[id_{p,f}] (gated), over stacked_feat slots
    /// (missing slots are the pad id); Long divides by the count of non-pad ids, at most 1.
    void embed(const std::vector<SequenceInput>& inputs) {
        const auto E = w_.embedTokens.matrix();
        const Index hidden = cfg_.hiddenSize;
        const int slots = std::max(1, cfg_.stackedFeat);
        const bool gated = cfg_.stackAggregation == model::StackAggregation::Gated && w_.stackedFeatAgg;
        const bool stacked = cfg_.stackMethod != model::StackMethod::None || slots > 1 || gated;
        MatrixMap x = X();
        x.setZero();
        (void)hidden;
        tbb::parallel_for(size_t{0}, seqs_.size(), [&](size_t si) {
            const auto& seq = seqs_[si];
            const auto& ids = inputs[seq.input].ids;
            for (Index p = 0; p < seq.rows; ++p) {
                auto row = x.row(seq.offset + p);
                const auto& pos = ids[static_cast<size_t>(p)];
                const int width = stacked ? slots : 1;
                int nonPad = 0;
                for (int f = 0; f < width; ++f) {
                    const int32_t id = f < static_cast<int>(pos.size()) ? pos[static_cast<size_t>(f)]
                                                                        : cfg_.padTokenId;
                    if (id != cfg_.padTokenId) ++nonPad;
                    if (gated)
                        row += E.row(id).cwiseProduct(w_.stackedFeatAgg->matrix().row(f));
                    else
                        row += E.row(id);
                }
                if (cfg_.stackMethod == model::StackMethod::Long) {
                    // GraphGPT: ratio = 1 / (count + 1e-7), clamped to at most 1.
                    const float ratio = std::min(1.0f, 1.0f / (static_cast<float>(nonPad) + 1e-7f));
                    row *= ratio;
                }
            }
        });
        if (options_.captureResidual)
            for (auto& seq : seqs_)
                results_[seq.input].embeddings = tensorFromRows(x, seq.offset, seq.rows);
    }

    /// The residual stream of RunOptions::resume in place of the embeddings (one sequence;
    /// checked by validateResume).
    void resume() {
        auto& seq = seqs_.front();
        seq.positions = options_.resume.positions;
        seq.rows = static_cast<Index>(seq.positions.size());
        rows_ = seq.rows;
        refreshRowPositions();
        X() = options_.resume.residual.matrix();
    }

    /// Removes the rows whose original position is not in `keepSet` (order kept). Rows only
    /// move up, so the compaction runs in place.
    void keep(const std::vector<int32_t>& keepSet) {
        MatrixMap x = X();
        Index offset = 0;
        for (auto& seq : seqs_) {
            std::vector<int32_t> kept;
            const Index start = offset;
            for (Index r = 0; r < seq.rows; ++r) {
                const int32_t pos = seq.positions[static_cast<size_t>(r)];
                if (std::find(keepSet.begin(), keepSet.end(), pos) != keepSet.end()) {
                    kept.push_back(pos);
                    if (offset != seq.offset + r) x.row(offset) = x.row(seq.offset + r);
                    ++offset;
                }
            }
            seq.positions = std::move(kept);
            seq.offset = start;
            seq.rows = offset - start;
        }
        rows_ = offset;
        refreshRowPositions();
    }

    /// A skipped layer records its positions and residual only: it has no attention.
    void startCapture(int layer, bool skipped) {
        for (auto& seq : seqs_) {
            model::LayerCapture c;
            c.layer = layer;
            c.positions = seq.positions;
            const Index H = cfg_.numHeads;
            if (options_.captureAttention && !skipped) {
                const size_t bytes = static_cast<size_t>(H) * static_cast<size_t>(seq.rows) *
                                     static_cast<size_t>(seq.rows) * sizeof(float);
                if (options_.attentionBudgetBytes == 0 || captured_ + bytes <= options_.attentionBudgetBytes) {
                    c.attention = Tensor({H, seq.rows, seq.rows});
                    captured_ += bytes;
                } else {
                    c.attentionDeferred = true;
                    c.queries = Tensor({H, seq.rows, Index{cfg_.headDim}});
                    c.keys = Tensor({Index{cfg_.numKvHeads}, seq.rows, Index{cfg_.headDim}});
                }
            }
            if (options_.captureScores && !skipped) c.scores = Tensor({H, seq.rows, seq.rows});
            if (options_.captureHeadOutputs && !skipped) c.headOutputs = Tensor({H, seq.rows, Index{cfg_.hiddenSize}});
            if (options_.captureKeys && !skipped && c.keys.size() == 0)
                c.keys = Tensor({Index{cfg_.numKvHeads}, seq.rows, Index{cfg_.headDim}});
            if (options_.captureValues && !skipped) {
                if (c.queries.size() == 0) c.queries = Tensor({H, seq.rows, Index{cfg_.headDim}});
                c.values = Tensor({Index{cfg_.numKvHeads}, seq.rows, Index{cfg_.headDim}});
            }
            results_[seq.input].layers.push_back(std::move(c));
        }
    }

    bool headMasked(int layer, int head) const {
        if (static_cast<size_t>(layer) >= options_.headMask.size()) return false;
        const auto& heads = options_.headMask[static_cast<size_t>(layer)];
        return static_cast<size_t>(head) < heads.size() && heads[static_cast<size_t>(head)];
    }

    /// Blockwise attention for long sequences when nothing needs the full S×S map.
    bool blockwise(Index S) const {
        if (options_.attentionBlock > 0) return true;
        return options_.attentionBlock == 0 && S > kDenseAttentionMaxPositions;
    }

    /// out = softmax(Q Kᵀ · scale + mask) V without forming S×S: query blocks of Bq rows,
    /// key blocks of Bk. Each key block gives its own softmax output o_b and log-sum-exp
    /// lse_b per row; blocks merge by the rule FlashAttention and ring attention use:
    ///   lse = max(lse1, lse2) + log1p(exp(−|lse1 − lse2|)),
    ///   out = exp(lse1 − lse) · out1 + exp(lse2 − lse) · out2,
    /// so memory is O(Bq·Bk + Bq·d) per thread instead of O(S²).
    template <typename QBlock, typename KBlock, typename VBlock, typename OutBlock>
    void blockwiseAttention(const QBlock& Q, const KBlock& K, const VBlock& V, OutBlock& out, float scale) {
        const Index S = Q.rows(), d = Q.cols();
        const Index Bq = options_.attentionBlock > 0 ? options_.attentionBlock : kQueryBlock;
        const Index Bk = options_.attentionBlock > 0 ? options_.attentionBlock : kKeyBlock;
        const bool causal = cfg_.causalAttention;
        constexpr float kNegInf = -std::numeric_limits<float>::infinity();
        for (Index i0 = 0; i0 < S; i0 += Bq) {
            const Index bq = std::min(Bq, S - i0);
            MatrixMap acc = ws_.blockAcc.local().shape(bq, d);
            std::vector<float> lse(static_cast<size_t>(bq), kNegInf);
            for (Index j0 = 0; j0 < S; j0 += Bk) {
                if (causal && j0 > i0 + bq - 1) break;  // every key of this block is in the future
                const Index bk = std::min(Bk, S - j0);
                MatrixMap s = ws_.blockScores.local().shape(bq, bk);
                s.noalias() = (Q.middleRows(i0, bq) * K.middleRows(j0, bk).transpose()) * scale;
                if (causal)
                    for (Index r = 0; r < bq; ++r) {
                        const Index allowed = i0 + r - j0 + 1;  // keys j0 .. i0 + r
                        if (allowed < bk) s.row(r).tail(bk - std::max<Index>(allowed, 0)).setConstant(kNegInf);
                    }
                std::vector<float> blockLse(static_cast<size_t>(bq), kNegInf);
                for (Index r = 0; r < bq; ++r) {
                    auto row = s.row(r).array();
                    const float m = row.maxCoeff();
                    if (m == kNegInf) {
                        row.setZero();
                        continue;
                    }
                    row = (row - m).exp();
                    const float sum = row.sum();
                    row *= 1.0f / sum;
                    blockLse[static_cast<size_t>(r)] = m + std::log(sum);
                }
                MatrixMap o = ws_.blockOut.local().shape(bq, d);
                o.noalias() = s * V.middleRows(j0, bk);
                for (Index r = 0; r < bq; ++r) {
                    const float l1 = lse[static_cast<size_t>(r)], l2 = blockLse[static_cast<size_t>(r)];
                    if (l2 == kNegInf) continue;
                    if (l1 == kNegInf) {
                        acc.row(r) = o.row(r);
                        lse[static_cast<size_t>(r)] = l2;
                        continue;
                    }
                    const float merged = std::max(l1, l2) + std::log1p(std::exp(-std::abs(l1 - l2)));
                    acc.row(r) = std::exp(l1 - merged) * acc.row(r) + std::exp(l2 - merged) * o.row(r);
                    lse[static_cast<size_t>(r)] = merged;
                }
            }
            out.middleRows(i0, bq) = acc;
        }
    }

    void block(int layer, bool capture) {
        const auto& L = w_.layers[static_cast<size_t>(layer)];
        const float eps = static_cast<float>(cfg_.rmsNormEps);
        const int H = cfg_.numHeads, KV = cfg_.numKvHeads, d = cfg_.headDim;
        const Index D = cfg_.hiddenSize, I = cfg_.intermediateSize;
        const Index qWidth = Index{H} * d, kvWidth = Index{KV} * d;

        MatrixMap x = X();
        MatrixMap normed = ws_.normed.shape(rows_, D);
        MatrixMap q = ws_.q.shape(rows_, qWidth);
        MatrixMap k = ws_.k.shape(rows_, kvWidth);
        MatrixMap v = ws_.v.shape(rows_, kvWidth);
        rmsNorm(x, L.inputNorm, eps, normed);
        linear(normed, L.q, q);
        linear(normed, L.k, k);
        linear(normed, L.v, v);
        int maxPosition = 0;
        for (int32_t p : rowPositions_) maxPosition = std::max(maxPosition, p);
        if (!rope_ || rope_->cosines.size() < static_cast<size_t>(maxPosition + 1) * static_cast<size_t>(d / 2))
            rope_ = std::make_unique<RopeTable>(maxPosition, d, cfg_.ropeTheta);
        applyRope(q, H, d, rowPositions_, *rope_);
        applyRope(k, KV, d, rowPositions_, *rope_);
        if (capture)
            for (const auto& seq : seqs_) {
                model::LayerCapture& c = results_[seq.input].layers.back();
                if (c.keys.size())
                    for (int g = 0; g < KV; ++g)
                        for (Index i = 0; i < seq.rows; ++i)
                            std::copy_n(&k(seq.offset + i, Index{g} * d), d,
                                        c.keys.mutableData() + (static_cast<size_t>(g) * seq.rows + i) * d);
                if (c.values.size())
                    for (int g = 0; g < KV; ++g)
                        for (Index i = 0; i < seq.rows; ++i)
                            std::copy_n(&v(seq.offset + i, Index{g} * d), d,
                                        c.values.mutableData() + (static_cast<size_t>(g) * seq.rows + i) * d);
                if (c.queries.size())
                    for (int h = 0; h < H; ++h)
                        for (Index i = 0; i < seq.rows; ++i)
                            std::copy_n(&q(seq.offset + i, Index{h} * d), d,
                                        c.queries.mutableData() + (static_cast<size_t>(h) * seq.rows + i) * d);
            }

        MatrixMap attn = ws_.attn.shape(rows_, qWidth);
        const float scale = 1.0f / std::sqrt(static_cast<float>(d));
        const int group = H / KV;
        const auto Wo = L.o.weight.matrix();
        const bool wantAttention = capture && options_.captureAttention;
        const bool wantScores = capture && options_.captureScores;
        const bool wantHeadOutputs = capture && options_.captureHeadOutputs;
        tbb::parallel_for(size_t{0}, seqs_.size() * static_cast<size_t>(H), [&](size_t task) {
            const auto& seq = seqs_[task / static_cast<size_t>(H)];
            const int h = static_cast<int>(task % static_cast<size_t>(H));
            const Index S = seq.rows;
            auto out = attn.block(seq.offset, Index{h} * d, S, d);
            const bool masked = headMasked(layer, h);
            if (masked) out.setZero();  // the head's output is removed; its pattern may be shown
            if (masked && !wantAttention && !wantScores) return;
            const bool showMaskedPattern = masked;
            const int g = h / group;
            const auto Q = q.block(seq.offset, Index{h} * d, S, d);
            const auto K = k.block(seq.offset, Index{g} * d, S, d);
            const auto V = v.block(seq.offset, Index{g} * d, S, d);
            model::LayerCapture* c = capture ? &results_[seq.input].layers.back() : nullptr;
            const bool deferred = c && c->attentionDeferred;
            if ((!wantAttention || deferred) && !wantScores && (blockwise(S) || deferred)) {
                if (showMaskedPattern) return;  // a deferred map is recomputed on demand
                blockwiseAttention(Q, K, V, out, scale);
                if (wantHeadOutputs) {
                    MatrixMap ho(c->headOutputs.mutableData() + static_cast<size_t>(h) * S * D, S, D);
                    ho.noalias() = out * Wo.middleCols(Index{h} * d, d).transpose();
                }
                return;
            }
            // Probabilities go straight into the capture when one is wanted.
            MatrixMap p = wantAttention
                              ? MatrixMap(c->attention.mutableData() + static_cast<size_t>(h) * S * S, S, S)
                              : ws_.scratch.local().shape(S, S);
            p.noalias() = (Q * K.transpose()) * scale;
            if (cfg_.causalAttention)
                for (Index i = 0; i + 1 < S; ++i)
                    p.row(i).tail(S - i - 1).setConstant(-std::numeric_limits<float>::infinity());
            if (wantScores)
                std::copy(p.data(), p.data() + S * S, c->scores.mutableData() + static_cast<size_t>(h) * S * S);
            for (Index i = 0; i < S; ++i) {
                auto row = p.row(i).array();
                const float m = row.maxCoeff();
                row = (row - m).exp();
                row *= 1.0f / row.sum();
            }
            if (showMaskedPattern) return;  // headOutputs of a masked head stay zero
            out.noalias() = p * V;
            if (wantHeadOutputs) {
                MatrixMap ho(c->headOutputs.mutableData() + static_cast<size_t>(h) * S * D, S, D);
                ho.noalias() = out * Wo.middleCols(Index{h} * d, d).transpose();
            }
        });

        MatrixMap proj = ws_.proj.shape(rows_, D);
        linear(attn, L.o, proj);
        if (L.lambda1) proj.array().rowwise() *= L.lambda1->flat().transpose().array();
        x += proj;

        // A second cancellation point inside the layer: a large layer takes ~160 ms here.
        if (options_.cancel && options_.cancel->load(std::memory_order_relaxed))
            throw model::RunCancelled();

        MatrixMap gate = ws_.gate.shape(rows_, I);
        MatrixMap up = ws_.up.shape(rows_, I);
        rmsNorm(x, L.postAttentionNorm, eps, normed);
        linear(normed, L.gate, gate);
        linear(normed, L.up, up);
        activate(gate, cfg_.hiddenAct);
        parallelRows(rows_, [&](Index r0, Index r1) {
            gate.middleRows(r0, r1 - r0).array() *= up.middleRows(r0, r1 - r0).array();
        });
        linear(gate, L.down, proj);
        if (L.lambda2) proj.array().rowwise() *= L.lambda2->flat().transpose().array();
        x += proj;
    }

    void heads() {
        const Index D = cfg_.hiddenSize;
        MatrixMap normed = ws_.normed.shape(rows_, D);
        rmsNorm(X(), w_.finalNorm, static_cast<float>(cfg_.rmsNormEps), normed);
        for (auto& seq : seqs_) {
            auto& r = results_[seq.input];
            r.hidden = tensorFromRows(normed, seq.offset, seq.rows);
            r.positions = seq.positions;
        }
        if (w_.head == model::HeadKind::Pretrain) {
            // n_token_proj: [S, hidden] → [S, next_n · hidden], read as [S · next_n, hidden].
            const float* slots = normed.data();
            Index nextN = 1;
            if (w_.nTokenProj) {
                nextN = w_.nTokenProj->outFeatures() / D;
                MatrixMap proj = ws_.proj.shape(rows_, nextN * D);
                linear(normed, *w_.nTokenProj, proj);
                slots = proj.data();
            }
            Eigen::Map<const RowMatrix> perSlot(slots, rows_ * nextN, D);
            const auto head = w_.lmHead.matrix();
            for (auto& seq : seqs_) {
                Tensor logits({seq.rows, nextN, head.rows()});
                MatrixMap out(logits.mutableData(), seq.rows * nextN, head.rows());
                const auto in = perSlot.middleRows(seq.offset * nextN, seq.rows * nextN);
                parallelRows(out.rows(), [&](Index r0, Index r1) {
                    out.middleRows(r0, r1 - r0).noalias() = in.middleRows(r0, r1 - r0) * head.transpose();
                });
                results_[seq.input].logits = std::move(logits);
            }
        } else if (w_.head == model::HeadKind::Task) {
            // GraphGPT's score: one Linear, or its MLP (activation before every Linear).
            const bool mlp = w_.score.size() > 1;
            Buffer* from = &ws_.scoreA;
            Buffer* to = &ws_.scoreB;
            MatrixMap value = from->shape(rows_, D);
            value = normed;
            for (const auto& lin : w_.score) {
                if (mlp) activate(value, cfg_.hiddenAct);
                MatrixMap next = to->shape(rows_, lin.outFeatures());
                linear(value, lin, next);
                new (&value) MatrixMap(next.data(), next.rows(), next.cols());
                std::swap(from, to);
            }
            for (auto& seq : seqs_) {
                auto& r = results_[seq.input];
                r.tokenLogits = tensorFromRows(value, seq.offset, seq.rows);
                r.logits = Tensor({value.cols()});
                r.logits.mutableMatrix() = value.row(seq.offset + seq.rows - 1);
            }
        }
    }

    std::unique_ptr<RopeTable> rope_;
    size_t captured_ = 0;  ///< bytes of attention maps captured so far (attentionBudgetBytes)
};

}  // namespace

std::vector<RunResult> runGraphGpt(const GraphGptModel& model,
                                   const std::vector<SequenceInput>& inputs,
                                   const RunOptions& options) {
    const auto start = std::chrono::steady_clock::now();
    if (options.resume.layer >= 0) {
        const auto& r = options.resume;
        const auto hidden = static_cast<int64_t>(model.config.hiddenSize);
        if (inputs.size() != 1)
            throw std::invalid_argument("resume: runs one sequence, not " + std::to_string(inputs.size()));
        if (r.layer > model.config.numLayers)
            throw std::invalid_argument("resume: layer " + std::to_string(r.layer) + " of a " +
                                        std::to_string(model.config.numLayers) + "-layer model");
        if (r.positions.empty() || r.residual.rank() != 2 ||
            r.residual.dim(0) != static_cast<int64_t>(r.positions.size()) || r.residual.dim(1) != hidden)
            throw std::invalid_argument("resume: residual must be [" + std::to_string(r.positions.size()) +
                                        ", " + std::to_string(hidden) + "] for its positions");
        for (size_t i = 0; i < r.positions.size(); ++i)
            if (r.positions[i] < 0 || static_cast<size_t>(r.positions[i]) >= inputs[0].ids.size() ||
                (i > 0 && r.positions[i] <= r.positions[i - 1]))
                throw std::invalid_argument("resume: positions must increase within the sequence (entry " +
                                            std::to_string(i) + ")");
    }
    std::vector<RunResult> results(inputs.size());
    std::atomic<int64_t> done{0};
    const int64_t total = static_cast<int64_t>(inputs.size()) * model.config.numLayers;

    // Longest first keeps packs even; each pack holds at most kMaxPackRows rows (or one
    // longer sequence).
    std::vector<size_t> order(inputs.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return inputs[a].ids.size() > inputs[b].ids.size();
    });
    std::vector<std::vector<size_t>> packs;
    Index rows = 0;
    for (size_t index : order) {
        const auto length = static_cast<Index>(inputs[index].ids.size());
        if (packs.empty() || rows + length > kMaxPackRows) {
            packs.emplace_back();
            rows = 0;
        }
        packs.back().push_back(index);
        rows += length;
    }

    // The calling thread's workspace, kept for its next run unless it grew large. A nested
    // run on the same thread (from a progress callback) gets a fresh one.
    thread_local Workspace kept;
    Workspace fresh;
    Workspace& ws = kept.inUse ? fresh : kept;
    ws.inUse = true;
    struct Release {
        Workspace& ws;
        ~Release() {
            ws.inUse = false;
            if (ws.bytes() > kKeptWorkspaceBytes) {
                ws.~Workspace();
                new (&ws) Workspace();
            }
        }
    } release{ws};

    auto work = [&] {
        PackRunner runner(model, options, results, done, total, ws);
        for (const auto& members : packs) runner.run(inputs, members);
    };
    if (options.threads > 0) {
        tbb::task_arena arena(options.threads);
        arena.execute(work);
    } else {
        work();
    }
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    for (auto& r : results) r.milliseconds = ms;
    return results;
}

}  // namespace gts::backend::cpu
