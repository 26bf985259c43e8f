#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "graph/Graph.h"
#include "io/GraphIO.h"
#include "io/Molecule.h"
#include "tokenize/Detokenizer.h"
#include "tokenize/TokenSequence.h"

using namespace gts;

namespace {

const char* kNciSmiles = "/usr/share/RDKit/Data/NCI/first_5K.smi";

/// An attribute value as comparable text ("" when absent).
std::string valueText(const AttrTable& table, const char* name, size_t i) {
    const AttrColumn* c = table.find(name);
    return c ? c->valueText(i) : "";
}

using EdgeKey = std::tuple<NodeId, NodeId, std::string, std::string>;

/// Edges as (lower end, upper end, feat, weight) after mapping nodes through `map`.
std::vector<EdgeKey> edgeMultiset(const Graph& g, const std::vector<NodeId>& map) {
    std::vector<EdgeKey> out;
    for (EdgeId e = 0; e < g.edgeCount(); ++e) {
        NodeId a = map[g.edge(e).src], b = map[g.edge(e).dst];
        if (a > b) std::swap(a, b);
        out.emplace_back(a, b, valueText(g.edgeAttrs(), "feat", e), valueText(g.edgeAttrs(), "weight", e));
    }
    std::sort(out.begin(), out.end());
    return out;
}

/// Checks that `decoded` is `original` with node v renamed to its rank of first appearance in
/// `path`: same node count, node attributes, edge multiset with attributes.
void expectSameUpToReindexing(const Graph& original, const Graph& decoded, const std::vector<NodeId>& path,
                              const std::string& what) {
    ASSERT_EQ(decoded.nodeCount(), original.nodeCount()) << what;
    std::vector<NodeId> map(original.nodeCount(), kNoIndex);
    NodeId next = 0;
    for (NodeId v : path)
        if (map[v] == kNoIndex) map[v] = next++;
    ASSERT_EQ(next, original.nodeCount()) << what << ": the path misses a node";
    std::vector<NodeId> identity(decoded.nodeCount());
    for (NodeId v = 0; v < decoded.nodeCount(); ++v) identity[v] = v;
    for (NodeId v = 0; v < original.nodeCount(); ++v)
        for (const char* name : {"feat", "weight"})
            ASSERT_EQ(valueText(decoded.nodeAttrs(), name, map[v]), valueText(original.nodeAttrs(), name, v))
                << what << ": node " << v << " column " << name;
    ASSERT_EQ(edgeMultiset(decoded, identity), edgeMultiset(original, map)) << what;
}

/// Seeded random graphs of seven kinds, with discrete node features (some absent), discrete
/// edge features (some absent) and, on odd seeds, continuous edge weights.
Graph randomGraph(uint64_t seed) {
    std::mt19937_64 rng(seed);
    auto below = [&](uint64_t n) { return n == 0 ? 0 : rng() % n; };
    const size_t n = 1 + below(14);
    Graph g;
    g.addNodes(n);
    auto edge = [&](NodeId a, NodeId b) { g.addEdge(a, b); };
    switch (seed % 7) {
        case 0:  // tree
            for (NodeId v = 1; v < n; ++v) edge(NodeId(below(v)), v);
            break;
        case 1:  // cycle
            if (n > 1) for (NodeId v = 0; v < n; ++v) edge(v, NodeId((v + 1) % n));
            break;
        case 2:  // dense
            for (NodeId a = 0; a < n; ++a)
                for (NodeId b = a + 1; b < n; ++b)
                    if (below(10) < 6) edge(a, b);
            break;
        case 3:  // disconnected: two paths and isolated nodes
            for (NodeId v = 1; v < n / 3; ++v) edge(v - 1, v);
            for (NodeId v = NodeId(n / 3) + 1; v < 2 * n / 3; ++v) edge(v - 1, v);
            break;
        case 4:  // multi-edges
            for (size_t k = 0; k < n + below(2 * n); ++k) {
                const NodeId a = NodeId(below(n)), b = NodeId(below(n));
                if (a == b) continue;
                edge(a, b);
                if (below(3) == 0) edge(b, a);
            }
            break;
        case 5:  // self loops, including on a node with no other edge
            for (size_t k = 0; k < n; ++k) edge(NodeId(below(n)), NodeId(below(n)));
            edge(NodeId(n - 1), NodeId(n - 1));
            break;
        default:  // sparse random
            for (size_t k = 0; k < below(2 * n); ++k) edge(NodeId(below(n)), NodeId(below(n)));
            break;
    }
    AttrColumn& nf = g.nodeAttrs().add("feat", AttrKind::Discrete, 2);
    for (size_t v = 0; v < n; ++v)
        if (below(8) != 0) {
            nf.setInt(v, int64_t(below(120)), 0);
            nf.setInt(v, int64_t(below(5)) - 2, 1);
        }
    AttrColumn& ef = g.edgeAttrs().add("feat", AttrKind::Discrete, 1);
    for (size_t e = 0; e < g.edgeCount(); ++e)
        if (below(8) != 0) ef.setInt(e, int64_t(below(4)));
    if (seed % 2 == 1) {
        AttrColumn& w = g.edgeAttrs().add("weight", AttrKind::Continuous, 1);
        std::uniform_real_distribution<double> real(-1000, 1000);
        for (size_t e = 0; e < g.edgeCount(); ++e)
            if (below(5) != 0) w.setReal(e, below(4) == 0 ? real(rng) * 1e-7 : real(rng));
    }
    return g;
}

}  // namespace

