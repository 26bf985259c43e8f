#pragma once
// Storage buffers and the compute kernels of the GraphGPT forward (shaders/compute/*.comp,
// embedded at build time). Everything here runs on the GlDevice thread only.
//
// Each kernel call dispatches and then places a shader-storage barrier, so the next call sees
// its writes; results reach the host through Buffer::download.

#include <cstddef>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "backend/gl/GlFunctions.h"
#include "model/GraphGptConfig.h"

namespace gts::backend::gl {

/// A run the GPU backend cannot do (a buffer over the driver's storage-block limit, an option
/// it does not implement); the backend dispatcher falls back to the CPU on it in auto mode.
class GpuUnsupported : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// One shader storage buffer (GL_DYNAMIC_COPY), move-only.
class Buffer {
public:
    Buffer() = default;
    /// Throws GpuUnsupported when `bytes` passes the driver's shader-storage block size, naming
    /// `what`.
    Buffer(size_t bytes, const std::string& what);
    ~Buffer();
    Buffer(Buffer&& other) noexcept;
    Buffer& operator=(Buffer&& other) noexcept;
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;

    /// A buffer holding `values`.
    static Buffer of(const std::vector<float>& values, const std::string& what);
    static Buffer of(const std::vector<int32_t>& values, const std::string& what);
    static Buffer of(const float* values, size_t count, const std::string& what);

    void upload(const void* data, size_t bytes, size_t offsetBytes = 0);
    void download(void* data, size_t bytes, size_t offsetBytes = 0) const;
    std::vector<float> floats(size_t count, size_t offset = 0) const;
    /// Grows (contents lost) to at least `bytes`.
    void reserve(size_t bytes, const std::string& what);

    unsigned id() const { return id_; }
    size_t bytes() const { return bytes_; }

private:
    unsigned id_ = 0;
    size_t bytes_ = 0;
};

/// C[z][m][n] (=|+=) scale[n] · (alpha · Σ_k A[z][m][k] B[z][k][n] + bias[n]); layouts as in
/// shaders/compute/gemm.comp. Offsets and strides count floats.
struct GemmArgs {
    const Buffer* a = nullptr;
    const Buffer* b = nullptr;
    Buffer* c = nullptr;
    const Buffer* bias = nullptr;   ///< [N] or null
    const Buffer* scale = nullptr;  ///< [N] or null
    int M = 0, N = 0, K = 0;
    int offA = 0, lda = 0, batchA = 0;
    int offB = 0, ldb = 0, batchB = 0, batchDivB = 1;
    bool transB = true;  ///< B stored [N, K] (torch Linear weight); false: [K, N]
    int offC = 0, ldc = 0, batchC = 0;
    int batches = 1, zBase = 0;
    float alpha = 1.0f;
    bool accumulate = false;
};

/// Limits of shaders/compute/attention_block.comp (its constants): query rows per group, and
/// floats of its shared query (and output) tile, key (and value) tile and score tile.
constexpr int kBlockAttentionMaxQueryRows = 32;
constexpr int kBlockAttentionQueryFloats = 1024;
constexpr int kBlockAttentionKeyFloats = 2048;
constexpr int kBlockAttentionScoreFloats = 1024;
constexpr int kBlockAttentionMaxKeyBlock = 64;
/// The widest head the tiles take (one query row per group).
constexpr int kBlockAttentionMaxHeadDim = kBlockAttentionQueryFloats;

/// Loop iterations per invocation one attentionBlock() dispatch may take: a quarter of the
/// 65,535 at which Mesa's llvmpipe silently leaves a shader's loop nest.
constexpr int64_t kBlockAttentionLoopBudget = 16384;

/// Query rows per work group of attentionBlock() for a head dimension.
int blockAttentionQueryRows(int headDim);
/// The key rows per block attentionBlock() uses for a requested block size (≤ 0: the largest)
/// and head dimension: clamped to the shader's tiles.
int blockAttentionKeyRows(int requested, int headDim);
/// Keys one dispatch of attentionBlock() covers (whole key blocks within
/// kBlockAttentionLoopBudget); longer sequences take several dispatches.
int blockAttentionKeysPerDispatch(int headDim, int keyBlock);

class Kernels {
public:
    /// The device thread's kernels, compiled on first use. Throws std::runtime_error with the
    /// driver's log when a shader does not compile.
    static Kernels& get();

    void gemm(const GemmArgs& args);
    /// y[rows, out] (=|+=) scale ⊙ (x[rows, in] Wᵀ + bias), W [out, in].
    void linear(const Buffer& x, const Buffer& weight, const Buffer* bias, Buffer& y, int rows,
                int in, int out, const Buffer* scale = nullptr, bool accumulate = false);
    void rmsNorm(const Buffer& x, const Buffer& weight, Buffer& y, int rows, int cols, float eps);
    /// x [rows, heads · headDim] rotated by each row's position (tables [positions][headDim/2]).
    void rope(Buffer& x, const Buffer& cosines, const Buffer& sines, const Buffer& positions,
              int rows, int heads, int headDim);
    /// a = act(a), or act(a) ⊙ up when `up` is given.
    void activate(Buffer& a, const Buffer* up, int64_t count, model::Activation activation);
    /// Row softmax over [rows / S batches, S, S] in place; causal masks j > i; the masked
    /// scores go to `scores` (same layout) when given.
    void softmax(Buffer& p, Buffer* scores, int rows, int S, bool causal);
    /// Blockwise attention with log-sum-exp merging (shaders/compute/attention_block.comp):
    /// out[S, H·d] head h = softmax(Q_h K_gᵀ · scale, causal mask) V_g, g = h / (H / KV), from
    /// q [S, H·d], k and v [S, KV·d], without an S×S map; key blocks of
    /// blockAttentionKeyRows(keyBlock, d) rows. lse [H, S] = log Σ_j exp(s_ij) when given.
    /// Throws GpuUnsupported when d passes kBlockAttentionMaxHeadDim.
    void attentionBlock(const Buffer& q, const Buffer& k, const Buffer& v, Buffer& out, Buffer* lse, int S,
                        int H, int KV, int d, int keyBlock, float scale, bool causal);
    /// x [rows, hidden] from ids [rows, width]; gates [width, hidden] or null.
    void embed(const Buffer& table, const Buffer& ids, const Buffer* gates, Buffer& x, int rows,
               int hidden, int width, int padId, bool longMethod);
    void gatherRows(const Buffer& src, const Buffer& rowIndex, Buffer& dst, int rows, int cols);
    void fillBlock(Buffer& x, int rows, int cols, int offset, int ld, float value);
    /// Waits for every dispatched kernel (timing).
    void finish();

    Kernels(const Kernels&) = delete;
    Kernels& operator=(const Kernels&) = delete;
    ~Kernels();

private:
    Kernels();
    struct Program {
        unsigned id = 0;
        std::map<std::string, int> locations;
    };
    Program& use(const char* name);
    void set(const char* uniform, int value);
    void setFloat(const char* uniform, float value);
    void bind(unsigned binding, const Buffer* buffer);
    void dispatch(unsigned x, unsigned y = 1, unsigned z = 1);
    /// Work groups for a grid-stride loop over `count` items, 256 per group.
    unsigned strideGroups(int64_t count) const;
    /// (x, y) groups for one group per row.
    void dispatchRows(int rows);

    std::map<std::string, Program> programs_;
    Program* current_ = nullptr;
    Buffer dummy_;
    Buffer lseScratch_;  // attentionBlock()'s running log-sum-exp when the caller wants none
};

}  // namespace gts::backend::gl
