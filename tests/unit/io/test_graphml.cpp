#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "io/GraphIO.h"
#include "XmlTestSupport.h"

using namespace gts;
using namespace gts::io;

namespace {

const std::string kDir = std::string(GTS_FIXTURES_DIR) + "/xml/";

std::vector<Graph> parse(std::string_view text, const ReadOptions& options = {}) {
    return readGraphsFromText(text, Format::GraphMl, "t.graphml", options);
}

/// Reading `text` fails on `line` with a message containing `fragment`.
void expectError(std::string_view text, size_t line, const std::string& fragment) {
    xmltest::expectReadError(text, Format::GraphMl, "t.graphml", line, fragment);
}

const char* kHead =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n";

std::string doc(const std::string& body) { return std::string(kHead) + body + "</graphml>\n"; }

}  // namespace

TEST(GraphMl, FlorentineFamiliesFromNetworkx) {
    const auto graphs = readGraphs(kDir + "florentine.graphml");
    ASSERT_EQ(graphs.size(), 1u);
    const Graph& g = graphs[0];
    EXPECT_FALSE(g.directed());
    EXPECT_EQ(g.nodeCount(), 15u);
    EXPECT_EQ(g.edgeCount(), 20u);
    EXPECT_EQ(g.nodeKey(0), "Acciaiuoli");
    const auto medici = g.findNode("Medici");
    ASSERT_TRUE(medici);
    EXPECT_EQ(g.degree(*medici), 6u);
    EXPECT_EQ(g.degree(*g.findNode("Pazzi")), 1u);
    EXPECT_EQ(g.degree(*g.findNode("Strozzi")), 4u);
    EXPECT_TRUE(g.nodeAttrs().empty());
    EXPECT_FALSE(g.hasEdgeKeys());
    EXPECT_EQ(g.name(), "florentine.graphml");
}

TEST(GraphMl, TypedMultiDigraphWithDefaults) {
    const Graph g = readGraphs(kDir + "typed_multidigraph.graphml").at(0);
    EXPECT_TRUE(g.directed());
    ASSERT_EQ(g.nodeCount(), 4u);
    ASSERT_EQ(g.edgeCount(), 5u);
    const NodeId a = *g.findNode("a"), b = *g.findNode("b"), c = *g.findNode("c"),
                 d = *g.findNode("d");

    const AttrColumn* color = g.nodeAttrs().find("color");
    ASSERT_NE(color, nullptr);
    EXPECT_EQ(color->kind, AttrKind::String);
    EXPECT_EQ(color->defaultText, std::optional<std::string>("grey"));
    EXPECT_EQ(color->stringAt(a), "red");
    EXPECT_EQ(color->stringAt(b), "grey");  // from <default>
    EXPECT_EQ(color->stringAt(c), "blue");
    EXPECT_TRUE(color->allPresent());

    const AttrColumn* rank = g.nodeAttrs().find("rank");
    ASSERT_NE(rank, nullptr);
    EXPECT_EQ(rank->kind, AttrKind::Discrete);
    EXPECT_EQ(rank->hint, AttrTypeHint::Long);
    EXPECT_EQ(rank->intAt(a), 1);
    EXPECT_EQ(rank->intAt(b), 2);
    EXPECT_EQ(rank->intAt(c), 7);
    EXPECT_EQ(rank->intAt(d), 7);

    const AttrColumn* active = g.nodeAttrs().find("active");
    ASSERT_NE(active, nullptr);
    EXPECT_EQ(active->hint, AttrTypeHint::Boolean);
    EXPECT_EQ(active->intAt(a), 1);  // networkx writes "True"
    EXPECT_EQ(active->intAt(b), 0);
    EXPECT_FALSE(active->has(c));
    EXPECT_FALSE(active->has(d));

    const AttrColumn* score = g.nodeAttrs().find("score");
    ASSERT_NE(score, nullptr);
    EXPECT_EQ(score->kind, AttrKind::Continuous);
    EXPECT_EQ(score->hint, AttrTypeHint::Double);
    EXPECT_DOUBLE_EQ(score->realAt(b), -3.5);
    EXPECT_EQ(g.nodeAttrs().find("big")->intAt(c), int64_t(1) << 40);

    const AttrColumn* weight = g.edgeAttrs().find("weight");
    const AttrColumn* kind = g.edgeAttrs().find("kind");
    ASSERT_NE(weight, nullptr);
    ASSERT_NE(kind, nullptr);
    const std::vector<double> weights = {2.0, 3.0, 1.5, 0.5, 1.5};
    for (EdgeId e = 0; e < 5; ++e) EXPECT_DOUBLE_EQ(weight->realAt(e), weights[e]) << e;
    EXPECT_EQ(kind->stringAt(0), "road");
    EXPECT_FALSE(kind->has(1));
    EXPECT_EQ(kind->stringAt(2), "rail");
    // Parallel edges a->b, networkx's multigraph keys as edge ids, and a self loop.
    EXPECT_EQ(g.edge(1).src, a);
    EXPECT_EQ(g.edge(1).dst, b);
    EXPECT_EQ(g.edgeKey(0), "0");
    EXPECT_EQ(g.edgeKey(1), "1");
    EXPECT_EQ(g.edgeKey(2), "0");
    EXPECT_TRUE(g.hasMultiEdges());
    EXPECT_EQ(g.selfLoopCount(), 1u);
    EXPECT_EQ(g.graphAttrs().find("title")->stringAt(0), "typed");
}

