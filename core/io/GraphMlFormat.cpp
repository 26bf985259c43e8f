// GraphML (http://graphml.graphdrawing.org/specification.html) as written by networkx, igraph,
// yEd and Cytoscape. Reader: typed <key> declarations with defaults, one Graph per top-level
// <graph>, nested graphs (yEd group nodes) flattened into their top-level graph, foreign
// content inside <data> (y:ShapeNode, ...) skipped. Writer: one <key> per column and type, and
// one scalar key per component of a vector column ("feat.0", "feat.1", ...), which the reader
// gathers back into a vector.

#include <algorithm>
#include <cctype>
#include <map>
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

constexpr const char* kGraphMlNamespace = "http://graphml.graphdrawing.org/xmlns";
constexpr const char* kGraphMlSchema =
    "http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd";

enum class Scope : uint8_t { Node, Edge, Graph, All, Other };
constexpr size_t kScopeCount = 3;  // Node, Edge, Graph hold columns

struct KeyDecl {
    std::string id;
    std::string name;
    Scope scope = Scope::Other;
    AttrKind kind = AttrKind::String;
    AttrTypeHint hint = AttrTypeHint::String;
    std::optional<std::string> defaultText;
    bool ignored = false;  // yFiles graphics and other data that is not an attribute value
    bool yedNodeGraphics = false;  // yfiles.type="nodegraphics": holds the node's label
    size_t line = 0;
    std::string typeName;
};

const char* scopeName(Scope s) {
    switch (s) {
        case Scope::Node: return "node";
        case Scope::Edge: return "edge";
        case Scope::Graph: return "graph";
        case Scope::All: return "all";
        case Scope::Other: break;
    }
    return "other";
}

