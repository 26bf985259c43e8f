// OGB raw folders: the tiny fixture (tests/fixtures/ogb/make_tiny.py), round trips, bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <fstream>

#include "graph/AttrNames.h"
#include "io/GraphIO.h"

using namespace gts;
namespace fs = std::filesystem;

namespace {

const fs::path kOgbDir = fs::path(GTS_FIXTURES_DIR) / "ogb";

std::vector<int64_t> row(const AttrColumn& c, size_t i) {
    return {c.ints.begin() + i * c.width, c.ints.begin() + (i + 1) * c.width};
}

/// A fresh folder per test, with the given tables written as plain files.
fs::path folderWith(const std::vector<std::pair<std::string, std::string>>& files) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    fs::path dir = fs::temp_directory_path() /
                   (std::string("gts_ogb_") + info->name() + "_" +
                    std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    for (const auto& [name, text] : files) {
        std::ofstream out(dir / name, std::ios::binary);
        out << text;
    }
    return dir;
}

io::ParseError readError(const fs::path& dir) {
    try {
        io::readGraphs(dir, {});
    } catch (const io::ParseError& e) {
        return e;
    }
    ADD_FAILURE() << "no ParseError for " << dir;
    return io::ParseError("", 0, "");
}

void expectTiny(const std::vector<Graph>& graphs) {
    ASSERT_EQ(graphs.size(), 3u);
    const size_t nodes[] = {3, 2, 4}, edges[] = {3, 1, 3};
    for (size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(graphs[i].nodeCount(), nodes[i]);
        EXPECT_EQ(graphs[i].edgeCount(), edges[i]);
        EXPECT_FALSE(graphs[i].directed());
    }
    EXPECT_EQ(graphs[0].edge(2).src, 2u);
    EXPECT_EQ(graphs[0].edge(2).dst, 0u);
    EXPECT_EQ(graphs[2].edge(2).src, 1u);
    EXPECT_EQ(graphs[2].edge(2).dst, 3u);

    const AttrColumn* nf = graphs[1].nodeAttrs().find(attr::kFeat);
    ASSERT_TRUE(nf);
    EXPECT_EQ(nf->kind, AttrKind::Discrete);
    EXPECT_EQ(nf->width, 3u);
    EXPECT_EQ(row(*nf, 1), (std::vector<int64_t>{7, 2, 2}));  // node-feat row 5
    EXPECT_EQ(row(*graphs[2].nodeAttrs().find(attr::kFeat), 2), (std::vector<int64_t>{16, 0, 2}));
    const AttrColumn* ef = graphs[2].edgeAttrs().find(attr::kFeat);
    ASSERT_TRUE(ef);
    EXPECT_EQ(ef->width, 2u);
    EXPECT_EQ(row(*ef, 1), (std::vector<int64_t>{3, 1}));  // edge-feat row 6
    EXPECT_EQ(row(*graphs[1].edgeAttrs().find(attr::kFeat), 0), (std::vector<int64_t>{2, 0}));

    const AttrColumn* l0 = graphs[0].graphAttrs().find(attr::kLabel);
    ASSERT_TRUE(l0);
    EXPECT_EQ(l0->kind, AttrKind::Discrete);
    EXPECT_EQ(l0->intAt(0), 1);
    EXPECT_FALSE(graphs[1].graphAttrs().find(attr::kLabel)->has(0));  // "nan"
    EXPECT_EQ(graphs[2].graphAttrs().find(attr::kLabel)->intAt(0), 0);
}

}  // namespace

TEST(OgbFolder, ReadsGzippedRawFolderThroughItsParent) {
    EXPECT_EQ(io::formatFromPath(kOgbDir / "tiny"), io::Format::OgbFolder);
    expectTiny(io::readGraphs(kOgbDir / "tiny"));
    expectTiny(io::readGraphs(kOgbDir / "tiny" / "raw"));
}

TEST(OgbFolder, ReadsPlainCsvFolder) {
    expectTiny(io::readGraphs(kOgbDir / "tiny_plain"));
    const Graph g = io::readGraph((kOgbDir / "tiny_plain").string() + "#2");
    EXPECT_EQ(g.nodeCount(), 4u);
}

