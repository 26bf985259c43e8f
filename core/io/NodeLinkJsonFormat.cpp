// Node-link JSON: networkx's node_link_data and d3's force-layout input.
//
//   {"directed": false, "multigraph": false, "graph": {...},
//    "nodes": [{"id": "a", ...attributes}], "links": [{"source": "a", "target": "b", ...}]}
//
// - "edges" is accepted in place of "links" (networkx 3.4 can write either);
// - when no node has an "id", "source"/"target" are indices into "nodes" (d3 style);
// - node ids (numbers or strings) become node keys, unless every id is its own index;
// - "key" of a link is the edge key in a multigraph;
// - attributes: integers → Discrete, reals → Continuous, booleans → Discrete with hint Boolean,
//   strings → String, arrays of numbers → vectors (one width per attribute), null → absent;
//   objects and arrays holding strings are kept as their JSON text;
// - Python's json writes NaN, Infinity and -Infinity for non-finite floats; they are read as
//   such and written so, as networkx expects.

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "io/AttrValueCollector.h"
#include "io/Formats.h"
#include "io/TextInput.h"

namespace gts::io::detail {

namespace {

using nlohmann::json;

/// Nesting deeper than this is refused before parsing (values are walked recursively).
constexpr size_t kMaxDepth = 64;

// Python's non-finite literals are replaced, outside strings, by strings that no real file
// holds (they start with a NUL character), and turned back into reals when values are read.
const std::string kNanMarker("\0NaN", 4);
const std::string kInfMarker("\0Inf", 4);
const std::string kNegInfMarker("\0-Inf", 5);

size_t skipString(std::string_view d, size_t pos) {
    ++pos;  // opening quote
    while (pos < d.size() && d[pos] != '"') pos += d[pos] == '\\' ? 2 : 1;
    return pos + 1;
}

/// Checks nesting depth and replaces NaN / Infinity / -Infinity outside strings. Newlines are
/// kept, so line numbers in the result are those of the input.
std::string prepare(std::string_view d, const std::string& source) {
    std::string out;
    out.reserve(d.size());
    size_t depth = 0;
    size_t pos = 0;
    while (pos < d.size()) {
        const char c = d[pos];
        if (c == '"') {
            const size_t end = std::min(skipString(d, pos), d.size());
            out.append(d.substr(pos, end - pos));
            pos = end;
            continue;
        }
        if (c == '[' || c == '{') {
            if (++depth > kMaxDepth)
                throw ParseError(source, lineAt(d, pos),
                                 "nested deeper than " + std::to_string(kMaxDepth) + " levels");
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
        const std::string_view rest = d.substr(pos);
        if (rest.substr(0, 3) == "NaN") {
            out += "\"\\u0000NaN\"";
            pos += 3;
        } else if (rest.substr(0, 8) == "Infinity") {
            out += "\"\\u0000Inf\"";
            pos += 8;
        } else if (rest.substr(0, 9) == "-Infinity") {
            out += "\"\\u0000-Inf\"";
            pos += 9;
        } else {
            out += c;
            ++pos;
        }
    }
    return out;
}

/// Byte offsets of the elements of the array under top-level key `key` (for error lines).
/// Only called on text that parsed as JSON.
std::vector<size_t> elementOffsets(std::string_view d, std::string_view key) {
    std::vector<size_t> offsets;
    size_t pos = 0;
    auto skipSpace = [&] {
        while (pos < d.size() && (d[pos] == ' ' || d[pos] == '\t' || d[pos] == '\n' || d[pos] == '\r')) ++pos;
    };
    auto skipValue = [&] {
        if (pos >= d.size()) return;
        if (d[pos] == '"') {
            pos = skipString(d, pos);
            return;
        }
        if (d[pos] != '[' && d[pos] != '{') {
            while (pos < d.size() && d[pos] != ',' && d[pos] != '}' && d[pos] != ']') ++pos;
            return;
        }
        size_t depth = 0;
        while (pos < d.size()) {
            if (d[pos] == '"') {
                pos = skipString(d, pos);
                continue;
            }
            if (d[pos] == '[' || d[pos] == '{') ++depth;
            if (d[pos] == ']' || d[pos] == '}') {
                ++pos;
                if (--depth == 0) return;
                continue;
            }
            ++pos;
        }
    };
    if (d.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;
    skipSpace();
    if (pos >= d.size() || d[pos] != '{') return offsets;
    ++pos;
    while (pos < d.size()) {
        skipSpace();
        if (pos >= d.size() || d[pos] != '"') break;
        const size_t keyStart = pos + 1;
        pos = skipString(d, pos);
        const std::string_view name = d.substr(keyStart, pos - 1 - keyStart);
        skipSpace();
        ++pos;  // ':'
        skipSpace();
        if (name == key && pos < d.size() && d[pos] == '[') {
            offsets.clear();
            ++pos;
            while (true) {
                skipSpace();
                if (pos >= d.size() || d[pos] == ']') break;
                offsets.push_back(pos);
                skipValue();
                skipSpace();
                if (pos < d.size() && d[pos] == ',') ++pos;
            }
            ++pos;
        } else {
            skipValue();
        }
        skipSpace();
        if (pos < d.size() && d[pos] == ',') ++pos;
    }
    return offsets;
}

std::optional<double> nonFinite(const json& v) {
    if (!v.is_string()) return std::nullopt;
    const auto& s = v.get_ref<const std::string&>();
    if (s == kNanMarker) return std::numeric_limits<double>::quiet_NaN();
    if (s == kInfMarker) return std::numeric_limits<double>::infinity();
    if (s == kNegInfMarker) return -std::numeric_limits<double>::infinity();
    return std::nullopt;
}

/// JSON text of a value as Python would show it in a file (non-finite markers restored).
std::string jsonText(const json& v) {
    if (auto r = nonFinite(v)) return formatReal(*r);
    return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<ScalarValue> scalarOf(const json& v, bool inArray) {
    if (auto r = nonFinite(v)) return ScalarValue::ofReal(*r);
    switch (v.type()) {
        case json::value_t::null:
            if (inArray) return ScalarValue::ofReal(std::numeric_limits<double>::quiet_NaN());
            return std::nullopt;
        case json::value_t::boolean: return ScalarValue::ofBool(v.get<bool>());
        case json::value_t::number_integer: return ScalarValue::ofInt(v.get<int64_t>());
        case json::value_t::number_unsigned: {
            const uint64_t u = v.get<uint64_t>();
            if (u <= uint64_t(std::numeric_limits<int64_t>::max())) return ScalarValue::ofInt(int64_t(u));
            return ScalarValue::ofReal(double(u));
        }
        case json::value_t::number_float: return ScalarValue::ofReal(v.get<double>());
        case json::value_t::string: return ScalarValue::ofString(v.get<std::string>());
        default: return ScalarValue::ofString(jsonText(v));
    }
}

/// An attribute value; nullopt when absent (null).
std::optional<AttrValue> attrValueOf(const json& v, size_t line) {
    AttrValue out;
    out.line = line;
    if (v.is_array()) {
        out.isList = true;
        for (const json& item : v) out.items.push_back(*scalarOf(item, true));
        return out;
    }
    auto s = scalarOf(v, false);
    if (!s) return std::nullopt;
    out.items.push_back(std::move(*s));
    return out;
}

/// The text of a node id or edge key; nullopt for null.
std::optional<std::string> identifierText(const json& v) {
    if (v.is_null()) return std::nullopt;
    if (v.is_string() && !nonFinite(v)) return v.get<std::string>();
    return jsonText(v);
}

}  // namespace

std::vector<Graph> readNodeLinkJson(std::string_view data, const std::string& source,
                                    const ReadOptions& options) {
    requireUtf8(data, source);
    if (trim(data).empty()) throw ParseError(source, 0, "empty file");
    const std::string text = prepare(data, source);
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::parse_error& e) {
        const size_t offset = e.byte > 0 ? e.byte - 1 : 0;
        std::string what = e.what();
        // nlohmann's text: "[json.exception.parse_error.101] parse error at line L, column C: ..."
        const size_t detail = what.find(": ", what.find("column"));
        if (detail != std::string::npos) what = what.substr(detail + 2);
        const size_t lineStart = text.find_last_of("\n\r", offset == 0 ? 0 : offset - 1);
        const size_t column = lineStart == std::string::npos ? offset + 1 : offset - lineStart;
        throw ParseError(source, lineAt(text, offset),
                         "column " + std::to_string(column) + ": " + what);
    } catch (const json::exception& e) {
        // Not a syntax error but a value the parser cannot hold (a number out of range, ...).
        std::string what = e.what();
        if (const size_t bracket = what.find("] "); bracket != std::string::npos)
            what = what.substr(bracket + 2);
        throw ParseError(source, 0, what);
    }
    if (!doc.is_object()) throw ParseError(source, 1, "the top level must be an object {...}");
    auto nodesIt = doc.find("nodes");
    if (nodesIt == doc.end()) throw ParseError(source, 1, "no \"nodes\" array");
    if (!nodesIt->is_array()) throw ParseError(source, 1, "\"nodes\" must be an array");
    const char* linksName = doc.contains("links") ? "links" : "edges";
    auto linksIt = doc.find(linksName);
    if (linksIt != doc.end() && !linksIt->is_array() && !linksIt->is_null())
        throw ParseError(source, 1, std::string("\"") + linksName + "\" must be an array");

    const std::vector<size_t> nodeOffsets = elementOffsets(text, "nodes");
    const std::vector<size_t> linkOffsets = elementOffsets(text, linksName);
    auto nodeLine = [&](size_t i) { return i < nodeOffsets.size() ? lineAt(text, nodeOffsets[i]) : 0; };
    auto linkLine = [&](size_t i) { return i < linkOffsets.size() ? lineAt(text, linkOffsets[i]) : 0; };

    auto flag = [&](const char* name) {
        auto it = doc.find(name);
        if (it == doc.end() || it->is_null()) return false;
        if (it->is_boolean()) return it->get<bool>();
        if (it->is_number()) return it->get<double>() != 0;
        throw ParseError(source, 1, std::string("\"") + name + "\" must be true or false");
    };
    const bool directed = flag("directed");
    const bool multigraph = flag("multigraph");

    const json& nodes = *nodesIt;
    if (nodes.size() > options.limits.maxNodes)
        throw ParseError(source, 1, "more than " + std::to_string(options.limits.maxNodes) + " nodes");
    bool anyId = false;
    for (const json& n : nodes) anyId = anyId || (n.is_object() && n.contains("id"));

    Graph g(directed);
    g.addNodes(nodes.size());
    std::vector<std::string> ids(anyId ? nodes.size() : 0);
    std::unordered_map<std::string, NodeId> byId;
    AttrValueCollector nodeAttrs;
    for (size_t i = 0; i < nodes.size(); ++i) {
        const json& n = nodes[i];
        if (!n.is_object()) throw ParseError(source, nodeLine(i), "node " + std::to_string(i) + " is not an object");
        for (const auto& [name, value] : n.items()) {
            if (name == "id") continue;
            if (auto v = attrValueOf(value, nodeLine(i))) nodeAttrs.add(uint32_t(i), name, std::move(*v));
        }
        if (!anyId) continue;
        auto idIt = n.find("id");
        std::optional<std::string> id = idIt == n.end() ? std::nullopt : identifierText(*idIt);
        if (!id) throw ParseError(source, nodeLine(i), "node " + std::to_string(i) + " has no \"id\"");
        if (!byId.emplace(*id, NodeId(i)).second)
            throw ParseError(source, nodeLine(i), "duplicate node id " + *id);
        ids[i] = std::move(*id);
    }
    bool idsAreIndices = true;
    for (size_t i = 0; i < ids.size() && idsAreIndices; ++i) idsAreIndices = ids[i] == std::to_string(i);
    if (!idsAreIndices)
        for (size_t i = 0; i < ids.size(); ++i) g.setNodeKey(NodeId(i), ids[i]);

    AttrValueCollector edgeAttrs;
    if (linksIt != doc.end() && linksIt->is_array()) {
        const json& links = *linksIt;
        if (links.size() > options.limits.maxEdges)
            throw ParseError(source, 1, "more than " + std::to_string(options.limits.maxEdges) + " edges");
        g.reserveEdges(links.size());
        for (size_t i = 0; i < links.size(); ++i) {
            const json& l = links[i];
            const size_t line = linkLine(i);
            if (!l.is_object()) throw ParseError(source, line, "link " + std::to_string(i) + " is not an object");
            auto endpoint = [&](const char* which) -> NodeId {
                auto it = l.find(which);
                if (it == l.end() || it->is_null())
                    throw ParseError(source, line, "link " + std::to_string(i) + " has no \"" + which + "\"");
                if (anyId) {
                    auto found = byId.find(*identifierText(*it));
                    if (found == byId.end())
                        throw ParseError(source, line, std::string(which) + " " + jsonText(*it) + " is not the id of a node");
                    return found->second;
                }
                if (!it->is_number_integer() || it->get<int64_t>() < 0 ||
                    uint64_t(it->get<int64_t>()) >= nodes.size())
                    throw ParseError(source, line,
                                     std::string(which) + " " + jsonText(*it) + " is not an index into \"nodes\" (0.." +
                                         std::to_string(nodes.size()) + ")");
                return NodeId(it->get<int64_t>());
            };
            const NodeId src = endpoint("source");
            const NodeId dst = endpoint("target");
            const EdgeId e = g.addEdge(src, dst);
            for (const auto& [name, value] : l.items()) {
                if (name == "source" || name == "target") continue;
                if (multigraph && name == "key") {
                    if (auto key = identifierText(value)) g.setEdgeKey(e, *key);
                    continue;
                }
                if (auto v = attrValueOf(value, line)) edgeAttrs.add(e, name, std::move(*v));
            }
        }
    }

    AttrValueCollector graphAttrs;
    if (auto it = doc.find("graph"); it != doc.end()) {
        if (it->is_object()) {
            for (const auto& [name, value] : it->items())
                if (auto v = attrValueOf(value, 1)) graphAttrs.add(0, name, std::move(*v));
        } else if (it->is_array()) {
            // networkx before 2.0 wrote graph attributes as [[name, value], ...].
            for (const json& pair : *it)
                if (pair.is_array() && pair.size() == 2 && pair[0].is_string())
                    if (auto v = attrValueOf(pair[1], 1)) graphAttrs.add(0, pair[0].get<std::string>(), std::move(*v));
        }
    }

    const auto mode = AttrValueCollector::OnWidthMismatch::Error;
    nodeAttrs.build(g.nodeAttrs(), mode, source, [&](uint32_t v) { return "node " + g.nodeKey(v); });
    edgeAttrs.build(g.edgeAttrs(), mode, source, [&](uint32_t e) {
        return "link " + std::to_string(e) + " (" + g.nodeKey(g.edge(e).src) + " - " + g.nodeKey(g.edge(e).dst) + ")";
    });
    graphAttrs.build(g.graphAttrs(), mode, source, [](uint32_t) { return std::string("graph"); });
    std::vector<Graph> graphs;
    graphs.push_back(std::move(g));
    return graphs;
}

// ---- Writing ------------------------------------------------------------------------------

namespace {

std::string quoteJson(const std::string& s) {
    return json(s).dump(-1, ' ', false, json::error_handler_t::replace);
}

/// A real as Python's json writes it: non-finite as NaN / Infinity, finite with a '.' or an
/// exponent so that it reads back as a float.
std::string jsonReal(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
    std::string t = formatReal(v);
    if (t.find_first_of(".eE") == std::string::npos) t += ".0";
    return t;
}

/// An id or key: a JSON integer when the text is one, else a string.
std::string identifierJson(const std::string& text) {
    auto v = parseInt(text);
    if (v && std::to_string(*v) == text) return text;
    return quoteJson(text);
}

std::string valueJson(const AttrColumn& c, size_t i) {
    if (c.kind == AttrKind::String) return quoteJson(c.stringAt(i));
    std::string out;
    if (c.width != 1) out += '[';
    for (uint32_t k = 0; k < c.width; ++k) {
        if (k) out += ", ";
        if (c.kind == AttrKind::Continuous) out += jsonReal(c.realAt(i, k));
        else if (c.hint == AttrTypeHint::Boolean) out += c.intAt(i, k) ? "true" : "false";
        else out += std::to_string(c.intAt(i, k));
    }
    if (c.width != 1) out += ']';
    return out;
}

/// `"name": value` members for element i, each preceded by ", ".
void writeMembers(const AttrTable& table, size_t i, std::initializer_list<std::string_view> reserved,
                  std::string& out) {
    for (const AttrColumn& c : table.columns()) {
        if (!c.has(i) || std::find(reserved.begin(), reserved.end(), c.name) != reserved.end()) continue;
        out += ", " + quoteJson(c.name) + ": " + valueJson(c, i);
    }
}

}  // namespace

// networkx node_link_data layout with "links". Attribute columns named like the layout's own
// fields ("id", "source", "target", "key") cannot be written and are left out.
std::string writeNodeLinkJson(const Graph& graph) {
    const bool multigraph = graph.hasEdgeKeys() || graph.hasMultiEdges();
    std::string out = "{\"directed\": ";
    out += graph.directed() ? "true" : "false";
    out += ", \"multigraph\": ";
    out += multigraph ? "true" : "false";
    out += ", \"graph\": {";
    std::string members;
    writeMembers(graph.graphAttrs(), 0, {}, members);
    if (!members.empty()) out += members.substr(2);
    out += "},\n\"nodes\": [";
    for (NodeId v = 0; v < graph.nodeCount(); ++v) {
        out += v ? ",\n" : "\n";
        out += "{\"id\": " + identifierJson(graph.nodeKey(v));
        writeMembers(graph.nodeAttrs(), v, {"id"}, out);
        out += "}";
    }
    out += "],\n\"links\": [";
    for (EdgeId e = 0; e < graph.edgeCount(); ++e) {
        const Edge& edge = graph.edge(e);
        out += e ? ",\n" : "\n";
        out += "{\"source\": " + identifierJson(graph.nodeKey(edge.src)) +
               ", \"target\": " + identifierJson(graph.nodeKey(edge.dst));
        if (multigraph && graph.hasEdgeKeys() && !graph.edgeKey(e).empty())
            out += ", \"key\": " + identifierJson(graph.edgeKey(e));
        if (multigraph) writeMembers(graph.edgeAttrs(), e, {"source", "target", "key"}, out);
        else writeMembers(graph.edgeAttrs(), e, {"source", "target"}, out);
        out += "}";
    }
    out += "]}\n";
    return out;
}

}  // namespace gts::io::detail
