// Edge lists: networkx's write_edgelist / write_weighted_edgelist output, CSV with a header,
// SNAP and KONECT conventions, round trips and bad input.

#include <gtest/gtest.h>

#include "graph/AttrNames.h"
#include "TextFormatTestSupport.h"

using namespace gts;
using namespace gts::testing_text;
using io::Format;

namespace {

Graph readEdgeList(std::string_view text) { return readOne(text, Format::EdgeList); }

Graph roundTrip(const Graph& g) {
    return readEdgeList(io::writeGraphsToText({g}, Format::EdgeList));
}

}  // namespace

TEST(EdgeList, ReadsNetworkxKarateEdgeList) {
    Graph g = io::readGraph(networkxFixture("karate.edgelist").string());
    // Zachary's karate club: 34 members, 78 ties.
    EXPECT_EQ(g.nodeCount(), 34u);
    EXPECT_EQ(g.edgeCount(), 78u);
    EXPECT_FALSE(g.directed());
    EXPECT_TRUE(g.edgeAttrs().empty());
    // Member 0 (the instructor) has 16 ties, member 33 (the administrator) 17.
    EXPECT_EQ(g.degree(*g.findNode("0")), 16u);
    EXPECT_EQ(g.degree(*g.findNode("33")), 17u);
}

TEST(EdgeList, ReadsWeightedEdgeListAndCsvHeaderAlike) {
    Graph plain = io::readGraph(networkxFixture("karate_weighted.edgelist").string());
    Graph csv = io::readGraph(networkxFixture("karate.csv").string());
    for (const Graph* g : {&plain, &csv}) {
        EXPECT_EQ(g->nodeCount(), 34u);
        EXPECT_EQ(g->edgeCount(), 78u);
        const AttrColumn* w = g->edgeAttrs().find(attr::kWeight);
        ASSERT_NE(w, nullptr);
        EXPECT_EQ(w->kind, AttrKind::Continuous);
        EXPECT_TRUE(w->allPresent());
        // networkx's karate data: the 0-1 tie has weight 4, 0-2 weight 5.
        EXPECT_EQ(g->nodeKey(g->edge(0).src), "0");
        EXPECT_EQ(g->nodeKey(g->edge(0).dst), "1");
        EXPECT_DOUBLE_EQ(w->realAt(0), 4.0);
        EXPECT_DOUBLE_EQ(w->realAt(1), 5.0);
    }
    expectSameGraph(plain, csv);
}

TEST(EdgeList, StringTokensBecomeKeysInOrderOfAppearance) {
    Graph g = readEdgeList("# comment\n% another\n\nMedici Strozzi\nStrozzi Peruzzi\nPucci\n");
    ASSERT_EQ(g.nodeCount(), 4u);
    EXPECT_EQ(g.nodeKey(0), "Medici");
    EXPECT_EQ(g.nodeKey(1), "Strozzi");
    EXPECT_EQ(g.nodeKey(2), "Peruzzi");
    EXPECT_EQ(g.nodeKey(3), "Pucci");  // a single-token line: an isolated node
    EXPECT_EQ(g.edgeCount(), 2u);
    EXPECT_EQ(g.degree(3), 0u);
}

TEST(EdgeList, IndexTokensInOrderAreNotStoredAsKeys) {
    EXPECT_FALSE(readEdgeList("0 1\n1 2\n").hasNodeKeys());
    Graph g = readEdgeList("1 0\n");  // "1" is node 0: its key is not its index
    EXPECT_TRUE(g.hasNodeKeys());
    EXPECT_EQ(g.nodeKey(0), "1");
}

