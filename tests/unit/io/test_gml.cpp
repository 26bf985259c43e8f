// GML: files written by networkx.write_gml, igraph-style GML, round trips and bad input.

#include <gtest/gtest.h>

#include <cmath>

#include "TextFormatTestSupport.h"
#include "graph/AttrNames.h"

using namespace gts;
using namespace gts::testing_text;
using io::Format;

namespace {

Graph readGml(std::string_view text) { return readOne(text, Format::Gml); }

Graph roundTrip(const Graph& g) { return readGml(io::writeGraphsToText({g}, Format::Gml)); }

}  // namespace

TEST(Gml, ReadsNetworkxKarateClub) {
    Graph g = io::readGraph(networkxFixture("karate.gml").string());
    EXPECT_EQ(g.nodeCount(), 34u);
    EXPECT_EQ(g.edgeCount(), 78u);
    EXPECT_FALSE(g.directed());
    EXPECT_FALSE(g.hasNodeKeys());  // labels "0".."33" in order are the indices
    const AttrColumn* club = g.nodeAttrs().find("club");
    ASSERT_NE(club, nullptr);
    EXPECT_EQ(club->kind, AttrKind::String);
    // Zachary's split: the instructor's faction "Mr. Hi", the administrator's "Officer", 17 each.
    EXPECT_EQ(club->stringAt(0), "Mr. Hi");
    EXPECT_EQ(club->stringAt(33), "Officer");
    size_t hi = 0;
    for (NodeId v = 0; v < g.nodeCount(); ++v) hi += club->stringAt(v) == "Mr. Hi";
    EXPECT_EQ(hi, 17u);
    EXPECT_EQ(g.nodeAttrs().find(attr::kLabel), nullptr);
    const AttrColumn* name = g.graphAttrs().find("name");
    ASSERT_NE(name, nullptr);
    EXPECT_EQ(name->stringAt(0), "Zachary's Karate Club");
    const AttrColumn* w = g.edgeAttrs().find(attr::kWeight);
    ASSERT_NE(w, nullptr);
    EXPECT_EQ(w->kind, AttrKind::Discrete);  // networkx writes integer weights
    EXPECT_EQ(w->intAt(0), 4);
}

TEST(Gml, ReadsNetworkxDirectedMultigraphWithListsAndEntities) {
    Graph g = io::readGraph(networkxFixture("mixed.gml").string());
    EXPECT_TRUE(g.directed());
    ASSERT_EQ(g.nodeCount(), 4u);
    EXPECT_EQ(g.nodeKey(0), "a");
    EXPECT_EQ(g.nodeKey(3), "lonely");
    ASSERT_EQ(g.edgeCount(), 4u);
    EXPECT_EQ(g.selfLoopCount(), 1u);
    EXPECT_TRUE(g.hasMultiEdges());
    EXPECT_EQ(g.edgeKey(1), "1");
    EXPECT_EQ(g.edgeKey(3), "5");
    const AttrColumn* pos = g.nodeAttrs().find("pos");
    ASSERT_NE(pos, nullptr);
    EXPECT_EQ(pos->kind, AttrKind::Continuous);
    EXPECT_EQ(pos->width, 2u);
    EXPECT_DOUBLE_EQ(pos->realAt(1, 1), 1e20);
    EXPECT_TRUE(std::isinf(pos->realAt(2, 0)));
    const AttrColumn* count = g.nodeAttrs().find("count");
    ASSERT_NE(count, nullptr);
    EXPECT_EQ(count->kind, AttrKind::Discrete);
    EXPECT_EQ(count->intAt(1), -3);
    const AttrColumn* note = g.nodeAttrs().find("note");
    ASSERT_NE(note, nullptr);
    EXPECT_EQ(note->stringAt(0), "say \"hi\" & <go>");
    EXPECT_EQ(note->stringAt(1), "Z\xC3\xBCrich");
    EXPECT_EQ(note->stringAt(2), "");
    const AttrColumn* w = g.edgeAttrs().find("w");
    ASSERT_NE(w, nullptr);
    EXPECT_TRUE(std::isnan(w->realAt(2)));
    EXPECT_DOUBLE_EQ(w->realAt(3), -2.0);
    EXPECT_EQ(g.edgeAttrs().find("key"), nullptr);
    EXPECT_EQ(g.graphAttrs().find("version")->intAt(0), 3);
}

