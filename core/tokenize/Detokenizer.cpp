#include "tokenize/Detokenizer.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "graph/AttrNames.h"
#include "tokenize/TokenText.h"

namespace gts {
namespace {

struct AttrValue {
    int32_t col = 0;
    bool isDefault = true;
    bool continuous = false;
    int64_t intValue = 0;
    double realValue = 0;
};

enum class StepType : uint8_t { Unknown, Bi, Out, In, Jump };

struct Visit {
    uint64_t index = 0;
    std::vector<AttrValue> attrs;
};

struct Step {
    StepType type = StepType::Unknown;
    std::vector<AttrValue> attrs;
};

StepType stepTypeOf(std::string_view token) {
    if (token == tokens::kEdgeBi) return StepType::Bi;
    if (token == tokens::kEdgeOut) return StepType::Out;
    if (token == tokens::kEdgeIn) return StepType::In;
    if (token == tokens::kEdgeJump) return StepType::Jump;
    return StepType::Unknown;
}

/// Reads tokens in order; knows where each came from, for errors.
class TokenReader {
public:
    TokenReader(const DetokenizeOptions& options, const std::map<int32_t, AttrKind>& nodeKinds,
                const std::map<int32_t, AttrKind>& edgeKinds)
        : opts_(options), nodeKinds_(nodeKinds), edgeKinds_(edgeKinds) {}

    void reset(std::vector<std::string_view> tokens, std::vector<std::pair<size_t, size_t>> where) {
        tokens_ = std::move(tokens);
        where_ = std::move(where);
        i_ = 0;
    }

    bool atEnd() const { return i_ >= tokens_.size(); }
    std::string_view peek() const { return tokens_[i_]; }
    void skip() { ++i_; }

    [[noreturn]] void fail(const std::string& what) const {
        std::string at;
        if (i_ < where_.size()) {
            at = "position " + std::to_string(where_[i_].first) + ", token " +
                 std::to_string(where_[i_].second) + " \"" + std::string(tokens_[i_]) + "\": ";
        } else {
            at = "end of sequence: ";
        }
        throw DetokenizeError(at + what);
    }

    bool atIndex() const { return !atEnd() && tokens::indexTokenValue(peek()).has_value(); }

    uint64_t readIndex() {
        if (!atIndex()) fail("expected a node index token");
        const bool high = tokens::isHighIndexToken(peek());
        uint64_t value = *tokens::indexTokenValue(peek());
        ++i_;
        if (high) {
            if (atEnd() || tokens::isHighIndexToken(peek()) || !tokens::indexTokenValue(peek()))
                fail("expected the low index token after a \"q*base\" token");
            value += *tokens::indexTokenValue(peek());
            ++i_;
        }
        return value;
    }

    std::optional<StepType> readType() {
        if (atEnd()) return std::nullopt;
        const StepType t = stepTypeOf(peek());
        if (t == StepType::Unknown) return std::nullopt;
        ++i_;
        return t;
    }

