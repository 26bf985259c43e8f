// Session files: round trip, schema migration from a committed v1 fixture, newer/corrupt files,
// model checks, blob validation, and atomic saves under SIGKILL.

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <random>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/Session.h"
#include "store/Sha256.h"

namespace fs = std::filesystem;
using namespace gts;
using namespace gts::store;

namespace {

fs::path tempDir() {
    fs::path dir = fs::temp_directory_path() /
                   ("gts-store-" + std::to_string(getpid()) + "-" +
                    ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

void writeBytes(const fs::path& p, const std::string& bytes) {
    std::ofstream(p, std::ios::binary) << bytes;
}

Session sampleSession(int n) {
    Session s;
    s.graphs.push_back({"g" + std::to_string(n), "/data/g.graphml", "json",
                        "{\"nodes\":[" + std::to_string(n) + "]}", "[{\"op\":\"addNode\"}]"});
    s.model = {"", ""};
    s.settings["run"] = "{\"n\":" + std::to_string(n) + "}";
    s.metrics["entropy"] = "[1.5,2.25]";
    std::vector<float> values(6 * 1024, static_cast<float>(n));
    s.tensors["layer0.attention"] = Tensor({6, 32, 32}, values);
    s.tensors["logits"] = Tensor({2, 3}, {1.f, -2.5f, 3.25f, 0.f, 1e-7f, float(n)});
    s.annotations.push_back({"head", "{\"layer\":1,\"head\":2}", "induction? " + std::to_string(n)});
    s.viewJson = "{\"layer\":" + std::to_string(n) + "}";
    return s;
}

void execSql(const fs::path& p, const char* sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(p.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);
}

}  // namespace

TEST(Sha256, FipsVectors) {
    // FIPS 180-4 examples (NIST CSRC "SHA256.pdf") and the empty string.
    EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    Sha256 chunked;  // a million 'a's fed in odd-sized pieces
    std::string part(997, 'a');
    size_t left = 1'000'000;
    while (left > 0) {
        size_t n = std::min(left, part.size());
        chunked.update(part.data(), n);
        left -= n;
    }
    EXPECT_EQ(chunked.finishHex(),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Session, RoundTripKeepsEverything) {
    fs::path dir = tempDir();
    Session s = sampleSession(7);
    saveSession(dir / "a.gtscope", s);
    OpenReport rep;
    Session r = openSession(dir / "a.gtscope", &rep);
    EXPECT_EQ(rep.fileVersion, kSchemaVersion);
    EXPECT_FALSE(rep.migrated);
    EXPECT_TRUE(rep.warnings.empty());
    ASSERT_EQ(r.graphs.size(), 1u);
    EXPECT_EQ(r.graphs[0].text, s.graphs[0].text);
    EXPECT_EQ(r.graphs[0].sourcePath, "/data/g.graphml");
    EXPECT_EQ(r.graphs[0].editsJson, s.graphs[0].editsJson);
    EXPECT_EQ(r.settings, s.settings);
    EXPECT_EQ(r.metrics, s.metrics);
    EXPECT_EQ(r.annotations, s.annotations);
    EXPECT_EQ(r.viewJson, s.viewJson);
    ASSERT_EQ(r.tensors.size(), 2u);
    for (const auto& [name, t] : s.tensors) {
        const Tensor& u = r.tensors.at(name);
        EXPECT_EQ(u.shape(), t.shape()) << name;
        EXPECT_EQ(0, std::memcmp(u.data(), t.data(), t.size() * sizeof(float))) << name;
    }
    // A second save replaces the state (not appends).
    saveSession(dir / "a.gtscope", sampleSession(8));
    Session r2 = openSession(dir / "a.gtscope");
    EXPECT_EQ(r2.graphs.size(), 1u);
    EXPECT_EQ(r2.annotations.size(), 1u);
    EXPECT_EQ(r2.viewJson, "{\"layer\":8}");
    EXPECT_TRUE(checkSession(dir / "a.gtscope").empty());
}

TEST(Session, MigratesCommittedV1Fixture) {
    // tests/fixtures/store/session-v1.gtscope, made by make_session_v1.py: schema version 1
    // (no annotations table) with one graph, a model reference and a [2, 2] F32 tensor.
    fs::path dir = tempDir();
    fs::copy_file(fs::path(GTS_FIXTURES_DIR) / "store/session-v1.gtscope",
                  dir / "v1.gtscope");
    // Read-only open (info/check): the file stays version 1.
    OpenReport peek;
    openSession(dir / "v1.gtscope", &peek, /*migrateInPlace=*/false);
    EXPECT_TRUE(peek.migrated);
    EXPECT_TRUE(checkSession(dir / "v1.gtscope").size() == 1u);  // only the missing model
    OpenReport rep;
    Session s = openSession(dir / "v1.gtscope", &rep);
    EXPECT_EQ(rep.fileVersion, 1);
    EXPECT_TRUE(rep.migrated);
    ASSERT_EQ(s.graphs.size(), 1u);
    EXPECT_EQ(s.graphs[0].name, "triangle");
    EXPECT_EQ(s.settings.at("tokenize"), "{\"seed\":3}");
    ASSERT_EQ(s.tensors.count("logits"), 1u);
    EXPECT_EQ(s.tensors.at("logits").shape(), (Tensor::Shape{2, 2}));
    EXPECT_FLOAT_EQ(s.tensors.at("logits").data()[3], 4.0f);
    EXPECT_TRUE(s.annotations.empty());
    // The model path in the fixture does not exist here: a warning, the rest opened.
    ASSERT_EQ(rep.warnings.size(), 1u);
    EXPECT_NE(rep.warnings[0].find("missing"), std::string::npos);
    // Migrated in place: v2 now, and annotations can be stored.
    OpenReport again;
    openSession(dir / "v1.gtscope", &again);
    EXPECT_EQ(again.fileVersion, kSchemaVersion);
    s.annotations.push_back({"node", "{\"node\":0}", "carbon"});
    saveSession(dir / "v1.gtscope", s);
    EXPECT_EQ(openSession(dir / "v1.gtscope").annotations.size(), 1u);
}

TEST(Session, NewerVersionIsRefusedWithAClearMessage) {
    fs::path dir = tempDir();
    saveSession(dir / "n.gtscope", sampleSession(1));
    execSql(dir / "n.gtscope", "PRAGMA user_version = 99");
    try {
        openSession(dir / "n.gtscope");
        FAIL() << "no error";
    } catch (const SessionError& e) {
        std::string msg = e.what();
        EXPECT_NE(msg.find("n.gtscope"), std::string::npos) << msg;
        EXPECT_NE(msg.find("99"), std::string::npos) << msg;
        EXPECT_NE(msg.find("newer"), std::string::npos) << msg;
    }
}

TEST(Session, GarbageTruncatedAndMissingFilesGiveErrors) {
    fs::path dir = tempDir();
    writeBytes(dir / "garbage.gtscope", std::string(5000, 'x'));
    EXPECT_THROW(openSession(dir / "garbage.gtscope"), SessionError);
    EXPECT_FALSE(checkSession(dir / "garbage.gtscope").empty());
    EXPECT_THROW(openSession(dir / "absent.gtscope"), SessionError);

    saveSession(dir / "t.gtscope", sampleSession(2));
    // Fold the WAL into the main file, then cut it in half.
    execSql(dir / "t.gtscope", "PRAGMA wal_checkpoint(TRUNCATE)");
    auto size = fs::file_size(dir / "t.gtscope");
    fs::resize_file(dir / "t.gtscope", size / 2);
    bool failed = false;
    try {
        openSession(dir / "t.gtscope");
    } catch (const SessionError& e) {
        failed = true;
        EXPECT_NE(std::string(e.what()).find("t.gtscope"), std::string::npos);
    }
    EXPECT_TRUE(failed || !checkSession(dir / "t.gtscope").empty());
    EXPECT_FALSE(checkSession(dir / "t.gtscope").empty());

    // An SQLite database that is not a session.
    execSql(dir / "other.db", "CREATE TABLE x(y)");
    EXPECT_THROW(openSession(dir / "other.db"), SessionError);
}

TEST(Session, BlobWhoseSizeDisagreesWithShapeIsSkippedNotAllocated) {
    fs::path dir = tempDir();
    saveSession(dir / "b.gtscope", sampleSession(3));
    // Claims 2^40 elements but holds 24 bytes; a reader trusting the shape would allocate 4 TB.
    execSql(dir / "b.gtscope",
            "UPDATE tensors SET shape_json = '[1048576, 1048576]' WHERE name = 'logits'");
    OpenReport rep;
    Session s = openSession(dir / "b.gtscope", &rep);
    EXPECT_EQ(s.tensors.count("logits"), 0u);
    EXPECT_EQ(s.tensors.count("layer0.attention"), 1u);
    ASSERT_EQ(rep.warnings.size(), 1u);
    EXPECT_NE(rep.warnings[0].find("logits"), std::string::npos) << rep.warnings[0];
    EXPECT_NE(rep.warnings[0].find("blob has 24 bytes"), std::string::npos) << rep.warnings[0];
    // A blob longer than the shape needs is refused too ([2, 2] F32 is 16 bytes, not 24).
    execSql(dir / "b.gtscope", "UPDATE tensors SET shape_json = '[2, 2]' WHERE name = 'logits'");
    OpenReport longer;
    openSession(dir / "b.gtscope", &longer);
    ASSERT_EQ(longer.warnings.size(), 1u);
    EXPECT_NE(longer.warnings[0].find("needs 16 bytes, blob has 24 bytes"), std::string::npos)
        << longer.warnings[0];
    execSql(dir / "b.gtscope", "UPDATE tensors SET shape_json = '[-1, 6]' WHERE name = 'logits'");
    OpenReport rep2;
    openSession(dir / "b.gtscope", &rep2);
    EXPECT_EQ(rep2.warnings.size(), 1u);
    execSql(dir / "b.gtscope", "UPDATE tensors SET dtype = 'Q4' WHERE name = 'logits'");
    OpenReport rep3;
    openSession(dir / "b.gtscope", &rep3);
    EXPECT_EQ(rep3.warnings.size(), 1u);
}

TEST(Session, ChangedOrMissingModelWarnsAndOpensTheRest) {
    fs::path dir = tempDir();
    fs::create_directories(dir / "model");
    writeBytes(dir / "model/config.json", "{\"hidden_size\":8}");
    writeBytes(dir / "model/model.safetensors", "weights-v1");
    Session s = sampleSession(4);
    s.model = {(dir / "model").string(), modelFingerprint(dir / "model")};
    saveSession(dir / "m.gtscope", s);
    OpenReport same;
    openSession(dir / "m.gtscope", &same);
    EXPECT_TRUE(same.warnings.empty());

    writeBytes(dir / "model/model.safetensors", "weights-v2");
    OpenReport changed;
    Session r = openSession(dir / "m.gtscope", &changed);
    ASSERT_EQ(changed.warnings.size(), 1u);
    EXPECT_NE(changed.warnings[0].find("changed"), std::string::npos);
    EXPECT_EQ(r.tensors.size(), 2u);

    fs::remove_all(dir / "model");
    OpenReport missing;
    r = openSession(dir / "m.gtscope", &missing);
    ASSERT_EQ(missing.warnings.size(), 1u);
    EXPECT_NE(missing.warnings[0].find("missing"), std::string::npos);
    EXPECT_EQ(r.graphs.size(), 1u);
}

TEST(Session, SaveKilledAtRandomPointsLeavesOldOrNewState) {
    // A child saves states 1, 2, 3, ... in a loop; the parent kills it with SIGKILL after a
    // random delay, then opens the file: every part must come from one and the same state.
    fs::path dir = tempDir();
    fs::path file = dir / "k.gtscope";
    saveSession(file, sampleSession(0));
    std::mt19937 rng(12345);
    int lastSeen = 0;
    int advanced = 0;
    for (int round = 0; round < 40; ++round) {
        int start = lastSeen + 1;
        pid_t pid = fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            for (int n = start;; ++n) saveSession(file, sampleSession(n));
        }
        usleep(std::uniform_int_distribution<int>(1000, 60000)(rng));
        kill(pid, SIGKILL);
        int status = 0;
        waitpid(pid, &status, 0);
        Session s = openSession(file);
        ASSERT_EQ(s.graphs.size(), 1u);
        int n = std::stoi(s.graphs[0].name.substr(1));
        EXPECT_GE(n, lastSeen) << "round " << round;
        EXPECT_EQ(s.settings.at("run"), "{\"n\":" + std::to_string(n) + "}");
        EXPECT_EQ(s.viewJson, "{\"layer\":" + std::to_string(n) + "}");
        const Tensor& att = s.tensors.at("layer0.attention");
        for (size_t i = 0; i < att.size(); ++i)
            ASSERT_EQ(att.data()[i], float(n)) << "round " << round << " element " << i;
        EXPECT_TRUE(checkSession(file).empty()) << "round " << round;
        if (n > lastSeen) ++advanced;
        lastSeen = n;
    }
    EXPECT_GT(advanced, 10);  // the kills did land while saves were happening
}

TEST(Session, AutosaveThrottle) {
    AutosaveThrottle t(30.0);
    EXPECT_FALSE(t.due(0.0));  // clean
    t.markDirty();
    EXPECT_TRUE(t.due(0.0));
    t.markDirty();
    EXPECT_FALSE(t.due(10.0));
    EXPECT_TRUE(t.due(30.0));
    EXPECT_FALSE(t.due(100.0));  // clean again
    EXPECT_EQ(autosavePath("/a/b.gtscope"), fs::path("/a/b.gtscope.autosave"));
}
