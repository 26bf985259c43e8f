#include "tensor/Tensor.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace gts {

static_assert(std::endian::native == std::endian::little,
              "checkpoint bytes are little-endian and read in place");

namespace {

struct DTypeInfo {
    DType type;
    const char* name;
    size_t size;
};
constexpr DTypeInfo kDTypes[] = {
    {DType::F64, "F64", 8}, {DType::F32, "F32", 4}, {DType::F16, "F16", 2},
    {DType::BF16, "BF16", 2}, {DType::I64, "I64", 8}, {DType::I32, "I32", 4},
    {DType::I16, "I16", 2}, {DType::I8, "I8", 1}, {DType::U8, "U8", 1},
    {DType::BOOL, "BOOL", 1},
};

const DTypeInfo& info(DType t) {
    for (const auto& d : kDTypes)
        if (d.type == t) return d;
    throw std::invalid_argument("unknown dtype");
}

template <typename T>
T loadLE(const unsigned char* p) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    return v;
}

template <typename T>
void storeLE(unsigned char* p, T v) {
    std::memcpy(p, &v, sizeof(T));
}

// Round to nearest, ties to even (the default FP environment), saturating at T's range.
template <typename T>
T saturatingRound(float v) {
    if (std::isnan(v)) return T(0);
    const double r = std::nearbyint(double(v));
    // 2^63 (and the other bounds) are exact in double; compare before converting.
    const double lo = double(std::numeric_limits<T>::min());
    const double hiExclusive = double(std::numeric_limits<T>::max()) + 1.0;
    if (r < lo) return std::numeric_limits<T>::min();
    if (r >= hiExclusive) return std::numeric_limits<T>::max();
    return T(r);
}

}  // namespace

const char* dtypeName(DType t) { return info(t).name; }

std::optional<DType> parseDType(std::string_view name) {
    for (const auto& d : kDTypes)
        if (name == d.name) return d.type;
    return std::nullopt;
}

size_t dtypeSize(DType t) { return info(t).size; }

// binary16: 1 sign bit, 5 exponent bits (bias 15), 10 mantissa bits.
float halfToFloat(uint16_t bits) {
    const uint32_t sign = uint32_t(bits & 0x8000u) << 16;
    const uint32_t exponent = (bits >> 10) & 0x1fu;
    const uint32_t mantissa = bits & 0x3ffu;
    if (exponent == 0) {
        // ±0 or subnormal: mantissa · 2^-24, exact in f32.
        const float magnitude = std::ldexp(float(mantissa), -24);
        return sign ? -magnitude : magnitude;
    }
    if (exponent == 0x1f)  // inf (mantissa 0) or NaN (payload moved to the top of f32's)
        return std::bit_cast<float>(sign | 0x7f800000u | (mantissa << 13));
    return std::bit_cast<float>(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
}

uint16_t floatToHalf(float value) {
    const uint32_t f = std::bit_cast<uint32_t>(value);
    const auto sign = uint16_t((f >> 16) & 0x8000u);
    const uint32_t magnitude = f & 0x7fffffffu;
    constexpr uint32_t kF32Inf = 0x7f800000u;
    // 65520 = halfway between 65504 (largest half) and 2^16; ties to even round it up to inf.
    constexpr uint32_t kHalfOverflow = 0x477ff000u;
    constexpr uint32_t kHalfMinNormal = 0x38800000u;  // 2^-14
    if (magnitude > kF32Inf) return uint16_t(sign | 0x7e00u | ((magnitude >> 13) & 0x3ffu));
    if (magnitude >= kHalfOverflow) return uint16_t(sign | 0x7c00u);
    if (magnitude < kHalfMinNormal) {
        // Subnormal half: the value in units of 2^-24, rounded to nearest even (exact scaling).
        const float units = std::nearbyint(std::bit_cast<float>(magnitude) * 16777216.0f);
        return uint16_t(sign | uint16_t(units));  // 1024 units is the smallest normal, 0x0400
    }
    // Normal: rebias the exponent (127 → 15) and drop 13 mantissa bits; a carry out of the
    // mantissa correctly bumps the exponent.
    uint32_t h = (magnitude >> 13) - (112u << 10);
    const uint32_t dropped = magnitude & 0x1fffu;
    if (dropped > 0x1000u || (dropped == 0x1000u && (h & 1u))) ++h;
    return uint16_t(sign | h);
}

float bf16ToFloat(uint16_t bits) { return std::bit_cast<float>(uint32_t(bits) << 16); }

uint16_t floatToBf16(float value) {
    const uint32_t f = std::bit_cast<uint32_t>(value);
    if ((f & 0x7fffffffu) > 0x7f800000u) return uint16_t((f >> 16) | 0x0040u);  // quiet NaN
    const uint32_t roundingBias = 0x7fffu + ((f >> 16) & 1u);
    return uint16_t((f + roundingBias) >> 16);
}

void convertToF32(DType from, const void* bytes, size_t count, float* out) {
    const auto* p = static_cast<const unsigned char*>(bytes);
    const size_t step = dtypeSize(from);
    for (size_t i = 0; i < count; ++i, p += step) {
        switch (from) {
            case DType::F64: out[i] = float(loadLE<double>(p)); break;
            case DType::F32: out[i] = loadLE<float>(p); break;
            case DType::F16: out[i] = halfToFloat(loadLE<uint16_t>(p)); break;
            case DType::BF16: out[i] = bf16ToFloat(loadLE<uint16_t>(p)); break;
            case DType::I64: out[i] = float(loadLE<int64_t>(p)); break;
            case DType::I32: out[i] = float(loadLE<int32_t>(p)); break;
            case DType::I16: out[i] = float(loadLE<int16_t>(p)); break;
            case DType::I8: out[i] = float(loadLE<int8_t>(p)); break;
            case DType::U8: out[i] = float(*p); break;
            case DType::BOOL: out[i] = *p != 0 ? 1.0f : 0.0f; break;
        }
    }
}

void convertFromF32(DType to, const float* in, size_t count, void* bytes) {
    auto* p = static_cast<unsigned char*>(bytes);
    const size_t step = dtypeSize(to);
    for (size_t i = 0; i < count; ++i, p += step) {
        const float v = in[i];
        switch (to) {
            case DType::F64: storeLE(p, double(v)); break;
            case DType::F32: storeLE(p, v); break;
            case DType::F16: storeLE(p, floatToHalf(v)); break;
            case DType::BF16: storeLE(p, floatToBf16(v)); break;
            case DType::I64: storeLE(p, saturatingRound<int64_t>(v)); break;
            case DType::I32: storeLE(p, saturatingRound<int32_t>(v)); break;
            case DType::I16: storeLE(p, saturatingRound<int16_t>(v)); break;
            case DType::I8: storeLE(p, saturatingRound<int8_t>(v)); break;
            case DType::U8: storeLE(p, saturatingRound<uint8_t>(v)); break;
            case DType::BOOL: *p = v != 0.0f ? 1 : 0; break;  // NaN != 0
        }
    }
}

size_t Tensor::elementCount(const Shape& shape) {
    if (shape.size() > kMaxRank)
        throw std::invalid_argument("tensor rank " + std::to_string(shape.size()) +
                                    " exceeds the maximum " + std::to_string(kMaxRank));
    uint64_t n = 1;
    for (int64_t d : shape) {
        if (d < 0) throw std::invalid_argument("negative tensor dimension " + std::to_string(d));
        if (d != 0 && n > uint64_t(std::numeric_limits<int64_t>::max()) / uint64_t(d))
            throw std::invalid_argument("tensor element count overflows");
        n *= uint64_t(d);
    }
    return size_t(n);
}

Tensor::Tensor() = default;

namespace {

#if defined(__linux__)
constexpr size_t kHugePageBytes = size_t{2} << 20;
/// Below this a tensor lives in an ordinary vector.
constexpr size_t kMappedTensorBytes = size_t{4} << 20;

/// Zeroed, 2 MiB-aligned memory straight from the kernel, asked for transparent huge pages:
/// first touch of a 600 MB attention capture then costs ~300 page faults instead of ~150,000
/// (and no memset: fresh anonymous pages are zero). Falls back to nullptr.
std::shared_ptr<void> mapZeroed(size_t bytes, float*& data) {
    const size_t length = bytes + kHugePageBytes;
    void* base = ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) return nullptr;
    const auto address = reinterpret_cast<uintptr_t>(base);
    const uintptr_t aligned = (address + kHugePageBytes - 1) & ~(kHugePageBytes - 1);
    ::madvise(reinterpret_cast<void*>(aligned), bytes, MADV_HUGEPAGE);  // a hint; may be refused
    data = reinterpret_cast<float*>(aligned);
    return std::shared_ptr<void>(base, [length](void* p) { ::munmap(p, length); });
}
#endif

}  // namespace

