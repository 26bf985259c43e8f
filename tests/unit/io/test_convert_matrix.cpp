// Conversion across formats: what one format holds survives a trip through every other format
// that can hold it (the promise behind `gtscope-cli convert`).

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "graph/Graph.h"
#include "io/GraphIO.h"

using namespace gts;
using io::Format;

namespace {

/// A graph with what real files carry: keys, a multi-edge, a self loop, an isolated node, and
/// string, integer, real and vector attributes on nodes and edges.
Graph richGraph() {
    Graph g;
    for (const char* key : {"Acciaiuoli", "Medici", "Strozzi", "Pazzi", "Loner"}) g.addNode(key);
    g.addEdge(0, 1);
    g.addEdge(1, 2);
    g.addEdge(1, 2);  // multi-edge
    g.addEdge(2, 3);
    g.addEdge(3, 3);  // self loop
    auto& label = g.nodeAttrs().add("label", AttrKind::String);
    auto& wealth = g.nodeAttrs().add("wealth", AttrKind::Discrete);
    auto& score = g.nodeAttrs().add("score", AttrKind::Continuous);
    auto& feat = g.nodeAttrs().add("feat", AttrKind::Discrete, 3);
    for (NodeId v = 0; v < 5; ++v) {
        label.setString(v, "family " + std::to_string(v) + " & \"co\" <é>");
        wealth.setInt(v, int64_t(v) * 10 - 7);
        score.setReal(v, 0.1 * v + 1e-9);
        for (uint32_t k = 0; k < 3; ++k) feat.setInt(v, int64_t(v + k), k);
    }
    auto& weight = g.edgeAttrs().add("weight", AttrKind::Continuous);
    for (EdgeId e = 0; e < g.edgeCount(); ++e) weight.setReal(e, 0.5 + e);
    return g;
}

/// Edges as a sorted multiset of (key, key) pairs, undirected pairs ordered.
std::multiset<std::pair<std::string, std::string>> edgeSet(const Graph& g) {
    std::multiset<std::pair<std::string, std::string>> out;
    for (const Edge& e : g.edges()) {
        std::string a = g.nodeKey(e.src), b = g.nodeKey(e.dst);
        if (!g.directed() && b < a) std::swap(a, b);
        out.emplace(a, b);
    }
    return out;
}

/// Edge weights keyed by (endpoint keys, occurrence), so multi-edges compare in order.
std::multiset<std::tuple<std::string, std::string, double>> weightedEdges(const Graph& g) {
    std::multiset<std::tuple<std::string, std::string, double>> out;
    const AttrColumn* w = g.edgeAttrs().find("weight");
    for (EdgeId i = 0; i < g.edgeCount(); ++i) {
        std::string a = g.nodeKey(g.edge(i).src), b = g.nodeKey(g.edge(i).dst);
        if (b < a) std::swap(a, b);
        out.emplace(a, b, w && w->has(i) ? w->realAt(i) : -1.0);
    }
    return out;
}

/// Node attribute values by node key, as text.
std::map<std::string, std::string> nodeValues(const Graph& g, const std::string& column) {
    std::map<std::string, std::string> out;
    const AttrColumn* c = g.nodeAttrs().find(column);
    if (!c) return out;
    for (NodeId v = 0; v < g.nodeCount(); ++v) out[g.nodeKey(v)] = c->valueText(v);
    return out;
}

Graph through(const Graph& g, Format f) {
    const std::string text = io::writeGraphsToText({g}, f);
    auto back = io::readGraphsFromText(text, f, std::string("trip.") + io::formatName(f));
    EXPECT_EQ(back.size(), 1u);
    return back.empty() ? Graph() : std::move(back.front());
}

}  // namespace

class NetworkFormats : public ::testing::TestWithParam<Format> {};

TEST_P(NetworkFormats, StructureKeysAndWeightsSurvive) {
    const Graph g = richGraph();
    const Graph back = through(g, GetParam());
    EXPECT_EQ(back.nodeCount(), g.nodeCount());
    EXPECT_EQ(back.directed(), g.directed());
    EXPECT_EQ(edgeSet(back), edgeSet(g));
    EXPECT_EQ(weightedEdges(back), weightedEdges(g));
}

TEST_P(NetworkFormats, NodeAttributesSurviveWhereTheFormatHoldsThem) {
    if (GetParam() == Format::EdgeList) GTEST_SKIP() << "edge lists hold no node attributes";
    const Graph g = richGraph();
    const Graph back = through(g, GetParam());
    for (const char* column : {"label", "wealth", "score", "feat"}) {
        SCOPED_TRACE(column);
        EXPECT_EQ(nodeValues(back, column), nodeValues(g, column));
        const AttrColumn* c = back.nodeAttrs().find(column);
        ASSERT_NE(c, nullptr);
        EXPECT_EQ(c->kind, g.nodeAttrs().find(column)->kind);
        EXPECT_EQ(c->width, g.nodeAttrs().find(column)->width);
    }
}

