#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "XmlTestSupport.h"
#include "io/GraphIO.h"

using namespace gts;
using namespace gts::io;

namespace {

const std::string kDir = std::string(GTS_FIXTURES_DIR) + "/xml/";

std::vector<Graph> parse(std::string_view text) {
    return readGraphsFromText(text, Format::Gexf, "t.gexf");
}

void expectError(std::string_view text, size_t line, const std::string& fragment) {
    xmltest::expectReadError(text, Format::Gexf, "t.gexf", line, fragment);
}

/// A GEXF 1.2 document around `body` (the content of <graph>); `body` starts on line 4.
std::string doc(const std::string& body, const std::string& graphAttrs = "") {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<gexf xmlns=\"http://www.gexf.net/1.2draft\" xmlns:viz=\"http://www.gexf.net/1.2draft/viz\" version=\"1.2\">\n"
           "<graph mode=\"static\"" + graphAttrs + ">\n" + body + "</graph>\n</gexf>\n";
}

}  // namespace

TEST(Gexf, KarateClubFromNetworkxWithViz) {
    const Graph g = readGraphs(kDir + "karate.gexf").at(0);
    EXPECT_FALSE(g.directed());
    EXPECT_EQ(g.name(), "Zachary's Karate Club");
    ASSERT_EQ(g.nodeCount(), 34u);
    ASSERT_EQ(g.edgeCount(), 78u);
    EXPECT_EQ(g.degree(*g.findNode("33")), 17u);
    EXPECT_EQ(g.degree(*g.findNode("0")), 16u);

    const AttrColumn* club = g.nodeAttrs().find("club");
    ASSERT_NE(club, nullptr);
    EXPECT_EQ(club->stringAt(0), "Mr. Hi");
    EXPECT_EQ(club->stringAt(33), "Officer");
    EXPECT_EQ(g.nodeAttrs().find("label")->stringAt(5), "5");

    const AttrColumn* pos = g.nodeAttrs().find("pos");
    ASSERT_NE(pos, nullptr);
    EXPECT_EQ(pos->width, 3u);  // networkx writes z
    EXPECT_DOUBLE_EQ(pos->realAt(0, 0), 100.0);
    EXPECT_DOUBLE_EQ(pos->realAt(0, 1), 0.0);
    EXPECT_DOUBLE_EQ(pos->realAt(1, 0), 98.297);
    const AttrColumn* color = g.nodeAttrs().find("color");
    ASSERT_NE(color, nullptr);
    EXPECT_EQ(color->width, 4u);
    EXPECT_EQ(color->valueText(0), "[230, 60, 20, 1]");
    EXPECT_EQ(color->valueText(33), "[20, 60, 200, 0.5]");
    const AttrColumn* size = g.nodeAttrs().find("size");
    ASSERT_NE(size, nullptr);
    for (NodeId v = 0; v < g.nodeCount(); ++v) EXPECT_DOUBLE_EQ(size->realAt(v), double(g.degree(v)));

    const AttrColumn* weight = g.edgeAttrs().find("weight");
    ASSERT_NE(weight, nullptr);
    EXPECT_EQ(weight->kind, AttrKind::Continuous);
    EXPECT_DOUBLE_EQ(weight->realAt(0), 4.0);  // edge 0-1 in networkx's karate club
    EXPECT_EQ(g.edgeKey(0), "0");
}

