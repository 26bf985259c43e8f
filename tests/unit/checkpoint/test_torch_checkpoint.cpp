#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include <nlohmann/json.hpp>
#include <zlib.h>

#include "checkpoint/TorchCheckpoint.h"
#include "checkpoint/ZipArchive.h"
#include "io/GraphIO.h"

using namespace gts;
using namespace gts::checkpoint;
namespace fs = std::filesystem;
using namespace std::string_literals;

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

void putLe(std::string& out, uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out += char((v >> (8 * i)) & 0xff);
}

// A STORED zip of the given entries, laid out as the zip spec says (local headers + data, the
// central directory, the end record), for hand-written pickles.
std::string makeZip(const std::vector<std::pair<std::string, std::string>>& entries) {
    std::string out, central;
    for (const auto& [name, data] : entries) {
        const uint32_t crc = uint32_t(
            crc32(0L, reinterpret_cast<const Bytef*>(data.data()), uInt(data.size())));
        const uint64_t lho = out.size();
        putLe(out, 0x04034b50, 4); putLe(out, 20, 2); putLe(out, 0, 2); putLe(out, 0, 2);
        putLe(out, 0, 4); putLe(out, crc, 4); putLe(out, data.size(), 4); putLe(out, data.size(), 4);
        putLe(out, name.size(), 2); putLe(out, 0, 2);
        out += name + data;
        putLe(central, 0x02014b50, 4); putLe(central, 20, 2); putLe(central, 20, 2);
        putLe(central, 0, 2); putLe(central, 0, 2); putLe(central, 0, 4); putLe(central, crc, 4);
        putLe(central, data.size(), 4); putLe(central, data.size(), 4); putLe(central, name.size(), 2);
        putLe(central, 0, 2); putLe(central, 0, 2); putLe(central, 0, 2); putLe(central, 0, 2);
        putLe(central, 0, 4); putLe(central, lho, 4);
        central += name;
    }
    const uint64_t cdOffset = out.size();
    out += central;
    putLe(out, 0x06054b50, 4); putLe(out, 0, 2); putLe(out, 0, 2);
    putLe(out, entries.size(), 2); putLe(out, entries.size(), 2);
    putLe(out, central.size(), 4); putLe(out, cdOffset, 4); putLe(out, 0, 2);
    return out;
}

std::string binunicode(const std::string& s) {
    std::string out = "X";
    putLe(out, s.size(), 4);
    return out + s;
}

// {key: _rebuild_tensor_v2(storage('0', numel), offset, size, stride, False, OrderedDict())}
// in protocol 2, with sizes/strides as BININT1 tuples.
std::string tensorPickle(const std::string& key, int numel, int offset,
                         const std::vector<int>& size, const std::vector<int>& stride) {
    auto ints = [](const std::vector<int>& v) {
        std::string t = "(";
        for (int x : v) t += std::string("K") + char(x);
        return t + "t";
    };
    return std::string("\x80\x02}") + binunicode(key) + "ctorch._utils\n_rebuild_tensor_v2\n(" +
           "(" + binunicode("storage") + "ctorch\nFloatStorage\n" + binunicode("0") +
           binunicode("cpu") + "K" + char(numel) + "tQ" + "K" + char(offset) + ints(size) +
           ints(stride) + "\x89" "ccollections\nOrderedDict\n)RtRs.";
}

std::string floats(const std::vector<float>& v) {
    return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
}