TEST_P(NetworkFormats, DirectedGraphsStayDirected) {
    Graph g(true);
    g.addNodes(3);
    g.addEdge(0, 1);
    g.addEdge(1, 0);
    g.addEdge(2, 1);
    const Graph back = through(g, GetParam());
    EXPECT_TRUE(back.directed());
    EXPECT_EQ(edgeSet(back), edgeSet(g));
}

INSTANTIATE_TEST_SUITE_P(AllWritable, NetworkFormats,
                         ::testing::Values(Format::EdgeList, Format::Gml, Format::GraphMl,
                                           Format::Gexf, Format::NodeLinkJson),
                         [](const auto& p) { return std::string(io::formatName(p.param)); });

TEST(ConvertMatrix, ChainThroughEveryNetworkFormatKeepsEverything) {
    const Graph g = richGraph();
    Graph cur = g;
    for (Format f : {Format::GraphMl, Format::Gexf, Format::NodeLinkJson, Format::Gml,
                     Format::GraphMl})
        cur = through(cur, f);
    EXPECT_EQ(edgeSet(cur), edgeSet(g));
    for (const char* column : {"label", "wealth", "score", "feat"})
        EXPECT_EQ(nodeValues(cur, column), nodeValues(g, column)) << column;
}

class MoleculeTrips : public ::testing::TestWithParam<Format> {};

TEST_P(MoleculeTrips, OgbFeaturesSurvive) {
    const auto mols = io::readGraphs(GTS_FIXTURES_DIR "/molecules/five.sdf");
    ASSERT_EQ(mols.size(), 5u);
    for (const Graph& m : mols) {
        SCOPED_TRACE(m.name());
        const Graph back = through(m, GetParam());
        ASSERT_EQ(back.nodeCount(), m.nodeCount());
        ASSERT_EQ(back.edgeCount(), m.edgeCount());
        const AttrColumn* a = m.nodeAttrs().find("feat");
        const AttrColumn* b = back.nodeAttrs().find("feat");
        ASSERT_NE(b, nullptr);
        ASSERT_EQ(b->kind, AttrKind::Discrete);
        ASSERT_EQ(b->width, 9u);
        // SMILES output may renumber atoms: compare the multiset of atom feature vectors.
        std::multiset<std::string> fa, fb;
        for (NodeId v = 0; v < m.nodeCount(); ++v) fa.insert(a->valueText(v));
        for (NodeId v = 0; v < back.nodeCount(); ++v) fb.insert(b->valueText(v));
        EXPECT_EQ(fa, fb);
        std::multiset<std::string> ea, eb;
        for (EdgeId e = 0; e < m.edgeCount(); ++e)
            ea.insert(m.edgeAttrs().find("feat")->valueText(e));
        for (EdgeId e = 0; e < back.edgeCount(); ++e)
            eb.insert(back.edgeAttrs().find("feat")->valueText(e));
        EXPECT_EQ(ea, eb);
    }
}

INSTANTIATE_TEST_SUITE_P(AllWritable, MoleculeTrips,
                         ::testing::Values(Format::Sdf, Format::Smiles, Format::Mol, Format::Gml,
                                           Format::GraphMl, Format::Gexf, Format::NodeLinkJson),
                         [](const auto& p) { return std::string(io::formatName(p.param)); });

TEST(ConvertMatrix, OgbFolderHoldsMoleculeFeatures) {
    const auto mols = io::readGraphs(GTS_FIXTURES_DIR "/molecules/five.sdf");
    const auto dir = std::filesystem::temp_directory_path() / "gts-convert-matrix-ogb";
    std::filesystem::remove_all(dir);
    io::writeGraphs(mols, dir, {Format::OgbFolder});
    const auto back = io::readGraphs(dir);
    ASSERT_EQ(back.size(), mols.size());
    for (size_t i = 0; i < mols.size(); ++i) {
        ASSERT_EQ(back[i].nodeCount(), mols[i].nodeCount());
        ASSERT_EQ(back[i].edgeCount(), mols[i].edgeCount());
        for (NodeId v = 0; v < mols[i].nodeCount(); ++v)
            EXPECT_EQ(back[i].nodeAttrs().find("feat")->valueText(v),
                      mols[i].nodeAttrs().find("feat")->valueText(v));
    }
    std::filesystem::remove_all(dir);
}