TEST(GraphMl, YedFileSkipsGraphicsAndFlattensGroups) {
    const Graph g = readGraphs(kDir + "yed_shapes.graphml").at(0);
    EXPECT_TRUE(g.directed());
    EXPECT_EQ(g.name(), "G");
    ASSERT_EQ(g.nodeCount(), 4u);  // n0, the group n1 and the two nodes inside it
    ASSERT_EQ(g.edgeCount(), 3u);
    EXPECT_TRUE(g.findNode("n1::n1"));
    // url, description and the label yEd shows; no yFiles graphics.
    ASSERT_EQ(g.nodeAttrs().columns().size(), 3u);
    const AttrColumn* label = g.nodeAttrs().find("label");
    ASSERT_NE(label, nullptr);
    EXPECT_EQ(label->stringAt(*g.findNode("n0")), "A");  // text before the nested y:LabelModel
    EXPECT_EQ(label->stringAt(*g.findNode("n1")), "Group 1");
    EXPECT_EQ(label->stringAt(*g.findNode("n1::n1")), "C");
    EXPECT_EQ(g.nodeAttrs().find("description")->stringAt(*g.findNode("n0")), "start <here>");
    EXPECT_EQ(g.nodeAttrs().find("url")->stringAt(*g.findNode("n1::n1")), "https://example.org/c");
    EXPECT_EQ(g.edgeAttrs().find("description")->stringAt(1), "into the group");
    EXPECT_EQ(g.graphAttrs().find("Description")->stringAt(0), "order flow");
    const auto edges = xmltest::edgeMultiset(g, true);
    EXPECT_NE(std::find(edges.begin(), edges.end(),
                        std::make_tuple(std::string("n0"), std::string("n1::n0"), std::string("e0"))),
              edges.end());
}