TEST(Gml, ReadsIgraphStyleGml) {
    Graph g = io::readGraph(networkxFixture("igraph_style.gml").string());
    EXPECT_FALSE(g.directed());
    ASSERT_EQ(g.nodeCount(), 3u);
    EXPECT_EQ(g.edgeCount(), 3u);
    EXPECT_FALSE(g.hasNodeKeys());  // ids 0..2, no labels
    const AttrColumn* name = g.nodeAttrs().find("name");
    ASSERT_NE(name, nullptr);
    EXPECT_EQ(name->stringAt(2), "gamma & delta");
    const AttrColumn* size = g.nodeAttrs().find("size");
    ASSERT_NE(size, nullptr);
    EXPECT_EQ(size->kind, AttrKind::Continuous);  // 2.5, 1, 3: mixed ints and reals
    EXPECT_DOUBLE_EQ(size->realAt(1), 1.0);
    const AttrColumn* x = g.nodeAttrs().find("graphics.x");
    const AttrColumn* y = g.nodeAttrs().find("graphics.y");
    ASSERT_NE(x, nullptr);
    ASSERT_NE(y, nullptr);
    EXPECT_EQ(x->kind, AttrKind::Discrete);
    EXPECT_EQ(x->intAt(0), 10);
    EXPECT_DOUBLE_EQ(y->realAt(0), -4.5);
    const AttrColumn* w = g.edgeAttrs().find(attr::kWeight);
    ASSERT_NE(w, nullptr);
    EXPECT_TRUE(std::isnan(w->realAt(2)));
    EXPECT_EQ(g.graphAttrs().find("name")->stringAt(0), "ring");
    EXPECT_EQ(g.graphAttrs().find("Creator"), nullptr);  // outside graph [ ]: not the graph's
}

TEST(Gml, IdsThatAreNotIndicesAndNonUniqueLabels) {
    Graph g = readGml(
        "graph [\n node [ id 10 label \"x\" ]\n node [ id 20 label \"x\" ]\n"
        " edge [ source 20 target 10 ]\n]\n");
    // Labels repeat, so they cannot name nodes: ids are the keys, labels an attribute.
    EXPECT_EQ(g.nodeKey(0), "10");
    EXPECT_EQ(g.nodeKey(1), "20");
    EXPECT_EQ(g.nodeAttrs().find(attr::kLabel)->stringAt(1), "x");
    EXPECT_EQ(g.edge(0).src, 1u);
}

TEST(Gml, TokenizerCornerCases) {
    Graph g = readGml(
        "# a comment line\n"
        "graph [ # trailing comment\n"
        "  node [ id 0 r 1.5E-3 e 2e3 s \"multi\nline &#x41;&amp;&#169;&bogus;\" n -INF m NaN ]\n"
        "  node [ id 1 r .5 e 7. s \"\" n inf m 1 ]\n"
        "  edge [ source 0 target 1 big 123456789012345678901234 ]\n"
        "]\n");
    const AttrColumn* r = g.nodeAttrs().find("r");
    EXPECT_DOUBLE_EQ(r->realAt(0), 1.5e-3);
    EXPECT_DOUBLE_EQ(r->realAt(1), 0.5);
    EXPECT_EQ(g.nodeAttrs().find("e")->kind, AttrKind::Continuous);
    EXPECT_DOUBLE_EQ(g.nodeAttrs().find("e")->realAt(0), 2000.0);
    EXPECT_EQ(g.nodeAttrs().find("s")->stringAt(0), "multi\nline A&\xC2\xA9&bogus;");
    EXPECT_EQ(g.nodeAttrs().find("n")->realAt(0), -INFINITY);
    EXPECT_EQ(g.nodeAttrs().find("n")->realAt(1), INFINITY);
    EXPECT_TRUE(std::isnan(g.nodeAttrs().find("m")->realAt(0)));
    EXPECT_DOUBLE_EQ(g.edgeAttrs().find("big")->realAt(0), 1.2345678901234568e23);
}

TEST(Gml, UnequalListLengthsFallBackToText) {
    Graph g = readGml("graph [ node [ id 0 v 1 v 2 ] node [ id 1 v 3 ] node [ id 2 t \"a\" t \"b\" ] ]");
    const AttrColumn* v = g.nodeAttrs().find("v");
    ASSERT_NE(v, nullptr);
    EXPECT_EQ(v->kind, AttrKind::String);
    EXPECT_EQ(v->stringAt(0), "[1, 2]");
    EXPECT_EQ(v->stringAt(1), "3");
    EXPECT_FALSE(v->has(2));
    EXPECT_EQ(g.nodeAttrs().find("t")->stringAt(2), "[\"a\", \"b\"]");
}

TEST(Gml, NetworkxSingleItemListMarker) {
    Graph g = readGml(
        "graph [ node [ id 0 label \"a\" v \"_networkx_list_start\" v 3 ] "
        "node [ id 1 label \"b\" v \"_networkx_list_start\" v 4 ] ]");
    const AttrColumn* v = g.nodeAttrs().find("v");
    ASSERT_NE(v, nullptr);
    EXPECT_EQ(v->kind, AttrKind::Discrete);
    EXPECT_EQ(v->width, 1u);
    EXPECT_EQ(v->intAt(1), 4);
}

