#include "backend/gl/GlGraphGpt.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <list>
#include <memory>
#include <numeric>
#include <optional>
#include <string>

#include "backend/gl/GlDevice.h"
#include "backend/gl/GlKernels.h"
#include "model/ModelFolder.h"

namespace gts::backend::gl {
namespace {

using model::GraphGptConfig;
using model::GraphGptModel;
using model::RunOptions;
using model::RunResult;
using model::SequenceInput;

/// As the CPU backend: a pack holds at most this many rows (or one longer sequence).
constexpr int64_t kMaxPackRows = 8192;
/// Weights of this many models stay on the device.
constexpr size_t kCachedModels = 2;
/// Floats sampled from each tensor to tell a model from a later one at the same address.
constexpr size_t kFingerprintSamples = 64;
/// As the CPU backend: longer sequences run blockwise attention by default.
constexpr int kDenseAttentionMaxPositions = 512;

struct LinearBuffers {
    Buffer weight;
    std::optional<Buffer> bias;
    int in = 0, out = 0;
    const Buffer* biasOrNull() const { return bias ? &*bias : nullptr; }
};

struct LayerBuffers {
    Buffer inputNorm, postNorm;
    LinearBuffers q, k, v, o, gate, up, down;
    std::optional<Buffer> lambda1, lambda2;
};

/// What identifies a model's weights: every tensor's storage, shape and a sample of values.
struct Fingerprint {
    const GraphGptModel* model = nullptr;
    std::vector<const float*> storage;
    std::vector<size_t> sizes;
    double sample = 0.0;
    bool operator==(const Fingerprint&) const = default;
};

Fingerprint fingerprint(const GraphGptModel& model) {
    Fingerprint f;
    f.model = &model;
    auto add = [&](const Tensor& t) {
        f.storage.push_back(t.data());
        f.sizes.push_back(t.size());
        const size_t step = std::max<size_t>(1, t.size() / kFingerprintSamples);
        for (size_t i = 0; i < t.size(); i += step) f.sample += t.data()[i] * static_cast<double>(i + 1);
    };
    const auto& w = model.weights;
    add(w.embedTokens);
    for (const auto& layer : w.layers)
        for (const Tensor* t : {&layer.inputNorm, &layer.q.weight, &layer.k.weight, &layer.v.weight,
                                &layer.o.weight, &layer.postAttentionNorm, &layer.gate.weight,
                                &layer.up.weight, &layer.down.weight})
            add(*t);
    add(w.finalNorm);
    add(w.lmHead);
    for (const auto& s : w.score) add(s.weight);
    return f;
}

Buffer upload(const Tensor& t, const std::string& what) { return Buffer::of(t.data(), t.size(), what); }

LinearBuffers upload(const model::LinearWeights& w, const std::string& what) {
    LinearBuffers b;
    b.weight = upload(w.weight, what + ".weight");
    if (w.bias) b.bias = upload(*w.bias, what + ".bias");
    b.in = static_cast<int>(w.inFeatures());
    b.out = static_cast<int>(w.outFeatures());
    return b;
}

/// The device copy of a model's weights.
struct ModelBuffers {
    Fingerprint identity;
    Buffer embed;
    std::optional<Buffer> gates;
    std::vector<LayerBuffers> layers;
    Buffer finalNorm;
    std::optional<LinearBuffers> nTokenProj;
    std::optional<Buffer> lmHead;  ///< absent when tied to the embedding
    std::vector<LinearBuffers> score;

