// Node-link JSON: networkx node_link_data output ("links" and "edges"), d3 style, round trips
// and bad input.

#include <gtest/gtest.h>

#include <cmath>

#include "TextFormatTestSupport.h"
#include "graph/AttrNames.h"

using namespace gts;
using namespace gts::testing_text;
using io::Format;

namespace {

Graph readJson(std::string_view text) { return readOne(text, Format::NodeLinkJson); }

Graph roundTrip(const Graph& g) {
    return readJson(io::writeGraphsToText({g}, Format::NodeLinkJson));
}

}  // namespace

TEST(NodeLink, ReadsNetworkxFlorentineFamilies) {
    Graph g = io::readGraph(networkxFixture("florentine.json").string());
    // Padgett's Florentine marriage network as networkx ships it: 15 families, 20 marriages.
    EXPECT_EQ(g.nodeCount(), 15u);
    EXPECT_EQ(g.edgeCount(), 20u);
    EXPECT_FALSE(g.directed());
    auto medici = g.findNode("Medici");
    ASSERT_TRUE(medici.has_value());
    EXPECT_EQ(g.degree(*medici), 6u);  // the Medici married into six families
    const AttrColumn* degree = g.nodeAttrs().find("degree");
    ASSERT_NE(degree, nullptr);
    EXPECT_EQ(degree->kind, AttrKind::Discrete);
    for (NodeId v = 0; v < g.nodeCount(); ++v)
        EXPECT_EQ(uint64_t(degree->intAt(v)), g.degree(v)) << g.nodeKey(v);
    const AttrColumn* big = g.nodeAttrs().find("big");
    ASSERT_NE(big, nullptr);
    EXPECT_EQ(big->hint, AttrTypeHint::Boolean);
    EXPECT_EQ(big->intAt(*medici), 1);
    EXPECT_EQ(nodeValue(g, "Strozzi", "initial"), "S");
    const AttrColumn* w = g.edgeAttrs().find(attr::kWeight);
    ASSERT_NE(w, nullptr);
    EXPECT_EQ(w->kind, AttrKind::Continuous);
    EXPECT_EQ(g.graphAttrs().find("name")->stringAt(0), "Florentine families");
}

TEST(NodeLink, ReadsDirectedMultigraphLinksAndEdgesLayouts) {
    Graph links = io::readGraph(networkxFixture("mixed.json").string());
    Graph edges = io::readGraph(networkxFixture("mixed_edges_key.json").string());
    for (const Graph* g : {&links, &edges}) {
        EXPECT_TRUE(g->directed());
        ASSERT_EQ(g->nodeCount(), 4u);
        ASSERT_EQ(g->edgeCount(), 4u);
        EXPECT_EQ(g->selfLoopCount(), 1u);
        EXPECT_EQ(g->edgeKey(3), "5");
        const AttrColumn* pos = g->nodeAttrs().find("pos");
        ASSERT_NE(pos, nullptr);
        EXPECT_EQ(pos->width, 2u);
        EXPECT_EQ(pos->kind, AttrKind::Continuous);
        EXPECT_TRUE(std::isinf(pos->realAt(2, 0)));  // Python wrote Infinity
        EXPECT_DOUBLE_EQ(pos->realAt(1, 1), 1e20);
        EXPECT_TRUE(std::isnan(g->edgeAttrs().find("w")->realAt(2)));  // Python wrote NaN
        EXPECT_EQ(nodeValue(*g, "a", "note"), "say \"hi\" & <go>");
        EXPECT_EQ(nodeValue(*g, "b", "note"), "Z\xC3\xBCrich");
        EXPECT_EQ(g->graphAttrs().find("version")->intAt(0), 3);
    }
    expectSameGraph(links, edges);
    // The same graph written as GML by networkx reads the same, apart from bools (GML has none).
    Graph gml = io::readGraph(networkxFixture("mixed.gml").string());
    EXPECT_EQ(edgeMultiset(gml), edgeMultiset(links));
    EXPECT_EQ(nodeValue(gml, "b", "pos"), nodeValue(links, "b", "pos"));
}