TEST(GraphMl, SeveralGraphsInOneFile) {
    const std::string text = doc(
        "<key id=\"w\" for=\"edge\" attr.name=\"weight\" attr.type=\"float\"><default>2</default></key>\n"
        "<graph id=\"first\" edgedefault=\"undirected\">\n"
        "  <node id=\"a\"/><node id=\"b\"/><edge source=\"a\" target=\"b\"/>\n"
        "</graph>\n"
        "<graph id=\"second\" edgedefault=\"directed\">\n"
        "  <node id=\"a\"/><node id=\"b\"/><node id=\"c\"/>\n"
        "  <edge source=\"c\" target=\"a\"><data key=\"w\">0.25</data></edge>\n"
        "</graph>\n");
    const auto graphs = parse(text);
    ASSERT_EQ(graphs.size(), 2u);
    EXPECT_EQ(graphs[0].name(), "first");
    EXPECT_FALSE(graphs[0].directed());
    EXPECT_EQ(graphs[0].nodeCount(), 2u);
    EXPECT_DOUBLE_EQ(graphs[0].edgeAttrs().find("weight")->realAt(0), 2.0);
    EXPECT_TRUE(graphs[1].directed());
    EXPECT_EQ(graphs[1].nodeCount(), 3u);
    EXPECT_EQ(graphs[1].edge(0).src, 2u);
    EXPECT_DOUBLE_EQ(graphs[1].edgeAttrs().find("weight")->realAt(0), 0.25);
    EXPECT_EQ(graphs[1].edgeAttrs().find("weight")->hint, AttrTypeHint::Float);

    ReadOptions second;
    second.record = 1;
    const auto one = parse(text, second);
    ASSERT_EQ(one.size(), 1u);
    EXPECT_EQ(one[0].name(), "second");

    // Written back as one file with two graphs and one shared key.
    const std::string out = writeGraphsToText(graphs, Format::GraphMl);
    const auto again = parse(out);
    ASSERT_EQ(again.size(), 2u);
    for (size_t i = 0; i < 2; ++i) xmltest::expectSameGraph(graphs[i], again[i]);
    EXPECT_EQ(out.find("attr.name=\"weight\""), out.rfind("attr.name=\"weight\""));
}

TEST(GraphMl, RoundTripsNetworkxFiles) {
    for (const char* name : {"florentine.graphml", "typed_multidigraph.graphml", "yed_shapes.graphml"}) {
        SCOPED_TRACE(name);
        const auto graphs = readGraphs(kDir + name);
        const std::string text = writeGraphsToText(graphs, Format::GraphMl);
        const auto again = parse(text);
        ASSERT_EQ(again.size(), graphs.size());
        xmltest::expectSameGraph(graphs[0], again[0]);
        for (const AttrColumn& c : graphs[0].nodeAttrs().columns()) {
            EXPECT_EQ(again[0].nodeAttrs().find(c.name)->hint, c.hint) << c.name;
            EXPECT_EQ(again[0].nodeAttrs().find(c.name)->defaultText, c.defaultText) << c.name;
        }
        xmltest::expectSameTable(graphs[0].graphAttrs(), again[0].graphAttrs(), "graph");
    }
}

TEST(GraphMl, WriterDeclaresNamespaceTypesAndDefaults) {
    const Graph g = readGraphs(kDir + "typed_multidigraph.graphml").at(0);
    const std::string text = writeGraphsToText({g}, Format::GraphMl);
    EXPECT_NE(text.find("xmlns=\"http://graphml.graphdrawing.org/xmlns\""), std::string::npos);
    EXPECT_NE(text.find("xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
                        "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\""),
              std::string::npos);
    EXPECT_NE(text.find("attr.name=\"active\" attr.type=\"boolean\""), std::string::npos);
    EXPECT_NE(text.find("attr.name=\"rank\" attr.type=\"long\"><default>7</default>"),
              std::string::npos);
    EXPECT_NE(text.find("edgedefault=\"directed\""), std::string::npos);
    EXPECT_NE(text.find("<edge id=\"1\" source=\"a\" target=\"b\">"), std::string::npos);
    EXPECT_NE(text.find(">true</data>"), std::string::npos);
}