    /// Attribute tokens of one scope, as many as follow.
    std::vector<AttrValue> readAttrs(bool edge) {
        std::vector<AttrValue> out;
        const auto& kinds = edge ? edgeKinds_ : nodeKinds_;
        while (!atEnd()) {
            const auto parsed = tokens::parseAttrToken(peek(), opts_.world);
            if (!parsed || parsed->edge != edge) break;
            if (parsed->col < 0) fail("share_vocab tokens (col -1) name no column and cannot be decoded");
            AttrValue v;
            v.col = parsed->col;
            const auto kind = kinds.find(v.col);
            if (!kinds.empty() && kind == kinds.end())
                fail("col " + std::to_string(v.col) + " is in none of the given columns");
            ++i_;
            if (!parsed->value) {
                out.push_back(v);
                continue;
            }
            v.isDefault = false;
            const bool charsFollow = !atEnd() && tokens::characterOf(peek()).has_value();
            const bool continuous = kind != kinds.end() ? kind->second == AttrKind::Continuous
                                                        : (*parsed->value == 1 && charsFollow);
            if (!continuous) {
                v.intValue = *parsed->value;
                out.push_back(v);
                continue;
            }
            if (*parsed->value != 1) fail("a continuous value opens with \"...#1\"");
            std::string text;
            while (!atEnd() && tokens::characterOf(peek())) {
                text += *tokens::characterOf(peek());
                ++i_;
            }
            if (text.empty()) fail("expected the characters of a continuous value");
            if (text[0] == '.') text.insert(0, "0");  // GraphGPT drops the leading "0" of "0.x"
            double value = 0;
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
            if (ec != std::errc() || end != text.data() + text.size())
                throw DetokenizeError("continuous value \"" + text + "\" before " +
                                      (atEnd() ? std::string("the end") : "\"" + std::string(peek()) + "\"") +
                                      " is not a number");
            v.continuous = true;
            v.realValue = value;
            out.push_back(v);
        }
        return out;
    }

private:
    const DetokenizeOptions& opts_;
    const std::map<int32_t, AttrKind>& nodeKinds_;
    const std::map<int32_t, AttrKind>& edgeKinds_;
    std::vector<std::string_view> tokens_;
    std::vector<std::pair<size_t, size_t>> where_;
    size_t i_ = 0;
};

bool isEosPosition(const std::vector<std::string>& p) {
    return !p.empty() && std::all_of(p.begin(), p.end(), [](const std::string& t) { return t == tokens::kEos; });
}

std::map<int32_t, AttrKind> kindsOf(const std::vector<TokenColumn>& columns) {
    std::map<int32_t, AttrKind> out;
    for (const TokenColumn& c : columns)
        for (uint32_t k = 0; k < c.width; ++k) out[c.firstCol + int32_t(k)] = c.kind;
    return out;
}

/// Columns for decoded values: the given ones, or one inferred "feat" column.
std::vector<TokenColumn> decodeColumns(const std::vector<TokenColumn>& given,
                                       const std::vector<const std::vector<AttrValue>*>& lists) {
    if (!given.empty()) return given;
    int32_t maxCol = -1;
    bool anyDiscrete = false, anyContinuous = false;
    for (const auto* list : lists)
        for (const AttrValue& v : *list) {
            maxCol = std::max(maxCol, v.col);
            if (v.isDefault) continue;
            (v.continuous ? anyContinuous : anyDiscrete) = true;
        }
    if (maxCol < 0) return {};
    if (anyDiscrete && anyContinuous)
        throw DetokenizeError("discrete and continuous values share one scope; give the columns to decode them");
    return {{attr::kFeat, anyContinuous ? AttrKind::Continuous : AttrKind::Discrete, uint32_t(maxCol) + 1, 0}};
}

/// Writes the attribute values of `element` into `table` (columns already added).
void storeAttrs(AttrTable& table, const std::vector<TokenColumn>& columns, size_t element,
                const std::vector<AttrValue>& values) {
    for (const AttrValue& v : values) {
        if (v.isDefault) continue;
        for (const TokenColumn& c : columns) {
            if (v.col < c.firstCol || v.col >= c.firstCol + int32_t(c.width)) continue;
            AttrColumn* col = table.find(c.name);
            const uint32_t k = uint32_t(v.col - c.firstCol);
            if (c.kind == AttrKind::Continuous) {
                col->setReal(element, v.continuous ? v.realValue : double(v.intValue), k);
            } else {
                if (v.continuous) throw DetokenizeError("col " + std::to_string(v.col) + " of column \"" + c.name + "\" is discrete but holds a continuous value");
                col->setInt(element, v.intValue, k);
            }
        }
    }
}

void addColumns(AttrTable& table, const std::vector<TokenColumn>& columns) {
    for (const TokenColumn& c : columns) table.add(c.name, c.kind, c.width);
}

}  // namespace

Graph detokenize(const std::vector<std::vector<std::string>>& positions, const DetokenizeOptions& options) {
    const auto nodeKinds = kindsOf(options.nodeColumns);
    const auto edgeKinds = kindsOf(options.edgeColumns);
    TokenReader reader(options, nodeKinds, edgeKinds);
    std::vector<Visit> visits;
    std::vector<Step> steps;

    if (options.layout == TokenLayout::Flat) {
        std::vector<std::string_view> all;
        std::vector<std::pair<size_t, size_t>> where;
        for (size_t p = 0; p < positions.size(); ++p)
            for (size_t k = 0; k < positions[p].size(); ++k) {
                all.push_back(positions[p][k]);
                where.emplace_back(p, k);
            }
        reader.reset(std::move(all), std::move(where));
        while (!reader.atEnd() && reader.peek() != tokens::kEos) {
            if (!visits.empty()) {
                Step step;
                if (const auto t = reader.readType()) step.type = *t;
                step.attrs = reader.readAttrs(true);
                if (step.type == StepType::Unknown) step.type = StepType::Bi;  // the removed <edge_bi>
                steps.push_back(std::move(step));
            }
            Visit visit;
            visit.index = reader.readIndex();
            visit.attrs = reader.readAttrs(false);
            visits.push_back(std::move(visit));
        }
    } else {
        const bool longForm = options.layout == TokenLayout::StackedLong;
        for (size_t p = 0; p < positions.size(); ++p) {
            if (isEosPosition(positions[p])) break;
            std::vector<std::string_view> toks(positions[p].begin(), positions[p].end());
            std::vector<std::pair<size_t, size_t>> where;
            for (size_t k = 0; k < toks.size(); ++k) where.emplace_back(p, k);
            reader.reset(std::move(toks), std::move(where));
            const bool edgePosition = longForm && !reader.atEnd() && reader.peek() == tokens::kNew;
            if (longForm && edgePosition != (visits.size() == steps.size() + 1))
                reader.fail(edgePosition ? "an edge position where a node position belongs"
                                         : "a node position where an edge position (\"<new>\" ...) belongs");
            Visit visit;
            if (edgePosition) {
                reader.skip();
                reader.readAttrs(false);  // the default node attributes of an edge position
            } else {
                visit.index = reader.readIndex();
                visit.attrs = reader.readAttrs(false);
            }
            Step step;
            if (const auto t = reader.readType()) step.type = *t;
            step.attrs = reader.readAttrs(true);
            if (!reader.atEnd()) reader.fail("unexpected token in a stacked position");
            if (edgePosition || (!longForm && !visits.empty())) steps.push_back(std::move(step));
            if (!edgePosition) visits.push_back(std::move(visit));
        }
        if (longForm && !visits.empty() && steps.size() != visits.size() - 1)
            throw DetokenizeError("the sequence ends with an edge position");
    }
    if (options.stepEdges && options.stepEdges->size() != steps.size())
        throw DetokenizeError("stepEdges has " + std::to_string(options.stepEdges->size()) +
                              " entries but the sequence has " + std::to_string(steps.size()) + " steps");

    Graph graph;
    std::unordered_map<uint64_t, NodeId> nodeOf;
    std::vector<const std::vector<AttrValue>*> nodeAttrOf;
    std::vector<NodeId> walk;
    walk.reserve(visits.size());
    for (const Visit& v : visits) {
        auto [it, added] = nodeOf.emplace(v.index, NodeId(nodeOf.size()));
        if (added) {
            graph.addNode();
            nodeAttrOf.push_back(nullptr);
        }
        if (!nodeAttrOf[it->second] && !v.attrs.empty()) nodeAttrOf[it->second] = &v.attrs;
        walk.push_back(it->second);
    }

    bool directed = false;
    std::unordered_map<uint64_t, EdgeId> edgeOfGroup;
    std::vector<const std::vector<AttrValue>*> edgeAttrOf;
    std::vector<std::pair<NodeId, NodeId>> ends;
    for (size_t k = 0; k < steps.size(); ++k) {
        const Step& s = steps[k];
        bool jump = s.type == StepType::Jump;
        uint64_t group = 0;
        NodeId a = walk[k], b = walk[k + 1];
        if (options.stepEdges) {
            const EdgeId e = (*options.stepEdges)[k];
            jump = e == kNoIndex;
            group = e;
        } else {
            if (s.type == StepType::Unknown && !s.attrs.empty())
                jump = std::all_of(s.attrs.begin(), s.attrs.end(), [](const AttrValue& v) { return v.isDefault; });
            group = (uint64_t(std::min(a, b)) << 32) | std::max(a, b);
        }
        if (jump) continue;
        if (s.type == StepType::In) std::swap(a, b);
        if (s.type == StepType::In || s.type == StepType::Out) directed = true;
        auto [it, added] = edgeOfGroup.emplace(group, EdgeId(ends.size()));
        if (added) {
            ends.emplace_back(a, b);
            edgeAttrOf.push_back(nullptr);
        }
        const bool hasValues = std::any_of(s.attrs.begin(), s.attrs.end(), [](const AttrValue& v) { return !v.isDefault; });
        if (!edgeAttrOf[it->second] && hasValues) edgeAttrOf[it->second] = &s.attrs;
    }
    graph.setDirected(directed);
    graph.reserveEdges(ends.size());
    for (const auto& [a, b] : ends) graph.addEdge(a, b);

    std::vector<const std::vector<AttrValue>*> nodeLists, edgeLists;
    for (const Visit& v : visits) nodeLists.push_back(&v.attrs);
    for (const Step& s : steps) edgeLists.push_back(&s.attrs);
    const auto nodeColumns = decodeColumns(options.nodeColumns, nodeLists);
    const auto edgeColumns = decodeColumns(options.edgeColumns, edgeLists);
    addColumns(graph.nodeAttrs(), nodeColumns);
    addColumns(graph.edgeAttrs(), edgeColumns);
    for (NodeId v = 0; v < graph.nodeCount(); ++v)
        if (nodeAttrOf[v]) storeAttrs(graph.nodeAttrs(), nodeColumns, v, *nodeAttrOf[v]);
    for (EdgeId e = 0; e < graph.edgeCount(); ++e)
        if (edgeAttrOf[e]) storeAttrs(graph.edgeAttrs(), edgeColumns, e, *edgeAttrOf[e]);
    return graph;
}

Graph detokenize(const TokenSequence& sequence) {
    DetokenizeOptions options;
    options.layout = sequence.options.layout;
    options.world = sequence.options.world;
    options.nodeColumns = sequence.nodeColumns;
    options.edgeColumns = sequence.edgeColumns;
    std::vector<EdgeId> stepEdges;
    stepEdges.reserve(sequence.steps.size());
    for (const WalkStep& s : sequence.steps) stepEdges.push_back(s.kind == StepKind::Jump ? kNoIndex : s.edge);
    options.stepEdges = std::move(stepEdges);
    return detokenize(sequence.positions, options);
}

}  // namespace gts