std::string lowerAscii(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

/// Reads one document; element names are matched with the root element's namespace prefix
/// (none for every tool we know, but "graphml:node" is legal XML).
class GraphMlReader {
public:
    GraphMlReader(std::string_view data, const std::string& source, const ReadOptions& options)
        : data_(data), source_(source), options_(options) {}

    std::vector<Graph> read() {
        pugi::xml_document doc;
        const pugi::xml_node root = xml::loadRoot(doc, data_, source_, "graphml", "GraphML", prefix_);

        for (pugi::xml_node el = root.first_child(); el; el = el.next_sibling())
            if (is(el, "key")) readKey(el);

        std::vector<Graph> graphs;
        for (pugi::xml_node el = root.first_child(); el; el = el.next_sibling()) {
            if (!is(el, "graph")) continue;
            if (graphs.size() >= options_.limits.maxRecords)
                fail(el, "more than " + std::to_string(options_.limits.maxRecords) + " graphs");
            graphs.push_back(readGraph(el));
        }
        if (graphs.empty()) fail(root, "no <graph> element in the document");
        return graphs;
    }

private:
    [[noreturn]] void fail(const pugi::xml_node& at, const std::string& what) const {
        throw ParseError(source_, xml::lineOf(data_, at), what);
    }

    bool is(const pugi::xml_node& el, const char* local) const {
        return xml::isElement(el, prefix_, local);
    }

    void readKey(const pugi::xml_node& el) {
        KeyDecl key;
        key.line = xml::lineOf(data_, el);
        key.id = el.attribute("id").value();
        if (key.id.empty()) fail(el, "<key> without an id");
        if (keyIndex_.count(key.id)) fail(el, "key id '" + key.id + "' is declared twice");

        const std::string domain = el.attribute("for") ? el.attribute("for").value() : "all";
        if (domain == "node") key.scope = Scope::Node;
        else if (domain == "edge") key.scope = Scope::Edge;
        else if (domain == "graph") key.scope = Scope::Graph;
        else if (domain == "all") key.scope = Scope::All;
        else key.scope = Scope::Other;  // graphml, hyperedge, port, endpoint: not read

        // yEd declares its graphics as keys with yfiles.type and no attr.type; their <data>
        // holds y:* elements, not values.
        if (const pugi::xml_attribute yfiles = el.attribute("yfiles.type")) {
            key.ignored = true;
            key.yedNodeGraphics = std::string_view(yfiles.value()) == "nodegraphics";
        }
        key.name = el.attribute("attr.name") ? el.attribute("attr.name").value() : key.id;

        const std::string type =
            lowerAscii(el.attribute("attr.type") ? el.attribute("attr.type").value() : "string");
        key.typeName = type;
        if (type == "boolean") key.kind = AttrKind::Discrete, key.hint = AttrTypeHint::Boolean;
        else if (type == "int") key.kind = AttrKind::Discrete, key.hint = AttrTypeHint::Int;
        else if (type == "long") key.kind = AttrKind::Discrete, key.hint = AttrTypeHint::Long;
        else if (type == "float") key.kind = AttrKind::Continuous, key.hint = AttrTypeHint::Float;
        else if (type == "double") key.kind = AttrKind::Continuous, key.hint = AttrTypeHint::Double;
        else if (type == "string") key.kind = AttrKind::String, key.hint = AttrTypeHint::String;
        else if (!key.ignored)
            fail(el, "key '" + key.id + "' has attr.type '" + type +
                         "' (GraphML types: boolean, int, long, float, double, string)");

        for (pugi::xml_node d = el.first_child(); d; d = d.next_sibling())
            if (is(d, "default")) key.defaultText = xml::directText(d);
        if (key.defaultText && !key.ignored) {
            AttrColumn probe;
            probe.kind = key.kind;
            probe.hint = key.hint;
            probe.resize(1);
            if (!xml::setFromText(probe, 0, *key.defaultText))
                fail(el, "default '" + *key.defaultText + "' of key '" + key.id +
                             "' is not a " + type);
        }
        keyIndex_.emplace(key.id, keys_.size());
        keys_.push_back(std::move(key));
    }

    /// The column of `key` in one scope of the graph being read, created on first use.
    AttrColumn& columnFor(Graph& g, size_t scope, const KeyDecl& key) {
        AttrTable& table = tableOf(g, scope);
        auto& slot = columnIndex_[scope];
        auto it = slot.find(key.id);
        if (it != slot.end()) return table.columns()[it->second];
        try {
            AttrColumn& col = table.add(key.name, key.kind, 1, key.hint);
            if (key.defaultText && !col.defaultText) col.defaultText = key.defaultText;
        } catch (const std::invalid_argument&) {
            throw ParseError(source_, key.line,
                             std::string("key '") + key.id + "' declares " + scopeName(Scope(scope)) +
                                 " attribute '" + key.name + "' as " + key.typeName +
                                 ", and another key declares it with another type");
        }
        const AttrColumns& cols = table.columns();
        const size_t index = size_t(
            std::find_if(cols.begin(), cols.end(),
                         [&](const AttrColumn& c) { return c.name == key.name; }) -
            cols.begin());
        slot.emplace(key.id, index);
        return table.columns()[index];
    }

    static AttrTable& tableOf(Graph& g, size_t scope) {
        if (scope == size_t(Scope::Node)) return g.nodeAttrs();
        if (scope == size_t(Scope::Edge)) return g.edgeAttrs();
        return g.graphAttrs();
    }

    /// Declared columns exist even when no element has a value.
    void addDeclaredColumns(Graph& g, Scope scope) {
        for (const KeyDecl& key : keys_)
            if (key.scope == scope && !key.ignored) columnFor(g, size_t(scope), key);
    }

    /// Reads the <data> children of one node, edge or graph element.
    void readData(Graph& g, Scope scope, size_t index, const pugi::xml_node& el) {
        for (pugi::xml_node d = el.first_child(); d; d = d.next_sibling()) {
            if (!is(d, "data")) continue;
            const char* keyId = d.attribute("key").value();
            if (!*keyId) fail(d, "<data> without a key attribute");
            auto it = keyIndex_.find(keyId);
            if (it == keyIndex_.end())
                fail(d, std::string("<data> refers to key '") + keyId +
                            "', which no <key> declares");
            const KeyDecl& key = keys_[it->second];
            if (key.yedNodeGraphics && scope == Scope::Node) readYedLabel(g, index, d);
            if (key.ignored || key.scope == Scope::Other) continue;
            AttrColumn& col = columnFor(g, size_t(scope), key);
            const std::string text = xml::directText(d);
            if (!xml::setFromText(col, index, text))
                fail(d, "value '" + text + "' of " + scopeName(scope) + " attribute '" +
                            key.name + "' (key '" + key.id + "') is not a " + key.typeName);
        }
    }

    /// yEd keeps a node's visible text in the first y:NodeLabel of its graphics; it becomes
    /// the "label" attribute unless the node has one already.
    void readYedLabel(Graph& g, size_t index, const pugi::xml_node& data) {
        AttrColumn* label = g.nodeAttrs().find(attr::kLabel);
        if (label && (label->kind != AttrKind::String || label->has(index))) return;
        // Iterative walk of the subtree: graphics may nest deeply and must not use the stack.
        pugi::xml_node el = data.first_child();
        while (el && el != data) {
            if (el.type() == pugi::node_element && xml::localName(el.name()) == "NodeLabel") {
                const std::string text(trim(xml::directText(el)));
                if (text.empty()) break;
                if (!label) label = &g.nodeAttrs().add(attr::kLabel, AttrKind::String, 1,
                                                       AttrTypeHint::String);
                label->setString(index, text);
                return;
            }
            if (el.first_child()) {
                el = el.first_child();
                continue;
            }
            while (el != data && !el.next_sibling()) el = el.parent();
            if (el != data) el = el.next_sibling();
        }
    }

    void applyDefaults(Graph& g, size_t scope) {
        for (const auto& [id, colIndex] : columnIndex_[scope]) {
            const KeyDecl& key = keys_[keyIndex_.at(id)];
            if (!key.defaultText) continue;
            // Two keys may share a column; each fills what is still missing with its own default.
            AttrColumn& col = tableOf(g, scope).columns()[colIndex];
            const std::optional<std::string> declared = col.defaultText;
            col.defaultText = key.defaultText;
            xml::applyDefault(col);  // the text was checked against the type in readKey
            col.defaultText = declared;
        }
    }

    Graph readGraph(const pugi::xml_node& graphEl) {
        for (auto& slot : columnIndex_) slot.clear();
        const std::string edgeDefault = graphEl.attribute("edgedefault").value();
        if (!edgeDefault.empty() && edgeDefault != "directed" && edgeDefault != "undirected")
            fail(graphEl, "edgedefault is '" + edgeDefault + "', not directed or undirected");
        Graph g(edgeDefault == "directed");
        if (graphEl.attribute("id")) g.setName(graphEl.attribute("id").value());

        // Nodes and edges of this graph and of graphs nested in its nodes, in document order.
        std::vector<pugi::xml_node> nodeEls, edgeEls;
        std::vector<pugi::xml_node> pending{graphEl.first_child()};
        while (!pending.empty()) {
            const pugi::xml_node el = pending.back();
            if (!el) {
                pending.pop_back();
                continue;
            }
            pending.back() = el.next_sibling();
            if (is(el, "node")) {
                nodeEls.push_back(el);
                if (nodeEls.size() > options_.limits.maxNodes)
                    fail(el, "more than " + std::to_string(options_.limits.maxNodes) + " nodes");
                for (pugi::xml_node c = el.first_child(); c; c = c.next_sibling())
                    if (is(c, "graph")) pending.push_back(c.first_child());
            } else if (is(el, "edge")) {
                edgeEls.push_back(el);
                if (edgeEls.size() > options_.limits.maxEdges)
                    fail(el, "more than " + std::to_string(options_.limits.maxEdges) + " edges");
            } else if (is(el, "hyperedge")) {
                fail(el, "hyperedges are not supported");
            }
        }

        // Graph-level values belong to the top-level graph only.
        addDeclaredColumns(g, Scope::Graph);
        readData(g, Scope::Graph, 0, graphEl);
        applyDefaults(g, size_t(Scope::Graph));

        std::unordered_map<std::string_view, NodeId> nodeIndex;
        xml::addNodesById(g, nodeEls, data_, source_, nodeIndex);
        addDeclaredColumns(g, Scope::Node);
        for (size_t v = 0; v < nodeEls.size(); ++v) readData(g, Scope::Node, v, nodeEls[v]);
        applyDefaults(g, size_t(Scope::Node));

        g.reserveEdges(edgeEls.size());
        for (const pugi::xml_node& el : edgeEls) {
            const NodeId src = xml::edgeEndpoint(el, "source", nodeIndex, data_, source_);
            const NodeId dst = xml::edgeEndpoint(el, "target", nodeIndex, data_, source_);
            const std::string directed = el.attribute("directed").value();
            if (directed == "true" && !g.directed())
                fail(el, "directed edge in an undirected graph (mixed graphs are not supported)");
            if (directed == "false" && g.directed())
                fail(el, "undirected edge in a directed graph (mixed graphs are not supported)");
            if (!directed.empty() && directed != "true" && directed != "false")
                fail(el, "edge attribute directed is '" + directed + "', not true or false");
            const EdgeId e = g.addEdge(src, dst);
            // networkx writes multigraph edge keys as ids, which repeat across node pairs.
            if (const pugi::xml_attribute id = el.attribute("id")) g.setEdgeKey(e, id.value());
        }
        addDeclaredColumns(g, Scope::Edge);
        for (size_t e = 0; e < edgeEls.size(); ++e) readData(g, Scope::Edge, e, edgeEls[e]);
        applyDefaults(g, size_t(Scope::Edge));

        xml::gatherComponentColumns(g.nodeAttrs());
        xml::gatherComponentColumns(g.edgeAttrs());
        xml::gatherComponentColumns(g.graphAttrs());
        return g;
    }

    std::string_view data_;
    const std::string& source_;
    const ReadOptions& options_;
    std::string prefix_;
    std::vector<KeyDecl> keys_;  // in declaration order, which is the column order
    std::unordered_map<std::string, size_t> keyIndex_;
    std::unordered_map<std::string, size_t> columnIndex_[kScopeCount];
};

// Writing ----------------------------------------------------------------------------------

const char* graphMlType(const AttrColumn& col, bool needsLong) {
    switch (col.kind) {
        case AttrKind::String: return "string";
        case AttrKind::Continuous: return col.hint == AttrTypeHint::Float ? "float" : "double";
        case AttrKind::Discrete:
            if (col.hint == AttrTypeHint::Boolean) return "boolean";
            if (col.hint == AttrTypeHint::Long || needsLong) return "long";
            return "int";
    }
    return "string";
}

struct KeyOut {
    std::string id;
    const char* scope;
    std::string name;
    std::string type;
    std::optional<std::string> defaultText;
};

/// Key declarations for every column of every graph, shared by all graphs of the file.
class KeyPlan {
public:
    explicit KeyPlan(const std::vector<Graph>& graphs) {
        // An untyped integer column is "int" unless some value in some graph needs 64 bits.
        std::map<std::pair<std::string, std::string>, bool> needsLong;
        for (const Graph& g : graphs)
            forEachTable(g, [&](const char* scope, const AttrTable& t) {
                for (const AttrColumn& c : t.columns())
                    if (c.kind == AttrKind::Discrete && !xml::fitsInt32(c))
                        needsLong[{scope, c.name}] = true;
            });
        for (const Graph& g : graphs)
            forEachTable(g, [&](const char* scope, const AttrTable& t) {
                for (const AttrColumn& c : t.columns()) {
                    const bool wide = needsLong.count({scope, c.name}) != 0;
                    std::string type = graphMlType(c, wide);
                    for (uint32_t k = 0; k < c.width; ++k) {
                        const std::string name =
                            c.width == 1 ? c.name : xml::componentName(c.name, k);
                        declare(scope, name, type, c.width == 1 ? c.defaultText : std::nullopt);
                    }
                }
            });
    }

    template <typename F>
    static void forEachTable(const Graph& g, F&& f) {
        f("graph", g.graphAttrs());
        f("node", g.nodeAttrs());
        f("edge", g.edgeAttrs());
    }

    const std::vector<KeyOut>& keys() const { return keys_; }
    const std::string& idOf(const char* scope, const std::string& name) const {
        return keys_[index_.at({scope, name})].id;
    }

private:
    void declare(const char* scope, const std::string& name, const std::string& type,
                 const std::optional<std::string>& defaultText) {
        auto [it, fresh] = index_.emplace(std::make_pair(std::string(scope), name), keys_.size());
        if (fresh) {
            keys_.push_back({"d" + std::to_string(keys_.size()), scope, name, type, defaultText});
            return;
        }
        KeyOut& key = keys_[it->second];
        if (key.type == type) return;
        if ((key.type == "int" && type == "long") || (key.type == "long" && type == "int")) {
            key.type = "long";
            return;
        }
        throw std::invalid_argument(std::string("graphml: ") + scope + " attribute '" + name +
                                    "' is " + key.type + " in one graph and " + type +
                                    " in another");
    }

    std::vector<KeyOut> keys_;
    std::map<std::pair<std::string, std::string>, size_t> index_;
};

void writeAttrs(std::string& out, const KeyPlan& plan, const char* scope, const AttrTable& table,
                size_t i, const char* indent) {
    for (const AttrColumn& c : table.columns()) {
        if (!c.has(i)) continue;
        for (uint32_t k = 0; k < c.width; ++k) {
            const std::string name = c.width == 1 ? c.name : xml::componentName(c.name, k);
            out += indent;
            out += "<data key=\"";
            out += plan.idOf(scope, name);
            out += "\">";
            xml::appendEscaped(out, xml::valueText(c, i, k), false);
            out += "</data>\n";
        }
    }
}

bool hasValues(const AttrTable& table, size_t i) {
    for (const AttrColumn& c : table.columns())
        if (c.has(i)) return true;
    return false;
}

/// A graph id must be an XML NMTOKEN; a name that is not one is not written.
bool isNmToken(std::string_view s) {
    if (s.empty()) return false;
    for (unsigned char c : s)
        if (!(std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == ':' || c >= 0x80))
            return false;
    return true;
}

}  // namespace