TEST(GraphMl, VectorAttributesRoundTripAsComponentKeys) {
    Graph g;
    g.addNodes(3);
    g.addEdge(0, 1);
    g.addEdge(1, 2);
    auto& feat = g.nodeAttrs().add("feat", AttrKind::Discrete, 3);
    for (NodeId v = 0; v < 3; ++v)
        for (uint32_t k = 0; k < 3; ++k) feat.setInt(v, int64_t(v * 10 + k) - 5, k);
    auto& ef = g.edgeAttrs().add("ef", AttrKind::Continuous, 2);
    ef.setReal(1, 0.125, 0);
    ef.setReal(1, -2.0, 1);
    auto& label = g.nodeAttrs().add("label", AttrKind::String);
    label.setString(1, "a \"quoted\" <b> & \t tab");

    const std::string text = writeGraphsToText({g}, Format::GraphMl);
    EXPECT_NE(text.find("attr.name=\"feat.2\" attr.type=\"int\""), std::string::npos);
    EXPECT_EQ(text.find("attr.name=\"feat\""), std::string::npos);
    const Graph back = parse(text).at(0);
    xmltest::expectSameGraph(g, back);
    const AttrColumn* f = back.nodeAttrs().find("feat");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->width, 3u);
    EXPECT_EQ(f->intAt(2, 1), 16);
    const AttrColumn* e = back.edgeAttrs().find("ef");
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->width, 2u);
    EXPECT_FALSE(e->has(0));
    EXPECT_DOUBLE_EQ(e->realAt(1, 1), -2.0);
    EXPECT_EQ(back.nodeAttrs().find("label")->stringAt(1), "a \"quoted\" <b> & \t tab");
}

TEST(GraphMl, SuffixedKeysThatAreNotACompleteRunStaySeparate) {
    // x.0 and x.2 without x.1; y.0 and a claimed component 99999999 (no allocation for it).
    const std::string text = doc(
        "<key id=\"a\" for=\"node\" attr.name=\"x.0\" attr.type=\"int\"/>\n"
        "<key id=\"b\" for=\"node\" attr.name=\"x.2\" attr.type=\"int\"/>\n"
        "<key id=\"c\" for=\"node\" attr.name=\"y.0\" attr.type=\"double\"/>\n"
        "<key id=\"d\" for=\"node\" attr.name=\"y.99999999\" attr.type=\"double\"/>\n"
        "<key id=\"e\" for=\"node\" attr.name=\"z.0\" attr.type=\"int\"/>\n"
        "<key id=\"f\" for=\"node\" attr.name=\"z.1\" attr.type=\"double\"/>\n"
        "<graph edgedefault=\"undirected\"><node id=\"n\"><data key=\"a\">1</data></node></graph>\n");
    const Graph g = parse(text).at(0);
    EXPECT_EQ(g.nodeAttrs().columns().size(), 6u);
    EXPECT_FALSE(g.nodeAttrs().find("x"));
    EXPECT_FALSE(g.nodeAttrs().find("y"));
    EXPECT_FALSE(g.nodeAttrs().find("z"));  // mixed int and double components
    EXPECT_EQ(g.nodeAttrs().find("x.0")->intAt(0), 1);
}