    explicit ModelBuffers(const GraphGptModel& model) : identity(fingerprint(model)) {
        const auto& w = model.weights;
        embed = upload(w.embedTokens, "model.embed_tokens.weight");
        if (w.stackedFeatAgg) gates = upload(*w.stackedFeatAgg, "stacked_feat_agg.weight");
        for (size_t i = 0; i < w.layers.size(); ++i) {
            const auto& L = w.layers[i];
            const std::string p = "model.layers." + std::to_string(i) + ".";
            LayerBuffers b;
            b.inputNorm = upload(L.inputNorm, p + "input_layernorm.weight");
            b.postNorm = upload(L.postAttentionNorm, p + "post_attention_layernorm.weight");
            b.q = upload(L.q, p + "self_attn.q_proj");
            b.k = upload(L.k, p + "self_attn.k_proj");
            b.v = upload(L.v, p + "self_attn.v_proj");
            b.o = upload(L.o, p + "self_attn.o_proj");
            b.gate = upload(L.gate, p + "mlp.gate_proj");
            b.up = upload(L.up, p + "mlp.up_proj");
            b.down = upload(L.down, p + "mlp.down_proj");
            if (L.lambda1) b.lambda1 = upload(*L.lambda1, p + "lambda_1");
            if (L.lambda2) b.lambda2 = upload(*L.lambda2, p + "lambda_2");
            layers.push_back(std::move(b));
        }
        finalNorm = upload(w.finalNorm, "model.norm.weight");
        if (w.head == model::HeadKind::Pretrain) {
            if (w.nTokenProj) nTokenProj = upload(*w.nTokenProj, "n_token_proj");
            if (w.lmHead.data() != w.embedTokens.data()) lmHead = upload(w.lmHead, "lm_head.weight");
        }
        for (size_t i = 0; i < w.score.size(); ++i) score.push_back(upload(w.score[i], "score." + std::to_string(i)));
    }
    const Buffer& lmHeadWeight() const { return lmHead ? *lmHead : embed; }
};

/// Device-thread state kept between runs: the model cache.
std::list<std::unique_ptr<ModelBuffers>>& modelCache() {
    static std::list<std::unique_ptr<ModelBuffers>> cache;
    return cache;
}

ModelBuffers& buffersFor(const GraphGptModel& model) {
    auto& cache = modelCache();
    const Fingerprint id = fingerprint(model);
    for (auto it = cache.begin(); it != cache.end(); ++it)
        if ((*it)->identity == id) {
            cache.splice(cache.begin(), cache, it);
            return *cache.front();
        }
    while (cache.size() >= kCachedModels) cache.pop_back();
    cache.push_front(std::make_unique<ModelBuffers>(model));
    return *cache.front();
}

/// cos/sin of p · θ^(−2i/d), i < d/2, in double then rounded (as the CPU backend's table).
struct RopeBuffers {
    int maxPosition = -1, headDim = 0;
    double theta = 0.0;
    Buffer cosines, sines;

    void ensure(int neededMaxPosition, int d, double base) {
        if (neededMaxPosition <= maxPosition && d == headDim && base == theta) return;
        const int half = d / 2;
        std::vector<float> c(static_cast<size_t>(neededMaxPosition + 1) * half), s(c.size());
        for (int i = 0; i < half; ++i) {
            const double invFreq = std::pow(base, -2.0 * i / d);
            for (int p = 0; p <= neededMaxPosition; ++p) {
                const double angle = p * invFreq;
                c[static_cast<size_t>(p) * half + i] = static_cast<float>(std::cos(angle));
                s[static_cast<size_t>(p) * half + i] = static_cast<float>(std::sin(angle));
            }
        }
        cosines = Buffer::of(c, "the RoPE cosine table");
        sines = Buffer::of(s, "the RoPE sine table");
        maxPosition = neededMaxPosition;
        headDim = d;
        theta = base;
    }
};

bool wants(const RunOptions& options, int layer) {
    return options.captureLayers.empty() ||
           std::find(options.captureLayers.begin(), options.captureLayers.end(), layer) !=
               options.captureLayers.end();
}

Tensor download(const Buffer& b, std::vector<int64_t> shape) {
    Tensor t(std::move(shape));
    if (t.size()) b.download(t.mutableData(), t.size() * sizeof(float));
    return t;
}

/// One sequence of a pack: its residual stream on the device and its surviving positions.
struct SequenceState {
    size_t input = 0;
    std::vector<int32_t> positions;
    Buffer x;
    int rows() const { return static_cast<int>(positions.size()); }
};

class Runner {
public:
    Runner(const GraphGptModel& model, const RunOptions& options, std::vector<RunResult>& results,
           int64_t progressTotal)
        : cfg_(model.config), w_(model.weights), m_(buffersFor(model)), options_(options),
          results_(results), progressTotal_(progressTotal), k_(Kernels::get()) {}

