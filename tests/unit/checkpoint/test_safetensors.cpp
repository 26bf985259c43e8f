#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "checkpoint/SafeTensors.h"
#include "io/GraphIO.h"

using namespace gts;
using namespace gts::checkpoint;
namespace fs = std::filesystem;

namespace {

const fs::path kFixtures = fs::path(GTS_FIXTURES_DIR) / "checkpoint";

// 8-byte little-endian length + header + data, as the format lays a file out.
std::string fileImage(const std::string& header, const std::string& data = {}) {
    std::string out(8, '\0');
    const uint64_t n = header.size();
    for (int i = 0; i < 8; ++i) out[size_t(i)] = char((n >> (8 * i)) & 0xff);
    return out + header + data;
}

// Expects a ParseError naming `source` whose message contains `fragment`.
void expectParseError(const std::string& bytes, const std::string& fragment) {
    try {
        readSafeTensorsFromBytes(bytes, "bad.safetensors");
        ADD_FAILURE() << "accepted; expected an error containing: " << fragment;
    } catch (const io::ParseError& e) {
        EXPECT_EQ(e.source(), "bad.safetensors");
        EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos)
            << "message: " << e.what() << "\nexpected fragment: " << fragment;
    }
}

class TempDir {
public:
    TempDir() : path_(fs::temp_directory_path() / ("gts_st_" + std::to_string(::getpid()) + "_" +
                                                   std::to_string(counter_++))) {
        fs::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    const fs::path& path() const { return path_; }

private:
    static inline int counter_ = 0;
    fs::path path_;
};

void writeBytes(const fs::path& p, const std::string& bytes) {
    std::ofstream out(p, std::ios::binary);
    out.write(bytes.data(), std::streamsize(bytes.size()));
}

float expectedNumber(const nlohmann::json& v) {
    if (v.is_string()) {
        const auto s = v.get<std::string>();
        if (s == "nan") return std::nanf("");
        return s == "inf" ? INFINITY : -INFINITY;
    }
    return float(v.get<double>());
}

// Compares every tensor and the metadata against expected.json's entry for `key`.
void expectMatchesPython(const SafeTensors& st, const std::string& key) {
    const auto expected =
        nlohmann::json::parse(io::readFileBytes(kFixtures / "expected.json"))[key];
    using StringMap = std::map<std::string, std::string>;
    EXPECT_EQ(st.metadata, expected["metadata"].get<StringMap>());
    ASSERT_EQ(st.tensors.size(), expected["tensors"].size());
    for (const auto& [name, e] : expected["tensors"].items()) {
        SCOPED_TRACE(name);
        const auto it = st.tensors.find(name);
        ASSERT_NE(it, st.tensors.end());
        const Tensor& t = it->second;
        EXPECT_EQ(dtypeName(t.sourceDType()), e["dtype"].get<std::string>());
        EXPECT_EQ(t.shape(), e["shape"].get<Tensor::Shape>());
        ASSERT_EQ(t.size(), e["values"].size());
        for (size_t i = 0; i < t.size(); ++i) {
            const float want = expectedNumber(e["values"][i]);
            if (std::isnan(want))
                EXPECT_TRUE(std::isnan(t.data()[i])) << i;
            else
                EXPECT_EQ(t.data()[i], want) << i;  // exact: same conversions, no arithmetic
        }
    }
}

}  // namespace

TEST(SafeTensorsRead, PythonFileWithEveryDtype) {
    const SafeTensors st = readSafeTensors(kFixtures / "all_dtypes.safetensors");
    expectMatchesPython(st, "all_dtypes.safetensors");
    // F32 data is read in place from the mapping; other dtypes are converted copies.
    EXPECT_TRUE(st.tensors.at("b.f32").isView());
    EXPECT_TRUE(st.tensors.at("m.rank5").isView());
    EXPECT_FALSE(st.tensors.at("c.f16").isView());
    EXPECT_FALSE(st.tensors.at("a.f64").isView());
    const auto m = st.tensors.at("f.i32").matrix();  // [2, 2]
    EXPECT_EQ(m(0, 0), -2147483648.0f);
    EXPECT_EQ(m(1, 1), -7.0f);
}

TEST(SafeTensorsRead, UnalignedFloatDataIsCopied) {
    const SafeTensors st = readSafeTensors(kFixtures / "unaligned.safetensors");
    expectMatchesPython(st, "unaligned.safetensors");
}