TEST(GraphMl, ValuesAndKeysOfEveryType) {
    const std::string text = doc(
        "<key id=\"k0\" for=\"all\" attr.name=\"flag\" attr.type=\"boolean\"/>\n"
        "<key id=\"k1\" for=\"node\" attr.name=\"i\" attr.type=\"int\"/>\n"
        "<key id=\"k2\" for=\"node\" attr.name=\"f\" attr.type=\"float\"><default>inf</default></key>\n"
        "<key id=\"k3\" for=\"node\" attr.name=\"s\"/>\n"
        "<graph edgedefault=\"undirected\">\n"
        "  <node id=\"n0\"><data key=\"k0\">FALSE</data><data key=\"k1\"> -12 </data>"
        "<data key=\"k3\"> </data></node>\n"
        "  <node id=\"n1\"><data key=\"k0\">1</data><data key=\"k2\">1e-3</data></node>\n"
        "  <edge source=\"n0\" target=\"n1\" directed=\"false\"><data key=\"k0\">true</data></edge>\n"
        "</graph>\n");
    const Graph g = parse(text).at(0);
    EXPECT_EQ(g.nodeAttrs().find("flag")->intAt(0), 0);
    EXPECT_EQ(g.nodeAttrs().find("flag")->intAt(1), 1);
    EXPECT_EQ(g.edgeAttrs().find("flag")->intAt(0), 1);  // for="all" serves edges too
    EXPECT_EQ(g.nodeAttrs().find("i")->intAt(0), -12);
    EXPECT_EQ(g.nodeAttrs().find("i")->hint, AttrTypeHint::Int);
    EXPECT_TRUE(std::isinf(g.nodeAttrs().find("f")->realAt(0)));
    EXPECT_DOUBLE_EQ(g.nodeAttrs().find("f")->realAt(1), 1e-3);
    EXPECT_EQ(g.nodeAttrs().find("s")->kind, AttrKind::String);  // attr.type defaults to string
    EXPECT_EQ(g.nodeAttrs().find("s")->stringAt(0), " ");
    EXPECT_FALSE(g.nodeAttrs().find("s")->has(1));
}

TEST(GraphMl, BadInputNamesTheLine) {
    expectError("", 0, "empty input");
    expectError("  \n\t\n", 0, "empty input");
    expectError(doc("<graph>\n<node id=\"a\">\n</graph>\n"), 5, "malformed XML");
    expectError("<graphml>\n<graph edgedefault=\"undirected\">\n<node id=\"a\"/>\n<no", 4,
                "malformed XML");
    expectError("<?xml version=\"1.0\"?>\n<gexf/>\n", 2, "not a GraphML document");
    expectError(doc("<key id=\"k\" for=\"node\"/>\n"), 2, "no <graph>");  // at <graphml>
    expectError(doc("<graph edgedefault=\"undirected\">\n<node id=\"a\"/>\n<edge target=\"a\"/>\n"
                    "</graph>\n"),
                5, "without a source");
    expectError(doc("<graph edgedefault=\"undirected\">\n<node id=\"a\"/>\n"
                    "<edge source=\"a\" target=\"zz\"/>\n</graph>\n"),
                5, "target 'zz' is not a node");
    expectError(doc("<graph edgedefault=\"undirected\">\n<node id=\"a\"/>\n<node id=\"b\"/>\n"
                    "<node id=\"a\"/>\n</graph>\n"),
                6, "duplicate node id 'a' (first declared on line 4)");
    expectError(doc("<graph edgedefault=\"undirected\">\n<node/>\n</graph>\n"), 4, "without an id");
    expectError(doc("<key id=\"r\" for=\"node\" attr.name=\"rank\" attr.type=\"int\"/>\n"
                    "<graph edgedefault=\"undirected\">\n<node id=\"a\">\n"
                    "<data key=\"r\">abc</data>\n</node>\n</graph>\n"),
                6, "value 'abc' of node attribute 'rank' (key 'r') is not a int");
    expectError(doc("<key id=\"r\" for=\"node\" attr.name=\"ok\" attr.type=\"boolean\"/>\n"
                    "<graph edgedefault=\"undirected\">\n<node id=\"a\"><data key=\"r\">yes</data>"
                    "</node>\n</graph>\n"),
                5, "is not a boolean");
    expectError(doc("<graph edgedefault=\"undirected\">\n<node id=\"a\">\n"
                    "<data key=\"nope\">1</data></node>\n</graph>\n"),
                5, "key 'nope', which no <key> declares");
    expectError(doc("<key id=\"r\" for=\"node\" attr.name=\"x\" attr.type=\"int\">"
                    "<default>one</default></key>\n<graph/>\n"),
                3, "default 'one' of key 'r' is not a int");
    expectError(doc("<key id=\"r\" for=\"node\" attr.name=\"x\" attr.type=\"decimal\"/>\n<graph/>\n"),
                3, "attr.type 'decimal'");
    expectError(doc("<key id=\"r\" for=\"node\" attr.name=\"x\"/>\n<key id=\"r\" for=\"edge\"/>\n"),
                4, "declared twice");
    expectError(doc("<key id=\"p\" for=\"node\" attr.name=\"x\" attr.type=\"int\"/>\n"
                    "<key id=\"q\" for=\"node\" attr.name=\"x\" attr.type=\"string\"/>\n"
                    "<graph edgedefault=\"undirected\"/>\n"),
                4, "another type");
    expectError(doc("<graph edgedefault=\"undirected\">\n<node id=\"a\"/>\n"
                    "<edge source=\"a\" target=\"a\" directed=\"true\"/>\n</graph>\n"),
                5, "mixed graphs");
    expectError(doc("<graph edgedefault=\"sideways\">\n</graph>\n"), 3, "edgedefault");
    expectError(doc("<graph edgedefault=\"undirected\">\n<node id=\"a\"/>\n"
                    "<hyperedge><endpoint node=\"a\"/></hyperedge>\n</graph>\n"),
                5, "hyperedges");
    // A byte that is not UTF-8 (Latin-1 e acute) inside a node id on line 4.
    expectError(doc("<graph edgedefault=\"undirected\">\n<node id=\"caf\xE9\"/>\n</graph>\n"), 4,
                "invalid UTF-8");
}

