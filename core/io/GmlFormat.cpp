// GML (Graph Modelling Language) as networkx and igraph write it.
//
// A file is a list of `key value` pairs; a value is an integer, a real, a "quoted string" or a
// nested list `[ ... ]`. Keys may repeat. Comments run from '#' to the end of the line.
// Strings carry HTML character entities (&#34; &amp; ...), which networkx and igraph use for
// quotes, ampersands and every non-ASCII character.
//
// Mapping onto Graph:
// - every top-level `graph [ ... ]` is one graph; `directed 1` makes it directed; other keys
//   outside `graph` (igraph's Creator, Version) are ignored;
// - `node [ id ... ]`: when every node has a distinct `label` (networkx names nodes by their
//   label), the label is the node key; otherwise the id is, and labels stay a "label" attribute;
// - `edge [ source target ]` refer to node ids; `key` is the edge key in a `multigraph 1`;
// - other keys are attributes: ints → Discrete, reals → Continuous, strings → String; a key
//   repeated in one element is a vector (networkx writes lists so, marking one-element lists
//   with "_networkx_list_start"); vectors of unequal length across elements are kept as text;
//   nested records are flattened: `graphics [ x 1 ]` is attribute "graphics.x".

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "graph/AttrNames.h"
#include "io/AttrValueCollector.h"
#include "io/Formats.h"
#include "io/TextInput.h"

namespace gts::io::detail {

namespace {

/// networkx's marker for a list with a single item.
constexpr std::string_view kNetworkxListStart = "_networkx_list_start";
/// Nesting deeper than this is refused rather than recursed into.
constexpr size_t kMaxDepth = 64;

// ---- Tokens -------------------------------------------------------------------------------

enum class TokenType : uint8_t { Key, Int, Real, String, Open, Close, End };

struct Token {
    TokenType type = TokenType::End;
    std::string text;  // Key name or decoded String
    int64_t i = 0;
    double r = 0.0;
    size_t line = 0;
};

void appendUtf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += char(cp);
    } else if (cp < 0x800) {
        out += char(0xC0 | (cp >> 6));
        out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += char(0xE0 | (cp >> 12));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    } else {
        out += char(0xF0 | (cp >> 18));
        out += char(0x80 | ((cp >> 12) & 0x3F));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    }
}

/// Replaces character entities (&#34; &#x22; &quot; &amp; &lt; &gt; &apos;); anything else
/// that starts with '&' is kept as written.
std::string decodeEntities(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '&') {
            out += s[i];
            continue;
        }
        const size_t semi = s.find(';', i);
        if (semi == s.npos || semi - i > 12) {
            out += '&';
            continue;
        }
        const std::string_view name = s.substr(i + 1, semi - i - 1);
        std::optional<uint32_t> cp;
        if (name.size() >= 2 && name[0] == '#') {
            uint64_t v = 0;
            const bool hex = name[1] == 'x' || name[1] == 'X';
            const std::string_view digits = name.substr(hex ? 2 : 1);
            bool ok = !digits.empty();
            for (char c : digits) {
                int d = c >= '0' && c <= '9'                ? c - '0'
                        : hex && c >= 'a' && c <= 'f'       ? c - 'a' + 10
                        : hex && c >= 'A' && c <= 'F'       ? c - 'A' + 10
                                                            : -1;
                if (d < 0) ok = false;
                else v = v * (hex ? 16 : 10) + uint64_t(d);
            }
            if (ok && v > 0 && v <= 0x10FFFF && !(v >= 0xD800 && v <= 0xDFFF)) cp = uint32_t(v);
        } else if (name == "amp") {
            cp = '&';
        } else if (name == "quot") {
            cp = '"';
        } else if (name == "lt") {
            cp = '<';
        } else if (name == "gt") {
            cp = '>';
        } else if (name == "apos") {
            cp = '\'';
        }
        if (!cp) {
            out += '&';
            continue;
        }
        appendUtf8(out, *cp);
        i = semi;
    }
    return out;
}

bool isKeyStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool isKeyChar(char c) { return isKeyStart(c) || (c >= '0' && c <= '9'); }
bool isDigit(char c) { return c >= '0' && c <= '9'; }

