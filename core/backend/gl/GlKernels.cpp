#include "backend/gl/GlKernels.h"

#include <algorithm>
#include <climits>
#include <limits>
#include <cstring>
#include <utility>

#include "ComputeShaders.h"
#include "backend/gl/GlDevice.h"

namespace gts::backend::gl {
namespace {

const GlFunctions& api() { return GlDevice::instance().gl(); }

/// glBufferData of size 0 leaves a buffer that cannot be bound as storage.
constexpr size_t kMinBufferBytes = 16;
constexpr unsigned kGroupSize = 256;
/// Grid-stride kernels use at most this many groups (every item is still visited).
constexpr int64_t kMaxStrideGroups = 4096;
/// gemm.comp's tile of C.
constexpr int kGemmTile = 64;

std::string megabytes(size_t bytes) {
    return std::to_string((bytes + (1u << 20) - 1) >> 20) + " MiB";
}

}  // namespace

Buffer::Buffer(size_t bytes, const std::string& what) { reserve(bytes, what); }

Buffer::~Buffer() {
    if (id_) api().DeleteBuffers(1, &id_);
}

Buffer::Buffer(Buffer&& other) noexcept
    : id_(std::exchange(other.id_, 0)), bytes_(std::exchange(other.bytes_, 0)) {}

Buffer& Buffer::operator=(Buffer&& other) noexcept {
    if (this != &other) {
        if (id_) api().DeleteBuffers(1, &id_);
        id_ = std::exchange(other.id_, 0);
        bytes_ = std::exchange(other.bytes_, 0);
    }
    return *this;
}

void Buffer::reserve(size_t bytes, const std::string& what) {
    bytes = std::max(bytes, kMinBufferBytes);
    if (bytes <= bytes_) return;
    const auto limit = static_cast<size_t>(
        std::min<int64_t>(GlDevice::instance().limits().maxStorageBlockBytes, INT_MAX));
    if (bytes > limit)
        throw GpuUnsupported(what + " needs " + megabytes(bytes) +
                             " in one buffer; the GL driver allows " + megabytes(limit) +
                             " per shader storage block");
    const auto& gl = api();
    if (!id_) gl.GenBuffers(1, &id_);
    gl.BindBuffer(GL_SHADER_STORAGE_BUFFER, id_);
    gl.BufferData(GL_SHADER_STORAGE_BUFFER, static_cast<GLsizeiptr>(bytes), nullptr, GL_DYNAMIC_COPY);
    if (gl.GetError() == GL_OUT_OF_MEMORY)
        throw GpuUnsupported(what + ": the GPU is out of memory for " + megabytes(bytes));
    bytes_ = bytes;
}

Buffer Buffer::of(const float* values, size_t count, const std::string& what) {
    Buffer b(count * sizeof(float), what);
    if (count) b.upload(values, count * sizeof(float));
    return b;
}

Buffer Buffer::of(const std::vector<float>& values, const std::string& what) {
    return of(values.data(), values.size(), what);
}

Buffer Buffer::of(const std::vector<int32_t>& values, const std::string& what) {
    Buffer b(values.size() * sizeof(int32_t), what);
    if (!values.empty()) b.upload(values.data(), values.size() * sizeof(int32_t));
    return b;
}

void Buffer::upload(const void* data, size_t bytes, size_t offsetBytes) {
    if (offsetBytes + bytes > bytes_) throw std::logic_error("Buffer::upload past the end");
    const auto& gl = api();
    gl.BindBuffer(GL_SHADER_STORAGE_BUFFER, id_);
    gl.BufferSubData(GL_SHADER_STORAGE_BUFFER, static_cast<GLintptr>(offsetBytes),
                     static_cast<GLsizeiptr>(bytes), data);
}

void Buffer::download(void* data, size_t bytes, size_t offsetBytes) const {
    if (offsetBytes + bytes > bytes_) throw std::logic_error("Buffer::download past the end");
    if (bytes == 0) return;
    const auto& gl = api();
    gl.BindBuffer(GL_SHADER_STORAGE_BUFFER, id_);
    gl.GetBufferSubData(GL_SHADER_STORAGE_BUFFER, static_cast<GLintptr>(offsetBytes),
                        static_cast<GLsizeiptr>(bytes), data);
}

std::vector<float> Buffer::floats(size_t count, size_t offset) const {
    std::vector<float> out(count);
    download(out.data(), count * sizeof(float), offset * sizeof(float));
    return out;
}

Kernels& Kernels::get() {
    // Only ever reached on the device thread, which outlives every run.
    static Kernels kernels;
    return kernels;
}

Kernels::Kernels() : dummy_(kMinBufferBytes, "an unused binding") {
    const auto& gl = api();
    for (const auto& shader : kComputeShaders) {
        const GLuint object = gl.CreateShader(GL_COMPUTE_SHADER);
        gl.ShaderSource(object, 1, &shader.source, nullptr);
        gl.CompileShader(object);
        GLint ok = 0;
        gl.GetShaderiv(object, GL_COMPILE_STATUS, &ok);
        auto log = [](auto getLog, GLuint id) {
            char text[4096] = {};
            getLog(id, sizeof text - 1, nullptr, text);
            return std::string(text);
        };
        if (!ok) {
            const std::string message = log(gl.GetShaderInfoLog, object);
            gl.DeleteShader(object);
            throw std::runtime_error("shaders/compute/" + std::string(shader.name) +
                                     ".comp does not compile: " + message);
        }
        Program program;
        program.id = gl.CreateProgram();
        gl.AttachShader(program.id, object);
        gl.LinkProgram(program.id);
        gl.DeleteShader(object);
        gl.GetProgramiv(program.id, GL_LINK_STATUS, &ok);
        if (!ok) {
            const std::string message = log(gl.GetProgramInfoLog, program.id);
            gl.DeleteProgram(program.id);
            throw std::runtime_error("shaders/compute/" + std::string(shader.name) +
                                     ".comp does not link: " + message);
        }
        programs_.emplace(shader.name, std::move(program));
    }
}

Kernels::~Kernels() {
    for (auto& [name, program] : programs_) api().DeleteProgram(program.id);
}

Kernels::Program& Kernels::use(const char* name) {
    auto it = programs_.find(name);
    if (it == programs_.end()) throw std::logic_error(std::string("no compute shader ") + name);
    api().UseProgram(it->second.id);
    current_ = &it->second;
    return it->second;
}

void Kernels::set(const char* uniform, int value) {
    auto [it, fresh] = current_->locations.try_emplace(uniform, -1);
    if (fresh) it->second = api().GetUniformLocation(current_->id, uniform);
    if (it->second >= 0) api().Uniform1i(it->second, value);
}

void Kernels::setFloat(const char* uniform, float value) {
    auto [it, fresh] = current_->locations.try_emplace(uniform, -1);
    if (fresh) it->second = api().GetUniformLocation(current_->id, uniform);
    if (it->second >= 0) api().Uniform1f(it->second, value);
}

void Kernels::bind(unsigned binding, const Buffer* buffer) {
    api().BindBufferBase(GL_SHADER_STORAGE_BUFFER, binding, buffer ? buffer->id() : dummy_.id());
}

void Kernels::dispatch(unsigned x, unsigned y, unsigned z) {
    if (x == 0 || y == 0 || z == 0) return;
    const auto& gl = api();
    gl.DispatchCompute(x, y, z);
    gl.MemoryBarrier(GL_SHADER_STORAGE_BARRIER_BIT | GL_BUFFER_UPDATE_BARRIER_BIT);
}

unsigned Kernels::strideGroups(int64_t count) const {
    return static_cast<unsigned>(std::clamp<int64_t>((count + kGroupSize - 1) / kGroupSize, 1, kMaxStrideGroups));
}

void Kernels::dispatchRows(int rows) {
    // A row index is x + y · groupsX; rows past the end return at once.
    const int maxX = GlDevice::instance().limits().maxGroupsX;
    const int x = std::min(rows, maxX);
    dispatch(static_cast<unsigned>(x), static_cast<unsigned>((rows + x - 1) / x));
}

void Kernels::gemm(const GemmArgs& g) {
    if (g.M <= 0 || g.N <= 0 || g.batches <= 0) return;
    use("gemm");
    bind(0, g.a);
    bind(1, g.b);
    bind(2, g.c);
    bind(3, g.bias);
    bind(4, g.scale);
    set("M", g.M);
    set("N", g.N);
    set("K", g.K);
    set("offA", g.offA);
    set("lda", g.lda);
    set("batchA", g.batchA);
    set("offB", g.offB);
    set("ldb", g.ldb);
    set("batchB", g.batchB);
    set("batchDivB", std::max(1, g.batchDivB));
    set("transB", g.transB ? 1 : 0);
    set("offC", g.offC);
    set("ldc", g.ldc);
    set("batchC", g.batchC);
    set("zBase", g.zBase);
    setFloat("alpha", g.alpha);
    set("hasBias", g.bias ? 1 : 0);
    set("hasScale", g.scale ? 1 : 0);
    set("accumulate", g.accumulate ? 1 : 0);
    dispatch(static_cast<unsigned>((g.N + kGemmTile - 1) / kGemmTile),
             static_cast<unsigned>((g.M + kGemmTile - 1) / kGemmTile), static_cast<unsigned>(g.batches));
}

void Kernels::linear(const Buffer& x, const Buffer& weight, const Buffer* bias, Buffer& y, int rows,
                     int in, int out, const Buffer* scale, bool accumulate) {
    GemmArgs g;
    g.a = &x;
    g.b = &weight;
    g.c = &y;
    g.bias = bias;
    g.scale = scale;
    g.M = rows;
    g.N = out;
    g.K = in;
    g.lda = in;
    g.ldb = in;
    g.ldc = out;
    g.accumulate = accumulate;
    gemm(g);
}

void Kernels::rmsNorm(const Buffer& x, const Buffer& weight, Buffer& y, int rows, int cols, float eps) {
    use("rmsnorm");
    bind(0, &x);
    bind(1, &weight);
    bind(2, &y);
    set("rows", rows);
    set("cols", cols);
    setFloat("eps", eps);
    dispatchRows(rows);
}

void Kernels::rope(Buffer& x, const Buffer& cosines, const Buffer& sines, const Buffer& positions,
                   int rows, int heads, int headDim) {
    use("rope");
    bind(0, &x);
    bind(1, &cosines);
    bind(2, &sines);
    bind(3, &positions);
    set("rows", rows);
    set("heads", heads);
    set("headDim", headDim);
    dispatch(strideGroups(int64_t{rows} * heads * (headDim / 2)));
}

void Kernels::activate(Buffer& a, const Buffer* up, int64_t count, model::Activation activation) {
    use("activation");
    bind(0, &a);
    bind(1, up);
    set("count", static_cast<int>(count));
    set("activation", static_cast<int>(activation));
    set("gated", up ? 1 : 0);
    dispatch(strideGroups(count));
}

void Kernels::softmax(Buffer& p, Buffer* scores, int rows, int S, bool causal) {
    use("softmax");
    bind(0, &p);
    bind(1, scores);
    set("rows", rows);
    set("S", S);
    set("causal", causal ? 1 : 0);
    set("writeScores", scores ? 1 : 0);
    dispatchRows(rows);
}

int blockAttentionQueryRows(int headDim) {
    return std::clamp(kBlockAttentionQueryFloats / std::max(1, headDim), 1, kBlockAttentionMaxQueryRows);
}

int blockAttentionKeyRows(int requested, int headDim) {
    const int fit = std::max(1, std::min({kBlockAttentionMaxKeyBlock, kBlockAttentionKeyFloats / std::max(1, headDim),
                                          kBlockAttentionScoreFloats / blockAttentionQueryRows(headDim)}));
    return requested > 0 ? std::clamp(requested, 1, fit) : fit;
}

int blockAttentionKeysPerDispatch(int headDim, int keyBlock) {
    const int d = std::max(1, headDim);
    const int rows = blockAttentionQueryRows(d);
    const int bk = blockAttentionKeyRows(keyBlock, d);
    auto stepsOf = [](int items) { return (items + 63) / 64; };  // strided loops of 64 invocations
    // Iterations of attention_block.comp's loop nest per invocation and key block: the K/V load,
    // the scores (a d-long dot each), the per-row max/exp/sum and the output update (bk each).
    const int64_t perBlock = stepsOf(bk * d) + int64_t{stepsOf(rows * bk)} * (d + 1) +
                             int64_t{stepsOf(rows)} * (2 * bk + 2) + int64_t{stepsOf(rows * d)} * (bk + 1) + 1;
    const int64_t blocks = std::max<int64_t>(1, kBlockAttentionLoopBudget / perBlock);
    return static_cast<int>(std::min<int64_t>(blocks * bk, std::numeric_limits<int>::max() / 2));
}

void Kernels::attentionBlock(const Buffer& q, const Buffer& k, const Buffer& v, Buffer& out, Buffer* lse,
                             int S, int H, int KV, int d, int keyBlock, float scale, bool causal) {
    if (d > kBlockAttentionMaxHeadDim)
        throw GpuUnsupported("blockwise GPU attention takes head_dim up to " +
                             std::to_string(kBlockAttentionMaxHeadDim) + ", not " + std::to_string(d));
    if (S <= 0 || H <= 0) return;
    // The running log-sum-exp carries from one key range to the next, so it needs a buffer even
    // when the caller wants none.
    Buffer* runningLse = lse;
    if (!runningLse) {
        lseScratch_.reserve(static_cast<size_t>(H) * S * sizeof(float), "the blockwise attention's log-sum-exp");
        runningLse = &lseScratch_;
    }
    use("attention_block");
    bind(0, &q);
    bind(1, &k);
    bind(2, &v);
    bind(3, &out);
    bind(4, runningLse);
    set("S", S);
    set("H", H);
    set("KV", KV);
    set("d", d);
    const int queryRows = blockAttentionQueryRows(d);
    const int rows = blockAttentionKeyRows(keyBlock, d);
    set("queryRows", queryRows);
    set("keyBlock", rows);
    set("causal", causal ? 1 : 0);
    setFloat("scale", scale);
    // One group per queryRows query rows and head; one dispatch per key range (its barrier
    // orders the ranges' reads and writes of out and lse).
    const int range = blockAttentionKeysPerDispatch(d, keyBlock);
    for (int begin = 0; begin < S; begin += range) {
        set("keyBegin", begin);
        set("keyEnd", std::min(S, begin + range));
        dispatch(static_cast<unsigned>((S + queryRows - 1) / queryRows), static_cast<unsigned>(H));
    }
}

void Kernels::embed(const Buffer& table, const Buffer& ids, const Buffer* gates, Buffer& x, int rows,
                    int hidden, int width, int padId, bool longMethod) {
    use("embed");
    bind(0, &table);
    bind(1, &ids);
    bind(2, gates);
    bind(3, &x);
    set("rows", rows);
    set("hidden", hidden);
    set("width", width);
    set("padId", padId);
    set("gated", gates ? 1 : 0);
    set("longMethod", longMethod ? 1 : 0);
    dispatch(strideGroups(int64_t{rows} * hidden));
}

void Kernels::gatherRows(const Buffer& src, const Buffer& rowIndex, Buffer& dst, int rows, int cols) {
    use("gather_rows");
    bind(0, &src);
    bind(1, &rowIndex);
    bind(2, &dst);
    set("rows", rows);
    set("cols", cols);
    dispatch(strideGroups(int64_t{rows} * cols));
}

void Kernels::fillBlock(Buffer& x, int rows, int cols, int offset, int ld, float value) {
    use("fill_block");
    bind(0, &x);
    set("rows", rows);
    set("cols", cols);
    set("offset", offset);
    set("ld", ld);
    setFloat("value", value);
    dispatch(strideGroups(int64_t{rows} * cols));
}

void Kernels::finish() { api().Finish(); }

}  // namespace gts::backend::gl