TEST(EdgeList, DirectionFromComments) {
    EXPECT_TRUE(readEdgeList("# directed\n1 2\n").directed());
    EXPECT_FALSE(readEdgeList("# undirected\n1 2\n").directed());
    EXPECT_FALSE(readEdgeList("1 2\n").directed());
    // SNAP's first line.
    EXPECT_TRUE(readEdgeList("# Directed graph (each unordered pair of nodes is saved once): "
                             "web-Google.txt\n# FromNodeId\tToNodeId\n0\t11342\n")
                    .directed());
    EXPECT_FALSE(readEdgeList("# Undirected graph: ca-GrQc.txt\n3466\t937\n").directed());
    // KONECT's first line "% asym|sym <weights>", then "% edges nodes nodes".
    Graph konect = readEdgeList("% asym positive\n% 3 3 3\n1 2 1 1200000000\n2 3 1 1200000001\n");
    EXPECT_TRUE(konect.directed());
    EXPECT_FALSE(readEdgeList("% sym unweighted\n1 2\n").directed());
    const AttrColumn* w = konect.edgeAttrs().find(attr::kWeight);
    ASSERT_NE(w, nullptr);
    const AttrColumn* time = konect.edgeAttrs().find("col3");
    ASSERT_NE(time, nullptr);
    EXPECT_DOUBLE_EQ(time->realAt(1), 1200000001.0);
    // A direction comment after the data starts is only a comment.
    EXPECT_FALSE(readEdgeList("1 2\n# directed\n2 3\n").directed());
}

TEST(EdgeList, CsvWithHeaderQuotesAndNamedColumns) {
    Graph g = readEdgeList(
        "from,to,Weight,relation,since\n"
        "\"Smith, J\",Doe,1.5,\"said \"\"hi\"\"\",2001\n"
        "Doe,Roe,,friend,\n"
        "Roe,\"Smith, J\",2,colleague,1999\n");
    ASSERT_EQ(g.nodeCount(), 3u);
    EXPECT_EQ(g.nodeKey(0), "Smith, J");
    EXPECT_EQ(g.edgeCount(), 3u);
    const AttrColumn* w = g.edgeAttrs().find(attr::kWeight);
    ASSERT_NE(w, nullptr);
    EXPECT_EQ(w->kind, AttrKind::Continuous);
    EXPECT_DOUBLE_EQ(w->realAt(0), 1.5);
    EXPECT_FALSE(w->has(1));
    const AttrColumn* relation = g.edgeAttrs().find("relation");
    ASSERT_NE(relation, nullptr);
    EXPECT_EQ(relation->kind, AttrKind::String);
    EXPECT_EQ(relation->stringAt(0), "said \"hi\"");
    const AttrColumn* since = g.edgeAttrs().find("since");
    ASSERT_NE(since, nullptr);
    EXPECT_EQ(since->kind, AttrKind::Continuous);
    EXPECT_DOUBLE_EQ(since->realAt(2), 1999.0);
}

TEST(EdgeList, TabSeparatedFieldsMayHoldSpaces) {
    Graph g = readEdgeList("Mr. Hi\tOfficer\t2\nOfficer\tJohn A\t3\n");
    ASSERT_EQ(g.nodeCount(), 3u);
    EXPECT_EQ(g.nodeKey(0), "Mr. Hi");
    EXPECT_EQ(g.nodeKey(2), "John A");
    EXPECT_DOUBLE_EQ(g.edgeAttrs().find(attr::kWeight)->realAt(1), 3.0);
}

TEST(EdgeList, NonNumericThirdColumnWithoutHeaderIsNotAWeight) {
    Graph g = readEdgeList("a b red\nb c blue\n");
    EXPECT_EQ(g.edgeAttrs().find(attr::kWeight), nullptr);
    const AttrColumn* c = g.edgeAttrs().find("col2");
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->stringAt(1), "blue");
}

TEST(EdgeList, CrLfLinesAndByteOrderMark) {
    Graph g = readEdgeList("\xEF\xBB\xBF# directed\r\n1 2 0.5\r\n2 3 1e-3\r\n");
    EXPECT_TRUE(g.directed());
    EXPECT_EQ(g.edgeCount(), 2u);
    EXPECT_DOUBLE_EQ(g.edgeAttrs().find(attr::kWeight)->realAt(1), 0.001);
}

