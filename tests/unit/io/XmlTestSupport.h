#pragma once
// Comparisons shared by the GraphML and GEXF tests: two graphs hold the same nodes (by key),
// the same multiset of edges (by endpoint keys and edge key) and the same attribute values.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "graph/Graph.h"
#include "io/GraphIO.h"

namespace gts::xmltest {

inline std::vector<std::tuple<std::string, std::string, std::string>> edgeMultiset(
    const Graph& g, bool withEdgeKeys) {
    std::vector<std::tuple<std::string, std::string, std::string>> edges;
    for (EdgeId e = 0; e < g.edgeCount(); ++e) {
        std::string a = g.nodeKey(g.edge(e).src), b = g.nodeKey(g.edge(e).dst);
        if (!g.directed() && b < a) std::swap(a, b);
        edges.emplace_back(a, b, withEdgeKeys ? g.edgeKey(e) : std::string());
    }
    std::sort(edges.begin(), edges.end());
    return edges;
}

/// Same columns (name, kind, width) with the same value text per element, node order kept.
inline void expectSameTable(const AttrTable& a, const AttrTable& b, const char* scope) {
    ASSERT_EQ(a.size(), b.size()) << scope;
    ASSERT_EQ(a.columns().size(), b.columns().size()) << scope;
    for (const AttrColumn& ca : a.columns()) {
        const AttrColumn* cb = b.find(ca.name);
        ASSERT_NE(cb, nullptr) << scope << " column " << ca.name;
        EXPECT_EQ(ca.kind, cb->kind) << ca.name;
        EXPECT_EQ(ca.width, cb->width) << ca.name;
        for (size_t i = 0; i < a.size(); ++i)
            EXPECT_EQ(ca.valueText(i), cb->valueText(i)) << scope << " " << ca.name << " @" << i;
    }
}

inline void expectSameGraph(const Graph& a, const Graph& b, bool withEdgeKeys = true) {
    EXPECT_EQ(a.directed(), b.directed());
    ASSERT_EQ(a.nodeCount(), b.nodeCount());
    for (NodeId v = 0; v < a.nodeCount(); ++v) EXPECT_EQ(a.nodeKey(v), b.nodeKey(v));
    EXPECT_EQ(edgeMultiset(a, withEdgeKeys), edgeMultiset(b, withEdgeKeys));
    expectSameTable(a.nodeAttrs(), b.nodeAttrs(), "node");
    expectSameTable(a.edgeAttrs(), b.edgeAttrs(), "edge");
}

/// Reading `text` as `format` from a source named `source` fails on `line` with a message
/// containing `fragment`.
inline void expectReadError(std::string_view text, io::Format format, const std::string& source,
                            size_t line, const std::string& fragment) {
    try {
        io::readGraphsFromText(text, format, source);
        ADD_FAILURE() << "no error; expected line " << line << ": " << fragment;
    } catch (const io::ParseError& e) {
        EXPECT_EQ(e.line(), line) << e.what();
        EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
        EXPECT_EQ(e.source(), source);
    }
}

}  // namespace gts::xmltest