    void run(const std::vector<SequenceInput>& inputs, const std::vector<size_t>& members) {
        seqs_.clear();
        for (size_t index : members) {
            SequenceState s;
            s.input = index;
            s.positions.resize(inputs[index].ids.size());
            std::iota(s.positions.begin(), s.positions.end(), 0);
            seqs_.push_back(std::move(s));
        }
        const int first = std::max(0, options_.resume.layer);
        if (options_.resume.layer >= 0) resume();
        else
            for (auto& s : seqs_) embed(s, inputs[s.input]);
        for (int layer = 0; layer < cfg_.numLayers; ++layer) {
            if (layer < first) {
                report(1);
                continue;
            }
            checkCancel();
            const size_t l = static_cast<size_t>(layer);
            const bool skipped = l < options_.skipLayers.size() && options_.skipLayers[l];
            const bool capture = wants(options_, layer) &&
                                 (options_.captureAttention || options_.captureScores ||
                                  options_.captureResidual || options_.captureHeadOutputs ||
                                  options_.captureKeys);
            for (auto& s : seqs_) {
                if (l < options_.keepTokens.size() && !options_.keepTokens[l].empty())
                    keep(s, options_.keepTokens[l]);
                if (capture) startCapture(s, layer, skipped);
            }
            for (auto& s : seqs_) {
                if (!skipped) block(s, layer, capture);
                if (capture && options_.captureResidual)
                    results_[s.input].layers.back().residual =
                        download(s.x, {s.rows(), int64_t{cfg_.hiddenSize}});
            }
            report(static_cast<int64_t>(seqs_.size()));
        }
        for (auto& s : seqs_) heads(s);
    }

private:
    const GraphGptConfig& cfg_;
    const model::GraphGptWeights& w_;
    ModelBuffers& m_;
    const RunOptions& options_;
    std::vector<RunResult>& results_;
    int64_t progressTotal_;
    int64_t progressDone_ = 0;
    Kernels& k_;
    std::vector<SequenceState> seqs_;
    size_t captured_ = 0;  ///< bytes of attention maps captured so far (attentionBudgetBytes)

    // Workspace shared by the sequences, grown as needed.
    Buffer normed_, q_, kBuf_, v_, attn_, gate_, up_, probs_, scores_, headOut_, positions_, scratch_;
    RopeBuffers rope_;

    void report(int64_t steps) {
        progressDone_ += steps;
        if (options_.progress) options_.progress(progressDone_, progressTotal_);
    }

    void checkCancel() const {
        if (options_.cancel && options_.cancel->load(std::memory_order_relaxed)) throw model::RunCancelled();
    }

    size_t floats(int64_t a, int64_t b = 1, int64_t c = 1) const {
        return static_cast<size_t>(a) * static_cast<size_t>(b) * static_cast<size_t>(c) * sizeof(float);
    }

    void embed(SequenceState& s, const SequenceInput& input) {
        const int slots = std::max(1, cfg_.stackedFeat);
        const bool gated = cfg_.stackAggregation == model::StackAggregation::Gated && w_.stackedFeatAgg;
        const bool stacked = cfg_.stackMethod != model::StackMethod::None || slots > 1 || gated;
        const int width = stacked ? slots : 1;
        std::vector<int32_t> ids(static_cast<size_t>(s.rows()) * width, cfg_.padTokenId);
        for (int p = 0; p < s.rows(); ++p) {
            const auto& pos = input.ids[static_cast<size_t>(p)];
            for (int f = 0; f < width && f < static_cast<int>(pos.size()); ++f)
                ids[static_cast<size_t>(p) * width + f] = pos[static_cast<size_t>(f)];
        }
        scratch_ = Buffer::of(ids, "the token ids");
        s.x.reserve(floats(s.rows(), cfg_.hiddenSize), "the residual stream");
        k_.embed(m_.embed, scratch_, gated ? &*m_.gates : nullptr, s.x, s.rows(), cfg_.hiddenSize, width,
                 cfg_.padTokenId, cfg_.stackMethod == model::StackMethod::Long);
        if (options_.captureResidual)
            results_[s.input].embeddings = download(s.x, {s.rows(), int64_t{cfg_.hiddenSize}});
    }