TEST(Detokenize, RoundTripOverSeededRandomGraphs) {
    constexpr uint64_t kGraphs = 10500;
    size_t multi = 0, loops = 0, disconnected = 0;
    for (uint64_t seed = 0; seed < kGraphs; ++seed) {
        const Graph g = randomGraph(seed);
        multi += g.hasMultiEdges();
        loops += g.selfLoopCount() > 0;
        TokenizeOptions o;
        o.layout = TokenLayout(seed % 3);
        o.nodeScope = 64;
        o.scopeBase = seed % 5 == 0 ? 8 : 64;
        o.reindex = ReindexMode(seed % 4 == 3 ? 2 : seed % 2);
        o.removeEdgeTypeToken = seed % 4 != 1;
        o.addEos = seed % 6 == 2;
        o.attrAssignment = AttrAssignment(seed % 5 % 3);
        o.permuteNodes = seed % 7 == 4;
        o.edgeColumns = seed % 2 == 1 ? std::vector<std::string>{"feat", "weight"} : std::vector<std::string>{"feat"};
        const TokenSequence seq = tokenize(g, o, seed);
        disconnected += seq.componentCount > 1;
        const Graph decoded = detokenize(seq);
        expectSameUpToReindexing(g, decoded, seq.path, "seed " + std::to_string(seed));
        if (HasFatalFailure()) return;
    }
    // The generator really produced the hard cases.
    EXPECT_GT(multi, 500u);
    EXPECT_GT(loops, 1000u);
    EXPECT_GT(disconnected, 2000u);
}

TEST(Detokenize, NciMoleculesRoundTripFromTokensAlone) {
    // Molecules are simple graphs whose bonds all carry features, so GraphGPT's tokens alone
    // decode them (jumps between fragments are the steps with default bond tokens).
    std::ifstream in(kNciSmiles);
    ASSERT_TRUE(in) << kNciSmiles;
    std::string line;
    size_t checked = 0, fragments = 0;
    uint64_t seed = 0;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string smiles;
        fields >> smiles;
        Graph mol;
        try {
            mol = io::moleculeFromSmiles(smiles);
        } catch (const io::ParseError&) {
            continue;
        }
        TokenizeOptions o;
        o.nodeScope = 256;
        o.scopeBase = 16;
        o.layout = TokenLayout(seed % 3);
        const TokenSequence seq = tokenize(mol, o, ++seed);
        fragments += seq.componentCount > 1;
        DetokenizeOptions d;
        d.layout = o.layout;
        const Graph fromTokens = detokenize(seq.positions, d);
        expectSameUpToReindexing(mol, fromTokens, seq.path, smiles);
        expectSameUpToReindexing(mol, detokenize(seq), seq.path, smiles);
        if (HasFatalFailure()) return;
        ++checked;
    }
    EXPECT_EQ(checked, 4993u);
    EXPECT_GT(fragments, 100u);
}

TEST(Detokenize, TokensAloneReadMultiEdgesAsOne) {
    // Two parallel edges 0-1: from tokens alone (GraphGPT's reading) they are one edge; with
    // the sequence's step provenance, two.
    Graph g;
    g.addNodes(2);
    g.addEdge(0, 1);
    g.addEdge(0, 1);
    TokenizeOptions o;
    o.layout = TokenLayout::Flat;
    o.reindex = ReindexMode::Sequential;
    const TokenSequence seq = tokenize(g, o, 0, std::nullopt, std::vector<NodeId>{0, 1, 0});
    EXPECT_EQ(seq.positions, (std::vector<std::vector<std::string>>{{"0"}, {"1"}, {"0"}}));
    DetokenizeOptions d;
    d.layout = TokenLayout::Flat;
    EXPECT_EQ(detokenize(seq.positions, d).edgeCount(), 1u);
    EXPECT_EQ(detokenize(seq).edgeCount(), 2u);
}