TEST(EdgeList, RoundTripKeepsNodesOrderEdgesAndWeights) {
    Graph g(true);
    g.addNode("x");
    g.addNode("y");
    g.addNode("alone");
    g.addNode("z");
    g.addEdge(3, 0);  // z is introduced before x and y would be
    g.addEdge(0, 1);
    g.addEdge(1, 1);
    g.addEdge(0, 1);
    auto& w = g.edgeAttrs().add(attr::kWeight, AttrKind::Continuous);
    w.setReal(0, 0.1);
    w.setReal(1, -2.5e-300);
    w.setReal(3, 7);
    Graph back = roundTrip(g);
    expectSameGraph(g, back);
    for (NodeId v = 0; v < g.nodeCount(); ++v) EXPECT_EQ(back.nodeKey(v), g.nodeKey(v));
    EXPECT_FALSE(back.edgeAttrs().find(attr::kWeight)->has(2));
}

TEST(EdgeList, RoundTripKaratePlainText) {
    Graph g = io::readGraph(networkxFixture("karate_weighted.edgelist").string());
    const std::string text = io::writeGraphsToText({g}, Format::EdgeList);
    EXPECT_EQ(text.rfind("# GTScope edge list\n# undirected\n", 0), 0u);
    EXPECT_NE(text.find("\n0 1 4\n"), std::string::npos);
    expectSameGraph(g, roundTrip(g));
}

TEST(EdgeList, KeysWithSpacesAndExtraAttributesAreWrittenAsCsv) {
    Graph g;
    g.addNode("Mr. Hi");
    g.addNode("source");
    g.addNode("a,b \"c\"");
    g.addEdge(0, 1);
    g.addEdge(1, 2);
    g.edgeAttrs().add("relation", AttrKind::String).setString(0, "club, member");
    g.edgeAttrs().add(attr::kWeight, AttrKind::Continuous).setReal(1, 3.25);
    const std::string text = io::writeGraphsToText({g}, Format::EdgeList);
    EXPECT_NE(text.find("source,target,relation,weight\n"), std::string::npos) << text;
    expectSameGraph(g, readEdgeList(text));
}

TEST(EdgeList, HugeIdsDoNotAllocate) {
    Graph g = readEdgeList("1 4000000000\n18446744073709551615 1\n");
    EXPECT_EQ(g.nodeCount(), 3u);
    EXPECT_EQ(g.nodeKey(1), "4000000000");
}

TEST(EdgeList, BadInput) {
    expectParseError([] { readEdgeList("1 2\n3 4\n\xC3\x28 5\n"); }, 3, "invalid UTF-8");
    expectParseError([] { readEdgeList("a,b\n\"unterminated,c\n"); }, 2, "unterminated quoted field");
    expectParseError([] { readEdgeList("source,target\n,b\n"); }, 2, "empty node identifier");
    expectParseError([] { readEdgeList("source,target,weight\na,b,1,extra\n"); }, 2,
                     "4 fields, the header names 3");
    expectParseError([] { readEdgeList("a,\"b\"x\n"); }, 1, "text after a closing quote");
    io::ReadOptions tight;
    tight.limits.maxEdges = 2;
    expectParseError(
        [&] { io::readGraphsFromText("1 2\n2 3\n3 4\n", Format::EdgeList, "input", tight); }, 3,
        "more than 2 edges");
    tight.limits.maxNodes = 3;
    expectParseError(
        [&] { io::readGraphsFromText("1 2\n3 4\n", Format::EdgeList, "input", tight); }, 2,
        "more than 3 nodes");
}

TEST(EdgeList, EmptyAndCommentOnlyInputsAreEmptyGraphs) {
    // An edge list with no lines is a graph with no nodes (networkx reads it so too).
    EXPECT_EQ(readEdgeList("").nodeCount(), 0u);
    Graph g = readEdgeList("# directed\n# nothing else\n");
    EXPECT_EQ(g.nodeCount(), 0u);
    EXPECT_TRUE(g.directed());
}

TEST(EdgeList, ErrorNamesTheFile) {
    try {
        io::readGraphsFromText("a,\"b\n", Format::EdgeList, "edges.csv");
        FAIL();
    } catch (const io::ParseError& e) {
        EXPECT_EQ(std::string(e.what()), "edges.csv:1: unterminated quoted field");
    }
}