TEST(Gml, MultipleGraphRecordsAreRecords) {
    auto graphs = io::readGraphsFromText(
        "graph [ node [ id 0 ] ] graph [ directed 1 node [ id 0 ] node [ id 1 ] ]", Format::Gml, "x");
    ASSERT_EQ(graphs.size(), 2u);
    EXPECT_EQ(graphs[1].nodeCount(), 2u);
    EXPECT_TRUE(graphs[1].directed());
}

TEST(Gml, RoundTripNetworkxFixtures) {
    for (const char* name : {"karate.gml", "mixed.gml", "igraph_style.gml"}) {
        SCOPED_TRACE(name);
        Graph g = io::readGraph(networkxFixture(name).string());
        expectSameGraph(g, roundTrip(g));
    }
}

TEST(Gml, RoundTripBuiltGraph) {
    Graph g(true);
    g.addNode("Medici");
    g.addNode("caf\xC3\xA9 \"&\"");
    g.addNode("3");
    g.addEdge(0, 1);
    g.addEdge(0, 1);
    g.addEdge(2, 2);
    g.setEdgeKey(1, "second");
    g.nodeAttrs().add(attr::kPos, AttrKind::Continuous, 3).setReal(1, 1e-310, 2);
    g.nodeAttrs().add("feat", AttrKind::Discrete, 2).setInt(0, -7, 1);
    g.nodeAttrs().add("viz.color", AttrKind::String).setString(2, "red\nline");
    g.nodeAttrs().add("viz.size", AttrKind::Continuous).setReal(2, 4);
    g.edgeAttrs().add(attr::kWeight, AttrKind::Continuous).setReal(2, NAN);
    g.graphAttrs().add("title", AttrKind::String).setString(0, "t");
    const std::string text = io::writeGraphsToText({g}, Format::Gml);
    EXPECT_NE(text.find("multigraph 1"), std::string::npos);
    EXPECT_NE(text.find("viz [\n      color \"red&#10;line\"\n      size 4.0\n    ]"), std::string::npos)
        << text;
    EXPECT_NE(text.find("label \"caf&#233; &#34;&#38;&#34;\""), std::string::npos) << text;
    Graph back = readGml(text);
    expectSameGraph(g, back);
    EXPECT_EQ(back.edgeKey(1), "second");
    EXPECT_EQ(back.nodeAttrs().find(attr::kPos)->realAt(1, 2), 1e-310);
}

TEST(Gml, BadInput) {
    expectParseError([] { readGml(""); }, 0, "empty file");
    expectParseError([] { readGml("Creator \"x\"\n"); }, 0, "no 'graph [ ... ]' record");
    expectParseError([] { readGml("graph [\n node [ id 0 ]\n node [ id 1\n"); }, 3,
                     "list 'node' is not closed");
    expectParseError([] { readGml("graph [\n node [ id 0 label \"a ]\n]\n"); }, 2,
                     "unterminated string");
    expectParseError([] { readGml("graph [\n node [ id 0 ]\n node [ id 0 ]\n]"); }, 3,
                     "duplicate node id 0");
    expectParseError([] { readGml("graph [\n node [ id 0 ]\n edge [ source 0\n target 7 ]\n]"); },
                     4, "edge target 7 is not the id of a node");
    expectParseError([] { readGml("graph [\n node [ label \"a\" ]\n]"); }, 2, "node without an id");
    expectParseError([] { readGml("graph [\n node [ id [ x 1 ] ]\n]"); }, 2,
                     "node id must be a number or a string");
    expectParseError([] { readGml("graph [\n node [ id 0 ]\n edge [ target 0 ]\n]"); }, 3,
                     "edge without a source");
    expectParseError([] { readGml("graph [\n node [ id 0 x 12abc ]\n]"); }, 2, "bad number");
    expectParseError([] { readGml("graph [\n node [ id 0 x ]\n]"); }, 2, "has no value");
    expectParseError([] { readGml("graph [\n 5 ]"); }, 2, "expected a key");
    expectParseError([] { readGml("graph [ ]\n]"); }, 2, "']' without a matching '['");
    expectParseError([] { readGml("graph [ node [ id 0 label \"\xFF\" ] ]"); }, 1, "invalid UTF-8");
    expectParseError([] { readGml("graph [\n node 3\n]"); }, 2, "'node' must be a list");
    expectParseError([] { readGml("graph [ node [ id 0 ] ] @"); }, 1, "unexpected character '@'");
    std::string deep = "graph [";
    for (int i = 0; i < 100000; ++i) deep += " a [";
    expectParseError([&] { readGml(deep); }, 1, "nested deeper than");
    io::ReadOptions tight;
    tight.limits.maxNodes = 1;
    expectParseError(
        [&] { io::readGraphsFromText("graph [ node [ id 0 ]\nnode [ id 1 ] ]", Format::Gml, "x", tight); },
        2, "more than 1 nodes");
}
