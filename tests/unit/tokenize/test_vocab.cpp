#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "graph/Graph.h"
#include "io/GraphIO.h"
#include "tokenize/EulerianSerializer.h"
#include "tokenize/Vocab.h"

using namespace gts;
namespace fs = std::filesystem;

namespace {

// GraphGPT's published vocab files (alibaba/graph-gpt data/OGB/*/vocab), kept beside the repo.
const fs::path kGraphGptDir = fs::path(GTS_FIXTURES_DIR) / ".." / ".." / ".." / "shared" / "graphgpt";

std::string fileText(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// The message of the ParseError that parsing `text` throws ("" when it does not throw).
std::string parseErrorOf(const std::string& text) {
    try {
        Vocab::parse(text, "vocab");
    } catch (const io::ParseError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(Vocab, ReadsGraphGptPcqm4mV2Vocab) {
    const fs::path path = kGraphGptDir / "pcqm4m-v2.vocab";
    ASSERT_TRUE(fs::exists(path)) << path;
    const Vocab v = Vocab::read(path);
    // Values read off the file by hand.
    EXPECT_EQ(v.size(), 307u);
    EXPECT_EQ(v.maxId(), 307);
    EXPECT_EQ(v.id("<mask>"), 1);
    EXPECT_EQ(v.id("<gsum>"), 14);
    EXPECT_EQ(v.id("<edge_jump>"), 18);
    EXPECT_EQ(v.id("<new>"), 21);
    EXPECT_EQ(v.id("0"), 22);
    EXPECT_EQ(v.id("63"), 85);
    EXPECT_FALSE(v.contains("64"));  // node_scope 64 in this older file
    EXPECT_EQ(v.id("semantics_0"), 86);
    EXPECT_EQ(v.id("molecule#node#0"), 109);
    EXPECT_EQ(v.id("molecule#node#0#10"), 120);  // values sorted as text in this file
    EXPECT_EQ(v.id("molecule#edge#2#1"), 307);
    EXPECT_EQ(v.token(22), "0");
    EXPECT_EQ(v.token(307), "molecule#edge#2#1");
    EXPECT_THROW(v.token(0), std::out_of_range);
    EXPECT_THROW(v.token(308), std::out_of_range);
    ASSERT_NE(v.findToken(307), nullptr);
    EXPECT_EQ(*v.findToken(307), "molecule#edge#2#1");
    EXPECT_EQ(v.findToken(0), nullptr);
    EXPECT_EQ(v.findToken(-1), nullptr);
    EXPECT_FALSE(v.find("<label_pad>").has_value());
}

TEST(Vocab, ReadsGraphGptMolpcbaVocab) {
    const Vocab v = Vocab::read(kGraphGptDir / "ogbg_molpcba.vocab");
    EXPECT_EQ(v.size(), 498u);
    EXPECT_EQ(v.id("<edge_jump>"), 18);
    EXPECT_EQ(v.id("255"), 277);
    EXPECT_EQ(v.id("semantics_0"), 278);
    EXPECT_EQ(v.id("<e>"), 287);
    EXPECT_EQ(v.id("molecule#node#0#0"), 309);
    EXPECT_EQ(v.id("molecule#edge#2#1"), 498);
}

TEST(Vocab, WriterRoundTripsGraphGptFilesByteForByte) {
    for (const char* name : {"pcqm4m-v2.vocab", "ogbg_molpcba.vocab"}) {
        const std::string original = fileText(kGraphGptDir / name);
        const Vocab v = Vocab::parse(original, name);
        EXPECT_EQ(v.toText(), original) << name;
        const fs::path out = fs::temp_directory_path() / ("gts_test_vocab_" + std::string(name));
        v.write(out);
        const Vocab back = Vocab::read(out);
        EXPECT_EQ(back.entries(), v.entries()) << name;
        fs::remove(out);
    }
}

TEST(Vocab, FromTokensNumbersFromOne) {
    const Vocab v = Vocab::fromTokens({"<mask>", "0", "molecule#node#0#5"});
    EXPECT_EQ(v.id("<mask>"), 1);
    EXPECT_EQ(v.id("molecule#node#0#5"), 3);
    EXPECT_EQ(v.toText(), "<mask> 1\n0 2\nmolecule#node#0#5 3\n");
    EXPECT_THROW(Vocab::fromTokens({"a", "a"}), std::invalid_argument);
    EXPECT_THROW(Vocab::fromTokens({"a b"}), std::invalid_argument);
    EXPECT_THROW(Vocab::fromTokens({""}), std::invalid_argument);
}

TEST(Vocab, ToleratesBlankLinesCrLfAndOutOfOrderIds) {
    const Vocab v = Vocab::parse("\xEF\xBB\xBF<mask> 2\r\n\r\n<sep>\t1\r\n  x 5  \r\n");
    EXPECT_EQ(v.size(), 3u);
    EXPECT_EQ(v.id("<mask>"), 2);
    EXPECT_EQ(v.id("<sep>"), 1);
    EXPECT_EQ(v.id("x"), 5);
    EXPECT_EQ(v.toText(), "<sep> 1\n<mask> 2\nx 5\n");
    EXPECT_EQ(Vocab::parse("").size(), 0u);
}

TEST(Vocab, MalformedLinesNameFileAndLine) {
    EXPECT_EQ(parseErrorOf("a 1\nb\n"), "vocab:2: expected \"<token> <id>\", found only \"b\"");
    EXPECT_EQ(parseErrorOf("a 1 2\n"), "vocab:1: expected \"<token> <id>\", found more than two fields");
    EXPECT_EQ(parseErrorOf("a 1\nb x\n"), "vocab:2: id \"x\" of token \"b\" is not an integer");
    EXPECT_EQ(parseErrorOf("a 1.5\n"), "vocab:1: id \"1.5\" of token \"a\" is not an integer");
    EXPECT_EQ(parseErrorOf("a 0\n"), "vocab:1: id 0 of token \"a\" must be positive (0 is padding)");
    EXPECT_EQ(parseErrorOf("a -3\n"), "vocab:1: id -3 of token \"a\" must be positive (0 is padding)");
    // A huge id in a tiny file: refused, not allocated for.
    EXPECT_EQ(parseErrorOf("a 99999999999\n"), "vocab:1: id \"99999999999\" of token \"a\" is not an integer");
    EXPECT_EQ(parseErrorOf("a 1\nb 2\na 3\n"), "vocab:3: token \"a\" already has an id on line 1");
    EXPECT_EQ(parseErrorOf("a 1\nb 2\n\nc 2\n"), "vocab:4: id 2 already belongs to the token on line 2");
    // Truncated mid-line: the last line has a token but no id.
    EXPECT_EQ(parseErrorOf("a 1\nmolecule#no"), "vocab:2: expected \"<token> <id>\", found only \"molecule#no\"");
    const std::string notUtf8 = parseErrorOf("a 1\nb\xFF 2\n");
    EXPECT_EQ(notUtf8.rfind("vocab:2: ", 0), 0u) << notUtf8;
    EXPECT_EQ(parseErrorOf(std::string(Vocab::kMaxTokenBytes + 1, 'x') + " 1\n"),
              "vocab:1: token of 4097 bytes is longer than 4096");
}

TEST(Vocab, MissingFileIsFileError) {
    EXPECT_THROW(Vocab::read(kGraphGptDir / "no-such.vocab"), io::FileError);
}

TEST(Vocab, UnknownTokenNamesTokenAndPosition) {
    const Vocab v = Vocab::fromTokens({"0", "1", "<edge_bi>"});
    const std::vector<std::string> seq = {"0", "<edge_bi>", "molecule#node#0#5", "1"};
    try {
        v.encode(seq);
        FAIL() << "no error";
    } catch (const UnknownTokenError& e) {
        EXPECT_EQ(e.token(), "molecule#node#0#5");
        EXPECT_EQ(e.position(), 2u);
        EXPECT_STREQ(e.what(), "token \"molecule#node#0#5\" at position 2 is not in the vocab");
    }
    EXPECT_THROW(v.id("<mask>"), UnknownTokenError);
    EXPECT_EQ(v.encode(std::vector<std::string>{"1", "0", "<edge_bi>"}), (std::vector<int32_t>{2, 1, 3}));
}

TEST(Vocab, SerializedNodeIndexTokensExistInPcqm4mV2Vocab) {
    const Vocab v = Vocab::read(kGraphGptDir / "pcqm4m-v2.vocab");
    // A ring of 30 nodes with a chord; node_scope 64 as in this vocab.
    Graph g;
    g.addNodes(30);
    for (NodeId i = 0; i < 30; ++i) g.addEdge(i, (i + 1) % 30);
    g.addEdge(0, 15);
    SerializeOptions options;
    options.nodeScope = 64;
    options.scopeBase = 64;
    for (uint64_t seed = 0; seed < 20; ++seed) {
        options.seed = seed;
        const Serialization s = EulerianSerializer(options).serialize(g);
        for (size_t i = 0; i < s.nodeTokens.size(); ++i) {
            ASSERT_EQ(s.nodeTokens[i].size(), 1u);
            const std::vector<int32_t> ids = v.encode(s.nodeTokens[i]);
            // "k" has id 22 + k in this file.
            EXPECT_EQ(ids[0], 22 + int32_t(s.nodeIndex[s.walk.nodes[i]]));
        }
    }
}