TEST(SafeTensorsRead, ShardedCheckpointByFolderAndByIndex) {
    expectMatchesPython(loadSafeTensors(kFixtures / "sharded"), "sharded");
    expectMatchesPython(readShardedSafeTensors(kFixtures / "sharded" / kSafeTensorsIndexName),
                        "sharded");
    expectMatchesPython(loadSafeTensors(kFixtures / "sharded" / kSafeTensorsIndexName), "sharded");
}

TEST(SafeTensorsWrite, HandComputedBytes) {
    const std::map<std::string, Tensor> tensors{{"x", Tensor({2}, {1.0f, -2.0f})}};
    const std::string bytes = writeSafeTensorsToBytes(tensors, {}, {{"x", DType::F16}});
    const std::string header = R"({"x":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}})";
    ASSERT_EQ(header.size(), 54u);  // padded with 2 spaces to 56
    const std::string expected = fileImage(header + "  ", std::string("\x00\x3C\x00\xC0", 4));
    EXPECT_EQ(bytes, expected);
}

TEST(SafeTensorsWrite, NameOrderMetadataFirstAndPadding) {
    std::map<std::string, Tensor> tensors{{"b", Tensor({1}, {2.0f})},
                                          {"B", Tensor({1}, {3.0f})},
                                          {"a", Tensor({2}, {4.0f, 5.0f})}};
    const std::string bytes = writeSafeTensorsToBytes(tensors, {{"format", "pt"}});
    uint64_t n = 0;
    for (int i = 0; i < 8; ++i) n |= uint64_t(uint8_t(bytes[size_t(i)])) << (8 * i);
    EXPECT_EQ(n % 8, 0u);
    const std::string header = bytes.substr(8, n);
    const auto meta = header.find("__metadata__");
    const auto posB = header.find("\"B\"");
    const auto posA = header.find("\"a\"");
    const auto posb = header.find("\"b\"");
    EXPECT_LT(meta, posB);
    EXPECT_LT(posB, posA);  // byte order: 'B' (0x42) < 'a' (0x61) < 'b'
    EXPECT_LT(posA, posb);
    // Data in the same order: B=3, a=4,5, b=2.
    float data[4];
    std::memcpy(data, bytes.data() + 8 + n, sizeof data);
    EXPECT_EQ(data[0], 3.0f);
    EXPECT_EQ(data[1], 4.0f);
    EXPECT_EQ(data[2], 5.0f);
    EXPECT_EQ(data[3], 2.0f);
}

TEST(SafeTensorsWrite, RoundTripEveryDtypeThroughAFile) {
    // Values every dtype represents exactly (BOOL: 0/1, U8: non-negative).
    const std::vector<float> values{0.0f, 1.0f, 2.0f, 5.0f, 100.0f, 7.0f};
    const std::vector<float> signedValues{0.0f, -1.0f, 2.0f, -128.0f, 127.0f, 3.0f};
    const std::vector<float> bools{0.0f, 1.0f, 1.0f, 0.0f, 0.0f, 1.0f};
    const DType all[] = {DType::F64, DType::F32, DType::F16, DType::BF16, DType::I64,
                         DType::I32, DType::I16, DType::I8, DType::U8, DType::BOOL};
    std::map<std::string, Tensor> tensors;
    std::map<std::string, DType> dtypes;
    std::map<std::string, std::vector<float>> want;
    for (DType d : all) {
        const std::string name = std::string("t.") + dtypeName(d);
        const auto& v = d == DType::BOOL ? bools : d == DType::U8 ? values : signedValues;
        tensors.emplace(name, Tensor({2, 3}, v));
        dtypes[name] = d;
        want[name] = v;
    }
    tensors.emplace("0.fraction", Tensor({3}, {0.1f, -1e-8f, 3.0e38f}));  // f32 exact
    tensors.emplace("y.half_rounding", Tensor({2}, {0.1f, 1e-8f}));
    dtypes["y.half_rounding"] = DType::F16;

    TempDir dir;
    const fs::path file = dir.path() / "round.safetensors";
    writeSafeTensors(file, tensors, {{"k", "v"}}, dtypes);
    const SafeTensors st = readSafeTensors(file);
    EXPECT_EQ(st.metadata, (std::map<std::string, std::string>{{"k", "v"}}));
    ASSERT_EQ(st.tensors.size(), tensors.size());
    for (const auto& [name, v] : want) {
        SCOPED_TRACE(name);
        const Tensor& t = st.tensors.at(name);
        EXPECT_EQ(t.sourceDType(), dtypes[name]);
        EXPECT_EQ(t.shape(), (Tensor::Shape{2, 3}));
        EXPECT_EQ(std::vector<float>(t.data(), t.data() + t.size()), v);
    }
    // "0.fraction" is first (offset 0, aligned): read in place. "t.F32" starts at byte 42 of
    // the buffer (after 12 + 12 + 6 + 12 bytes), not 4-byte aligned: copied.
    const Tensor& f = st.tensors.at("0.fraction");
    EXPECT_TRUE(f.isView());
    EXPECT_FALSE(st.tensors.at("t.F32").isView());
    EXPECT_EQ(f.data()[0], 0.1f);
    EXPECT_EQ(f.data()[1], -1e-8f);
    EXPECT_EQ(f.data()[2], 3.0e38f);
    const Tensor& h = st.tensors.at("y.half_rounding");
    EXPECT_EQ(h.data()[0], halfToFloat(0x2E66));  // 0.1 → nearest half 0x2E66
    EXPECT_EQ(h.data()[1], 0.0f);                 // below half the smallest subnormal

    // The mapping outlives the result it came from through the tensors that view it.
    Tensor kept = st.tensors.at("0.fraction");
    fs::remove(file);
    EXPECT_EQ(kept.data()[2], 3.0e38f);
}

