#pragma once
// Shared checks for the text graph format tests (edge list, GML, node-link JSON).

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "graph/Graph.h"
#include "io/GraphIO.h"

namespace gts::testing_text {

inline std::filesystem::path networkxFixture(const std::string& name) {
    return std::filesystem::path(GTS_FIXTURES_DIR) / "networkx" / name;
}

inline Graph readOne(std::string_view data, io::Format format) {
    std::vector<Graph> graphs = io::readGraphsFromText(data, format, "input");
    EXPECT_EQ(graphs.size(), 1u);
    return graphs.empty() ? Graph() : std::move(graphs.front());
}

/// Edges as (source key, target key), endpoints ordered for undirected graphs, sorted.
inline std::vector<std::pair<std::string, std::string>> edgeMultiset(const Graph& g) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const Edge& e : g.edges()) {
        std::string a = g.nodeKey(e.src), b = g.nodeKey(e.dst);
        if (!g.directed() && b < a) std::swap(a, b);
        out.emplace_back(std::move(a), std::move(b));
    }
    std::sort(out.begin(), out.end());
    return out;
}

/// The value text of a node attribute for the node with this key ("" when absent).
inline std::string nodeValue(const Graph& g, const std::string& key, const std::string& column) {
    auto v = g.findNode(key);
    const AttrColumn* c = g.nodeAttrs().find(column);
    if (!v || !c) return "<missing>";
    return c->valueText(*v);
}

/// Same nodes (by key), same edge multiset, same attributes of every node and graph, and the
/// same multiset of (edge, attribute values) — edges are matched by endpoints and values.
inline void expectSameGraph(const Graph& a, const Graph& b) {
    ASSERT_EQ(a.nodeCount(), b.nodeCount());
    EXPECT_EQ(a.directed(), b.directed());
    for (NodeId v = 0; v < a.nodeCount(); ++v) {
        auto w = b.findNode(a.nodeKey(v));
        ASSERT_TRUE(w.has_value()) << "node " << a.nodeKey(v);
        for (const AttrColumn& c : a.nodeAttrs().columns()) {
            const AttrColumn* d = b.nodeAttrs().find(c.name);
            ASSERT_NE(d, nullptr) << "node attribute " << c.name;
            EXPECT_EQ(c.kind, d->kind) << c.name;
            EXPECT_EQ(c.width, d->width) << c.name;
            EXPECT_EQ(c.valueText(v), d->valueText(*w)) << c.name << " of " << a.nodeKey(v);
        }
    }
    EXPECT_EQ(a.nodeAttrs().columns().size(), b.nodeAttrs().columns().size());
    EXPECT_EQ(edgeMultiset(a), edgeMultiset(b));
    auto edgeRows = [](const Graph& g) {
        std::vector<std::string> rows;
        for (EdgeId e = 0; e < g.edgeCount(); ++e) {
            std::string a1 = g.nodeKey(g.edge(e).src), b1 = g.nodeKey(g.edge(e).dst);
            if (!g.directed() && b1 < a1) std::swap(a1, b1);
            std::string row = a1 + "|" + b1 + "|" + g.edgeKey(e);
            for (const AttrColumn& c : g.edgeAttrs().columns())
                row += "|" + c.name + "=" + c.valueText(e) + ":" + attrKindName(c.kind);
            rows.push_back(row);
        }
        std::sort(rows.begin(), rows.end());
        return rows;
    };
    EXPECT_EQ(edgeRows(a), edgeRows(b));
    for (const AttrColumn& c : a.graphAttrs().columns()) {
        const AttrColumn* d = b.graphAttrs().find(c.name);
        ASSERT_NE(d, nullptr) << "graph attribute " << c.name;
        EXPECT_EQ(c.valueText(0), d->valueText(0)) << c.name;
    }
    EXPECT_EQ(a.graphAttrs().columns().size(), b.graphAttrs().columns().size());
}

/// Runs `read` and expects a ParseError on `line` (0: any line) whose message contains `what`.
template <typename F>
void expectParseError(F&& read, size_t line, const std::string& what) {
    try {
        read();
        ADD_FAILURE() << "no ParseError; expected one containing \"" << what << "\"";
    } catch (const io::ParseError& e) {
        if (line) {
            EXPECT_EQ(e.line(), line) << e.what();
        }
        EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
}

}  // namespace gts::testing_text
