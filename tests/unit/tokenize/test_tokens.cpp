#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "graph/Graph.h"
#include "io/GraphIO.h"
#include "io/Molecule.h"
#include "tokenize/TokenSequence.h"
#include "tokenize/TokenText.h"
#include "tokenize/Vocab.h"
#include "tokenize/VocabBuilder.h"

using namespace gts;
using Positions = std::vector<std::vector<std::string>>;

namespace {

const char* kNciSmiles = "/usr/share/RDKit/Data/NCI/first_5K.smi";
const char* kPcqmVocab = "/work/shared/graphgpt/pcqm4m-v2.vocab";

// OGB smiles2graph features of ethanol "CCO" (atomic_num-1, chirality, total degree,
// formal charge+5, total H, radicals, hybridization (SP3 = 2), aromatic, ring), from RDKit:
// C: 6-1, degree 4 (with H), 3 H; C: 2 H; O: 8-1, degree 2, 1 H. Single bond: [0, 0, 0].
const std::vector<std::vector<int64_t>> kEthanolAtoms = {
    {5, 0, 4, 5, 3, 0, 2, 0, 0}, {5, 0, 4, 5, 2, 0, 2, 0, 0}, {7, 0, 2, 5, 1, 0, 2, 0, 0}};

Graph ethanol() {
    Graph g;
    g.addNodes(3);
    g.addEdge(0, 1);
    g.addEdge(1, 2);
    AttrColumn& atoms = g.nodeAttrs().add("feat", AttrKind::Discrete, 9);
    for (size_t v = 0; v < 3; ++v)
        for (uint32_t k = 0; k < 9; ++k) atoms.setInt(v, kEthanolAtoms[v][k], k);
    AttrColumn& bonds = g.edgeAttrs().add("feat", AttrKind::Discrete, 3);
    for (size_t e = 0; e < 2; ++e)
        for (uint32_t k = 0; k < 3; ++k) bonds.setInt(e, 0, k);
    return g;
}

std::vector<std::string> atomTokens(size_t v) {
    std::vector<std::string> out;
    for (int k = 0; k < 9; ++k) out.push_back("molecule#node#" + std::to_string(k) + "#" + std::to_string(kEthanolAtoms[v][k]));
    return out;
}

std::vector<std::string> concat(std::initializer_list<std::vector<std::string>> parts) {
    std::vector<std::string> out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

const std::vector<std::string> kBondDefaults = {"molecule#edge#0", "molecule#edge#1", "molecule#edge#2"};
const std::vector<std::string> kSingleBond = {"molecule#edge#0#0", "molecule#edge#1#0", "molecule#edge#2#0"};
const std::vector<std::string> kAtomDefaults = {"molecule#node#0", "molecule#node#1", "molecule#node#2",
                                                "molecule#node#3", "molecule#node#4", "molecule#node#5",
                                                "molecule#node#6", "molecule#node#7", "molecule#node#8"};

TokenizeOptions sequential(TokenLayout layout) {
    TokenizeOptions o;
    o.layout = layout;
    o.reindex = ReindexMode::Sequential;
    return o;
}

/// One discrete "feat" column of width 1 per scope, world "w".
Graph smallGraph(size_t n, const std::vector<std::pair<NodeId, NodeId>>& edges, bool directed = false) {
    Graph g(directed);
    g.addNodes(n);
    for (auto [a, b] : edges) g.addEdge(a, b);
    AttrColumn& nf = g.nodeAttrs().add("feat", AttrKind::Discrete, 1);
    for (size_t v = 0; v < n; ++v) nf.setInt(v, int64_t(10 + v));
    AttrColumn& ef = g.edgeAttrs().add("feat", AttrKind::Discrete, 1);
    for (size_t e = 0; e < edges.size(); ++e) ef.setInt(e, int64_t(7 + e));
    return g;
}

Positions flatOf(const std::vector<std::string>& tokens) {
    Positions out;
    for (const auto& t : tokens) out.push_back({t});
    return out;
}

}  // namespace

// --- token text -------------------------------------------------------------------------------

TEST(TokenText, FloatTextIsPythonRepr) {
    // Expected strings are Python 3's repr() of the same doubles.
    EXPECT_EQ(tokens::pythonFloatText(0.5), "0.5");
    EXPECT_EQ(tokens::pythonFloatText(1.0), "1.0");
    EXPECT_EQ(tokens::pythonFloatText(1e-05), "1e-05");
    EXPECT_EQ(tokens::pythonFloatText(0.0001), "0.0001");
    EXPECT_EQ(tokens::pythonFloatText(1.5e16), "1.5e+16");
    EXPECT_EQ(tokens::pythonFloatText(1e16), "1e+16");
    EXPECT_EQ(tokens::pythonFloatText(123.25), "123.25");
    EXPECT_EQ(tokens::pythonFloatText(5e-324), "5e-324");
    EXPECT_EQ(tokens::pythonFloatText(-0.0), "-0.0");
    EXPECT_EQ(tokens::pythonFloatText(-2.5), "-2.5");
    EXPECT_EQ(tokens::pythonFloatText(1e15), "1000000000000000.0");
    EXPECT_EQ(tokens::continuousValueTokens(0.25), (std::vector<std::string>{"<.>", "<2>", "<5>"}));
    EXPECT_EQ(tokens::continuousValueTokens(-0.5), (std::vector<std::string>{"<->", "<0>", "<.>", "<5>"}));
    EXPECT_EQ(tokens::continuousValueTokens(1e-05), (std::vector<std::string>{"<1>", "<e>", "<->", "<0>", "<5>"}));
}

TEST(TokenText, ParsesIndexAndAttributeTokens) {
    EXPECT_EQ(tokens::indexTokenValue("17"), 17u);
    EXPECT_EQ(tokens::indexTokenValue("2*64"), 128u);
    EXPECT_FALSE(tokens::indexTokenValue("0*64"));
    EXPECT_FALSE(tokens::indexTokenValue("<eos>"));
    EXPECT_FALSE(tokens::indexTokenValue(""));
    const auto a = tokens::parseAttrToken("molecule#edge#2#-3", "molecule");
    ASSERT_TRUE(a);
    EXPECT_TRUE(a->edge);
    EXPECT_EQ(a->col, 2);
    EXPECT_EQ(a->value, -3);
    const auto d = tokens::parseAttrToken("molecule#node#8", "molecule");
    ASSERT_TRUE(d);
    EXPECT_FALSE(d->value);
    EXPECT_FALSE(tokens::parseAttrToken("molecule#node#x", "molecule"));
    EXPECT_FALSE(tokens::parseAttrToken("other#node#1#1", "molecule"));
}

// --- layouts, by hand -------------------------------------------------------------------------

TEST(Tokenize, EthanolMatchesOgbFeatures) {
    const Graph mol = io::moleculeFromSmiles("CCO");
    ASSERT_EQ(mol.nodeCount(), 3u);
    const AttrColumn* feat = mol.nodeAttrs().find("feat");
    ASSERT_NE(feat, nullptr);
    for (size_t v = 0; v < 3; ++v)
        for (uint32_t k = 0; k < 9; ++k) EXPECT_EQ(feat->intAt(v, k), kEthanolAtoms[v][k]) << v << "," << k;
}

TEST(Tokenize, EthanolStackedPcqmSettings) {
    const TokenSequence seq = tokenize(ethanol(), sequential(TokenLayout::Stacked), 0, std::nullopt,
                                       std::vector<NodeId>{0, 1, 2});
    const Positions expected = {concat({{"0"}, atomTokens(0), kBondDefaults}),
                                concat({{"1"}, atomTokens(1), kSingleBond}),
                                concat({{"2"}, atomTokens(2), kSingleBond})};
    EXPECT_EQ(seq.positions, expected);
    for (const auto& p : seq.positions) EXPECT_EQ(p.size(), 13u);

    // Provenance of position 2: node 2 (first visit) arriving along original edge 1.
    ASSERT_EQ(seq.positionSources.size(), 3u);
    EXPECT_EQ(seq.positionSources[2].kind, PositionKind::Node);
    EXPECT_EQ(seq.positionSources[2].node, 2u);
    EXPECT_EQ(seq.positionSources[2].edgeOrigin, EdgeOrigin::Original);
    EXPECT_EQ(seq.positionSources[2].edge, 1u);
    const TokenSource& idx = seq.sources[2][0];
    EXPECT_EQ(idx.role, TokenRole::NodeIndex);
    EXPECT_EQ(idx.node, 2u);
    const TokenSource& atom = seq.sources[2][4];
    EXPECT_EQ(atom.role, TokenRole::NodeAttr);
    EXPECT_EQ(atom.col, 3);
    const TokenSource& bond = seq.sources[2][11];
    EXPECT_EQ(bond.role, TokenRole::EdgeAttr);
    EXPECT_EQ(bond.edge, 1u);
    EXPECT_EQ(bond.col, 1);
    EXPECT_FALSE(bond.isDefault);
    EXPECT_TRUE(seq.sources[0][10].isDefault);
    EXPECT_EQ(seq.sources[0][10].edgeOrigin, EdgeOrigin::None);
}

TEST(Tokenize, EthanolStackedWithTypesEosAndCyclicIndices) {
    TokenizeOptions o = sequential(TokenLayout::Stacked);
    o.removeEdgeTypeToken = false;
    o.addEos = true;
    const TokenSequence seq = tokenize(ethanol(), o, 0, std::nullopt, std::vector<NodeId>{2, 1, 0});
    const Positions expected = {concat({{"0"}, atomTokens(2), {"<edge_bi>"}, kBondDefaults}),
                                concat({{"1"}, atomTokens(1), {"<edge_bi>"}, kSingleBond}),
                                concat({{"2"}, atomTokens(0), {"<edge_bi>"}, kSingleBond}),
                                std::vector<std::string>(14, "<eos>")};
    EXPECT_EQ(seq.positions, expected);
    EXPECT_EQ(seq.positionSources.back().kind, PositionKind::Eos);

    // cyclic: consecutive indices from a random start, wrapping at node_scope.
    TokenizeOptions c;
    c.nodeScope = 4;
    c.scopeBase = 4;
    std::set<uint32_t> starts;
    for (uint64_t seed = 0; seed < 40; ++seed) {
        const TokenSequence s = tokenize(ethanol(), c, seed, std::nullopt, std::vector<NodeId>{0, 1, 2});
        const uint32_t first = uint32_t(std::stoul(s.positions[0][0]));
        starts.insert(first);
        EXPECT_EQ(s.positions[1][0], std::to_string((first + 1) % 4));
        EXPECT_EQ(s.positions[2][0], std::to_string((first + 2) % 4));
    }
    EXPECT_EQ(starts.size(), 4u);
}

TEST(Tokenize, EthanolStackedLong) {
    const TokenSequence seq = tokenize(ethanol(), sequential(TokenLayout::StackedLong), 0, std::nullopt,
                                       std::vector<NodeId>{0, 1, 2});
    const Positions expected = {concat({{"0"}, atomTokens(0), kBondDefaults}),
                                concat({{"<new>"}, kAtomDefaults, kSingleBond}),
                                concat({{"1"}, atomTokens(1), kBondDefaults}),
                                concat({{"<new>"}, kAtomDefaults, kSingleBond}),
                                concat({{"2"}, atomTokens(2), kBondDefaults})};
    EXPECT_EQ(seq.positions, expected);
    EXPECT_EQ(seq.positionSources[3].kind, PositionKind::Edge);
    EXPECT_EQ(seq.positionSources[3].edge, 1u);
    EXPECT_EQ(seq.sources[1][0].role, TokenRole::NewNode);
}

TEST(Tokenize, FlatFirstWithJump) {
    // 0 - 1 - 2 and an isolated node 3; node feat 10..13, edge feat 7, 8.
    TokenizeOptions o = sequential(TokenLayout::Flat);
    o.world = "w";
    const TokenSequence seq = tokenize(smallGraph(4, {{0, 1}, {1, 2}}), o, 0, std::nullopt, std::vector<NodeId>{0, 1, 2, 3});
    EXPECT_EQ(seq.positions, flatOf({"0", "w#node#0#10", "w#edge#0#7", "1", "w#node#0#11", "w#edge#0#8", "2",
                                     "w#node#0#12", "<edge_jump>", "3", "w#node#0#13"}));
    EXPECT_EQ(seq.componentCount, 2u);
    EXPECT_EQ(seq.positionSources[8].edgeOrigin, EdgeOrigin::Jump);
}

TEST(Tokenize, FlatLastAndAllWithARepeatedEdge) {
    // Path 1, 0, 1, 2 walks edge 0 twice (the second time as an eulerization copy).
    TokenizeOptions o = sequential(TokenLayout::Flat);
    o.world = "w";
    o.removeEdgeTypeToken = false;
    o.attrAssignment = AttrAssignment::Last;
    const Graph g = smallGraph(3, {{0, 1}, {1, 2}});
    const TokenSequence last = tokenize(g, o, 0, std::nullopt, std::vector<NodeId>{1, 0, 1, 2});
    EXPECT_EQ(last.positions, flatOf({"0", "<edge_bi>", "1", "w#node#0#10", "<edge_bi>", "w#edge#0#7", "0",
                                      "w#node#0#11", "<edge_bi>", "w#edge#0#8", "2", "w#node#0#12"}));
    EXPECT_EQ(last.positionSources[4].edgeOrigin, EdgeOrigin::EulerizationCopy);
    EXPECT_EQ(last.positionSources[4].edge, 0u);
    EXPECT_EQ(last.sources[6][0].occurrence, 1u);  // second visit of node 1

    o.attrAssignment = AttrAssignment::All;
    o.removeEdgeTypeToken = true;
    const TokenSequence all = tokenize(g, o, 0, std::nullopt, std::vector<NodeId>{1, 0, 1, 2});
    EXPECT_EQ(all.positions, flatOf({"0", "w#node#0#11", "w#edge#0#7", "1", "w#node#0#10", "w#edge#0#7", "0",
                                     "w#node#0#11", "w#edge#0#8", "2", "w#node#0#12"}));
}

TEST(Tokenize, EdgeTypesFollowDirections) {
    // Directed: 0->1, 1->2, 2->1. Walk 0, 1, 2, 1 then node 3 by a jump.
    Graph g(true);
    g.addNodes(4);
    g.addEdge(0, 1);
    g.addEdge(1, 2);
    g.addEdge(2, 1);
    TokenizeOptions o = sequential(TokenLayout::Flat);
    o.removeEdgeTypeToken = false;
    const TokenSequence seq = tokenize(g, o, 0, std::nullopt, std::vector<NodeId>{1, 0, 1, 2, 1, 3});
    EXPECT_EQ(seq.positions, flatOf({"0", "<edge_in>", "1", "<edge_out>", "0", "<edge_bi>", "2", "<edge_bi>",
                                     "0", "<edge_jump>", "3"}));
    o.removeEdgeTypeToken = true;  // flat drops only <edge_bi>
    const TokenSequence removed = tokenize(g, o, 0, std::nullopt, std::vector<NodeId>{1, 0, 1, 2, 1, 3});
    EXPECT_EQ(removed.positions, flatOf({"0", "<edge_in>", "1", "<edge_out>", "0", "2", "0", "<edge_jump>", "3"}));

    // Stacked: types sit in the arriving node's position; no attributes here.
    o.layout = TokenLayout::Stacked;
    o.removeEdgeTypeToken = false;
    const TokenSequence stacked = tokenize(g, o, 0, std::nullopt, std::vector<NodeId>{0, 1, 2, 1, 3});
    EXPECT_EQ(stacked.positions, (Positions{{"0", "<edge_bi>"}, {"1", "<edge_out>"}, {"2", "<edge_bi>"},
                                            {"1", "<edge_bi>"}, {"3", "<edge_jump>"}}));
}

TEST(Tokenize, SplitIndexTokensAndContinuousValues) {
    Graph g;
    g.addNodes(6);
    for (NodeId v = 0; v + 1 < 6; ++v) g.addEdge(v, v + 1);
    AttrColumn& w = g.edgeAttrs().add("weight", AttrKind::Continuous, 1);
    w.setReal(4, 0.25);
    TokenizeOptions o = sequential(TokenLayout::Flat);
    o.world = "w";
    o.nodeScope = 8;
    o.scopeBase = 4;
    o.edgeColumns = std::vector<std::string>{"weight"};
    const TokenSequence seq = tokenize(g, o, 0, std::nullopt, std::vector<NodeId>{0, 1, 2, 3, 4, 5});
    EXPECT_EQ(seq.positions, flatOf({"0", "w#edge#0", "1", "w#edge#0", "2", "w#edge#0", "3", "w#edge#0", "1*4", "0",
                                     "w#edge#0#1", "<.>", "<2>", "<5>", "1*4", "1"}));
    EXPECT_EQ(seq.sources[13][0].part, 3u);
    EXPECT_EQ(seq.sources[13][0].edge, 4u);
    EXPECT_THROW(tokenize(g, [&] { auto p = o; p.edgeColumns = std::vector<std::string>{"nope"}; return p; }()),
                 std::invalid_argument);
}

TEST(Tokenize, SingleNodeAndEmptyGraph) {
    Graph one;
    one.addNode();
    const TokenSequence s = tokenize(one, sequential(TokenLayout::Stacked));
    EXPECT_EQ(s.positions, (Positions{{"0"}}));
    const TokenSequence e = tokenize(Graph(), sequential(TokenLayout::Stacked));
    EXPECT_TRUE(e.positions.empty());
}

TEST(Tokenize, DeterministicForASeedAndPathReproducesIt) {
    Graph g;
    g.addNodes(9);
    const std::vector<std::pair<NodeId, NodeId>> edges = {{0, 1}, {1, 2}, {2, 0}, {2, 3}, {3, 4}, {4, 5},
                                                          {5, 3}, {6, 7}, {1, 4}};
    for (auto [a, b] : edges) g.addEdge(a, b);
    TokenizeOptions o;
    o.permuteNodes = true;
    const TokenSequence a = tokenize(g, o, 42);
    const TokenSequence b = tokenize(g, o, 42);
    EXPECT_EQ(a.positions, b.positions);
    EXPECT_EQ(a.path, b.path);
    std::set<std::vector<NodeId>> paths;
    for (uint64_t seed = 0; seed < 30; ++seed) paths.insert(tokenize(g, o, seed).path);
    EXPECT_GT(paths.size(), 5u);

    // A walk given back as an explicit path reproduces the sequence (Sequential indices: with
    // cyclic ones the index start is drawn after the walk's draws, which a path skips).
    TokenizeOptions sq = sequential(TokenLayout::Stacked);
    const TokenSequence r = tokenize(g, sq, 7);
    const TokenSequence again = tokenize(g, sq, 99, std::nullopt, r.path);
    EXPECT_EQ(again.positions, r.positions);
    const TokenSequence fromStart = tokenize(g, sq, 7, r.path.front());
    EXPECT_EQ(fromStart.path.front(), r.path.front());
    EXPECT_THROW(tokenize(g, sq, 0, NodeId(9)), std::invalid_argument);
    EXPECT_THROW(tokenize(g, sq, 0, std::nullopt, std::vector<NodeId>{0, 5}), std::invalid_argument);
}

TEST(Tokenize, UnknownTokenNamesTokenAndPosition) {
    const Vocab vocab = Vocab::fromTokens({"0", "1"});
    const TokenSequence seq = tokenize(ethanol(), sequential(TokenLayout::Stacked), 0, std::nullopt,
                                       std::vector<NodeId>{0, 1, 2});
    try {
        (void)seq.ids(vocab);
        FAIL() << "expected UnknownTokenError";
    } catch (const UnknownTokenError& e) {
        EXPECT_EQ(e.token(), "molecule#node#0#5");
        EXPECT_EQ(e.position(), 0u);
        EXPECT_NE(std::string(e.what()).find("token \"molecule#node#0#5\" at position 0 (token 1, node attribute of node 0)"),
                  std::string::npos)
            << e.what();
    }
}

// --- vocab ------------------------------------------------------------------------------------

TEST(VocabBuild, GraphGptOrderByHand) {
    std::vector<Graph> graphs;
    Graph a;
    a.addNodes(2);
    a.addEdge(0, 1);
    AttrColumn& nf = a.nodeAttrs().add("feat", AttrKind::Discrete, 2);
    nf.setInt(0, 10, 0);
    nf.setInt(0, 1, 1);
    nf.setInt(1, 2, 0);
    nf.setInt(1, 1, 1);
    a.edgeAttrs().add("feat", AttrKind::Discrete, 1).setInt(0, 3);
    graphs.push_back(a);
    TokenizeOptions o;
    o.world = "w";
    o.nodeScope = 4;
    o.scopeBase = 2;
    std::vector<std::string> expected = {"<mask>", "<icl>", "<sep>"};
    for (int k = 0; k < 10; ++k) expected.push_back("structure_" + std::to_string(k));
    for (const char* t : {"<gsum>", "<edge_in>", "<edge_out>", "<edge_bi>", "<edge_jump>", "<eos>", "<bos>", "<new>",
                          "0", "1", "1*2"})
        expected.push_back(t);
    for (int k = 0; k < 10; ++k) expected.push_back("semantics_" + std::to_string(k));
    for (const char* t : {"<e>", "<.>", "<->", "<0>", "<1>", "<2>", "<3>", "<4>", "<5>", "<6>", "<7>", "<8>", "<9>",
                          "w#node#0", "w#node#1", "w#node#0#2", "w#node#0#10", "w#node#1#1", "w#edge#0", "w#edge#0#3"})
        expected.push_back(t);
    EXPECT_EQ(vocabTokens(graphs, o), expected);
    const Vocab v = buildVocab(graphs, o);
    EXPECT_EQ(v.id("<mask>"), 1);
    EXPECT_EQ(v.id("w#edge#0#3"), int32_t(expected.size()));
    EXPECT_EQ(missingTokens(v, graphs, o), std::vector<std::string>{});
    o.nodeScope = 6;
    EXPECT_EQ(missingTokens(v, graphs, o), std::vector<std::string>{"2*2"});
}

TEST(VocabBuild, StructurePartMatchesPublishedPcqmVocab) {
    const Vocab published = Vocab::read(kPcqmVocab);
    TokenizeOptions o;
    o.nodeScope = 64;  // the published file's node scope
    o.scopeBase = 64;
    const std::vector<std::string> ours = vocabTokens({}, o);
    ASSERT_EQ(ours.size(), 21u + 64u + 10u + 13u);
    for (size_t i = 0; i < ours.size(); ++i) EXPECT_EQ(published.token(int32_t(i + 1)), ours[i]) << "id " << i + 1;
}

// --- every NCI molecule against GraphGPT's pcqm4m-v2 vocab -------------------------------------

TEST(Tokenize, NciMoleculesEncodeWithPublishedPcqmVocab) {
    const Vocab vocab = Vocab::read(kPcqmVocab);
    std::ifstream in(kNciSmiles);
    ASSERT_TRUE(in) << kNciSmiles;
    TokenizeOptions o;
    o.nodeScope = 64;
    o.scopeBase = 64;
    std::string line;
    size_t invalid = 0, tooLarge = 0, encoded = 0;
    std::vector<Graph> fitting;
    uint64_t seed = 0;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string smiles;
        fields >> smiles;
        Graph mol;
        try {
            mol = io::moleculeFromSmiles(smiles);
        } catch (const io::ParseError&) {
            ++invalid;
            continue;
        }
        if (mol.nodeCount() > o.nodeScope) {
            ++tooLarge;
            EXPECT_THROW(tokenize(mol, o, seed), std::invalid_argument);
            continue;
        }
        const TokenSequence seq = tokenize(mol, o, ++seed);
        for (const auto& p : seq.positions) ASSERT_EQ(p.size(), 13u) << smiles;
        const auto ids = seq.ids(vocab);  // throws on an unknown token
        ASSERT_EQ(ids.size(), seq.positions.size());
        ++encoded;
        fitting.push_back(std::move(mol));
    }
    EXPECT_EQ(invalid, 6u);
    EXPECT_EQ(tooLarge, 6u);  // more than 64 heavy atoms (RDKit count, checked in Python)
    EXPECT_EQ(encoded, 4999u - 12u);
    EXPECT_EQ(missingTokens(vocab, fitting, o), std::vector<std::string>{});
}