TEST(Gexf, GephiExport13) {
    const Graph g = readGraphs(kDir + "gephi_1_3.gexf").at(0);
    EXPECT_FALSE(g.directed());
    ASSERT_EQ(g.nodeCount(), 4u);
    ASSERT_EQ(g.edgeCount(), 5u);
    const NodeId valjean = *g.findNode("11"), gavroche = *g.findNode("48"),
                 marius = *g.findNode("55"), javert = *g.findNode("27");
    EXPECT_EQ(g.nodeAttrs().find("label")->stringAt(marius), "Marius");

    const AttrColumn* modularity = g.nodeAttrs().find("Modularity Class");
    ASSERT_NE(modularity, nullptr);
    EXPECT_EQ(modularity->kind, AttrKind::Discrete);
    EXPECT_EQ(modularity->hint, AttrTypeHint::Int);
    EXPECT_EQ(modularity->intAt(valjean), 1);
    EXPECT_EQ(modularity->intAt(gavroche), 2);
    EXPECT_DOUBLE_EQ(g.nodeAttrs().find("PageRank")->realAt(javert), 0.24);
    const AttrColumn* group = g.nodeAttrs().find("Group");
    EXPECT_EQ(group->stringAt(valjean), "convict");
    EXPECT_EQ(group->stringAt(gavroche), "none");  // <default>
    EXPECT_EQ(group->defaultText, std::optional<std::string>("none"));

    const AttrColumn* pos = g.nodeAttrs().find("pos");
    ASSERT_NE(pos, nullptr);
    EXPECT_EQ(pos->width, 2u);  // Gephi writes no z
    EXPECT_DOUBLE_EQ(pos->realAt(valjean, 0), -87.93029);
    EXPECT_DOUBLE_EQ(pos->realAt(javert, 1), 204.20204);
    const AttrColumn* color = g.nodeAttrs().find("color");
    EXPECT_EQ(color->valueText(gavroche), "[91, 189, 245, 0.6]");
    EXPECT_EQ(color->valueText(marius), "[91, 189, 245, 1]");  // a absent: opaque
    EXPECT_DOUBLE_EQ(g.nodeAttrs().find("size")->realAt(marius), 16.25);

    EXPECT_DOUBLE_EQ(g.edgeAttrs().find("weight")->realAt(1), 19.0);
    EXPECT_EQ(g.edgeAttrs().find("Relation")->stringAt(2), "pursuit");
    EXPECT_FALSE(g.edgeAttrs().find("Relation")->has(1));
    const AttrColumn* edgeColor = g.edgeAttrs().find("color");
    ASSERT_NE(edgeColor, nullptr);
    EXPECT_EQ(edgeColor->valueText(0), "[168, 140, 168, 1]");
    EXPECT_FALSE(edgeColor->has(2));
    EXPECT_EQ(g.edgeKey(4), "4");
}

TEST(Gexf, RoundTripsFixtures) {
    for (const char* name : {"karate.gexf", "gephi_1_3.gexf"}) {
        SCOPED_TRACE(name);
        const Graph g = readGraphs(kDir + name).at(0);
        const std::string text = writeGraphsToText({g}, Format::Gexf);
        EXPECT_NE(text.find("<gexf xmlns=\"http://gexf.net/1.3\" xmlns:viz=\"http://gexf.net/1.3/viz\""),
                  std::string::npos);
        EXPECT_NE(text.find("<viz:position "), std::string::npos);
        EXPECT_NE(text.find("<viz:color "), std::string::npos);
        const Graph back = parse(text).at(0);
        xmltest::expectSameGraph(g, back);
        for (const AttrColumn& c : g.nodeAttrs().columns())
            EXPECT_EQ(back.nodeAttrs().find(c.name)->hint, c.hint) << c.name;
    }
}