TEST(NodeLink, ReadsD3StyleIndices) {
    Graph g = io::readGraph(networkxFixture("d3_miserables.json").string());
    ASSERT_EQ(g.nodeCount(), 3u);
    EXPECT_FALSE(g.hasNodeKeys());
    ASSERT_EQ(g.edgeCount(), 2u);
    EXPECT_EQ(g.edge(0).src, 1u);
    EXPECT_EQ(g.edge(0).dst, 0u);
    EXPECT_EQ(g.nodeAttrs().find("name")->stringAt(2), "Mlle.Baptistine");
    EXPECT_EQ(g.edgeAttrs().find("value")->intAt(1), 8);
}

TEST(NodeLink, ValueTypes) {
    Graph g = readJson(R"({"nodes": [
        {"id": 0, "i": 1, "f": 1, "m": [1, 2], "n": null, "o": {"a": 1}, "s": [1, "x"]},
        {"id": 1, "i": 2, "f": 2.5, "m": [3.5, 4], "n": 5, "o": {"a": 2}, "s": [2, "y"]}],
        "links": [{"source": 0, "target": 1, "key": 3}]})");
    EXPECT_EQ(g.nodeAttrs().find("i")->kind, AttrKind::Discrete);
    EXPECT_EQ(g.nodeAttrs().find("f")->kind, AttrKind::Continuous);  // 1 and 2.5
    const AttrColumn* m = g.nodeAttrs().find("m");
    EXPECT_EQ(m->kind, AttrKind::Continuous);
    EXPECT_EQ(m->width, 2u);
    EXPECT_DOUBLE_EQ(m->realAt(1, 0), 3.5);
    const AttrColumn* n = g.nodeAttrs().find("n");
    EXPECT_FALSE(n->has(0));  // null: absent
    EXPECT_EQ(n->intAt(1), 5);
    EXPECT_EQ(g.nodeAttrs().find("o")->stringAt(0), "{\"a\":1}");
    EXPECT_EQ(g.nodeAttrs().find("s")->stringAt(1), "[2, \"y\"]");
    // Not a multigraph: "key" is an ordinary attribute.
    EXPECT_FALSE(g.hasEdgeKeys());
    EXPECT_EQ(g.edgeAttrs().find("key")->intAt(0), 3);
}

TEST(NodeLink, StringAndIntegerIdsAsKeys) {
    Graph g = readJson(R"({"directed": true, "nodes": [{"id": 7}, {"id": "x"}],
                           "links": [{"source": "x", "target": 7}]})");
    EXPECT_TRUE(g.directed());
    EXPECT_EQ(g.nodeKey(0), "7");
    EXPECT_EQ(g.nodeKey(1), "x");
    EXPECT_EQ(g.edge(0).src, 1u);
}

TEST(NodeLink, RoundTripNetworkxFixtures) {
    for (const char* name : {"florentine.json", "mixed.json", "d3_miserables.json"}) {
        SCOPED_TRACE(name);
        Graph g = io::readGraph(networkxFixture(name).string());
        expectSameGraph(g, roundTrip(g));
    }
}

TEST(NodeLink, RoundTripBuiltGraph) {
    Graph g;
    g.addNode("12");
    g.addNode("caf\xC3\xA9 \"q\"");
    g.addNode("012");
    g.addEdge(0, 1);
    g.addEdge(1, 2);
    g.addEdge(1, 2);
    g.nodeAttrs().add("feat", AttrKind::Discrete, 3).setInt(2, -9, 2);
    g.nodeAttrs().add("ok", AttrKind::Discrete, 1, AttrTypeHint::Boolean).setInt(0, 1);
    g.edgeAttrs().add(attr::kWeight, AttrKind::Continuous).setReal(0, 1.0);
    g.edgeAttrs().find(attr::kWeight)->setReal(1, -INFINITY);
    g.graphAttrs().add("label", AttrKind::Continuous, 2).setReal(0, 0.1, 1);
    const std::string text = io::writeGraphsToText({g}, Format::NodeLinkJson);
    EXPECT_NE(text.find("\"multigraph\": true"), std::string::npos);
    EXPECT_NE(text.find("{\"id\": 12, \"ok\": true}"), std::string::npos) << text;
    EXPECT_NE(text.find("\"weight\": 1.0"), std::string::npos) << text;
    EXPECT_NE(text.find("-Infinity"), std::string::npos) << text;
    Graph back = roundTrip(g);
    expectSameGraph(g, back);
    EXPECT_EQ(back.nodeAttrs().find("ok")->hint, AttrTypeHint::Boolean);
    EXPECT_EQ(back.nodeKey(2), "012");
}

