#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "tensor/Tensor.h"

using namespace gts;

namespace {
float fromBits(uint32_t b) { return std::bit_cast<float>(b); }
}  // namespace

TEST(HalfFloat, DecodesHandComputedPatterns) {
    EXPECT_EQ(halfToFloat(0x3C00), 1.0f);
    EXPECT_EQ(halfToFloat(0xC000), -2.0f);
    EXPECT_EQ(halfToFloat(0x7BFF), 65504.0f);
    EXPECT_EQ(halfToFloat(0x0001), std::ldexp(1.0f, -24));            // smallest subnormal
    EXPECT_EQ(halfToFloat(0x03FF), std::ldexp(1023.0f, -24));         // largest subnormal
    EXPECT_EQ(halfToFloat(0x0400), std::ldexp(1.0f, -14));            // smallest normal
    EXPECT_EQ(halfToFloat(0x3555), 0.333251953125f);                  // 1365/4096
    EXPECT_EQ(std::bit_cast<uint32_t>(halfToFloat(0x8000)), 0x80000000u);  // -0
    EXPECT_EQ(halfToFloat(0x7C00), std::numeric_limits<float>::infinity());
    EXPECT_EQ(halfToFloat(0xFC00), -std::numeric_limits<float>::infinity());
    EXPECT_TRUE(std::isnan(halfToFloat(0x7E00)));
    EXPECT_TRUE(std::isnan(halfToFloat(0x7C01)));  // signalling payload is still NaN
}

TEST(HalfFloat, EncodesWithRoundToNearestEven) {
    EXPECT_EQ(floatToHalf(1.0f), 0x3C00);
    EXPECT_EQ(floatToHalf(-2.0f), 0xC000);
    EXPECT_EQ(floatToHalf(65504.0f), 0x7BFF);
    EXPECT_EQ(floatToHalf(65519.0f), 0x7BFF);  // below the halfway point 65520
    EXPECT_EQ(floatToHalf(65520.0f), 0x7C00);  // tie, the even neighbour is 2^16 = inf
    EXPECT_EQ(floatToHalf(1e10f), 0x7C00);
    EXPECT_EQ(floatToHalf(-1e10f), 0xFC00);
    EXPECT_EQ(floatToHalf(std::ldexp(1.0f, -24)), 0x0001);
    EXPECT_EQ(floatToHalf(std::ldexp(1.0f, -25)), 0x0000);       // tie between 0 and 1 unit: 0
    EXPECT_EQ(floatToHalf(std::ldexp(3.0f, -25)), 0x0002);       // tie between 1 and 2 units: 2
    EXPECT_EQ(floatToHalf(std::ldexp(1.0f, -14)), 0x0400);
    EXPECT_EQ(floatToHalf(std::ldexp(2047.0f, -25)), 0x0400);    // 1023.5 units rounds up to normal
    EXPECT_EQ(floatToHalf(1.0f + std::ldexp(1.0f, -11)), 0x3C00);  // tie, 0x3C00 is even
    EXPECT_EQ(floatToHalf(1.0f + std::ldexp(3.0f, -11)), 0x3C02);  // tie, 0x3C02 is even
    EXPECT_EQ(floatToHalf(fromBits(0x3F801001)), 0x3C01);          // just above a tie
    EXPECT_EQ(floatToHalf(2047.5f), 0x6800);  // 2047.5 → tie between 2047 and 2048 → 2048
    EXPECT_EQ(floatToHalf(-0.0f), 0x8000);
    EXPECT_EQ(floatToHalf(std::numeric_limits<float>::infinity()), 0x7C00);
    const uint16_t nan = floatToHalf(std::numeric_limits<float>::quiet_NaN());
    EXPECT_EQ(nan & 0x7C00, 0x7C00);
    EXPECT_NE(nan & 0x03FF, 0);
}

TEST(HalfFloat, EveryFiniteHalfRoundTrips) {
    for (uint32_t b = 0; b < 0x10000; ++b) {
        const auto bits = uint16_t(b);
        if ((bits & 0x7C00) == 0x7C00) continue;  // inf/NaN checked above
        ASSERT_EQ(floatToHalf(halfToFloat(bits)), bits) << std::hex << b;
    }
}

