#pragma once
// A small float tensor: a shape and contiguous row-major f32 storage that is either owned or a
// view into memory kept alive by its owner (e.g. a read-only file mapping). Plus the element
// types of checkpoint files and their conversions to and from f32.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include <Eigen/Core>

namespace gts {

/// Element types as checkpoint files store them. Names follow safetensors ("F32", "BF16", ...).
enum class DType : uint8_t { F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL };

const char* dtypeName(DType t);
/// Parses a safetensors dtype name (exact, upper case); nullopt when unknown.
std::optional<DType> parseDType(std::string_view name);
/// Bytes per element.
size_t dtypeSize(DType t);

/// IEEE 754 binary16 bits → f32 (exact: normals, subnormals, ±0, ±inf, NaN keeps its payload).
float halfToFloat(uint16_t bits);
/// f32 → binary16 bits, round to nearest even; overflow gives ±inf, NaN stays a (quiet) NaN.
uint16_t floatToHalf(float value);
/// bfloat16 (the top 16 bits of an f32) → f32, exact.
float bf16ToFloat(uint16_t bits);
/// f32 → bfloat16 bits, round to nearest even; NaN stays a (quiet) NaN.
uint16_t floatToBf16(float value);

/// Converts `count` little-endian elements of type `from` at `bytes` (any alignment) to f32.
/// Integers beyond 2^24 in magnitude lose precision; BOOL is 1 for any non-zero byte.
void convertToF32(DType from, const void* bytes, size_t count, float* out);
/// Converts `count` f32 values to little-endian elements of type `to` at `bytes`.
/// Integer types round to nearest (ties to even) and saturate at their range; NaN becomes 0.
/// BOOL is 1 for any non-zero value (NaN included).
void convertFromF32(DType to, const float* in, size_t count, void* bytes);

/// A row-major f32 tensor of rank 0..kMaxRank. Copies share storage (like a handle); use clone()
/// for an independent copy. Views of read-only memory refuse mutable access.
class Tensor {
public:
    static constexpr size_t kMaxRank = 5;
    using Shape = std::vector<int64_t>;
    using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

    /// An empty tensor: shape [0].
    Tensor();
    /// An owning tensor of zeros. Throws std::invalid_argument on a bad shape.
    explicit Tensor(Shape shape);
    /// An owning tensor with the given values; data.size() must equal the element count.
    Tensor(Shape shape, std::vector<float> data);
    /// A read-only view of `count(shape)` floats at `data`, which `keepAlive` keeps valid.
    static Tensor view(Shape shape, const float* data, std::shared_ptr<const void> keepAlive);

    /// The number of elements of a shape; throws std::invalid_argument on a negative dimension,
    /// more than kMaxRank dimensions, or a count that overflows int64.
    static size_t elementCount(const Shape& shape);

    const Shape& shape() const { return shape_; }
    size_t rank() const { return shape_.size(); }
    int64_t dim(size_t i) const { return shape_.at(i); }
    size_t size() const { return size_; }
    bool isView() const { return readOnly_; }

    /// The element type the tensor had in its file (F32 for tensors made in memory).
    DType sourceDType() const { return sourceDType_; }
    void setSourceDType(DType t) { sourceDType_ = t; }

    const float* data() const { return data_; }
    /// Mutable storage; throws std::logic_error for a read-only view.
    float* mutableData();
    /// An owning deep copy.
    Tensor clone() const;

    /// All elements in storage order: [size()].
    Eigen::Map<const Eigen::VectorXf> flat() const;
    /// A rank-2 tensor as a matrix [dim0, dim1]; a rank-1 tensor as one row [1, dim0].
    /// Throws std::logic_error for other ranks.
    Eigen::Map<const RowMatrix> matrix() const;
    Eigen::Map<RowMatrix> mutableMatrix();

private:
    Shape shape_{0};
    size_t size_ = 0;
    float* data_ = nullptr;
    std::shared_ptr<const void> storage_;
    bool readOnly_ = false;
    DType sourceDType_ = DType::F32;

    std::pair<Eigen::Index, Eigen::Index> matrixDims() const;
};

}  // namespace gts