    void resume() {
        auto& s = seqs_.front();
        s.positions = options_.resume.positions;
        s.x = Buffer::of(options_.resume.residual.data(), options_.resume.residual.size(), "the resumed residual stream");
    }

    /// Keeps the rows whose original position is in `keepSet`, in order.
    void keep(SequenceState& s, const std::vector<int32_t>& keepSet) {
        std::vector<int32_t> rowIndex, kept;
        for (int r = 0; r < s.rows(); ++r)
            if (std::find(keepSet.begin(), keepSet.end(), s.positions[static_cast<size_t>(r)]) != keepSet.end()) {
                rowIndex.push_back(r);
                kept.push_back(s.positions[static_cast<size_t>(r)]);
            }
        if (kept.empty())
            throw std::invalid_argument("a keep-set leaves no position of sequence " + std::to_string(s.input));
        if (kept.size() == s.positions.size()) return;
        Buffer index = Buffer::of(rowIndex, "the keep-set");
        Buffer x(floats(std::max<int64_t>(1, static_cast<int64_t>(kept.size())), cfg_.hiddenSize), "the residual stream");
        k_.gatherRows(s.x, index, x, static_cast<int>(kept.size()), cfg_.hiddenSize);
        s.x = std::move(x);
        s.positions = std::move(kept);
    }

    /// As the CPU backend: a skipped layer records positions and residual only; attention maps
    /// past the budget are deferred (queries and keys kept instead).
    void startCapture(const SequenceState& s, int layer, bool skipped) {
        model::LayerCapture c;
        c.layer = layer;
        c.positions = s.positions;
        const int64_t H = cfg_.numHeads, S = s.rows();
        if (options_.captureAttention && !skipped) {
            const size_t bytes = floats(H, S, S);
            if (options_.attentionBudgetBytes == 0 || captured_ + bytes <= options_.attentionBudgetBytes) {
                c.attention = Tensor({H, S, S});
                captured_ += bytes;
            } else {
                c.attentionDeferred = true;
                c.queries = Tensor({H, S, int64_t{cfg_.headDim}});
                c.keys = Tensor({int64_t{cfg_.numKvHeads}, S, int64_t{cfg_.headDim}});
            }
        }
        if (options_.captureScores && !skipped) c.scores = Tensor({H, S, S});
        if (options_.captureHeadOutputs && !skipped) c.headOutputs = Tensor({H, S, int64_t{cfg_.hiddenSize}});
        if (options_.captureKeys && !skipped && c.keys.size() == 0)
            c.keys = Tensor({int64_t{cfg_.numKvHeads}, S, int64_t{cfg_.headDim}});
        if (options_.captureValues && !skipped) {
            if (c.queries.size() == 0) c.queries = Tensor({H, S, int64_t{cfg_.headDim}});
            c.values = Tensor({int64_t{cfg_.numKvHeads}, S, int64_t{cfg_.headDim}});
        }
        results_[s.input].layers.push_back(std::move(c));
    }

    bool headMasked(int layer, int head) const {
        if (static_cast<size_t>(layer) >= options_.headMask.size()) return false;
        const auto& heads = options_.headMask[static_cast<size_t>(layer)];
        return static_cast<size_t>(head) < heads.size() && heads[static_cast<size_t>(head)];
    }

    /// [rows, heads · d] on the device → [heads, rows, d] in `out`.
    void downloadPerHead(const Buffer& b, int rows, int heads, int d, Tensor& out) {
        const auto flat = b.floats(static_cast<size_t>(rows) * heads * d);
        float* dst = out.mutableData();
        for (int h = 0; h < heads; ++h)
            for (int i = 0; i < rows; ++i)
                std::copy_n(flat.data() + (static_cast<size_t>(i) * heads + h) * d, d,
                            dst + (static_cast<size_t>(h) * rows + i) * d);
    }