TEST(SafeTensorsWrite, RejectsMisuse) {
    const std::map<std::string, Tensor> tensors{{"x", Tensor({1}, {1.0f})}};
    EXPECT_THROW(writeSafeTensorsToBytes(tensors, {}, {{"y", DType::F16}}), std::invalid_argument);
    EXPECT_THROW(writeSafeTensorsToBytes({{"__metadata__", Tensor({1})}}), std::invalid_argument);
}

TEST(SafeTensorsBad, TruncatedOrOversizedHeader) {
    expectParseError("", "too short for the 8-byte header length");
    expectParseError(std::string("\x05\x00\x00", 3), "too short");
    // Claims 100 header bytes, holds 10.
    expectParseError(fileImage(std::string(100, ' ')).substr(0, 18), "runs past the end of the file");
    std::string huge = fileImage("{}");
    huge[3] = 0x10;  // N = 0x10000002 (> 100 MB)
    expectParseError(huge, "exceeds the limit of 100000000 bytes");
}

TEST(SafeTensorsBad, HeaderIsNotAJsonObject) {
    expectParseError(fileImage("{\"a\": "), "not valid UTF-8 JSON");
    expectParseError(fileImage("[1, 2]"), "does not start with '{'");
    expectParseError(fileImage(""), "does not start with '{'");
    expectParseError(fileImage("{\"\xff\xfe\":{}}"), "not valid UTF-8 JSON");
    expectParseError(fileImage(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}} x)",
                               std::string(4, '\0')),
                     "not valid UTF-8 JSON");
    expectParseError(fileImage(R"({"a":[]})"), "tensor \"a\": entry is not a JSON object");
}

TEST(SafeTensorsBad, EntryFields) {
    const std::string four(4, '\0');
    expectParseError(fileImage(R"({"a":{"dtype":"F8_E5M2","shape":[4],"data_offsets":[0,4]}})", four),
                     "tensor \"a\": unknown dtype \"F8_E5M2\"");
    expectParseError(fileImage(R"({"a":{"shape":[1],"data_offsets":[0,4]}})", four),
                     "tensor \"a\": missing or non-string \"dtype\"");
    expectParseError(fileImage(R"({"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", four),
                     "tensor \"a\": shape entry is not a non-negative integer");
    expectParseError(fileImage(R"({"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}})", four),
                     "shape entry is not a non-negative integer");
    expectParseError(fileImage(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0]}})", four),
                     "\"data_offsets\" must be an array [begin, end]");
    expectParseError(fileImage(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}})", four),
                     "end before they begin");
    expectParseError(
        fileImage(R"({"a":{"dtype":"F32","shape":[1,1,1,1,1,1],"data_offsets":[0,4]}})", four),
        "rank 6 exceeds");
    expectParseError(fileImage(R"({"__metadata__":{"n":1},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
                               four),
                     "__metadata__ \"n\" is not a string");
    expectParseError(fileImage(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                               R"("a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
                               four),
                     "tensor \"a\": listed twice");
}