Tensor::Tensor(Shape shape) : shape_(std::move(shape)) {
    size_ = elementCount(shape_);
#if defined(__linux__)
    if (size_ * sizeof(float) >= kMappedTensorBytes) {
        float* data = nullptr;
        if (auto mapped = mapZeroed(size_ * sizeof(float), data)) {
            data_ = data;
            storage_ = std::move(mapped);
            return;
        }
    }
#endif
    auto owned = std::make_shared<std::vector<float>>(size_, 0.0f);
    data_ = owned->data();
    storage_ = std::move(owned);
}

Tensor::Tensor(Shape shape, std::vector<float> data) : shape_(std::move(shape)) {
    size_ = elementCount(shape_);
    if (data.size() != size_)
        throw std::invalid_argument("tensor data has " + std::to_string(data.size()) +
                                    " values, the shape needs " + std::to_string(size_));
    auto owned = std::make_shared<std::vector<float>>(std::move(data));
    data_ = owned->data();
    storage_ = std::move(owned);
}

Tensor Tensor::view(Shape shape, const float* data, std::shared_ptr<const void> keepAlive) {
    Tensor t;
    t.size_ = elementCount(shape);
    t.shape_ = std::move(shape);
    // Never written through: mutableData() refuses read-only views.
    t.data_ = const_cast<float*>(data);
    t.storage_ = std::move(keepAlive);
    t.readOnly_ = true;
    return t;
}

float* Tensor::mutableData() {
    if (readOnly_) throw std::logic_error("tensor is a read-only view; clone() it to modify");
    return data_;
}

Tensor Tensor::clone() const {
    Tensor t(shape_, std::vector<float>(data_, data_ + size_));
    t.sourceDType_ = sourceDType_;
    return t;
}

Eigen::Map<const Eigen::VectorXf> Tensor::flat() const {
    return {data_, Eigen::Index(size_)};
}

std::pair<Eigen::Index, Eigen::Index> Tensor::matrixDims() const {
    if (shape_.size() == 2) return {Eigen::Index(shape_[0]), Eigen::Index(shape_[1])};
    if (shape_.size() == 1) return {1, Eigen::Index(shape_[0])};
    throw std::logic_error("matrix() needs a rank 1 or 2 tensor, this one has rank " +
                           std::to_string(shape_.size()));
}

Eigen::Map<const Tensor::RowMatrix> Tensor::matrix() const {
    const auto [rows, cols] = matrixDims();
    return {data_, rows, cols};
}

Eigen::Map<Tensor::RowMatrix> Tensor::mutableMatrix() {
    const auto [rows, cols] = matrixDims();
    return {mutableData(), rows, cols};
}

}  // namespace gts
