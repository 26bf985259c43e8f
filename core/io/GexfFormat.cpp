// GEXF 1.1, 1.2 and 1.3 (https://gexf.net) as written by Gephi 0.9/0.10 and networkx. Reader:
// typed <attributes> with defaults, node and edge labels, edge weights and per-edge types, the
// viz module (position, colour, size; edge colour and thickness) matched by local name whatever
// its prefix or namespace version. `count` attributes are ignored: sizes come from the elements
// present. Writer: GEXF 1.3 with viz for the pos/color/size columns; vector columns other than
// those become one scalar attribute per component ("feat.0", "feat.1", ...), gathered back on
// reading.

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "graph/AttrNames.h"
#include "io/Formats.h"
#include "io/TextInput.h"
#include "io/XmlGraphSupport.h"

namespace gts::io::detail {

namespace {

constexpr const char* kTypeColumn = "type";         // per-edge type when edges mix types
constexpr const char* kThickness = "thickness";     // edge viz:thickness
constexpr double kOpaque = 1.0;                     // viz:color a when absent

struct AttrDecl {
    std::string id;
    std::string title;
    std::string typeName;
    AttrKind kind = AttrKind::String;
    AttrTypeHint hint = AttrTypeHint::String;
    std::optional<std::string> defaultText;
    size_t line = 0;
    size_t column = 0;  // index in the scope's AttrTable, set when columns are made
};

std::string lowerAscii(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

/// GEXF data types. The list and date types are kept as their text.
void setTypeFromName(AttrDecl& decl) {
    const std::string t = lowerAscii(decl.typeName);
    if (t == "integer" || t == "int" || t == "short" || t == "byte")
        decl.kind = AttrKind::Discrete, decl.hint = AttrTypeHint::Int;
    else if (t == "long" || t == "biginteger")
        decl.kind = AttrKind::Discrete, decl.hint = AttrTypeHint::Long;
    else if (t == "boolean")
        decl.kind = AttrKind::Discrete, decl.hint = AttrTypeHint::Boolean;
    else if (t == "float")
        decl.kind = AttrKind::Continuous, decl.hint = AttrTypeHint::Float;
    else if (t == "double" || t == "bigdecimal")
        decl.kind = AttrKind::Continuous, decl.hint = AttrTypeHint::Double;
    else
        decl.kind = AttrKind::String, decl.hint = AttrTypeHint::String;
}

/// Values one viz element kind gave, per element, before they become a column.
struct VizValues {
    uint32_t width = 0;
    std::vector<double> values;    // [count * width]
    std::vector<uint8_t> present;  // [count]
    bool used = false;

    explicit VizValues(uint32_t w) : width(w) {}
    void resize(size_t n) {
        values.assign(n * width, 0.0);
        present.assign(n, 0);
    }
    void set(size_t i, std::initializer_list<double> v) {
        std::copy(v.begin(), v.end(), values.begin() + i * width);
        present[i] = 1;
        used = true;
    }
    /// Adds the column with its first `keep` components (`keep` <= width).
    void addTo(AttrTable& table, const char* name, uint32_t keep) const {
        if (!used) return;
        AttrColumn& col = table.add(name, AttrKind::Continuous, keep, AttrTypeHint::Double);
        for (size_t i = 0; i < present.size(); ++i) {
            if (!present[i]) continue;
            for (uint32_t k = 0; k < keep; ++k) col.setReal(i, values[i * width + k], k);
        }
    }
};

class GexfReader {
public:
    GexfReader(std::string_view data, const std::string& source, const ReadOptions& options)
        : data_(data), source_(source), options_(options) {}

    std::vector<Graph> read() {
        pugi::xml_document doc;
        const pugi::xml_node root = xml::loadRoot(doc, data_, source_, "gexf", "GEXF", prefix_);

        pugi::xml_node graphEl, metaEl;
        for (pugi::xml_node el = root.first_child(); el; el = el.next_sibling()) {
            if (is(el, "graph") && !graphEl) graphEl = el;
            if (is(el, "meta") && !metaEl) metaEl = el;
        }
        if (!graphEl) fail(root, "no <graph> element in the document");

        std::vector<Graph> graphs;
        graphs.push_back(readGraph(graphEl, metaEl));
        return graphs;
    }

private:
    [[noreturn]] void fail(const pugi::xml_node& at, const std::string& what) const {
        throw ParseError(source_, xml::lineOf(data_, at), what);
    }

    bool is(const pugi::xml_node& el, const char* local) const {
        return xml::isElement(el, prefix_, local);
    }

    /// A viz element: matched by the name after the colon, since the viz prefix and namespace
    /// differ between GEXF versions and writers.
    static bool isViz(const pugi::xml_node& el, const char* local) {
        return el.type() == pugi::node_element && xml::localName(el.name()) == local;
    }

    double realAttr(const pugi::xml_node& el, const char* name, double fallback) const {
        const pugi::xml_attribute a = el.attribute(name);
        if (!a) return fallback;
        const auto v = parseReal(a.value());
        if (!v)
            fail(el, std::string("<") + el.name() + "> attribute " + name + " is '" + a.value() +
                         "', not a number");
        return *v;
    }

    void readDeclarations(const pugi::xml_node& graphEl) {
        for (pugi::xml_node group = graphEl.first_child(); group; group = group.next_sibling()) {
            if (!is(group, "attributes")) continue;
            const std::string cls =
                group.attribute("class") ? group.attribute("class").value() : "node";
            std::vector<AttrDecl>* decls = cls == "node" ? &nodeDecls_
                                          : cls == "edge" ? &edgeDecls_
                                                          : nullptr;
            if (!decls) continue;  // graph-level attribute classes hold no element values
            for (pugi::xml_node a = group.first_child(); a; a = a.next_sibling()) {
                if (!is(a, "attribute")) continue;
                AttrDecl decl;
                decl.line = xml::lineOf(data_, a);
                decl.id = a.attribute("id").value();
                if (decl.id.empty()) fail(a, "<attribute> without an id");
                auto& index = decls == &nodeDecls_ ? nodeDeclIndex_ : edgeDeclIndex_;
                if (!index.emplace(decl.id, decls->size()).second)
                    fail(a, cls + " attribute id '" + decl.id + "' is declared twice");
                decl.title = a.attribute("title") ? a.attribute("title").value() : decl.id;
                decl.typeName = a.attribute("type") ? a.attribute("type").value() : "string";
                setTypeFromName(decl);
                for (pugi::xml_node d = a.first_child(); d; d = d.next_sibling())
                    if (is(d, "default")) decl.defaultText = xml::directText(d);
                if (decl.defaultText) {
                    AttrColumn probe;
                    probe.kind = decl.kind;
                    probe.hint = decl.hint;
                    probe.resize(1);
                    if (!xml::setFromText(probe, 0, *decl.defaultText))
                        fail(a, "default '" + *decl.defaultText + "' of attribute '" +
                                    decl.title + "' is not a " + decl.typeName);
                }
                decls->push_back(std::move(decl));
            }
        }
    }

    void makeColumns(AttrTable& table, std::vector<AttrDecl>& decls) {
        for (AttrDecl& d : decls) {
            try {
                AttrColumn& col = table.add(d.title, d.kind, 1, d.hint);
                if (d.defaultText && !col.defaultText) col.defaultText = d.defaultText;
            } catch (const std::invalid_argument&) {
                throw ParseError(source_, d.line,
                                 "attribute '" + d.title + "' is declared twice with other types");
            }
            const AttrColumns& cols = table.columns();
            d.column = size_t(std::find_if(cols.begin(), cols.end(),
                                           [&](const AttrColumn& c) { return c.name == d.title; }) -
                              cols.begin());
        }
    }

    /// A column the format defines outside <attributes> (label, weight, ...).
    AttrColumn& builtinColumn(AttrTable& table, const char* name, AttrKind kind,
                              AttrTypeHint hint, const pugi::xml_node& at) {
        try {
            return table.add(name, kind, 1, hint);
        } catch (const std::invalid_argument&) {
            fail(at, std::string("attribute '") + name + "' is declared with a type that does "
                     "not fit the GEXF " + name);
        }
    }

    void readAttValues(const pugi::xml_node& el, AttrTable& table,
                       const std::vector<AttrDecl>& decls, size_t index, const char* scope) {
        for (pugi::xml_node group = el.first_child(); group; group = group.next_sibling()) {
            if (!is(group, "attvalues")) continue;
            for (pugi::xml_node av = group.first_child(); av; av = av.next_sibling()) {
                if (!is(av, "attvalue")) continue;
                // GEXF 1.1+ names the attribute with `for`, 1.0 with `id`.
                pugi::xml_attribute ref = av.attribute("for");
                if (!ref) ref = av.attribute("id");
                if (!ref) fail(av, "<attvalue> without a for attribute");
                const auto& byId = &decls == &nodeDecls_ ? nodeDeclIndex_ : edgeDeclIndex_;
                const auto found = byId.find(ref.value());
                const AttrDecl* decl = found == byId.end() ? nullptr : &decls[found->second];
                if (!decl)
                    fail(av, std::string("<attvalue> for '") + ref.value() + "': no " + scope +
                                 " attribute has that id");
                const pugi::xml_attribute value = av.attribute("value");
                if (!value) fail(av, "<attvalue> without a value");
                if (!xml::setFromText(table.columns()[decl->column], index, value.value()))
                    fail(av, std::string("value '") + value.value() + "' of " + scope +
                                 " attribute '" + decl->title + "' is not a " + decl->typeName);
            }
        }
    }

    /// viz:color as r, g, b (0..255) and a (0..1), or as hex="#rrggbb" (GEXF 1.3).
    std::array<double, 4> readColor(const pugi::xml_node& el) const {
        std::array<double, 4> rgba{0, 0, 0, realAttr(el, "a", kOpaque)};
        if (const pugi::xml_attribute hex = el.attribute("hex")) {
            std::string_view h = trim(hex.value());
            if (!h.empty() && h[0] == '#') h.remove_prefix(1);
            unsigned long v = 0;
            bool ok = h.size() == 6;
            for (char c : h) {
                if (!std::isxdigit(static_cast<unsigned char>(c))) ok = false;
            }
            if (!ok) fail(el, std::string("viz:color hex is '") + hex.value() + "', not #rrggbb");
            v = std::stoul(std::string(h), nullptr, 16);
            rgba[0] = double((v >> 16) & 0xFF);
            rgba[1] = double((v >> 8) & 0xFF);
            rgba[2] = double(v & 0xFF);
            return rgba;
        }
        rgba[0] = realAttr(el, "r", 0);
        rgba[1] = realAttr(el, "g", 0);
        rgba[2] = realAttr(el, "b", 0);
        return rgba;
    }

    Graph readGraph(const pugi::xml_node& graphEl, const pugi::xml_node& metaEl) {
        const std::string defaultType =
            graphEl.attribute("defaultedgetype") ? graphEl.attribute("defaultedgetype").value()
                                                 : "undirected";
        auto validType = [](const std::string& t) {
            return t == "directed" || t == "undirected" || t == "mutual";
        };
        if (!validType(defaultType))
            fail(graphEl, "defaultedgetype is '" + defaultType +
                              "', not directed, undirected or mutual");

        Graph g(defaultType == "directed");
        if (metaEl)
            for (pugi::xml_node t = metaEl.first_child(); t; t = t.next_sibling())
                if (is(t, "title") && !xml::directText(t).empty()) g.setName(xml::directText(t));
        if (const pugi::xml_attribute name = graphEl.attribute("name"); name && *name.value())
            g.setName(name.value());  // networkx writes the graph's name here

        readDeclarations(graphEl);

        // Nodes, with those nested in a node's own <nodes> (hierarchical graphs) flattened.
        std::vector<pugi::xml_node> nodeEls, edgeEls;
        std::vector<pugi::xml_node> pending;
        for (pugi::xml_node el = graphEl.first_child(); el; el = el.next_sibling()) {
            if (is(el, "nodes")) pending.push_back(el.first_child());
            if (is(el, "edges"))
                for (pugi::xml_node e = el.first_child(); e; e = e.next_sibling()) {
                    if (!is(e, "edge")) continue;
                    edgeEls.push_back(e);
                    if (edgeEls.size() > options_.limits.maxEdges)
                        fail(e, "more than " + std::to_string(options_.limits.maxEdges) + " edges");
                }
        }
        std::reverse(pending.begin(), pending.end());
        while (!pending.empty()) {
            const pugi::xml_node el = pending.back();
            if (!el) {
                pending.pop_back();
                continue;
            }
            pending.back() = el.next_sibling();
            if (!is(el, "node")) continue;
            nodeEls.push_back(el);
            if (nodeEls.size() > options_.limits.maxNodes)
                fail(el, "more than " + std::to_string(options_.limits.maxNodes) + " nodes");
            for (pugi::xml_node c = el.first_child(); c; c = c.next_sibling())
                if (is(c, "nodes")) pending.push_back(c.first_child());
        }

        std::unordered_map<std::string_view, NodeId> nodeIndex;
        xml::addNodesById(g, nodeEls, data_, source_, nodeIndex);

        AttrTable& nodes = g.nodeAttrs();
        makeColumns(nodes, nodeDecls_);
        VizValues pos(3), color(4), size(1);
        pos.resize(nodeEls.size());
        color.resize(nodeEls.size());
        size.resize(nodeEls.size());
        bool anyZ = false;
        for (size_t v = 0; v < nodeEls.size(); ++v) {
            const pugi::xml_node el = nodeEls[v];
            if (const pugi::xml_attribute label = el.attribute("label"))
                builtinColumn(nodes, attr::kLabel, AttrKind::String, AttrTypeHint::String, el)
                    .setString(v, label.value());
            readAttValues(el, nodes, nodeDecls_, v, "node");
            for (pugi::xml_node c = el.first_child(); c; c = c.next_sibling()) {
                if (isViz(c, "position")) {
                    anyZ = anyZ || c.attribute("z");
                    pos.set(v, {realAttr(c, "x", 0), realAttr(c, "y", 0), realAttr(c, "z", 0)});
                } else if (isViz(c, "color")) {
                    const auto rgba = readColor(c);
                    color.set(v, {rgba[0], rgba[1], rgba[2], rgba[3]});
                } else if (isViz(c, "size")) {
                    size.set(v, {realAttr(c, "value", 0)});
                }
            }
        }
        try {
            pos.addTo(nodes, attr::kPos, anyZ ? 3 : 2);
            color.addTo(nodes, attr::kColor, 4);
            size.addTo(nodes, attr::kSize, 1);
        } catch (const std::invalid_argument& e) {
            fail(graphEl, std::string("a node attribute clashes with viz data: ") + e.what());
        }

        g.reserveEdges(edgeEls.size());
        std::vector<std::string> edgeTypes(edgeEls.size());
        bool mixed = false;
        for (size_t e = 0; e < edgeEls.size(); ++e) {
            const pugi::xml_node el = edgeEls[e];
            const NodeId src = xml::edgeEndpoint(el, "source", nodeIndex, data_, source_);
            const NodeId dst = xml::edgeEndpoint(el, "target", nodeIndex, data_, source_);
            g.addEdge(src, dst);
            if (const pugi::xml_attribute id = el.attribute("id")) g.setEdgeKey(EdgeId(e), id.value());
            edgeTypes[e] = el.attribute("type") ? el.attribute("type").value() : defaultType;
            if (!validType(edgeTypes[e]))
                fail(el, "edge type is '" + edgeTypes[e] + "', not directed, undirected or mutual");
            if (edgeTypes[e] != edgeTypes[0]) mixed = true;
        }
        // Edges that all share one type decide direction even against defaultedgetype;
        // mixed types keep the default and each edge's type as an attribute.
        if (!edgeTypes.empty() && !mixed) g.setDirected(edgeTypes[0] == "directed");

        AttrTable& edges = g.edgeAttrs();
        makeColumns(edges, edgeDecls_);
        VizValues edgeColor(4), thickness(1);
        edgeColor.resize(edgeEls.size());
        thickness.resize(edgeEls.size());
        for (size_t e = 0; e < edgeEls.size(); ++e) {
            const pugi::xml_node el = edgeEls[e];
            if (el.attribute("weight"))
                builtinColumn(edges, attr::kWeight, AttrKind::Continuous, AttrTypeHint::Double, el)
                    .setReal(e, realAttr(el, "weight", 1.0));
            if (const pugi::xml_attribute label = el.attribute("label"))
                builtinColumn(edges, attr::kLabel, AttrKind::String, AttrTypeHint::String, el)
                    .setString(e, label.value());
            if (mixed)
                builtinColumn(edges, kTypeColumn, AttrKind::String, AttrTypeHint::String, el)
                    .setString(e, edgeTypes[e]);
            readAttValues(el, edges, edgeDecls_, e, "edge");
            for (pugi::xml_node c = el.first_child(); c; c = c.next_sibling()) {
                if (isViz(c, "color")) {
                    const auto rgba = readColor(c);
                    edgeColor.set(e, {rgba[0], rgba[1], rgba[2], rgba[3]});
                } else if (isViz(c, "thickness")) {
                    thickness.set(e, {realAttr(c, "value", 0)});
                }
            }
        }
        try {
            edgeColor.addTo(edges, attr::kColor, 4);
            thickness.addTo(edges, kThickness, 1);
        } catch (const std::invalid_argument& e) {
            fail(graphEl, std::string("an edge attribute clashes with viz data: ") + e.what());
        }

        for (AttrColumn& c : nodes.columns()) xml::applyDefault(c);  // defaults checked above
        for (AttrColumn& c : edges.columns()) xml::applyDefault(c);
        xml::gatherComponentColumns(nodes);
        xml::gatherComponentColumns(edges);
        return g;
    }

    std::string_view data_;
    const std::string& source_;
    const ReadOptions& options_;
    std::string prefix_;
    std::vector<AttrDecl> nodeDecls_, edgeDecls_;
    std::unordered_map<std::string, size_t> nodeDeclIndex_, edgeDeclIndex_;  // id -> decl
};

// Writing ----------------------------------------------------------------------------------

const char* gexfType(const AttrColumn& col) {
    switch (col.kind) {
        case AttrKind::String: return "string";
        case AttrKind::Continuous: return col.hint == AttrTypeHint::Float ? "float" : "double";
        case AttrKind::Discrete:
            if (col.hint == AttrTypeHint::Boolean) return "boolean";
            if (col.hint == AttrTypeHint::Long || !xml::fitsInt32(col)) return "long";
            return "integer";
    }
    return "string";
}

/// Columns the writer expresses with GEXF's own attributes or viz elements.
bool isVizColumn(const AttrColumn& c, bool node) {
    if (c.kind != AttrKind::Continuous) return false;
    if (c.name == attr::kColor) return c.width == 3 || c.width == 4;
    if (node && c.name == attr::kPos) return c.width == 2 || c.width == 3;
    if (node && c.name == attr::kSize) return c.width == 1;
    if (!node && c.name == kThickness) return c.width == 1;
    return false;
}

bool isEdgeTypeColumn(const AttrColumn& c) {
    if (c.name != kTypeColumn || c.kind != AttrKind::String) return false;
    for (size_t i = 0; i < c.size(); ++i)
        if (c.has(i) && c.stringAt(i) != "directed" && c.stringAt(i) != "undirected" &&
            c.stringAt(i) != "mutual")
            return false;
    return true;
}

bool isBuiltin(const AttrColumn& c, bool node) {
    if (isVizColumn(c, node)) return true;
    if (c.name == attr::kLabel && c.kind == AttrKind::String) return true;
    if (!node && c.name == attr::kWeight && c.kind == AttrKind::Continuous && c.width == 1)
        return true;
    return !node && isEdgeTypeColumn(c);
}

struct AttrOut {
    const AttrColumn* column;
    uint32_t component;
    std::string id;
};

std::vector<AttrOut> declareAttributes(std::string& out, const AttrTable& table, bool node) {
    std::vector<AttrOut> attrs;
    for (const AttrColumn& c : table.columns()) {
        if (isBuiltin(c, node)) continue;
        for (uint32_t k = 0; k < c.width; ++k) attrs.push_back({&c, k, std::to_string(attrs.size())});
    }
    if (attrs.empty()) return attrs;
    out += node ? "    <attributes class=\"node\" mode=\"static\">\n"
                : "    <attributes class=\"edge\" mode=\"static\">\n";
    for (const AttrOut& a : attrs) {
        const AttrColumn& c = *a.column;
        out += "      <attribute id=\"" + a.id + "\" title=\"";
        xml::appendEscaped(out, c.width == 1 ? c.name : xml::componentName(c.name, a.component),
                           true);
        out += std::string("\" type=\"") + gexfType(c) + "\"";
        if (c.width == 1 && c.defaultText) {
            out += "><default>";
            xml::appendEscaped(out, *c.defaultText, false);
            out += "</default></attribute>\n";
        } else {
            out += "/>\n";
        }
    }
    out += "    </attributes>\n";
    return attrs;
}

void writeAttValues(std::string& out, const std::vector<AttrOut>& attrs, size_t i) {
    bool open = false;
    for (const AttrOut& a : attrs) {
        if (!a.column->has(i)) continue;
        if (!open) out += "        <attvalues>\n";
        open = true;
        out += "          <attvalue for=\"" + a.id + "\" value=\"";
        xml::appendEscaped(out, xml::valueText(*a.column, i, a.component), true);
        out += "\"/>\n";
    }
    if (open) out += "        </attvalues>\n";
}

void writeColor(std::string& out, const AttrColumn& c, size_t i) {
    auto channel = [&](uint32_t k) {
        const double v = c.realAt(i, k);
        return std::to_string(std::isfinite(v) ? long(std::lround(std::clamp(v, 0.0, 255.0))) : 0);
    };
    out += "        <viz:color r=\"" + channel(0) + "\" g=\"" + channel(1) + "\" b=\"" +
           channel(2) + "\"";
    if (c.width == 4) out += " a=\"" + xml::valueText(c, i, 3) + "\"";
    out += "/>\n";
}

const AttrColumn* findViz(const AttrTable& table, const char* name, bool node) {
    const AttrColumn* c = table.find(name);
    return c && isVizColumn(*c, node) ? c : nullptr;
}

}  // namespace

std::vector<Graph> readGexf(std::string_view data, const std::string& source,
                            const ReadOptions& options) {
    return GexfReader(data, source, options).read();
}

std::string writeGexf(const Graph& g) {
    std::vector<std::string> nodeIds(g.nodeCount());
    std::unordered_set<std::string_view> seen;
    seen.reserve(g.nodeCount());
    for (NodeId v = 0; v < g.nodeCount(); ++v) {
        nodeIds[v] = g.nodeKey(v);
        if (!seen.insert(nodeIds[v]).second)
            throw std::invalid_argument("gexf: node key '" + nodeIds[v] + "' names two nodes");
    }
    // GEXF edge ids are unique; keys that repeat (networkx multigraph keys) give way to indices.
    bool edgeKeysUsable = g.hasEdgeKeys();
    std::unordered_set<std::string> edgeKeys;
    for (EdgeId e = 0; e < g.edgeCount() && edgeKeysUsable; ++e) {
        const std::string key = g.edgeKey(e);
        edgeKeysUsable = !key.empty() && edgeKeys.insert(key).second;
    }

    std::string out;
    out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += "<gexf xmlns=\"http://gexf.net/1.3\" xmlns:viz=\"http://gexf.net/1.3/viz\" "
           "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
           "xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" "
           "version=\"1.3\">\n";
    out += "  <meta>\n    <creator>GTScope</creator>\n  </meta>\n";
    out += g.directed() ? "  <graph defaultedgetype=\"directed\" mode=\"static\">\n"
                        : "  <graph defaultedgetype=\"undirected\" mode=\"static\">\n";
    const std::vector<AttrOut> nodeAttrs = declareAttributes(out, g.nodeAttrs(), true);
    const std::vector<AttrOut> edgeAttrs = declareAttributes(out, g.edgeAttrs(), false);

    const AttrColumn* label = g.nodeAttrs().find(attr::kLabel);
    if (label && label->kind != AttrKind::String) label = nullptr;
    const AttrColumn* pos = findViz(g.nodeAttrs(), attr::kPos, true);
    const AttrColumn* color = findViz(g.nodeAttrs(), attr::kColor, true);
    const AttrColumn* size = findViz(g.nodeAttrs(), attr::kSize, true);
    out += "    <nodes count=\"" + std::to_string(g.nodeCount()) + "\">\n";
    for (NodeId v = 0; v < g.nodeCount(); ++v) {
        out += "      <node id=\"";
        xml::appendEscaped(out, nodeIds[v], true);
        out += "\"";
        if (label && label->has(v)) {
            out += " label=\"";
            xml::appendEscaped(out, label->stringAt(v), true);
            out += "\"";
        }
        out += ">\n";
        writeAttValues(out, nodeAttrs, v);
        if (size && size->has(v)) out += "        <viz:size value=\"" + xml::valueText(*size, v) + "\"/>\n";
        if (pos && pos->has(v)) {
            out += "        <viz:position x=\"" + xml::valueText(*pos, v, 0) + "\" y=\"" +
                   xml::valueText(*pos, v, 1) + "\"";
            if (pos->width == 3) out += " z=\"" + xml::valueText(*pos, v, 2) + "\"";
            out += "/>\n";
        }
        if (color && color->has(v)) writeColor(out, *color, v);
        out += "      </node>\n";
    }
    out += "    </nodes>\n";

    const AttrColumn* weight = g.edgeAttrs().find(attr::kWeight);
    if (weight && !isBuiltin(*weight, false)) weight = nullptr;
    const AttrColumn* edgeLabel = g.edgeAttrs().find(attr::kLabel);
    if (edgeLabel && edgeLabel->kind != AttrKind::String) edgeLabel = nullptr;
    const AttrColumn* type = g.edgeAttrs().find(kTypeColumn);
    if (type && !isEdgeTypeColumn(*type)) type = nullptr;
    const AttrColumn* edgeColor = findViz(g.edgeAttrs(), attr::kColor, false);
    const AttrColumn* thickness = findViz(g.edgeAttrs(), kThickness, false);
    out += "    <edges count=\"" + std::to_string(g.edgeCount()) + "\">\n";
    for (EdgeId e = 0; e < g.edgeCount(); ++e) {
        out += "      <edge id=\"";
        xml::appendEscaped(out, edgeKeysUsable ? g.edgeKey(e) : std::to_string(e), true);
        out += "\" source=\"";
        xml::appendEscaped(out, nodeIds[g.edge(e).src], true);
        out += "\" target=\"";
        xml::appendEscaped(out, nodeIds[g.edge(e).dst], true);
        out += "\"";
        if (weight && weight->has(e)) out += " weight=\"" + xml::valueText(*weight, e) + "\"";
        if (edgeLabel && edgeLabel->has(e)) {
            out += " label=\"";
            xml::appendEscaped(out, edgeLabel->stringAt(e), true);
            out += "\"";
        }
        if (type && type->has(e)) out += " type=\"" + type->stringAt(e) + "\"";
        const bool hasChildren = (edgeColor && edgeColor->has(e)) ||
                                 (thickness && thickness->has(e)) ||
                                 std::any_of(edgeAttrs.begin(), edgeAttrs.end(),
                                             [&](const AttrOut& a) { return a.column->has(e); });
        if (!hasChildren) {
            out += "/>\n";
            continue;
        }
        out += ">\n";
        writeAttValues(out, edgeAttrs, e);
        if (edgeColor && edgeColor->has(e)) writeColor(out, *edgeColor, e);
        if (thickness && thickness->has(e))
            out += "        <viz:thickness value=\"" + xml::valueText(*thickness, e) + "\"/>\n";
        out += "      </edge>\n";
    }
    out += "    </edges>\n  </graph>\n</gexf>\n";
    return out;
}

}  // namespace gts::io::detail