TEST(Gexf, WriterTypesAndVectorComponents) {
    Graph g(true);
    g.addNode("x");
    g.addNode("y");
    g.addEdge(0, 1);
    g.addEdge(1, 0);
    g.setEdgeKey(0, "same");
    g.setEdgeKey(1, "same");  // not unique: the writer falls back to indices
    auto& feat = g.nodeAttrs().add("feat", AttrKind::Discrete, 2);
    feat.setInt(0, 3, 0);
    feat.setInt(0, 4, 1);
    auto& flag = g.nodeAttrs().add("flag", AttrKind::Discrete, 1, AttrTypeHint::Boolean);
    flag.setInt(1, 1);
    auto& big = g.nodeAttrs().add("big", AttrKind::Discrete);
    big.setInt(0, int64_t(1) << 40);
    auto& att = g.edgeAttrs().add("attention", AttrKind::Continuous, 3);
    for (uint32_t k = 0; k < 3; ++k) att.setReal(1, 0.5 * k, k);
    auto& note = g.edgeAttrs().add("note", AttrKind::String);
    note.setString(0, "x < y & \"z\"");

    const std::string text = writeGraphsToText({g}, Format::Gexf);
    EXPECT_NE(text.find("defaultedgetype=\"directed\""), std::string::npos);
    EXPECT_NE(text.find("title=\"feat.1\" type=\"integer\""), std::string::npos);
    EXPECT_NE(text.find("title=\"flag\" type=\"boolean\""), std::string::npos);
    EXPECT_NE(text.find("title=\"big\" type=\"long\""), std::string::npos);
    EXPECT_NE(text.find("<edge id=\"1\" source=\"y\" target=\"x\">"), std::string::npos);
    const Graph back = parse(text).at(0);
    xmltest::expectSameGraph(g, back, false);
    EXPECT_EQ(back.nodeAttrs().find("feat")->width, 2u);
    EXPECT_EQ(back.edgeAttrs().find("attention")->width, 3u);
    EXPECT_EQ(back.edgeAttrs().find("note")->stringAt(0), "x < y & \"z\"");
}

TEST(Gexf, OlderVersionsPrefixesAndHexColours) {
    // GEXF 1.0 style attvalue id=, a viz prefix other than "viz", a hex colour (1.3), a nested
    // hierarchy, `count` far beyond what the file holds, and every edge directed by its own type.
    const std::string text =
        "<?xml version=\"1.0\"?>\n"
        "<gexf xmlns=\"http://www.gexf.net/1.1draft\" xmlns:v=\"http://www.gexf.net/1.1draft/viz\">\n"
        "<graph>\n"
        "<attributes class=\"node\"><attribute id=\"0\" title=\"rank\" type=\"long\"/></attributes>\n"
        "<nodes count=\"99999999999999\">\n"
        "  <node id=\"a\"><attvalues><attvalue id=\"0\" value=\"5\"/></attvalues>"
        "<v:position x=\"1\" y=\"2\" z=\"3\"/><v:color hex=\"#ff8000\" a=\"0.5\"/>\n"
        "    <nodes><node id=\"a.1\"/></nodes></node>\n"
        "  <node id=\"b\"/>\n"
        "</nodes>\n"
        "<edges count=\"4000000000\"><edge source=\"a\" target=\"b\" type=\"directed\"/>"
        "<edge source=\"a.1\" target=\"a\" type=\"directed\"/></edges>\n"
        "</graph>\n</gexf>\n";
    const Graph g = parse(text).at(0);
    EXPECT_TRUE(g.directed());
    ASSERT_EQ(g.nodeCount(), 3u);
    EXPECT_EQ(g.nodeKey(1), "a.1");
    EXPECT_EQ(g.edgeCount(), 2u);
    EXPECT_EQ(g.nodeAttrs().find("rank")->intAt(0), 5);
    EXPECT_EQ(g.nodeAttrs().find("pos")->valueText(0), "[1, 2, 3]");
    EXPECT_FALSE(g.nodeAttrs().find("pos")->has(2));
    EXPECT_EQ(g.nodeAttrs().find("color")->valueText(0), "[255, 128, 0, 0.5]");
    EXPECT_FALSE(g.edgeAttrs().find("type"));
}

TEST(Gexf, MixedEdgeTypesKeepEachEdgesType) {
    const Graph g = parse(doc("<nodes><node id=\"a\"/><node id=\"b\"/></nodes>\n"
                              "<edges><edge id=\"e\" source=\"a\" target=\"b\"/>"
                              "<edge id=\"f\" source=\"b\" target=\"a\" type=\"directed\"/></edges>\n",
                              " defaultedgetype=\"undirected\""))
                        .at(0);
    EXPECT_FALSE(g.directed());
    const AttrColumn* type = g.edgeAttrs().find("type");
    ASSERT_NE(type, nullptr);
    EXPECT_EQ(type->stringAt(0), "undirected");
    EXPECT_EQ(type->stringAt(1), "directed");
    const std::string text = writeGraphsToText({g}, Format::Gexf);
    EXPECT_NE(text.find("target=\"a\" type=\"directed\""), std::string::npos);
    xmltest::expectSameGraph(g, parse(text).at(0));
}

