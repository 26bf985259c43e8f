#include "io/XmlGraphSupport.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <vector>

#include "io/GraphIO.h"
#include "io/TextInput.h"

namespace gts::io::xml {

void load(pugi::xml_document& doc, std::string_view data, const std::string& source) {
    if (trim(data).empty()) throw ParseError(source, 0, "empty input: no XML document");
    requireUtf8(data, source);
    // parse_ws_pcdata_single keeps a value that is only blanks (a string attribute " ").
    const unsigned options = pugi::parse_default | pugi::parse_ws_pcdata_single;
    const pugi::xml_parse_result result =
        doc.load_buffer(data.data(), data.size(), options, pugi::encoding_utf8);
    if (!result) {
        const size_t offset = result.offset < 0 ? 0 : size_t(result.offset);
        const size_t line = lineAt(data, offset);
        std::string what = result.status == pugi::status_no_document_element
                               ? "no XML element in the input"
                               : std::string("malformed XML: ") + result.description();
        throw ParseError(source, line, what);
    }
}

pugi::xml_node loadRoot(pugi::xml_document& doc, std::string_view data, const std::string& source,
                        std::string_view rootName, std::string_view formatName, std::string& prefix) {
    load(doc, data, source);
    const pugi::xml_node root = doc.document_element();
    if (localName(root.name()) != rootName)
        throw ParseError(source, lineOf(data, root),
                         "not a " + std::string(formatName) + " document: the root element is <" +
                             root.name() + ">, not <" + std::string(rootName) + ">");
    prefix = std::string(prefixOf(root.name()));
    if (!prefix.empty()) prefix += ':';
    return root;
}

size_t lineOf(std::string_view data, const pugi::xml_node& node) {
    const ptrdiff_t offset = node.offset_debug();
    if (offset < 0) return 0;
    return lineAt(data, size_t(offset));
}

bool isElement(const pugi::xml_node& el, std::string_view prefix, std::string_view local) {
    if (el.type() != pugi::node_element) return false;
    const std::string_view name = el.name();
    return name.size() == prefix.size() + local.size() && name.substr(0, prefix.size()) == prefix &&
           name.substr(prefix.size()) == local;
}

std::string_view localName(std::string_view qualified) {
    const size_t colon = qualified.find(':');
    return colon == std::string_view::npos ? qualified : qualified.substr(colon + 1);
}

std::string_view prefixOf(std::string_view qualified) {
    const size_t colon = qualified.find(':');
    return colon == std::string_view::npos ? std::string_view() : qualified.substr(0, colon);
}

std::string directText(const pugi::xml_node& element) {
    std::string out;
    for (pugi::xml_node child = element.first_child(); child; child = child.next_sibling())
        if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata)
            out += child.value();
    return out;
}

void appendEscaped(std::string& out, std::string_view text, bool inAttribute) {
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        switch (ch) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"':
                if (inAttribute) out += "&quot;";
                else out += ch;
                break;
            // Parsers normalise raw tabs and line ends in attributes to spaces, and raw CR in
            // content to LF; references keep them.
            case '\t':
                if (inAttribute) out += "&#9;";
                else out += ch;
                break;
            case '\n':
                if (inAttribute) out += "&#10;";
                else out += ch;
                break;
            case '\r': out += "&#13;"; break;
            default:
                if (c < 0x20) out += "\xEF\xBF\xBD";
                else out += ch;
        }
    }
}

std::optional<bool> parseBool(std::string_view text) {
    text = trim(text);
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    if (lower == "true" || lower == "1") return true;
    if (lower == "false" || lower == "0") return false;
    return std::nullopt;
}

bool setFromText(AttrColumn& column, size_t i, std::string_view text, uint32_t k) {
    switch (column.kind) {
        case AttrKind::String: column.setString(i, std::string(text)); return true;
        case AttrKind::Discrete:
            if (column.hint == AttrTypeHint::Boolean) {
                const auto b = parseBool(text);
                if (!b) return false;
                column.setInt(i, *b ? 1 : 0, k);
                return true;
            } else {
                const auto v = parseInt(text);
                if (!v) return false;
                column.setInt(i, *v, k);
                return true;
            }
        case AttrKind::Continuous: {
            const auto v = parseReal(text);
            if (!v) return false;
            column.setReal(i, *v, k);
            return true;
        }
    }
    return false;
}

std::string valueText(const AttrColumn& column, size_t i, uint32_t k) {
    switch (column.kind) {
        case AttrKind::String: return column.stringAt(i);
        case AttrKind::Discrete:
            if (column.hint == AttrTypeHint::Boolean) return column.intAt(i, k) ? "true" : "false";
            return std::to_string(column.intAt(i, k));
        case AttrKind::Continuous: {
            const double v = column.realAt(i, k);
            if (std::isnan(v)) return "NaN";
            if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
            return formatReal(v);
        }
    }
    return {};
}

bool applyDefault(AttrColumn& column) {
    if (!column.defaultText || column.width != 1) return true;
    AttrColumn probe;
    probe.kind = column.kind;
    probe.hint = column.hint;
    probe.resize(1);
    if (!setFromText(probe, 0, *column.defaultText)) return false;
    const size_t n = column.size();
    for (size_t i = 0; i < n; ++i) {
        if (column.has(i)) continue;
        switch (column.kind) {
            case AttrKind::String: column.setString(i, probe.stringAt(0)); break;
            case AttrKind::Discrete: column.setInt(i, probe.intAt(0)); break;
            case AttrKind::Continuous: column.setReal(i, probe.realAt(0)); break;
        }
    }
    return true;
}

