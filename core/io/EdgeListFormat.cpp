// Edge lists: one edge per line as "source target [weight] [more columns]".
//
// Reading accepts what tools write in practice:
// - fields separated by whitespace, tabs, or commas (CSV, with "quoted" fields), chosen per file
//   by the first data line;
// - comment lines starting with '#' or '%' (SNAP, KONECT), blank lines;
// - a header line naming the columns ("source,target,weight" as pandas/networkx write it);
// - the direction given by a comment before the data: "# directed" / "# undirected" (GTScope),
//   "# Directed graph ..." / "# Undirected graph ..." (SNAP), "% asym ..." / "% sym ..." (KONECT);
//   undirected otherwise;
// - a line with a single field declares an isolated node (GTScope writes isolated nodes so).
// Node identifiers are arbitrary tokens, numbered in order of first appearance and kept as node
// keys unless every token is its own index. The third column is the edge attribute "weight"
// when it is numeric; further columns take the header's names (or "col<k>").

#include <algorithm>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "graph/AttrNames.h"
#include "io/Formats.h"
#include "io/TextInput.h"

namespace gts::io::detail {

namespace {

enum class Separator : uint8_t { Whitespace, Tab, Comma };

bool isSpace(char c) { return c == ' ' || c == '\t'; }

/// Splits a line into fields. CSV fields may be quoted ("a ""b""", "x,y"); quoted text that
/// needs unescaping is stored in `owned`, which outlives the returned views.
void splitFields(std::string_view line, Separator sep, std::vector<std::string_view>& fields,
                 std::deque<std::string>& owned, const std::string& source, size_t lineNo) {
    fields.clear();
    if (sep == Separator::Whitespace || (sep == Separator::Tab && line.find('\t') == line.npos)) {
        size_t i = 0;
        while (i < line.size()) {
            while (i < line.size() && isSpace(line[i])) ++i;
            if (i >= line.size()) break;
            size_t j = i;
            while (j < line.size() && !isSpace(line[j])) ++j;
            fields.push_back(line.substr(i, j - i));
            i = j;
        }
        return;
    }
    const char delim = sep == Separator::Comma ? ',' : '\t';
    size_t i = 0;
    while (true) {
        while (i < line.size() && line[i] == ' ') ++i;
        if (i < line.size() && line[i] == '"') {
            std::string text;
            size_t j = i + 1;
            bool closed = false;
            while (j < line.size()) {
                if (line[j] == '"') {
                    if (j + 1 < line.size() && line[j + 1] == '"') {
                        text += '"';
                        j += 2;
                        continue;
                    }
                    closed = true;
                    ++j;
                    break;
                }
                text += line[j++];
            }
            if (!closed) throw ParseError(source, lineNo, "unterminated quoted field");
            while (j < line.size() && line[j] == ' ') ++j;
            if (j < line.size() && line[j] != delim)
                throw ParseError(source, lineNo, "text after a closing quote");
            owned.push_back(std::move(text));
            fields.push_back(owned.back());
            if (j >= line.size()) return;
            i = j + 1;
            continue;
        }
        size_t j = line.find(delim, i);
        if (j == line.npos) j = line.size();
        fields.push_back(trim(line.substr(i, j - i)));
        if (j >= line.size()) return;
        i = j + 1;
    }
}

std::string lowerAscii(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    return out;
}

/// Column names that mark a line as a header rather than an edge between two named nodes.
bool isHeaderName(std::string_view field) {
    static const char* const kNames[] = {"source", "target", "from", "to", "src", "dst",
                                         "weight", "u", "v", "node1", "node2", "head", "tail",
                                         "fromnodeid", "tonodeid", "id1", "id2"};
    const std::string f = lowerAscii(field);
    return std::any_of(std::begin(kNames), std::end(kNames), [&](const char* n) { return f == n; });
}

bool isNumber(std::string_view s) { return parseReal(s).has_value(); }

/// A direction stated by a comment line, if it states one.
std::optional<bool> directionFromComment(std::string_view comment, bool firstLine) {
    std::string_view body = trim(comment.substr(1));
    const std::string lower = lowerAscii(body);
    if (comment[0] == '#') {
        if (lower == "directed" || lower.rfind("directed graph", 0) == 0) return true;
        if (lower == "undirected" || lower.rfind("undirected graph", 0) == 0) return false;
    } else if (firstLine) {
        // KONECT: the first line is "% <sym|asym|bip> <weights>".
        if (lower.rfind("asym", 0) == 0) return true;
        if (lower.rfind("sym", 0) == 0 || lower.rfind("bip", 0) == 0) return false;
    }
    return std::nullopt;
}

struct ExtraColumn {
    std::string name;
    std::vector<std::pair<EdgeId, std::string_view>> values;
    bool numeric = true;
};

}  // namespace

std::vector<Graph> readEdgeList(std::string_view data, const std::string& source,
                                const ReadOptions& options) {
    requireUtf8(data, source);
    LineReader reader(data);
    std::string_view line;
    std::optional<bool> directed;
    std::optional<Separator> sep;
    bool seenData = false;
    bool firstLine = true;
    std::vector<std::string> headerNames;  // column names from index 2 on

    std::unordered_map<std::string_view, NodeId> nodeIndex;
    std::vector<std::string_view> nodeTokens;
    std::vector<Edge> edges;
    std::vector<ExtraColumn> extras;
    std::deque<std::string> owned;
    std::vector<std::string_view> fields;

    auto nodeFor = [&](std::string_view token, size_t lineNo) -> NodeId {
        auto it = nodeIndex.find(token);
        if (it != nodeIndex.end()) return it->second;
        if (nodeTokens.size() >= options.limits.maxNodes)
            throw ParseError(source, lineNo,
                             "more than " + std::to_string(options.limits.maxNodes) + " nodes");
        const NodeId v = NodeId(nodeTokens.size());
        nodeTokens.push_back(token);
        nodeIndex.emplace(token, v);
        return v;
    };

    while (reader.next(line)) {
        const size_t lineNo = reader.lineNumber();
        const std::string_view text = trim(line);
        if (text.empty()) continue;
        if (text[0] == '#' || text[0] == '%') {
            if (!seenData)
                if (auto d = directionFromComment(text, firstLine)) directed = d;
            firstLine = false;
            continue;
        }
        firstLine = false;
        if (!sep) {
            sep = text.find(',') != text.npos    ? Separator::Comma
                  : text.find('\t') != text.npos ? Separator::Tab
                                                 : Separator::Whitespace;
        }
        splitFields(text, *sep, fields, owned, source, lineNo);
        if (!seenData) {
            seenData = true;
            const bool endpointsNamed =
                fields.size() >= 2 && !isNumber(fields[0]) && !isNumber(fields[1]);
            if (endpointsNamed && std::any_of(fields.begin(), fields.end(), isHeaderName)) {
                for (size_t k = 2; k < fields.size(); ++k) {
                    std::string name(fields[k]);
                    if (lowerAscii(name) == attr::kWeight) name = attr::kWeight;
                    if (name.empty()) name = "col" + std::to_string(k);
                    headerNames.push_back(std::move(name));
                }
                continue;
            }
        }
        if (fields.empty()) continue;
        if (!headerNames.empty() && fields.size() > headerNames.size() + 2)
            throw ParseError(source, lineNo,
                             std::to_string(fields.size()) + " fields, the header names " +
                                 std::to_string(headerNames.size() + 2));
        if (fields[0].empty() || (fields.size() >= 2 && fields[1].empty()))
            throw ParseError(source, lineNo, "empty node identifier");
        if (fields.size() == 1) {
            nodeFor(fields[0], lineNo);
            continue;
        }
        if (edges.size() >= options.limits.maxEdges)
            throw ParseError(source, lineNo,
                             "more than " + std::to_string(options.limits.maxEdges) + " edges");
        const NodeId src = nodeFor(fields[0], lineNo);
        const NodeId dst = nodeFor(fields[1], lineNo);
        const EdgeId e = EdgeId(edges.size());
        edges.push_back({src, dst});
        for (size_t k = 2; k < fields.size(); ++k) {
            if (fields[k].empty()) continue;
            while (extras.size() <= k - 2) {
                const size_t col = extras.size() + 2;
                std::string name = col - 2 < headerNames.size() ? headerNames[col - 2]
                                   : col == 2                    ? std::string(attr::kWeight)
                                                                 : "col" + std::to_string(col);
                extras.push_back({std::move(name), {}, true});
            }
            ExtraColumn& column = extras[k - 2];
            column.numeric = column.numeric && isNumber(fields[k]);
            column.values.emplace_back(e, fields[k]);
        }
    }

    Graph g(directed.value_or(false));
    g.addNodes(nodeTokens.size());
    bool tokensAreIndices = true;
    for (size_t v = 0; v < nodeTokens.size() && tokensAreIndices; ++v)
        tokensAreIndices = nodeTokens[v] == std::to_string(v);
    if (!tokensAreIndices)
        for (size_t v = 0; v < nodeTokens.size(); ++v)
            g.setNodeKey(NodeId(v), std::string(nodeTokens[v]));
    g.reserveEdges(edges.size());
    for (const Edge& e : edges) g.addEdge(e.src, e.dst);
    for (ExtraColumn& column : extras) {
        // An unnamed third column that is not numeric is not a weight.
        if (column.name == attr::kWeight && !column.numeric && headerNames.empty())
            column.name = "col2";
        if (g.edgeAttrs().find(column.name)) column.name += "_" + std::to_string(&column - extras.data() + 2);
        if (column.numeric) {
            AttrColumn& out = g.edgeAttrs().add(column.name, AttrKind::Continuous);
            for (const auto& [e, value] : column.values) out.setReal(e, *parseReal(value));
        } else {
            AttrColumn& out = g.edgeAttrs().add(column.name, AttrKind::String);
            for (const auto& [e, value] : column.values) out.setString(e, std::string(value));
        }
    }
    std::vector<Graph> graphs;
    graphs.push_back(std::move(g));
    return graphs;
}

namespace {

/// A key can be written as a bare whitespace-separated token that reads back as itself.
bool isPlainToken(const std::string& key) {
    if (key.empty() || key[0] == '#' || key[0] == '%' || key[0] == '"') return false;
    return std::none_of(key.begin(), key.end(), [](char c) {
        return c == ' ' || c == '\t' || c == ',' || c == '\n' || c == '\r';
    });
}

std::string csvField(const std::string& text) {
    const bool quote = text.empty() || text.find_first_of(",\"\t\n\r#% ") != text.npos;
    if (!quote) return text;
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

}  // namespace

// Plain "src dst [weight]" lines when that holds everything; otherwise CSV with a header
// naming every edge attribute. Nodes that no edge would introduce in index order are written
// as single-field lines just before they are needed, so node order survives a round trip.
std::string writeEdgeList(const Graph& graph) {
    const AttrTable& attrs = graph.edgeAttrs();
    const AttrColumn* weight = attrs.find(attr::kWeight);
    bool plain = true;
    // A key like "source" could make the first edge line look like a header.
    for (NodeId v = 0; v < graph.nodeCount() && plain; ++v) {
        const std::string key = graph.nodeKey(v);
        plain = isPlainToken(key) && !isHeaderName(key);
    }
    for (const AttrColumn& c : attrs.columns())
        if (&c != weight || c.kind != AttrKind::Continuous || c.width != 1) plain = false;

    std::string out = "# GTScope edge list\n";
    out += graph.directed() ? "# directed\n" : "# undirected\n";
    out += "# a line with a single node is a node without edges\n";
    std::vector<const AttrColumn*> columns;
    if (!plain) {
        out += "source,target";
        for (const AttrColumn& c : attrs.columns()) {
            columns.push_back(&c);
            out += ',' + csvField(c.name);
        }
        out += '\n';
    } else if (weight) {
        columns.push_back(weight);
    }
    auto field = [&](const std::string& text) { return plain ? text : csvField(text); };
    const char sep = plain ? ' ' : ',';

    std::vector<uint8_t> seen(graph.nodeCount(), 0);
    NodeId next = 0;  // smallest node not yet written
    auto introduce = [&](NodeId v) {
        if (seen[v]) return;
        for (; next < v; ++next)
            if (!seen[next]) {
                seen[next] = 1;
                out += field(graph.nodeKey(next)) + '\n';
            }
        seen[v] = 1;
        while (next < graph.nodeCount() && seen[next]) ++next;
    };
    for (EdgeId e = 0; e < graph.edgeCount(); ++e) {
        const Edge& edge = graph.edge(e);
        introduce(edge.src);
        introduce(edge.dst);
        out += field(graph.nodeKey(edge.src));
        out += sep;
        out += field(graph.nodeKey(edge.dst));
        for (const AttrColumn* c : columns) {
            if (plain && !c->has(e)) continue;  // a missing weight: the line ends early
            out += sep;
            if (!c->has(e)) continue;
            if (c->kind == AttrKind::Continuous && c->width == 1) out += formatReal(c->realAt(e));
            else out += csvField(c->valueText(e));
        }
        out += '\n';
    }
    for (NodeId v = 0; v < graph.nodeCount(); ++v)
        if (!seen[v]) out += field(graph.nodeKey(v)) + '\n';
    return out;
}

}  // namespace gts::io::detail