TEST(Detokenize, HandWrittenSequences) {
    DetokenizeOptions d;
    d.layout = TokenLayout::Flat;
    d.world = "w";
    // 5 - 9 (directed out), 9 - 2 (bi removed), jump to 7; node 9 has feat 4, edge 5->9 feat 1.
    const Graph g = detokenize({{"5"}, {"<edge_out>"}, {"w#edge#0#1"}, {"9"}, {"w#node#0#4"}, {"2"}, {"<edge_jump>"}, {"7"}, {"<eos>"}}, d);
    ASSERT_EQ(g.nodeCount(), 4u);
    ASSERT_EQ(g.edgeCount(), 2u);
    EXPECT_TRUE(g.directed());
    EXPECT_EQ(g.edge(0).src, 0u);
    EXPECT_EQ(g.edge(0).dst, 1u);
    EXPECT_EQ(g.edgeAttrs().find("feat")->intAt(0), 1);
    EXPECT_FALSE(g.edgeAttrs().find("feat")->has(1));
    EXPECT_EQ(g.nodeAttrs().find("feat")->intAt(1), 4);
    EXPECT_FALSE(g.nodeAttrs().find("feat")->has(0));

    // Stacked, types removed: the step with default edge tokens is a jump; "1*64" "3" is 67.
    DetokenizeOptions s;
    s.world = "w";
    const Graph st = detokenize({{"1*64", "3", "w#node#0#2", "w#edge#0"},
                                 {"4", "w#node#0#3", "w#edge#0#0"},
                                 {"5", "w#node#0", "w#edge#0"},
                                 {"67", "w#node#0#2", "w#edge#0#1"}},
                                s);
    ASSERT_EQ(st.nodeCount(), 3u);
    ASSERT_EQ(st.edgeCount(), 2u);
    EXPECT_EQ(st.edge(1).src, 2u);
    EXPECT_EQ(st.edge(1).dst, 0u);
    EXPECT_EQ(st.edgeAttrs().find("feat")->intAt(1), 1);
    EXPECT_FALSE(st.nodeAttrs().find("feat")->has(2));

    // Continuous: ".5" is 0.5 and "-1e-05" reads back.
    const Graph c = detokenize({{"0"}, {"w#edge#0#1"}, {"<.>"}, {"<5>"}, {"1"}, {"w#edge#0#1"}, {"<->"}, {"<1>"}, {"<e>"}, {"<->"}, {"<0>"}, {"<5>"}, {"2"}}, d);
    ASSERT_EQ(c.edgeCount(), 2u);
    EXPECT_EQ(c.edgeAttrs().find("feat")->kind, AttrKind::Continuous);
    EXPECT_EQ(c.edgeAttrs().find("feat")->realAt(0), 0.5);
    EXPECT_EQ(c.edgeAttrs().find("feat")->realAt(1), -1e-05);
}

TEST(Detokenize, MalformedSequencesSayWhere) {
    DetokenizeOptions d;
    d.world = "w";
    auto message = [&](const std::vector<std::vector<std::string>>& p) -> std::string {
        try {
            detokenize(p, d);
        } catch (const DetokenizeError& e) {
            return e.what();
        }
        return "(no error)";
    };
    EXPECT_EQ(message({{"0"}, {"w#node#0#1", "3"}}), "position 1, token 0 \"w#node#0#1\": expected a node index token");
    EXPECT_EQ(message({{"0", "junk"}}), "position 0, token 1 \"junk\": unexpected token in a stacked position");
    EXPECT_EQ(message({{"2*8"}}), "end of sequence: expected the low index token after a \"q*base\" token");
    EXPECT_EQ(message({{"0", "w#node#-1#3"}}),
              "position 0, token 1 \"w#node#-1#3\": share_vocab tokens (col -1) name no column and cannot be decoded");
    d.layout = TokenLayout::StackedLong;
    EXPECT_EQ(message({{"0"}, {"1"}}),
              "position 1, token 0 \"1\": a node position where an edge position (\"<new>\" ...) belongs");
    d.layout = TokenLayout::Flat;
    EXPECT_EQ(message({{"0"}, {"w#edge#0#1"}, {"<.>"}, {"<x>"}, {"1"}}),
              "continuous value \"0.x\" before \"1\" is not a number");
    d.stepEdges = std::vector<EdgeId>{0, 1};
    EXPECT_EQ(message({{"0"}, {"1"}}), "stepEdges has 2 entries but the sequence has 1 steps");
}