bool equalsNoCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t k = 0; k < a.size(); ++k) {
        char x = a[k], y = b[k];
        if (x >= 'A' && x <= 'Z') x = char(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = char(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

class Tokenizer {
public:
    Tokenizer(std::string_view data, const std::string& source) : data_(data), source_(source) {
        if (data_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    }

    Token next() {
        skipSpaceAndComments();
        Token t;
        t.line = line_;
        if (pos_ >= data_.size()) return t;
        const char c = data_[pos_];
        if (c == '[' || c == ']') {
            ++pos_;
            t.type = c == '[' ? TokenType::Open : TokenType::Close;
            return t;
        }
        if (c == '"') return stringToken(t);
        if (isKeyStart(c)) {
            const size_t start = pos_;
            while (pos_ < data_.size() && isKeyChar(data_[pos_])) ++pos_;
            t.type = TokenType::Key;
            t.text = std::string(data_.substr(start, pos_ - start));
            return t;
        }
        if (isDigit(c) || c == '+' || c == '-' || c == '.') return numberToken(t);
        throw ParseError(source_, line_,
                         std::string("unexpected character '") + (c >= 0x20 && c < 0x7F ? std::string(1, c) : "?") + "'");
    }

private:
    void skipSpaceAndComments() {
        while (pos_ < data_.size()) {
            const char c = data_[pos_];
            if (c == '\n') {
                ++line_;
                ++pos_;
            } else if (c == '\r') {
                if (pos_ + 1 >= data_.size() || data_[pos_ + 1] != '\n') ++line_;
                ++pos_;
            } else if (c == ' ' || c == '\t' || c == '\f' || c == '\v') {
                ++pos_;
            } else if (c == '#') {
                while (pos_ < data_.size() && data_[pos_] != '\n' && data_[pos_] != '\r') ++pos_;
            } else {
                break;
            }
        }
    }

    Token stringToken(Token& t) {
        const size_t start = ++pos_;
        const size_t startLine = line_;
        while (pos_ < data_.size() && data_[pos_] != '"') {
            if (data_[pos_] == '\n' || (data_[pos_] == '\r' && (pos_ + 1 >= data_.size() || data_[pos_ + 1] != '\n')))
                ++line_;
            ++pos_;
        }
        if (pos_ >= data_.size()) throw ParseError(source_, startLine, "unterminated string");
        t.type = TokenType::String;
        t.text = decodeEntities(data_.substr(start, pos_ - start));
        ++pos_;
        return t;
    }

    Token numberToken(Token& t) {
        const size_t start = pos_;
        if (data_[pos_] == '+' || data_[pos_] == '-') ++pos_;
        // Signed INF / NAN (networkx writes "+INF", "-INF").
        if (pos_ < data_.size() && isKeyStart(data_[pos_])) {
            const size_t wordStart = pos_;
            while (pos_ < data_.size() && isKeyChar(data_[pos_])) ++pos_;
            const std::string_view word = data_.substr(wordStart, pos_ - wordStart);
            if (!equalsNoCase(word, "inf") && !equalsNoCase(word, "nan") &&
                !equalsNoCase(word, "infinity"))
                throw ParseError(source_, line_, "bad number '" + std::string(data_.substr(start, pos_ - start)) + "'");
            t.type = TokenType::Real;
            const double v = equalsNoCase(word, "nan") ? std::nan("") : INFINITY;
            t.r = data_[start] == '-' ? -v : v;
            return t;
        }
        bool real = false;
        while (pos_ < data_.size() && isDigit(data_[pos_])) ++pos_;
        if (pos_ < data_.size() && data_[pos_] == '.') {
            real = true;
            ++pos_;
            while (pos_ < data_.size() && isDigit(data_[pos_])) ++pos_;
        }
        if (pos_ < data_.size() && (data_[pos_] == 'e' || data_[pos_] == 'E')) {
            real = true;
            ++pos_;
            if (pos_ < data_.size() && (data_[pos_] == '+' || data_[pos_] == '-')) ++pos_;
            while (pos_ < data_.size() && isDigit(data_[pos_])) ++pos_;
        }
        std::string_view text = data_.substr(start, pos_ - start);
        if (pos_ < data_.size() && isKeyChar(data_[pos_]))
            throw ParseError(source_, line_, "bad number '" + std::string(text) + data_[pos_] + "...'");
        // parseReal does not take "1." or ".5" forms in every case; normalise them.
        std::string normal(text);
        if (real) {
            const size_t dot = normal.find('.');
            if (dot != normal.npos) {
                if (dot + 1 >= normal.size() || !isDigit(normal[dot + 1])) normal.insert(dot + 1, "0");
                if (dot == 0 || !isDigit(normal[dot - 1])) normal.insert(dot, "0");
            }
            auto v = parseReal(normal);
            if (!v) throw ParseError(source_, line_, "bad number '" + std::string(text) + "'");
            t.type = TokenType::Real;
            t.r = *v;
            return t;
        }
        if (auto v = parseInt(normal)) {
            t.type = TokenType::Int;
            t.i = *v;
            return t;
        }
        // Integers beyond 64 bits: keep the value as a real rather than refuse the file.
        auto v = parseReal(normal);
        if (!v) throw ParseError(source_, line_, "bad number '" + std::string(text) + "'");
        t.type = TokenType::Real;
        t.r = *v;
        return t;
    }

    std::string_view data_;
    const std::string& source_;
    size_t pos_ = 0;
    size_t line_ = 1;
};

// ---- Parse tree ---------------------------------------------------------------------------

struct GmlEntry;

struct GmlValue {
    enum class Type : uint8_t { Int, Real, String, List };
    Type type = Type::Int;
    int64_t i = 0;
    double r = 0.0;
    std::string s;
    std::vector<GmlEntry> list;
};

struct GmlEntry {
    std::string key;
    GmlValue value;
    size_t line = 0;
};

class Parser {
public:
    Parser(std::string_view data, const std::string& source) : tokens_(data, source), source_(source) {}

    std::vector<GmlEntry> parseFile() {
        std::vector<GmlEntry> top = parseList(0);
        if (current_.type == TokenType::Close)
            throw ParseError(source_, current_.line, "']' without a matching '['");
        return top;
    }

private:
    /// Reads key/value pairs until ']' or the end; leaves that token in current_.
    std::vector<GmlEntry> parseList(size_t depth) {
        if (depth > kMaxDepth)
            throw ParseError(source_, current_.line,
                             "lists nested deeper than " + std::to_string(kMaxDepth));
        std::vector<GmlEntry> entries;
        while (true) {
            current_ = tokens_.next();
            if (current_.type == TokenType::End || current_.type == TokenType::Close) return entries;
            if (current_.type != TokenType::Key)
                throw ParseError(source_, current_.line, "expected a key, found " + describe(current_));
            GmlEntry entry;
            entry.key = std::move(current_.text);
            entry.line = current_.line;
            Token value = tokens_.next();
            switch (value.type) {
                case TokenType::Int:
                    entry.value.type = GmlValue::Type::Int;
                    entry.value.i = value.i;
                    break;
                case TokenType::Real:
                    entry.value.type = GmlValue::Type::Real;
                    entry.value.r = value.r;
                    break;
                case TokenType::String:
                    entry.value.type = GmlValue::Type::String;
                    entry.value.s = std::move(value.text);
                    break;
                case TokenType::Key:
                    // Unsigned INF / NAN are written as bare words by some tools.
                    if (equalsNoCase(value.text, "inf") || equalsNoCase(value.text, "nan") ||
                        equalsNoCase(value.text, "infinity")) {
                        entry.value.type = GmlValue::Type::Real;
                        entry.value.r = equalsNoCase(value.text, "nan") ? std::nan("") : INFINITY;
                        break;
                    }
                    throw ParseError(source_, value.line,
                                     "key '" + entry.key + "' has no value (found key '" + value.text + "')");
                case TokenType::Open: {
                    entry.value.type = GmlValue::Type::List;
                    entry.value.list = parseList(depth + 1);
                    if (current_.type != TokenType::Close)
                        throw ParseError(source_, entry.line,
                                         "list '" + entry.key + "' is not closed with ']'");
                    break;
                }
                case TokenType::Close:
                    throw ParseError(source_, value.line, "key '" + entry.key + "' has no value");
                case TokenType::End:
                    throw ParseError(source_, entry.line,
                                     "file ends after key '" + entry.key + "'");
            }
            entries.push_back(std::move(entry));
        }
    }

    static std::string describe(const Token& t) {
        switch (t.type) {
            case TokenType::Int: return "the number " + std::to_string(t.i);
            case TokenType::Real: return "the number " + formatReal(t.r);
            case TokenType::String: return "a string";
            case TokenType::Open: return "'['";
            default: return "something else";
        }
    }

    Tokenizer tokens_;
    const std::string& source_;
    Token current_;
};

// ---- Building graphs ----------------------------------------------------------------------

/// Attribute values of one element, in order of first appearance.
using ElementValues = std::vector<std::pair<std::string, AttrValue>>;

ScalarValue scalarOf(const GmlValue& v) {
    switch (v.type) {
        case GmlValue::Type::Int: return ScalarValue::ofInt(v.i);
        case GmlValue::Type::Real: return ScalarValue::ofReal(v.r);
        default: return ScalarValue::ofString(v.s);
    }
}

void flatten(const std::vector<GmlEntry>& list, const std::string& prefix,
             const std::unordered_set<std::string_view>& skip, ElementValues& out) {
    for (const GmlEntry& e : list) {
        if (prefix.empty() && skip.count(e.key)) continue;
        const std::string name = prefix + e.key;
        if (e.value.type == GmlValue::Type::List) {
            flatten(e.value.list, name + ".", skip, out);
            continue;
        }
        auto it = std::find_if(out.begin(), out.end(), [&](const auto& p) { return p.first == name; });
        if (it == out.end()) {
            out.emplace_back(name, AttrValue{});
            it = out.end() - 1;
            it->second.line = e.line;
        } else {
            it->second.isList = true;
        }
        if (e.value.type == GmlValue::Type::String && e.value.s == kNetworkxListStart) {
            it->second.isList = true;
            continue;
        }
        it->second.items.push_back(scalarOf(e.value));
    }
}

/// The text of an id, label, source or target; nullopt for lists.
std::optional<std::string> identifierText(const GmlValue& v) {
    switch (v.type) {
        case GmlValue::Type::Int: return std::to_string(v.i);
        case GmlValue::Type::Real: return formatReal(v.r);
        case GmlValue::Type::String: return v.s;
        case GmlValue::Type::List: return std::nullopt;
    }
    return std::nullopt;
}

const GmlEntry* findKey(const std::vector<GmlEntry>& list, std::string_view key) {
    for (const GmlEntry& e : list)
        if (e.key == key) return &e;
    return nullptr;
}

void restoreReservedNames(AttrTable& table, const std::unordered_set<std::string_view>& reserved) {
    for (AttrColumn& c : table.columns()) {
        if (c.name.size() < 2 || c.name.back() != '_') continue;
        const std::string plain = c.name.substr(0, c.name.size() - 1);
        if (reserved.count(plain) && !table.find(plain)) c.name = plain;
    }
}

Graph buildGraph(const GmlEntry& graphEntry, const std::string& source, const ReadLimits& limits) {
    const std::vector<GmlEntry>& items = graphEntry.value.list;
    bool directed = false, multigraph = false;
    if (const GmlEntry* d = findKey(items, "directed")) directed = d->value.type == GmlValue::Type::Int && d->value.i != 0;
    if (const GmlEntry* m = findKey(items, "multigraph")) multigraph = m->value.type == GmlValue::Type::Int && m->value.i != 0;

    struct NodeRecord {
        std::string id;
        std::optional<std::string> label;
        size_t line;
        ElementValues values;
    };
    struct EdgeRecord {
        NodeId src, dst;
        std::optional<std::string> key;
        ElementValues values;
    };
    std::vector<NodeRecord> nodes;
    std::unordered_map<std::string, NodeId> byId;
    ElementValues graphValues;
    static const std::unordered_set<std::string_view> kGraphSkip = {"directed", "multigraph", "node", "edge"};
    static const std::unordered_set<std::string_view> kNodeSkip = {"id", "label"};
    static const std::unordered_set<std::string_view> kEdgeSkip = {"source", "target"};
    static const std::unordered_set<std::string_view> kMultiEdgeSkip = {"source", "target", "key"};

    for (const GmlEntry& e : items) {
        if (e.key != "node") continue;
        if (e.value.type != GmlValue::Type::List)
            throw ParseError(source, e.line, "'node' must be a list [ ... ]");
        const GmlEntry* id = findKey(e.value.list, "id");
        if (!id) throw ParseError(source, e.line, "node without an id");
        std::optional<std::string> idText = identifierText(id->value);
        if (!idText) throw ParseError(source, id->line, "node id must be a number or a string");
        if (nodes.size() >= limits.maxNodes)
            throw ParseError(source, e.line, "more than " + std::to_string(limits.maxNodes) + " nodes");
        if (!byId.emplace(*idText, NodeId(nodes.size())).second)
            throw ParseError(source, id->line, "duplicate node id " + *idText);
        NodeRecord rec{*idText, std::nullopt, e.line, {}};
        if (const GmlEntry* label = findKey(e.value.list, "label")) rec.label = identifierText(label->value);
        flatten(e.value.list, "", kNodeSkip, rec.values);
        nodes.push_back(std::move(rec));
    }

    std::vector<EdgeRecord> edges;
    for (const GmlEntry& e : items) {
        if (e.key != "edge") continue;
        if (e.value.type != GmlValue::Type::List)
            throw ParseError(source, e.line, "'edge' must be a list [ ... ]");
        auto endpoint = [&](const char* which) -> NodeId {
            const GmlEntry* ref = findKey(e.value.list, which);
            if (!ref) throw ParseError(source, e.line, std::string("edge without a ") + which);
            std::optional<std::string> text = identifierText(ref->value);
            auto it = text ? byId.find(*text) : byId.end();
            if (it == byId.end())
                throw ParseError(source, ref->line,
                                 std::string("edge ") + which + " " + text.value_or("[...]") +
                                     " is not the id of a node");
            return it->second;
        };
        if (edges.size() >= limits.maxEdges)
            throw ParseError(source, e.line, "more than " + std::to_string(limits.maxEdges) + " edges");
        EdgeRecord rec{endpoint("source"), endpoint("target"), std::nullopt, {}};
        if (multigraph)
            if (const GmlEntry* key = findKey(e.value.list, "key")) rec.key = identifierText(key->value);
        flatten(e.value.list, "", multigraph ? kMultiEdgeSkip : kEdgeSkip, rec.values);
        edges.push_back(std::move(rec));
    }
    flatten(items, "", kGraphSkip, graphValues);

    Graph g(directed);
    g.addNodes(nodes.size());
    // Node keys: distinct labels (networkx), else ids; none when they are the indices.
    bool useLabels = !nodes.empty();
    {
        std::unordered_set<std::string_view> seen;
        for (const NodeRecord& n : nodes)
            if (!n.label || !seen.insert(*n.label).second) {
                useLabels = false;
                break;
            }
    }
    bool keysAreIndices = true;
    for (size_t v = 0; v < nodes.size() && keysAreIndices; ++v)
        keysAreIndices = (useLabels ? *nodes[v].label : nodes[v].id) == std::to_string(v);
    if (!keysAreIndices)
        for (size_t v = 0; v < nodes.size(); ++v)
            g.setNodeKey(NodeId(v), useLabels ? *nodes[v].label : nodes[v].id);

    AttrValueCollector nodeAttrs;
    for (size_t v = 0; v < nodes.size(); ++v) {
        if (!useLabels && nodes[v].label)
            nodeAttrs.add(uint32_t(v), attr::kLabel,
                          AttrValue{{ScalarValue::ofString(*nodes[v].label)}, false, nodes[v].line});
        for (auto& [name, value] : nodes[v].values) nodeAttrs.add(uint32_t(v), name, std::move(value));
    }
    g.reserveEdges(edges.size());
    AttrValueCollector edgeAttrs;
    for (size_t i = 0; i < edges.size(); ++i) {
        const EdgeId e = g.addEdge(edges[i].src, edges[i].dst);
        if (edges[i].key) g.setEdgeKey(e, *edges[i].key);
        for (auto& [name, value] : edges[i].values) edgeAttrs.add(e, name, std::move(value));
    }
    AttrValueCollector graphAttrs;
    for (auto& [name, value] : graphValues) graphAttrs.add(0, name, std::move(value));

    const auto mode = AttrValueCollector::OnWidthMismatch::AsText;
    nodeAttrs.build(g.nodeAttrs(), mode, source,
                    [&](uint32_t v) { return "node " + nodes[v].id; });
    edgeAttrs.build(g.edgeAttrs(), mode, source,
                    [&](uint32_t e) { return "edge " + std::to_string(e); });
    graphAttrs.build(g.graphAttrs(), mode, source, [](uint32_t) { return std::string("graph"); });
    // The writer suffixes a column whose name GML reserves with '_' (node "label" beside the
    // label that holds the key); give such a column its name back when that name is free.
    restoreReservedNames(g.nodeAttrs(), kNodeSkip);
    restoreReservedNames(g.edgeAttrs(), multigraph ? kMultiEdgeSkip : kEdgeSkip);
    restoreReservedNames(g.graphAttrs(), kGraphSkip);
    return g;
}

}  // namespace

std::vector<Graph> readGml(std::string_view data, const std::string& source,
                           const ReadOptions& options) {
    requireUtf8(data, source);
    if (trim(data).empty()) throw ParseError(source, 0, "empty file");
    Parser parser(data, source);
    const std::vector<GmlEntry> top = parser.parseFile();
    std::vector<Graph> graphs;
    for (const GmlEntry& e : top) {
        if (e.key != "graph") continue;
        if (e.value.type != GmlValue::Type::List)
            throw ParseError(source, e.line, "'graph' must be a list [ ... ]");
        if (graphs.size() >= options.limits.maxRecords)
            throw ParseError(source, e.line, "more than " + std::to_string(options.limits.maxRecords) + " graphs");
        graphs.push_back(buildGraph(e, source, options.limits));
    }
    if (graphs.empty()) throw ParseError(source, 0, "no 'graph [ ... ]' record");
    return graphs;
}

// ---- Writing ------------------------------------------------------------------------------

namespace {

/// A string as GML text: quotes, ampersands, control and non-ASCII characters become &#N;
/// entities, which networkx requires (it reads GML as ASCII).
std::string quoteGml(std::string_view s) {
    std::string out = "\"";
    for (size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        uint32_t cp = c;
        size_t len = 1;
        if (c >= 0xF0 && i + 3 < s.size()) {
            cp = ((c & 0x07u) << 18) | ((s[i + 1] & 0x3Fu) << 12) | ((s[i + 2] & 0x3Fu) << 6) | (s[i + 3] & 0x3Fu);
            len = 4;
        } else if (c >= 0xE0 && i + 2 < s.size()) {
            cp = ((c & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu);
            len = 3;
        } else if (c >= 0xC0 && i + 1 < s.size()) {
            cp = ((c & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu);
            len = 2;
        }
        if (cp == '"' || cp == '&' || cp < 0x20 || cp >= 0x7F) out += "&#" + std::to_string(cp) + ";";
        else out += char(cp);
        i += len;
    }
    out += '"';
    return out;
}

/// A real as GML text that networkx reads back as a float: always a decimal point before any
/// exponent, infinities signed.
std::string gmlReal(double v) {
    if (std::isnan(v)) return "NAN";
    if (std::isinf(v)) return v > 0 ? "+INF" : "-INF";
    std::string t = formatReal(v);
    const size_t exp = t.find_first_of("eE");
    const std::string mantissa = t.substr(0, exp);
    if (mantissa.find('.') == std::string::npos) t.insert(exp == std::string::npos ? t.size() : exp, ".0");
    return t;
}

/// A key as GML allows it ([A-Za-z][A-Za-z0-9_]*): other characters become '_'.
std::string gmlKey(std::string_view name) {
    std::string out;
    for (char c : name) out += isKeyChar(c) ? c : '_';
    if (out.empty() || !((out[0] >= 'A' && out[0] <= 'Z') || (out[0] >= 'a' && out[0] <= 'z'))) out.insert(0, "a");
    return out;
}

/// Columns of one scope arranged by their dotted names, so that "graphics.x" is written as
/// `graphics [ x ... ]`.
struct FieldTree {
    std::string key;
    const AttrColumn* column = nullptr;  // a leaf
    std::vector<FieldTree> children;     // a record
};

FieldTree fieldTree(const AttrTable& table, const std::unordered_set<std::string_view>& reserved) {
    FieldTree root;
    for (const AttrColumn& c : table.columns()) {
        std::vector<std::string> parts;
        size_t start = 0;
        while (true) {
            const size_t dot = c.name.find('.', start);
            parts.push_back(gmlKey(c.name.substr(start, dot == std::string::npos ? std::string::npos : dot - start)));
            if (dot == std::string::npos) break;
            start = dot + 1;
        }
        // A column whose name the format reserves here is written with a trailing '_'.
        if (reserved.count(parts.front())) parts.front() += '_';
        FieldTree* node = &root;
        for (size_t k = 0; k + 1 < parts.size(); ++k) {
            auto it = std::find_if(node->children.begin(), node->children.end(),
                                   [&](const FieldTree& t) { return !t.column && t.key == parts[k]; });
            if (it == node->children.end()) {
                node->children.push_back(FieldTree{parts[k], nullptr, {}});
                it = node->children.end() - 1;
            }
            node = &*it;
        }
        node->children.push_back(FieldTree{parts.back(), &c, {}});
    }
    return root;
}

void writeFields(const FieldTree& tree, size_t element, const std::string& indent, std::string& out) {
    for (const FieldTree& child : tree.children) {
        if (!child.column) {
            std::string inner;
            writeFields(child, element, indent + "  ", inner);
            if (!inner.empty()) out += indent + child.key + " [\n" + inner + indent + "]\n";
            continue;
        }
        const AttrColumn& c = *child.column;
        if (!c.has(element)) continue;
        switch (c.kind) {
            case AttrKind::String:
                out += indent + child.key + " " + quoteGml(c.stringAt(element)) + "\n";
                break;
            case AttrKind::Discrete:
                for (uint32_t k = 0; k < c.width; ++k)
                    out += indent + child.key + " " + std::to_string(c.intAt(element, k)) + "\n";
                break;
            case AttrKind::Continuous:
                for (uint32_t k = 0; k < c.width; ++k)
                    out += indent + child.key + " " + gmlReal(c.realAt(element, k)) + "\n";
                break;
        }
    }
}

/// An id or key: an integer when the text is one, else a quoted string.
std::string identifierValue(const std::string& text) {
    auto v = parseInt(text);
    if (v && std::to_string(*v) == text) return text;
    return quoteGml(text);
}

}  // namespace

// networkx-compatible: node ids are the indices, labels the keys (networkx names nodes by their
// label), `multigraph 1` whenever there are parallel edges or edge keys (networkx refuses
// parallel edges otherwise). Column names that GML reserves in a scope get a trailing '_'.
std::string writeGml(const Graph& graph) {
    const bool multigraph = graph.hasEdgeKeys() || graph.hasMultiEdges();
    std::string out = "graph [\n";
    if (graph.directed()) out += "  directed 1\n";
    if (multigraph) out += "  multigraph 1\n";
    writeFields(fieldTree(graph.graphAttrs(), {"directed", "multigraph", "node", "edge"}), 0, "  ", out);
    const FieldTree nodeFields = fieldTree(graph.nodeAttrs(), {"id", "label"});
    for (NodeId v = 0; v < graph.nodeCount(); ++v) {
        out += "  node [\n    id " + std::to_string(v) + "\n    label " + quoteGml(graph.nodeKey(v)) + "\n";
        writeFields(nodeFields, v, "    ", out);
        out += "  ]\n";
    }
    const FieldTree edgeFields = fieldTree(graph.edgeAttrs(), {"source", "target", "key"});
    for (EdgeId e = 0; e < graph.edgeCount(); ++e) {
        const Edge& edge = graph.edge(e);
        out += "  edge [\n    source " + std::to_string(edge.src) + "\n    target " + std::to_string(edge.dst) + "\n";
        if (multigraph && graph.hasEdgeKeys() && !graph.edgeKey(e).empty())
            out += "    key " + identifierValue(graph.edgeKey(e)) + "\n";
        writeFields(edgeFields, e, "    ", out);
        out += "  ]\n";
    }
    out += "]\n";
    return out;
}

}  // namespace gts::io::detail