    /// As the CPU backend: blockwise above kDenseAttentionMaxPositions unless an S×S capture of
    /// the layer is asked for, always with attentionBlock > 0, never with attentionBlock < 0
    /// (but a deferred layer always runs blockwise).
    bool blockwise(int S) const {
        if (options_.attentionBlock > 0) return true;
        return options_.attentionBlock == 0 && S > kDenseAttentionMaxPositions;
    }

    /// Dense attention per head through S×S maps (the captures of attention and scores read
    /// them), heads in chunks whose maps fit one storage block.
    void denseAttention(int S, model::LayerCapture* c, bool wantAttention, bool wantScores, float scale) {
        const int H = cfg_.numHeads, KV = cfg_.numKvHeads, d = cfg_.headDim;
        const int group = H / KV;
        // Heads in chunks whose S×S maps fit one storage block.
        const auto limit = static_cast<size_t>(GlDevice::instance().limits().maxStorageBlockBytes);
        const size_t mapBytes = floats(S, S);
        if (mapBytes > limit)
            throw GpuUnsupported("a " + std::to_string(S) + "-position sequence needs " +
                                 std::to_string(mapBytes >> 20) + " MiB per attention map; the GL driver allows " +
                                 std::to_string(limit >> 20) + " MiB per storage block (dense attention: "
                                 "attentionBlock < 0 or an S×S capture)");
        const int chunk = static_cast<int>(std::min<size_t>(H, limit / mapBytes));
        probs_.reserve(mapBytes * chunk, "the attention maps");
        if (wantScores) scores_.reserve(mapBytes * chunk, "the attention scores");
        for (int h0 = 0; h0 < H; h0 += chunk) {
            const int heads = std::min(chunk, H - h0);
            GemmArgs g;  // scores_h = Q_h K_{h/group}ᵀ / √d  [heads, S, S]
            g.a = &q_, g.b = &kBuf_, g.c = &probs_;
            g.M = S, g.N = S, g.K = d;
            g.lda = H * d, g.batchA = d;
            g.ldb = KV * d, g.batchB = d, g.batchDivB = group;
            g.ldc = S, g.batchC = S * S, g.offC = -h0 * S * S;
            g.batches = heads, g.zBase = h0, g.alpha = scale;
            k_.gemm(g);
            k_.softmax(probs_, wantScores ? &scores_ : nullptr, heads * S, S, cfg_.causalAttention);
            if (wantAttention)
                probs_.download(c->attention.mutableData() + static_cast<size_t>(h0) * S * S, mapBytes * heads);
            if (wantScores)
                scores_.download(c->scores.mutableData() + static_cast<size_t>(h0) * S * S, mapBytes * heads);
            GemmArgs pv;  // out_h = P_h V_{h/group}  → attn [S, H·d]
            pv.a = &probs_, pv.b = &v_, pv.c = &attn_;
            pv.M = S, pv.N = d, pv.K = S;
            pv.lda = S, pv.batchA = S * S, pv.offA = -h0 * S * S;
            pv.ldb = KV * d, pv.batchB = d, pv.batchDivB = group, pv.transB = false;
            pv.ldc = H * d, pv.batchC = d;
            pv.batches = heads, pv.zBase = h0;
            k_.gemm(pv);
        }
    }