std::string componentName(std::string_view name, uint32_t k) {
    return std::string(name) + "." + std::to_string(k);
}

namespace {

/// The component index in "<base>.<k>" (k decimal without leading zeros), or nullopt.
std::optional<uint32_t> componentIndex(std::string_view name, std::string_view base) {
    if (name.size() <= base.size() + 1 || name.substr(0, base.size()) != base ||
        name[base.size()] != '.')
        return std::nullopt;
    const std::string_view digits = name.substr(base.size() + 1);
    if (digits.size() > 1 && digits[0] == '0') return std::nullopt;
    uint32_t k = 0;
    auto res = std::from_chars(digits.data(), digits.data() + digits.size(), k);
    if (res.ec != std::errc() || res.ptr != digits.data() + digits.size()) return std::nullopt;
    return k;
}

bool samePresence(const AttrColumn& a, const AttrColumn& b) {
    const size_t n = a.size();
    for (size_t i = 0; i < n; ++i)
        if (a.has(i) != b.has(i)) return false;
    return true;
}

}  // namespace

void gatherComponentColumns(AttrTable& table) {
    AttrColumns& columns = table.columns();
    for (size_t first = 0; first < columns.size(); ++first) {
        const AttrColumn& c0 = columns[first];
        if (c0.kind == AttrKind::String || c0.width != 1) continue;
        if (c0.name.size() < 3 || c0.name.compare(c0.name.size() - 2, 2, ".0") != 0) continue;
        const std::string base = c0.name.substr(0, c0.name.size() - 2);
        if (table.find(base)) continue;

        // Every column named "<base>.<k>", by k; all must be scalars like c0 and form 0..n-1.
        std::vector<size_t> byComponent;
        bool usable = true;
        for (size_t j = 0; j < columns.size() && usable; ++j) {
            const auto k = componentIndex(columns[j].name, base);
            if (!k) continue;
            const AttrColumn& c = columns[j];
            if (c.kind != c0.kind || c.width != 1 || c.hint != c0.hint || *k >= columns.size() ||
                !samePresence(c, c0)) {
                usable = false;
                break;
            }
            if (byComponent.size() <= *k) byComponent.resize(*k + 1, SIZE_MAX);
            byComponent[*k] = j;
        }
        const uint32_t width = uint32_t(byComponent.size());
        if (!usable || width < 2 ||
            std::find(byComponent.begin(), byComponent.end(), SIZE_MAX) != byComponent.end())
            continue;

        AttrColumn merged;
        merged.name = base;
        merged.kind = c0.kind;
        merged.hint = c0.hint;
        merged.width = width;
        const size_t n = table.size();
        merged.resize(n);
        for (uint32_t k = 0; k < width; ++k) {
            const AttrColumn& c = columns[byComponent[k]];
            for (size_t i = 0; i < n; ++i) {
                if (merged.kind == AttrKind::Discrete) merged.ints[i * width + k] = c.ints[i];
                else merged.reals[i * width + k] = c.reals[i];
            }
        }
        merged.present = columns[first].present;

        std::vector<bool> drop(columns.size(), false);
        for (uint32_t k = 1; k < width; ++k) drop[byComponent[k]] = true;
        columns[first] = std::move(merged);
        AttrColumns kept;
        for (size_t j = 0; j < columns.size(); ++j)
            if (!drop[j]) kept.push_back(std::move(columns[j]));
        columns = std::move(kept);
    }
}

bool fitsInt32(const AttrColumn& column) {
    for (int64_t v : column.ints)
        if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max())
            return false;
    return true;
}

NodeId edgeEndpoint(const pugi::xml_node& edge, const char* which,
                    const std::unordered_map<std::string_view, NodeId>& index, std::string_view data,
                    const std::string& source) {
    const pugi::xml_attribute a = edge.attribute(which);
    if (!a) throw ParseError(source, lineOf(data, edge), std::string("<edge> without a ") + which);
    auto it = index.find(a.value());
    if (it == index.end())
        throw ParseError(source, lineOf(data, edge),
                         std::string("edge ") + which + " '" + a.value() +
                             "' is not a node of this graph");
    return it->second;
}

void addNodesById(Graph& graph, const std::vector<pugi::xml_node>& nodeEls, std::string_view data,
                  const std::string& source, std::unordered_map<std::string_view, NodeId>& index) {
    index.reserve(index.size() + nodeEls.size());
    const NodeId first = graph.addNodes(nodeEls.size());
    for (size_t k = 0; k < nodeEls.size(); ++k) {
        const pugi::xml_attribute id = nodeEls[k].attribute("id");
        if (!id || !*id.value()) throw ParseError(source, lineOf(data, nodeEls[k]), "<node> without an id");
        auto [it, fresh] = index.emplace(id.value(), NodeId(first + k));
        if (!fresh)
            throw ParseError(source, lineOf(data, nodeEls[k]),
                             std::string("duplicate node id '") + id.value() +
                                 "' (first declared on line " +
                                 std::to_string(lineOf(data, nodeEls[it->second - first])) + ")");
        graph.setNodeKey(NodeId(first + k), id.value());
    }
}

}  // namespace gts::io::xml