TEST(OgbFolder, WriteThenReadKeepsEverything) {
    auto graphs = io::readGraphs(kOgbDir / "tiny");
    // Add a continuous multi-task label with a gap to the first graph's nodes.
    const fs::path dir = folderWith({});
    io::writeGraphs(graphs, dir / "out", io::WriteOptions{io::Format::OgbFolder});
    EXPECT_TRUE(fs::exists(dir / "out" / "edge.csv"));
    EXPECT_TRUE(fs::exists(dir / "out" / "node-feat.csv"));
    expectTiny(io::readGraphs(dir / "out"));

    Graph cont;
    cont.addNodes(2);
    cont.addEdge(0, 1);
    auto& f = cont.nodeAttrs().add(attr::kFeat, AttrKind::Continuous, 2);
    f.setReal(0, 0.5, 0);
    f.setReal(0, -1e-7, 1);
    f.setReal(1, 3.0, 0);
    f.setReal(1, 2.25, 1);
    auto& label = cont.graphAttrs().add(attr::kLabel, AttrKind::Continuous, 2);
    label.setReal(0, 0.75, 0);
    label.setReal(0, std::numeric_limits<double>::quiet_NaN(), 1);
    io::writeGraphs({cont}, dir / "cont", io::WriteOptions{io::Format::OgbFolder});
    const auto back = io::readGraphs(dir / "cont");
    ASSERT_EQ(back.size(), 1u);
    const AttrColumn* bf = back[0].nodeAttrs().find(attr::kFeat);
    ASSERT_TRUE(bf);
    EXPECT_EQ(bf->kind, AttrKind::Continuous);
    EXPECT_EQ(bf->reals, f.reals);
    const AttrColumn* bl = back[0].graphAttrs().find(attr::kLabel);
    ASSERT_TRUE(bl);
    EXPECT_EQ(bl->kind, AttrKind::Continuous);
    EXPECT_EQ(bl->realAt(0, 0), 0.75);
    EXPECT_TRUE(std::isnan(bl->realAt(0, 1)));
    // Overwriting with fewer tables leaves no stale ones behind.
    Graph plain;
    plain.addNodes(3);
    plain.addEdge(0, 2);
    io::writeGraphs({plain}, dir / "cont", io::WriteOptions{io::Format::OgbFolder});
    EXPECT_FALSE(fs::exists(dir / "cont" / "node-feat.csv"));
    const auto plainBack = io::readGraphs(dir / "cont");
    EXPECT_EQ(plainBack[0].nodeCount(), 3u);
    EXPECT_EQ(plainBack[0].nodeAttrs().find(attr::kFeat), nullptr);
    fs::remove_all(dir);
}

TEST(OgbFolder, SingleGraphWithoutCountLists) {
    const fs::path dir = folderWith({{"edge.csv", "0,1\n1,4\n"}});
    const auto graphs = io::readGraphs(dir);
    ASSERT_EQ(graphs.size(), 1u);
    EXPECT_EQ(graphs[0].nodeCount(), 5u);  // highest index + 1
    const fs::path withFeat = folderWith({{"edge.csv", "0,1\n"}, {"node-feat.csv", "0.5\n1.5\n-2\n"}});
    const auto g2 = io::readGraphs(withFeat);
    EXPECT_EQ(g2[0].nodeCount(), 3u);
    EXPECT_EQ(g2[0].nodeAttrs().find(attr::kFeat)->kind, AttrKind::Continuous);
    EXPECT_EQ(g2[0].nodeAttrs().find(attr::kFeat)->realAt(2), -2.0);
    fs::remove_all(dir);
    fs::remove_all(withFeat);
}

TEST(OgbFolder, HugeClaimedNodeCountIsRejectedBeforeBuilding) {
    const fs::path dir = folderWith({{"edge.csv", "0,1\n"},
                                     {"num-node-list.csv", "2\n1000000000\n"},
                                     {"num-edge-list.csv", "1\n0\n"}});
    const auto e = readError(dir);
    EXPECT_EQ(e.line(), 2u) << e.what();
    EXPECT_NE(e.source().find("num-node-list.csv"), std::string::npos);
    // With node-feat, the claim must match its rows exactly.
    const fs::path withFeat = folderWith({{"edge.csv", "0,1\n"},
                                          {"num-node-list.csv", "3\n"},
                                          {"num-edge-list.csv", "1\n"},
                                          {"node-feat.csv", "1\n2\n"}});
    EXPECT_NE(readError(withFeat).message().find("node-feat"), std::string::npos);
    fs::remove_all(dir);
    fs::remove_all(withFeat);
}