TEST(Gexf, BadInputNamesTheLine) {
    expectError("", 0, "empty input");
    expectError(doc("<nodes><node id=\"a\">\n</nodes>\n"), 5, "malformed XML");
    expectError("<?xml version=\"1.0\"?>\n<graphml/>\n", 2, "not a GEXF document");
    expectError("<gexf>\n<meta/>\n</gexf>\n", 1, "no <graph>");
    expectError(doc("<nodes><node id=\"a\"/></nodes>\n<edges>\n<edge target=\"a\"/>\n</edges>\n"), 6,
                "without a source");
    expectError(doc("<nodes><node id=\"a\"/></nodes>\n<edges>\n<edge source=\"a\" target=\"q\"/>\n"
                    "</edges>\n"),
                6, "target 'q' is not a node");
    expectError(doc("<nodes>\n<node id=\"a\"/>\n<node id=\"a\"/>\n</nodes>\n"), 6,
                "duplicate node id 'a' (first declared on line 5)");
    expectError(doc("<attributes class=\"node\"><attribute id=\"0\" title=\"n\" type=\"integer\"/>"
                    "</attributes>\n<nodes>\n<node id=\"a\"><attvalues>\n"
                    "<attvalue for=\"0\" value=\"abc\"/></attvalues></node>\n</nodes>\n"),
                7, "value 'abc' of node attribute 'n' is not a integer");
    expectError(doc("<nodes>\n<node id=\"a\"><attvalues><attvalue for=\"7\" value=\"1\"/>"
                    "</attvalues></node>\n</nodes>\n"),
                5, "<attvalue> for '7': no node attribute");
    expectError(doc("<attributes class=\"edge\">\n<attribute id=\"w\" title=\"w\" type=\"double\">"
                    "<default>heavy</default></attribute>\n</attributes>\n"),
                5, "default 'heavy'");
    expectError(doc("<nodes>\n<node id=\"a\"><viz:position x=\"left\" y=\"0\"/></node>\n</nodes>\n"),
                5, "attribute x is 'left'");
    expectError(doc("<nodes>\n<node id=\"a\"><viz:color hex=\"#12\"/></node>\n</nodes>\n"), 5, "hex");
    expectError(doc("<nodes><node id=\"a\"/></nodes>\n<edges>\n"
                    "<edge source=\"a\" target=\"a\" weight=\"heavy\"/>\n</edges>\n"),
                6, "weight is 'heavy'");
    expectError(doc("<nodes><node id=\"a\"/></nodes>\n<edges>\n"
                    "<edge source=\"a\" target=\"a\" type=\"sideways\"/>\n</edges>\n"),
                6, "edge type is 'sideways'");
    expectError(doc("", " defaultedgetype=\"both\""), 3, "defaultedgetype");
    expectError(doc("<attributes class=\"node\">\n<attribute id=\"0\" title=\"a\"/>\n"
                    "<attribute id=\"0\" title=\"b\"/>\n</attributes>\n"),
                6, "node attribute id '0' is declared twice");
    expectError(doc("<attributes class=\"node\"><attribute id=\"0\" title=\"pos\" type=\"string\"/>"
                    "</attributes>\n<nodes>\n<node id=\"a\"><viz:position x=\"0\" y=\"0\"/></node>\n"
                    "</nodes>\n"),
                3, "clashes with viz");
    expectError(doc("<nodes>\n<node id=\"a\" label=\"\xC3\x28\"/>\n</nodes>\n"), 5, "invalid UTF-8");
}

TEST(Gexf, TruncatedFileIsAnError) {
    const std::string whole = readFileBytes(kDir + "gephi_1_3.gexf");
    for (size_t cut : {size_t(200), whole.size() / 2, whole.size() - 10}) {
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