TEST(GraphMl, ByteOrderMarkAndCrLfLines) {
    const std::string text =
        "\xEF\xBB\xBF<?xml version=\"1.0\"?>\r\n<graphml>\r\n<graph edgedefault=\"undirected\">\r\n"
        "<node id=\"a\"/>\r\n<edge source=\"a\" target=\"b\"/>\r\n</graph>\r\n</graphml>\r\n";
    expectError(text, 5, "target 'b' is not a node");
    std::string fixed = text;
    fixed.replace(fixed.find("target=\"b\""), 10, "target=\"a\"");
    EXPECT_EQ(parse(fixed).at(0).selfLoopCount(), 1u);
}

TEST(GraphMl, TruncatedFileIsAnErrorAtItsEnd) {
    const std::string whole = readFileBytes(kDir + "typed_multidigraph.graphml");
    for (size_t cut : {whole.size() / 3, whole.size() / 2, whole.size() - 12}) {
        const std::string part = whole.substr(0, cut);
        try {
            parse(part);
            ADD_FAILURE() << "cut at " << cut << " was accepted";
        } catch (const ParseError& e) {
            EXPECT_GE(e.line(), 1u) << e.what();
            EXPECT_LE(e.line(), size_t(std::count(part.begin(), part.end(), '\n')) + 1) << e.what();
        }
    }
}

TEST(GraphMl, LimitsAndDeepNesting) {
    ReadLimits limits;
    limits.maxNodes = 2;
    ReadOptions options;
    options.limits = limits;
    EXPECT_THROW(parse(doc("<graph edgedefault=\"undirected\"><node id=\"a\"/><node id=\"b\"/>"
                           "<node id=\"c\"/></graph>\n"),
                       options),
                 ParseError);
    // Deeply nested foreign content inside <data> is neither followed nor a stack overflow.
    std::string deep = "<key id=\"g\" for=\"node\" yfiles.type=\"nodegraphics\"/>\n"
                       "<graph edgedefault=\"undirected\"><node id=\"a\"><data key=\"g\">";
    const int depth = 200000;
    for (int i = 0; i < depth; ++i) deep += "<y:a>";
    for (int i = 0; i < depth; ++i) deep += "</y:a>";
    deep += "</data></node></graph>\n";
    EXPECT_EQ(parse(doc(deep)).at(0).nodeCount(), 1u);
}

TEST(GraphMl, WriterRejectsDuplicateNodeKeys) {
    Graph g;
    g.addNode("x");
    g.addNode("x");
    EXPECT_THROW(writeGraphsToText({g}, Format::GraphMl), std::invalid_argument);
}
