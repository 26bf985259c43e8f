#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "checkpoint/TorchCheckpoint.h"
#include "checkpoint/ZipArchive.h"
#include "io/GraphIO.h"

using namespace gts;
using namespace gts::checkpoint;
namespace fs = std::filesystem;

namespace {

const fs::path kDir = fs::path(GTS_FIXTURES_DIR) / "checkpoint" / "torch";

nlohmann::json expected() {
    std::ifstream in(kDir / "expected.json");
    return nlohmann::json::parse(in);
}

// Compares every tensor with the values torch wrote (f32 after conversion, so exact).
void expectMatches(const std::map<std::string, Tensor>& got, const nlohmann::json& want) {
    ASSERT_EQ(got.size(), want.size());
    for (const auto& [name, w] : want.items()) {
        const auto it = got.find(name);
        ASSERT_NE(it, got.end()) << name;
        const Tensor& t = it->second;
        EXPECT_EQ(t.shape(), w["shape"].get<Tensor::Shape>()) << name;
        const auto values = w["values"].get<std::vector<double>>();
        ASSERT_EQ(t.size(), values.size()) << name;
        for (size_t i = 0; i < values.size(); ++i)
            EXPECT_EQ(t.data()[i], float(values[i])) << name << "[" << i << "]";
    }
}

void expectRefused(const fs::path& file, const std::string& fragment) {
    try {
        readTorchCheckpoint(file);
        ADD_FAILURE() << file << " accepted; expected: " << fragment;
    } catch (const io::ParseError& e) {
        EXPECT_EQ(e.source(), file.string());
        EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
}

}  // namespace

TEST(TorchCheckpoint, ReadsTorchSaveStateDict) {
    const auto got = readTorchCheckpoint(kDir / "state_dict.pt");
    expectMatches(got, expected()["plain"]);
    EXPECT_EQ(got.at("w_f16").sourceDType(), DType::F16);
    EXPECT_EQ(got.at("w_bf16").sourceDType(), DType::BF16);
    EXPECT_EQ(got.at("ids_i64").sourceDType(), DType::I64);
    EXPECT_EQ(got.at("w_f32").sourceDType(), DType::F32);
    // Hand-checked: arange(12).reshape(3,4).t() is [[0,4,8],[1,5,9],[2,6,10],[3,7,11]].
    const Tensor& tr = got.at("transposed");
    EXPECT_EQ(tr.shape(), (Tensor::Shape{4, 3}));
    EXPECT_EQ(tr.data()[1], 4.0f);
    EXPECT_EQ(tr.data()[3], 1.0f);
    EXPECT_EQ(tr.data()[11], 11.0f);
    // arange(20)[5:11].view(2,3) starts at storage element 5.
    EXPECT_EQ(got.at("offset_view").data()[0], 5.0f);
    EXPECT_EQ(got.at("offset_view").data()[5], 10.0f);
    EXPECT_EQ(got.at("ids_i64").data()[3], 40000.0f);
    EXPECT_EQ(got.at("scalar").rank(), 0u);
    EXPECT_EQ(got.at("scalar").data()[0], 2.5f);
}

TEST(TorchCheckpoint, ReadsDeflatedEntries) {
    expectMatches(readTorchCheckpoint(kDir / "deflated.pt"), expected()["plain"]);
}

TEST(TorchCheckpoint, StripsModulePrefix) {
    const auto got = readTorchCheckpoint(kDir / "module_prefix.pt");
    expectMatches(got, expected()["module_prefix"]);
}

TEST(TorchCheckpoint, ReadsZip64CentralDirectory) {
    // Sizes and offsets only in the zip64 extra fields and end record.
    expectMatches(readTorchCheckpoint(kDir / "zip64.pt"), expected()["module_prefix"]);
}

TEST(TorchCheckpoint, UsesNestedModelDict) {
    expectMatches(readTorchCheckpoint(kDir / "nested_model.pt"), expected()["nested_model"]);
}

TEST(TorchCheckpoint, RefusesOsSystemAndRunsNothing) {
    const std::string marker = expected()["evil_marker"];
    fs::remove(marker);
    expectRefused(kDir / "evil_os_system.pt", "refused global os.system");
    expectRefused(kDir / "evil_posix_system.pt", "refused global posix.system");
    EXPECT_FALSE(fs::exists(marker));
}

TEST(TorchCheckpoint, RefusesTruncatedZip) {
    expectRefused(kDir / "truncated.pt", "no end-of-central-directory record");
}

TEST(TorchCheckpoint, RefusesHugeClaimedEntry) {
    expectRefused(kDir / "huge_claim.pt", "claims 1073741824 compressed bytes");
}

TEST(TorchCheckpoint, RefusesEveryByteTruncation) {
    // Every prefix of a real checkpoint is rejected with a ParseError, never a crash.
    const std::string bytes = io::readFileBytes(kDir / "state_dict.pt");
    for (size_t n = 0; n < bytes.size(); n += 7)
        EXPECT_THROW(readTorchCheckpointFromBytes(bytes.substr(0, n), "cut.pt"), io::ParseError) << n;
}

TEST(TorchCheckpoint, RefusesCrcMismatch) {
    // One pickle byte changed in place: sizes stay valid, the stored CRC-32 no longer matches.
    std::string bytes = io::readFileBytes(kDir / "evil_os_system.pt");
    const size_t at = bytes.find("cos\nsystem\n");
    ASSERT_NE(at, std::string::npos);
    bytes[at + 5] = 'S';
    try {
        readTorchCheckpointFromBytes(bytes, "crc.pt");
        ADD_FAILURE() << "accepted";
    } catch (const io::ParseError& e) {
        EXPECT_NE(std::string(e.what()).find("CRC-32 mismatch"), std::string::npos) << e.what();
    }
}

TEST(TorchCheckpoint, RefusesNonTorchZip) {
    // A zip is required; plain pickle bytes are not one.
    EXPECT_THROW(readTorchCheckpointFromBytes("\x80\x02}.", "raw.pkl"), io::ParseError);
    EXPECT_THROW(readTorchCheckpointFromBytes("", "empty.pt"), io::ParseError);
}

TEST(ZipArchive, ListsTorchEntries) {
    const std::string bytes = io::readFileBytes(kDir / "state_dict.pt");
    const ZipArchive zip(bytes, "state_dict.pt");
    const ZipEntry* v = zip.find("state_dict/version");
    ASSERT_NE(v, nullptr);
    EXPECT_EQ(zip.read(*v), "3\n");
    ASSERT_NE(zip.find("state_dict/data/0"), nullptr);
    EXPECT_EQ(zip.read(*zip.find("state_dict/data/0")).size(), 48u);  // 12 f32
    EXPECT_EQ(zip.find("nope"), nullptr);
}