TEST(OgbFolder, BadInputs) {
    struct Case {
        const char* what;
        std::vector<std::pair<std::string, std::string>> files;
        const char* file;  // source the error must name
        size_t line;
    };
    const std::vector<Case> cases = {
        {"index out of range", {{"edge.csv", "0,1\n1,3\n"}, {"num-node-list.csv", "3\n"}, {"num-edge-list.csv", "2\n"}}, "edge.csv", 2},
        {"index in the next graph's range", {{"edge.csv", "0,1\n0,2\n"}, {"num-node-list.csv", "2\n2\n"}, {"num-edge-list.csv", "1\n1\n"}}, "edge.csv", 2},
        {"negative index", {{"edge.csv", "0,-1\n"}}, "edge.csv", 1},
        {"huge index implies huge graph", {{"edge.csv", "0,1000000000\n"}}, "edge.csv", 0},
        {"ragged features", {{"edge.csv", "0,1\n"}, {"node-feat.csv", "1,2\n3\n"}}, "node-feat.csv", 2},
        {"not a number", {{"edge.csv", "0,x\n"}}, "edge.csv", 1},
        {"float index", {{"edge.csv", "0,1.5\n"}}, "edge.csv", 1},
        {"three columns", {{"edge.csv", "0,1,2\n"}}, "edge.csv", 1},
        {"empty edge file and nothing else", {{"edge.csv", ""}}, "", 0},
        {"empty count list", {{"edge.csv", ""}, {"num-node-list.csv", ""}, {"num-edge-list.csv", ""}}, "num-node-list.csv", 0},
        {"edge counts exceed edges", {{"edge.csv", "0,1\n"}, {"num-node-list.csv", "2\n2\n"}, {"num-edge-list.csv", "1\n1\n"}}, "num-edge-list.csv", 2},
        {"edge counts short of edges", {{"edge.csv", "0,1\n0,1\n"}, {"num-node-list.csv", "2\n"}, {"num-edge-list.csv", "1\n"}}, "num-edge-list.csv", 0},
        {"lists of different length", {{"edge.csv", "0,1\n"}, {"num-node-list.csv", "2\n2\n"}, {"num-edge-list.csv", "1\n"}}, "num-edge-list.csv", 0},
        {"node list alone", {{"edge.csv", "0,1\n"}, {"num-node-list.csv", "2\n"}}, "", 0},
        {"edge-feat rows", {{"edge.csv", "0,1\n"}, {"edge-feat.csv", "1\n2\n"}}, "edge-feat.csv", 0},
        {"graph-label rows", {{"edge.csv", "0,1\n"}, {"graph-label.csv", "1\n0\n"}}, "graph-label.csv", 0},
        {"non-UTF-8", {{"edge.csv", "0,1\n1,\xC3\x28\n"}}, "edge.csv", 2},
        {"blank line inside", {{"edge.csv", "0,1\n\n1,2\n"}}, "edge.csv", 2},
        {"corrupt gzip", {{"edge.csv.gz", std::string("\x1F\x8B\x08\x00garbage", 12)}}, "edge.csv.gz", 0},
        {"no edge file", {{"node-feat.csv", "1\n"}}, "", 0},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.what);
        const fs::path dir = folderWith(c.files);
        const auto e = readError(dir);
        if (*c.file) {
            EXPECT_NE(e.source().find(c.file), std::string::npos) << e.what();
        }
        EXPECT_EQ(e.line(), c.line) << e.what();
        fs::remove_all(dir);
    }
}

TEST(OgbFolder, WriterRejectsMixedFeatures) {
    Graph a, b;
    a.addNodes(1);
    a.nodeAttrs().add(attr::kFeat, AttrKind::Discrete, 2).setInt(0, 1);
    b.addNodes(1);
    b.nodeAttrs().add(attr::kFeat, AttrKind::Discrete, 3).setInt(0, 1);
    const fs::path dir = folderWith({});
    EXPECT_THROW(io::writeGraphs({a, b}, dir / "x", io::WriteOptions{io::Format::OgbFolder}),
                 std::invalid_argument);
    Graph c;
    c.addNodes(1);
    EXPECT_THROW(io::writeGraphs({a, c}, dir / "y", io::WriteOptions{io::Format::OgbFolder}),
                 std::invalid_argument);
    fs::remove_all(dir);
}