TEST(SafeTensorsBad, OffsetsAndSizes) {
    // Gap: a covers [0,4), b starts at 8.
    expectParseError(fileImage(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                               R"("b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})",
                               std::string(12, '\0')),
                     "tensor \"b\": data begins at 8, leaving a gap after 4");
    // Not starting at 0.
    expectParseError(fileImage(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                               std::string(8, '\0')),
                     "leaving a gap after 0");
    // Overlap: b lies inside a.
    expectParseError(fileImage(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                               R"("b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                               std::string(8, '\0')),
                     "tensor \"b\": data [4, 8) overlaps tensor \"a\"");
    // Size mismatch: 3 floats need 12 bytes.
    expectParseError(fileImage(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})",
                               std::string(8, '\0')),
                     "tensor \"a\": shape [3] of F32 needs 12 bytes but data_offsets span 8");
    // Buffer longer than the tensors claim.
    expectParseError(fileImage(R"({"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}})",
                               std::string(8, '\0')),
                     "tensor data ends at 4 but the buffer after the header holds 8 bytes");
    // Buffer shorter than the tensors claim.
    expectParseError(fileImage(R"({"a":{"dtype":"F16","shape":[4],"data_offsets":[0,8]}})",
                               std::string(4, '\0')),
                     "tensor \"a\": data ends at 8 but the buffer after the header holds 4 bytes");
    // Overflowing element count.
    expectParseError(
        fileImage(R"({"a":{"dtype":"F64","shape":[4294967296,4294967296,4],"data_offsets":[0,8]}})",
                  std::string(8, '\0')),
        "has more elements than any file can hold");
}

TEST(SafeTensorsBad, HugeClaimInATinyFileFailsBeforeAllocating) {
    // 10^12 f32 elements (4 TB) claimed by a file under 1 KB, with offsets that agree with the
    // shape: only the buffer-size check can stop it, and it must, before any allocation.
    const std::string bytes =
        fileImage(R"({"w":{"dtype":"F32","shape":[1000000,1000000],"data_offsets":[0,4000000000000]}})",
                  std::string(16, '\0'));
    expectParseError(bytes, "tensor \"w\": data ends at 4000000000000 but the buffer");
    TempDir dir;
    writeBytes(dir.path() / "huge.safetensors", bytes);
    EXPECT_THROW(readSafeTensors(dir.path() / "huge.safetensors"), io::ParseError);
    // The same claim with small offsets is a size mismatch.
    expectParseError(fileImage(R"({"w":{"dtype":"BF16","shape":[1000000,1000000],"data_offsets":[0,16]}})",
                               std::string(16, '\0')),
                     "needs 2000000000000 bytes but data_offsets span 16");
}

TEST(SafeTensorsBad, FilesAndShards) {
    TempDir dir;
    EXPECT_THROW(readSafeTensors(dir.path() / "absent.safetensors"), io::FileError);
    writeBytes(dir.path() / "empty.safetensors", "");
    try {
        readSafeTensors(dir.path() / "empty.safetensors");
        ADD_FAILURE() << "empty file accepted";
    } catch (const io::ParseError& e) {
        EXPECT_NE(std::string(e.what()).find("empty.safetensors: file is 0 bytes"), std::string::npos)
            << e.what();
    }

    writeSafeTensors(dir.path() / "one.safetensors", {{"a", Tensor({1}, {1.0f})}});
    auto expectIndexError = [&](const std::string& index, const std::string& fragment) {
        writeBytes(dir.path() / kSafeTensorsIndexName, index);
        try {
            loadSafeTensors(dir.path());
            ADD_FAILURE() << "accepted: " << index;
        } catch (const io::ParseError& e) {
            EXPECT_NE(std::string(e.what()).find(kSafeTensorsIndexName), std::string::npos);
            EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos)
                << e.what() << "\nexpected: " << fragment;
        }
    };
    expectIndexError(R"({"weight_map":{"a":"one.safetensors","b":"two.safetensors"}})",
                     "shard \"two.safetensors\" (holding tensor \"b\") does not exist");
    expectIndexError(R"({"weight_map":{"a":"one.safetensors","ghost":"one.safetensors"}})",
                     "tensor \"ghost\": mapped to shard \"one.safetensors\", which does not hold it");
    expectIndexError(R"({"weight_map":{"a":"../one.safetensors"}})",
                     "is not a file name in the index's folder");
    expectIndexError(R"({"metadata":{}})", "index has no \"weight_map\" object");
    expectIndexError(R"({"weight_map":)", "index is not valid JSON");
    writeBytes(dir.path() / kSafeTensorsIndexName, R"({"weight_map":{"a":"one.safetensors"}})");
    EXPECT_EQ(loadSafeTensors(dir.path()).tensors.at("a").data()[0], 1.0f);
}