TEST(BFloat16, EncodesAndDecodes) {
    EXPECT_EQ(floatToBf16(1.0f), 0x3F80);
    EXPECT_EQ(floatToBf16(-2.0f), 0xC000);
    EXPECT_EQ(bf16ToFloat(0x3F80), 1.0f);
    EXPECT_EQ(bf16ToFloat(0xC000), -2.0f);
    EXPECT_EQ(bf16ToFloat(0x0001), fromBits(0x00010000));  // smallest subnormal bf16
    EXPECT_EQ(floatToBf16(1.0f + std::ldexp(1.0f, -8)), 0x3F80);   // tie to even (down)
    EXPECT_EQ(floatToBf16(1.0f + std::ldexp(3.0f, -8)), 0x3F82);   // tie to even (up)
    EXPECT_EQ(floatToBf16(fromBits(0x3F808001)), 0x3F81);          // above the tie
    EXPECT_EQ(floatToBf16(std::numeric_limits<float>::max()), 0x7F80);  // rounds to inf
    EXPECT_EQ(floatToBf16(-std::numeric_limits<float>::infinity()), 0xFF80);
    EXPECT_EQ(bf16ToFloat(0x7F80), std::numeric_limits<float>::infinity());
    EXPECT_TRUE(std::isnan(bf16ToFloat(floatToBf16(std::numeric_limits<float>::quiet_NaN()))));
    // A NaN whose payload sits only in the low 16 bits must not collapse to inf.
    EXPECT_TRUE(std::isnan(bf16ToFloat(floatToBf16(fromBits(0x7F800001)))));
}

TEST(DTypes, NamesSizesAndIntegerConversions) {
    EXPECT_STREQ(dtypeName(DType::BF16), "BF16");
    EXPECT_EQ(parseDType("F16"), DType::F16);
    EXPECT_EQ(parseDType("BOOL"), DType::BOOL);
    EXPECT_FALSE(parseDType("f32").has_value());
    EXPECT_FALSE(parseDType("F8_E4M3").has_value());
    EXPECT_EQ(dtypeSize(DType::F64), 8u);
    EXPECT_EQ(dtypeSize(DType::I16), 2u);
    EXPECT_EQ(dtypeSize(DType::BOOL), 1u);

    const float in[] = {2.5f, 3.5f, -2.5f, 1e10f, -1e10f, std::nanf("")};
    int16_t i16[6];
    convertFromF32(DType::I16, in, 6, i16);
    EXPECT_EQ(i16[0], 2);  // ties to even
    EXPECT_EQ(i16[1], 4);
    EXPECT_EQ(i16[2], -2);
    EXPECT_EQ(i16[3], 32767);
    EXPECT_EQ(i16[4], -32768);
    EXPECT_EQ(i16[5], 0);
    uint8_t u8[6];
    convertFromF32(DType::U8, in, 6, u8);
    EXPECT_EQ(u8[3], 255);
    EXPECT_EQ(u8[4], 0);
    int64_t i64[6];
    convertFromF32(DType::I64, in, 6, i64);
    EXPECT_EQ(i64[3], 10000000000);
    EXPECT_EQ(i64[4], -10000000000);

    const unsigned char boolBytes[] = {0, 1, 7};
    float out[3];
    convertToF32(DType::BOOL, boolBytes, 3, out);
    EXPECT_EQ(out[0], 0.0f);
    EXPECT_EQ(out[1], 1.0f);
    EXPECT_EQ(out[2], 1.0f);
    const int8_t i8[] = {-128, 127, -1};
    convertToF32(DType::I8, i8, 3, out);
    EXPECT_EQ(out[0], -128.0f);
    EXPECT_EQ(out[1], 127.0f);
    EXPECT_EQ(out[2], -1.0f);
    // Unaligned source: an f64 one byte into a buffer.
    unsigned char buf[9] = {};
    const double d = -0.1;
    std::memcpy(buf + 1, &d, 8);
    convertToF32(DType::F64, buf + 1, 1, out);
    EXPECT_EQ(out[0], -0.1f);
}