    void block(SequenceState& s, int layer, bool capture) {
        const auto& L = m_.layers[static_cast<size_t>(layer)];
        const float eps = static_cast<float>(cfg_.rmsNormEps);
        const int H = cfg_.numHeads, KV = cfg_.numKvHeads, d = cfg_.headDim;
        const int D = cfg_.hiddenSize, I = cfg_.intermediateSize, S = s.rows();

        normed_.reserve(floats(S, D), "the normalized residual stream");
        q_.reserve(floats(S, H, d), "the queries");
        kBuf_.reserve(floats(S, KV, d), "the keys");
        v_.reserve(floats(S, KV, d), "the values");
        attn_.reserve(floats(S, H, d), "the attention output");
        k_.rmsNorm(s.x, L.inputNorm, normed_, S, D, eps);
        k_.linear(normed_, L.q.weight, L.q.biasOrNull(), q_, S, D, H * d);
        k_.linear(normed_, L.k.weight, L.k.biasOrNull(), kBuf_, S, D, KV * d);
        k_.linear(normed_, L.v.weight, L.v.biasOrNull(), v_, S, D, KV * d);
        rope_.ensure(*std::max_element(s.positions.begin(), s.positions.end()), d, cfg_.ropeTheta);
        positions_ = Buffer::of(s.positions, "the positions");
        k_.rope(q_, rope_.cosines, rope_.sines, positions_, S, H, d);
        k_.rope(kBuf_, rope_.cosines, rope_.sines, positions_, S, KV, d);

        model::LayerCapture* c = capture ? &results_[s.input].layers.back() : nullptr;
        if (c && c->keys.size()) downloadPerHead(kBuf_, S, KV, d, c->keys);
        if (c && c->queries.size()) downloadPerHead(q_, S, H, d, c->queries);
        if (c && c->values.size()) downloadPerHead(v_, S, KV, d, c->values);
        const bool wantAttention = c && c->attention.size();
        const bool wantScores = c && c->scores.size();
        const bool wantHeadOutputs = c && c->headOutputs.size();

        const float scale = 1.0f / std::sqrt(static_cast<float>(d));
        const bool deferred = c && c->attentionDeferred;
        if (!wantAttention && !wantScores && (deferred || blockwise(S)) && d <= kBlockAttentionMaxHeadDim)
            k_.attentionBlock(q_, kBuf_, v_, attn_, nullptr, S, H, KV, d, std::max(0, options_.attentionBlock), scale,
                              cfg_.causalAttention);
        else
            denseAttention(S, c, wantAttention, wantScores, scale);
        for (int h = 0; h < H; ++h)
            if (headMasked(layer, h)) k_.fillBlock(attn_, S, d, h * d, H * d, 0.0f);

        if (wantHeadOutputs) {
            // head h's o_proj contribution without bias: attn[:, h·d : (h+1)·d] W_o[:, h·d : (h+1)·d]ᵀ
            const auto limit = static_cast<size_t>(GlDevice::instance().limits().maxStorageBlockBytes);
            const size_t perHead = floats(S, D);
            if (perHead > limit)
                throw GpuUnsupported("a head's output [" + std::to_string(S) + ", " + std::to_string(D) +
                                     "] passes the GL driver's storage-block limit");
            const int hChunk = static_cast<int>(std::min<size_t>(H, limit / perHead));
            headOut_.reserve(perHead * hChunk, "the head outputs");
            for (int h0 = 0; h0 < H; h0 += hChunk) {
                const int heads = std::min(hChunk, H - h0);
                GemmArgs g;
                g.a = &attn_, g.b = &L.o.weight, g.c = &headOut_;
                g.M = S, g.N = D, g.K = d;
                g.lda = H * d, g.batchA = d;
                g.ldb = H * d, g.batchB = d;
                g.ldc = D, g.batchC = S * D, g.offC = -h0 * S * D;
                g.batches = heads, g.zBase = h0;
                k_.gemm(g);
                headOut_.download(c->headOutputs.mutableData() + static_cast<size_t>(h0) * S * D, perHead * heads);
            }
        }

        // x += λ1 ⊙ o_proj(attn)
        k_.linear(attn_, L.o.weight, L.o.biasOrNull(), s.x, S, H * d, D, L.lambda1 ? &*L.lambda1 : nullptr, true);
        checkCancel();

        // x += λ2 ⊙ down(act(gate(n)) ⊙ up(n)),  n = RMSNorm_post(x)
        gate_.reserve(floats(S, I), "the MLP gate");
        up_.reserve(floats(S, I), "the MLP up projection");
        k_.rmsNorm(s.x, L.postNorm, normed_, S, D, eps);
        k_.linear(normed_, L.gate.weight, L.gate.biasOrNull(), gate_, S, D, I);
        k_.linear(normed_, L.up.weight, L.up.biasOrNull(), up_, S, D, I);
        k_.activate(gate_, &up_, int64_t{S} * I, cfg_.hiddenAct);
        k_.linear(gate_, L.down.weight, L.down.biasOrNull(), s.x, S, I, D, L.lambda2 ? &*L.lambda2 : nullptr, true);
    }