void expectBytesRefused(const std::string& zip, const std::string& fragment) {
    try {
        readTorchCheckpointFromBytes(zip, "mem.pt");
        ADD_FAILURE() << "accepted; expected: " << fragment;
    } catch (const io::ParseError& e) {
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

TEST(TorchCheckpoint, UsesGraphGymModelState) {
    // {"epoch", "model_state", "optimizer_state" (Adam: tensors, tuples, None), "scheduler_state"}.
    const auto got = readTorchCheckpoint(kDir / "graphgym_ckpt.pt");
    EXPECT_EQ(got.size(), 4u);  // 0.weight, 0.bias, 2.weight, 2.bias; nothing of the optimizer
    expectMatches(got, expected()["graphgym_ckpt"]);
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

TEST(TorchPickle, HandWrittenStridedTensor) {
    // Storage 0..5, offset 1, size [2, 2], stride [1, 2]: elements (1, 3, 2, 4).
    const std::string zip = makeZip({{"a/data.pkl", tensorPickle("t", 6, 1, {2, 2}, {1, 2})},
                                     {"a/data/0", floats({0, 1, 2, 3, 4, 5})}});
    const auto got = readTorchCheckpointFromBytes(zip, "mem.pt");
    const Tensor& t = got.at("t");
    EXPECT_EQ(t.shape(), (Tensor::Shape{2, 2}));
    EXPECT_EQ(std::vector<float>(t.data(), t.data() + 4), (std::vector<float>{1, 3, 2, 4}));
}

TEST(TorchPickle, RefusesTensorBeyondStorage) {
    expectBytesRefused(makeZip({{"a/data.pkl", tensorPickle("t", 6, 3, {2, 2}, {2, 1})},
                                {"a/data/0", floats({0, 1, 2, 3, 4, 5})}}),
                       "reaches element 6 of 6");
}

TEST(TorchPickle, RefusesStorageLargerThanItsBlob) {
    expectBytesRefused(makeZip({{"a/data.pkl", tensorPickle("t", 200, 0, {2}, {1})},
                                {"a/data/0", floats({0, 1})}}),
                       "claims 200 elements but holds 8 bytes");
}

TEST(TorchPickle, RefusesMissingStorage) {
    expectBytesRefused(makeZip({{"a/data.pkl", tensorPickle("t", 2, 0, {2}, {1})}}),
                       "has no entry a/data/0");
}

TEST(TorchPickle, RefusesStackGlobalEval) {
    const std::string pkl = "\x80\x04\x8c\x08" "builtins\x8c\x04" "eval\x93\x8c\x01" "1\x85R.";
    expectBytesRefused(makeZip({{"a/data.pkl", pkl}}), "refused global builtins.eval");
}

TEST(TorchPickle, RefusesUnsetMemoAndNonTensorValues) {
    expectBytesRefused(makeZip({{"a/data.pkl", "\x80\x02h\x05."}}), "memo index 5 was never stored");
    // {"x": -2} (LONG1 0xfe) is a dict, but its value is no tensor.
    expectBytesRefused(makeZip({{"a/data.pkl", "\x80\x02}" + binunicode("x") + "\x8a\x01\xfes."}}),
                       "entry \"x\" is a int, not a tensor");
    expectBytesRefused(makeZip({{"a/data.pkl", "\x80\x02]."}}), "holds a list, not a dict");
}

TEST(TorchPickle, RefusesDeepNestingAndSelfContainment) {
    // 200 nested one-element tuples: (((...),),)
    std::string deep = "\x80\x02N";
    for (int i = 0; i < 200; ++i) deep += "\x85";
    expectBytesRefused(makeZip({{"a/data.pkl", deep + "."}}), "nest deeper than 100");
    // l = []; l.append(l)
    expectBytesRefused(makeZip({{"a/data.pkl", "\x80\x02]q\x00h\x00" "a."s}}), "cannot contain itself");
    // d = {}; t = (d,); d["k"] = None: mutation after nesting.
    expectBytesRefused(makeZip({{"a/data.pkl", "\x80\x02}q\x00\x85h\x00"s + binunicode("k") + "Ns."}}),
                       "already nested");
}

TEST(TorchPickle, RefusesBroadcastBeyondStorage) {
    // size [200] with stride 0 over a 2-element storage.
    expectBytesRefused(makeZip({{"a/data.pkl", tensorPickle("t", 2, 0, {200}, {0})},
                                {"a/data/0", floats({0, 1})}}),
                       "more elements than its storage");
}

TEST(TorchPickle, HonoursByteOrderRecord) {
    const std::string pkl = tensorPickle("t", 2, 0, {2}, {1});
    const auto little = readTorchCheckpointFromBytes(
        makeZip({{"a/data.pkl", pkl}, {"a/byteorder", "little"}, {"a/data/0", floats({7, 8})}}), "le.pt");
    EXPECT_EQ(little.at("t").data()[1], 8.0f);
    expectBytesRefused(
        makeZip({{"a/data.pkl", pkl}, {"a/byteorder", "big"}, {"a/data/0", floats({7, 8})}}),
        "byte order \"big\"");
}

TEST(TorchPickle, MutatedPicklesFailCleanly) {
    // Seeded single-byte mutations of torch's own pickle, re-zipped with correct CRCs so the
    // VM (not the CRC check) meets them: each either loads or throws ParseError.
    const std::string bytes = io::readFileBytes(kDir / "state_dict.pt");
    const ZipArchive zip(bytes, "state_dict.pt");
    std::vector<std::pair<std::string, std::string>> entries;
    for (const auto& e : zip.entries()) entries.emplace_back(e.name, zip.read(e));
    ASSERT_EQ(entries[0].first, "state_dict/data.pkl");
    const std::string original = entries[0].second;
    std::mt19937 rng(12345);
    size_t refused = 0;
    for (int round = 0; round < 3000; ++round) {
        std::string pkl = original;
        const size_t at = rng() % pkl.size();
        pkl[at] = char(rng() & 0xff);
        if (round % 3 == 0) pkl.resize(rng() % pkl.size());
        entries[0].second = pkl;
        try {
            readTorchCheckpointFromBytes(makeZip(entries), "mutated.pt");
        } catch (const io::ParseError&) {
            ++refused;
        }
    }
    EXPECT_GT(refused, 1000u);  // truncation alone (every third round) is always refused
}