std::vector<Graph> readGraphMl(std::string_view data, const std::string& source,
                               const ReadOptions& options) {
    return GraphMlReader(data, source, options).read();
}

std::string writeGraphMl(const std::vector<Graph>& graphs) {
    const KeyPlan plan(graphs);
    std::string out;
    out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += std::string("<graphml xmlns=\"") + kGraphMlNamespace +
           "\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"" +
           kGraphMlSchema + "\">\n";
    for (const KeyOut& key : plan.keys()) {
        out += "  <key id=\"" + key.id + "\" for=\"" + key.scope + "\" attr.name=\"";
        xml::appendEscaped(out, key.name, true);
        out += "\" attr.type=\"" + key.type + "\"";
        if (key.defaultText) {
            out += "><default>";
            xml::appendEscaped(out, *key.defaultText, false);
            out += "</default></key>\n";
        } else {
            out += "/>\n";
        }
    }
    for (size_t gi = 0; gi < graphs.size(); ++gi) {
        const Graph& g = graphs[gi];
        std::vector<std::string> nodeIds(g.nodeCount());
        std::unordered_set<std::string_view> seen;
        seen.reserve(g.nodeCount());
        for (NodeId v = 0; v < g.nodeCount(); ++v) {
            nodeIds[v] = g.nodeKey(v);
            if (!seen.insert(nodeIds[v]).second)
                throw std::invalid_argument("graphml: node key '" + nodeIds[v] +
                                            "' names two nodes");
        }
        out += "  <graph";
        if (isNmToken(g.name())) {
            out += " id=\"";
            xml::appendEscaped(out, g.name(), true);
            out += "\"";
        }
        out += g.directed() ? " edgedefault=\"directed\">\n" : " edgedefault=\"undirected\">\n";
        writeAttrs(out, plan, "graph", g.graphAttrs(), 0, "    ");
        for (NodeId v = 0; v < g.nodeCount(); ++v) {
            out += "    <node id=\"";
            xml::appendEscaped(out, nodeIds[v], true);
            if (!hasValues(g.nodeAttrs(), v)) {
                out += "\"/>\n";
                continue;
            }
            out += "\">\n";
            writeAttrs(out, plan, "node", g.nodeAttrs(), v, "      ");
            out += "    </node>\n";
        }
        const bool edgeIds = g.hasEdgeKeys();
        for (EdgeId e = 0; e < g.edgeCount(); ++e) {
            out += "    <edge";
            if (edgeIds) {
                const std::string key = g.edgeKey(e);
                if (!key.empty()) {
                    out += " id=\"";
                    xml::appendEscaped(out, key, true);
                    out += "\"";
                }
            }
            out += " source=\"";
            xml::appendEscaped(out, nodeIds[g.edge(e).src], true);
            out += "\" target=\"";
            xml::appendEscaped(out, nodeIds[g.edge(e).dst], true);
            if (!hasValues(g.edgeAttrs(), e)) {
                out += "\"/>\n";
                continue;
            }
            out += "\">\n";
            writeAttrs(out, plan, "edge", g.edgeAttrs(), e, "      ");
            out += "    </edge>\n";
        }
        out += "  </graph>\n";
    }
    out += "</graphml>\n";
    return out;
}

}  // namespace gts::io::detail