TEST(NodeLink, BadInput) {
    expectParseError([] { readJson(""); }, 0, "empty file");
    expectParseError([] { readJson("{\"nodes\": [\n{\"id\": 1},\n{\"id\": 2}\n"); }, 4, "column");
    expectParseError([] { readJson("{\"nodes\": [{\"id\": 1}, {\"id\": 2,}]}"); }, 1, "column");
    expectParseError([] { readJson("[1, 2]"); }, 1, "top level must be an object");
    expectParseError([] { readJson("{\"links\": []}"); }, 1, "no \"nodes\" array");
    expectParseError([] { readJson("{\"nodes\": {\"id\": 1}}"); }, 1, "\"nodes\" must be an array");
    expectParseError([] { readJson("{\"nodes\": [\n{\"id\": 1},\n{\"id\": 1}\n]}"); }, 3,
                     "duplicate node id 1");
    expectParseError(
        [] { readJson("{\"nodes\": [{\"id\": \"a\"}],\n\"links\": [\n{\"source\": \"a\", \"target\": \"b\"}]}"); },
        3, "target \"b\" is not the id of a node");
    expectParseError([] { readJson("{\"nodes\": [{}, {}],\n\"links\": [{\"source\": 0, \"target\": 4000000000}]}"); },
                     2, "not an index into \"nodes\"");
    expectParseError([] { readJson("{\"nodes\": [{}, {}],\n\"links\": [{\"source\": \"0\", \"target\": 1}]}"); },
                     2, "not an index");
    expectParseError([] { readJson("{\"nodes\": [{\"id\": 1},\n{\"name\": 2}]}"); }, 2, "node 1 has no \"id\"");
    expectParseError([] { readJson("{\"nodes\": [{\"id\": 1}],\n\"links\": [{\"target\": 1}]}"); }, 2,
                     "has no \"source\"");
    expectParseError([] { readJson("{\"nodes\": [{\"id\": 1}, 5]}"); }, 1, "node 1 is not an object");
    expectParseError([] { readJson("{\"nodes\": [{\"id\": 1}], \"directed\": \"yes\"}"); }, 1,
                     "\"directed\" must be true or false");
    expectParseError(
        [] { readJson("{\"nodes\": [\n{\"id\": \"a\", \"pos\": [1, 2]},\n{\"id\": \"b\", \"pos\": [1, 2, 3]}]}"); },
        3, "node b: attribute 'pos' has 3 values where node a has 2");
    expectParseError([] { readJson("{\"nodes\": [{\"id\": \"\xC3\"}]}"); }, 1, "invalid UTF-8");
    std::string deep = "{\"nodes\": [], \"graph\": {\"a\": ";
    for (int i = 0; i < 100000; ++i) deep += "[";
    expectParseError([&] { readJson(deep); }, 1, "nested deeper than");
    io::ReadOptions tight;
    tight.limits.maxEdges = 1;
    expectParseError(
        [&] {
            io::readGraphsFromText("{\"nodes\": [{}], \"links\": [{\"source\": 0, \"target\": 0}, "
                                   "{\"source\": 0, \"target\": 0}]}",
                                   Format::NodeLinkJson, "x", tight);
        },
        1, "more than 1 edges");
}