TEST(Tensor, ShapeStorageAndEigenViews) {
    Tensor t({2, 3}, {1, 2, 3, 4, 5, 6});  // [2, 3]
    EXPECT_EQ(t.rank(), 2u);
    EXPECT_EQ(t.size(), 6u);
    EXPECT_FALSE(t.isView());
    auto m = t.matrix();
    EXPECT_EQ(m.rows(), 2);
    EXPECT_EQ(m.cols(), 3);
    EXPECT_EQ(m(1, 0), 4.0f);  // row-major
    EXPECT_EQ(m.data(), t.data());  // no copy
    t.mutableMatrix()(0, 2) = 9.0f;
    EXPECT_EQ(t.data()[2], 9.0f);

    Tensor shared = t;  // copies share storage
    shared.mutableData()[0] = -1.0f;
    EXPECT_EQ(t.data()[0], -1.0f);
    Tensor deep = t.clone();
    deep.mutableData()[0] = 5.0f;
    EXPECT_EQ(t.data()[0], -1.0f);

    Tensor row({3}, {7, 8, 9});  // [3] → [1, 3]
    EXPECT_EQ(row.matrix().rows(), 1);
    EXPECT_EQ(row.matrix()(0, 2), 9.0f);
    Tensor cube({2, 2, 2});
    EXPECT_THROW(cube.matrix(), std::logic_error);
    EXPECT_EQ(cube.flat().size(), 8);
    EXPECT_EQ(cube.flat().sum(), 0.0f);

    Tensor scalar(Tensor::Shape{}, {4.0f});  // rank 0 holds one element
    EXPECT_EQ(scalar.size(), 1u);
}

TEST(Tensor, ViewsKeepTheirOwnerAlive) {
    auto owner = std::make_shared<std::vector<float>>(std::vector<float>{1, 2, 3, 4});
    std::weak_ptr<std::vector<float>> watch = owner;
    Tensor v = Tensor::view({2, 2}, owner->data(), owner);
    owner.reset();
    EXPECT_FALSE(watch.expired());
    EXPECT_TRUE(v.isView());
    EXPECT_EQ(v.matrix()(1, 1), 4.0f);
    EXPECT_THROW(v.mutableData(), std::logic_error);
    v = Tensor();
    EXPECT_TRUE(watch.expired());
}

TEST(Tensor, RejectsBadShapes) {
    EXPECT_THROW(Tensor({-1, 2}), std::invalid_argument);
    EXPECT_THROW(Tensor({1, 1, 1, 1, 1, 1}), std::invalid_argument);  // rank 6
    EXPECT_THROW(Tensor::elementCount({int64_t(1) << 40, int64_t(1) << 40}), std::invalid_argument);
    EXPECT_THROW(Tensor({2, 2}, {1, 2, 3}), std::invalid_argument);
    EXPECT_EQ(Tensor::elementCount({int64_t(1) << 40, 0}), 0u);
}

TEST(Tensor, LargeTensorsAreZeroedWritableAndShared) {
    // Large tensors take a different allocation path (mapped, huge-page aligned).
    Tensor big({3, 1024, 1024});  // 12 MiB
    ASSERT_EQ(big.size(), size_t{3} << 20);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(big.data()) % 64, 0u);
    const auto flat = big.flat();
    EXPECT_EQ(flat.minCoeff(), 0.0f);
    EXPECT_EQ(flat.maxCoeff(), 0.0f);
    big.mutableData()[big.size() - 1] = 5.0f;
    Tensor handle = big;  // copies share storage
    EXPECT_EQ(handle.data()[handle.size() - 1], 5.0f);
    Tensor copy = big.clone();
    big.mutableData()[0] = 7.0f;
    EXPECT_EQ(handle.data()[0], 7.0f);
    EXPECT_EQ(copy.data()[0], 0.0f);
    EXPECT_EQ(copy.data()[copy.size() - 1], 5.0f);
    big = Tensor();
    EXPECT_EQ(handle.data()[0], 7.0f);  // the storage lives while a handle does
}