    void heads(SequenceState& s) {
        const int D = cfg_.hiddenSize, S = s.rows();
        auto& r = results_[s.input];
        normed_.reserve(floats(S, D), "the final norm");
        k_.rmsNorm(s.x, m_.finalNorm, normed_, S, D, static_cast<float>(cfg_.rmsNormEps));
        r.hidden = download(normed_, {S, D});
        r.positions = s.positions;
        if (w_.head == model::HeadKind::Pretrain) {
            // n_token_proj: [S, hidden] → [S, next_n · hidden], read as [S · next_n, hidden].
            const Buffer* slots = &normed_;
            int nextN = 1;
            if (m_.nTokenProj) {
                nextN = m_.nTokenProj->out / D;
                q_.reserve(floats(S, nextN, D), "the next-token projections");
                k_.linear(normed_, m_.nTokenProj->weight, m_.nTokenProj->biasOrNull(), q_, S, D, nextN * D);
                slots = &q_;
            }
            const int vocab = static_cast<int>(w_.lmHead.dim(0));
            gate_.reserve(floats(S, nextN, vocab), "the logits");
            k_.linear(*slots, m_.lmHeadWeight(), nullptr, gate_, S * nextN, D, vocab);
            r.logits = download(gate_, {S, nextN, vocab});
        } else if (w_.head == model::HeadKind::Task) {
            // GraphGPT's score: one Linear, or its MLP (activation before every Linear).
            const bool mlp = m_.score.size() > 1;
            Buffer* value = &normed_;
            Buffer* spare[2] = {&up_, &gate_};
            int turn = 0, width = D;
            for (const auto& lin : m_.score) {
                if (mlp) k_.activate(*value, nullptr, int64_t{S} * width, cfg_.hiddenAct);
                Buffer* next = spare[turn];
                turn ^= 1;
                next->reserve(floats(S, lin.out), "the score head");
                k_.linear(*value, lin.weight, lin.biasOrNull(), *next, S, lin.in, lin.out);
                value = next;
                width = lin.out;
            }
            r.tokenLogits = download(*value, {S, width});
            r.logits = Tensor({int64_t{width}});
            value->download(r.logits.mutableData(), floats(width), floats(S - 1, width));
        }
    }
};

void validateResume(const GraphGptModel& model, const std::vector<SequenceInput>& inputs,
                    const RunOptions& options) {
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

}  // namespace

std::vector<RunResult> runGraphGpt(const GraphGptModel& model, const std::vector<SequenceInput>& inputs,
                                   const RunOptions& options) {
    const auto start = std::chrono::steady_clock::now();
    if (options.resume.layer >= 0) validateResume(model, inputs, options);
    std::vector<RunResult> results(inputs.size());
    const int64_t total = static_cast<int64_t>(inputs.size()) * model.config.numLayers;

    // The CPU backend's packing: longest first, at most kMaxPackRows rows per pack.
    std::vector<size_t> order(inputs.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return inputs[a].ids.size() > inputs[b].ids.size(); });
    std::vector<std::vector<size_t>> packs;
    int64_t rows = 0;
    for (size_t index : order) {
        const auto length = static_cast<int64_t>(inputs[index].ids.size());
        if (packs.empty() || rows + length > kMaxPackRows) {
            packs.emplace_back();
            rows = 0;
        }
        packs.back().push_back(index);
        rows += length;
    }

    GlDevice::instance().run([&] {
        Runner runner(model, options, results, total);
        for (const auto& members : packs) runner.run(inputs, members);
    });
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    for (auto& r : results) r.milliseconds = ms;
    return results;
}

void releaseModelBuffers() {
    auto& device = GlDevice::instance();
    if (device.available()) device.run([] { modelCache().clear(); });
}

}  // namespace gts::backend::gl
