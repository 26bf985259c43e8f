#include "tokenize/TokenSequence.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <unordered_set>
#include <utility>

#include "graph/AttrNames.h"
#include "tokenize/SeededRandom.h"
#include "tokenize/TokenText.h"

namespace gts {
namespace {

/// Mixed into the seed for the node permutation, so that it draws from a stream apart from the
/// walk's (the walk's draws stay those of SerializeOptions with the same seed).
constexpr uint64_t kPermutationSeedSalt = 0x9E3779B97F4A7C15ull;

EdgeOrigin originOf(StepKind kind) {
    switch (kind) {
        case StepKind::Edge: return EdgeOrigin::Original;
        case StepKind::EulerizationCopy: return EdgeOrigin::EulerizationCopy;
        case StepKind::Jump: return EdgeOrigin::Jump;
    }
    return EdgeOrigin::None;
}

const char* roleName(TokenRole role) {
    switch (role) {
        case TokenRole::NodeIndex: return "node index";
        case TokenRole::NodeAttr: return "node attribute";
        case TokenRole::EdgeType: return "edge type";
        case TokenRole::EdgeAttr: return "edge attribute";
        case TokenRole::NewNode: return "new-node filler";
        case TokenRole::Eos: return "end of sequence";
    }
    return "?";
}

/// Edge type tokens from the directions present in the original edge list.
class EdgeTypes {
public:
    explicit EdgeTypes(const Graph& graph) : directed_(graph.directed()) {
        if (!directed_) return;
        pairs_.reserve(graph.edgeCount());
        for (const Edge& e : graph.edges()) pairs_.insert((uint64_t(e.src) << 32) | e.dst);
    }

    const char* type(EdgeOrigin origin, NodeId from, NodeId to) const {
        if (origin == EdgeOrigin::Jump) return tokens::kEdgeJump;
        if (origin == EdgeOrigin::None || !directed_) return tokens::kEdgeBi;
        const bool forward = pairs_.count((uint64_t(from) << 32) | to) != 0;
        const bool backward = pairs_.count((uint64_t(to) << 32) | from) != 0;
        if (forward && backward) return tokens::kEdgeBi;
        return forward ? tokens::kEdgeOut : tokens::kEdgeIn;
    }

private:
    bool directed_;
    std::unordered_set<uint64_t> pairs_;
};

class SequenceBuilder {
public:
    SequenceBuilder(const Graph& graph, TokenSequence& seq)
        : graph_(graph), seq_(seq), opts_(seq.options), types_(graph) {
        for (const TokenColumn& c : seq.nodeColumns) nodeCols_.push_back(graph.nodeAttrs().find(c.name));
        for (const TokenColumn& c : seq.edgeColumns) edgeCols_.push_back(graph.edgeAttrs().find(c.name));
    }

    void build() {
        occurrence_.assign(seq_.path.size(), 0);
        std::vector<uint32_t> visits(graph_.nodeCount(), 0);
        for (size_t i = 0; i < seq_.path.size(); ++i) occurrence_[i] = visits[seq_.path[i]]++;
        switch (opts_.layout) {
            case TokenLayout::Stacked: buildStacked(false); break;
            case TokenLayout::StackedLong: buildStacked(true); break;
            case TokenLayout::Flat: buildFlat(); break;
        }
        if (opts_.addEos && !seq_.positions.empty()) {
            const size_t width = opts_.layout == TokenLayout::Flat ? 1 : seq_.positions.front().size();
            seq_.positions.emplace_back(width, tokens::kEos);
            seq_.sources.emplace_back(width, TokenSource{});
            seq_.positionSources.push_back({PositionKind::Eos, 0, kNoIndex, EdgeOrigin::None, kNoIndex});
        }
    }

private:
    using Tokens = std::vector<std::string>;
    using Sources = std::vector<TokenSource>;

    void addIndex(Tokens& out, Sources& src, size_t walkPos) {
        const NodeId v = seq_.path[walkPos];
        TokenSource s;
        s.role = TokenRole::NodeIndex;
        s.node = v;
        s.occurrence = occurrence_[walkPos];
        for (std::string& t : EulerianSerializer::indexTokens(seq_.nodeIndex[v], opts_.scopeBase)) {
            out.push_back(std::move(t));
            src.push_back(s);
        }
    }

    /// Attribute tokens of element `element` (kNoIndex: defaults) of the node or edge scope.
    void addAttrs(Tokens& out, Sources& src, bool edge, uint32_t element, TokenSource base) {
        const auto& specs = edge ? seq_.edgeColumns : seq_.nodeColumns;
        const auto& cols = edge ? edgeCols_ : nodeCols_;
        base.role = edge ? TokenRole::EdgeAttr : TokenRole::NodeAttr;
        for (uint32_t c = 0; c < specs.size(); ++c) {
            const TokenColumn& spec = specs[c];
            const AttrColumn* col = cols[c];
            const bool present = element != kNoIndex && col->has(element);
            for (uint32_t k = 0; k < spec.width; ++k) {
                TokenSource s = base;
                s.col = spec.firstCol + int32_t(k);
                s.column = c;
                s.isDefault = !present;
                if (!present) {
                    out.push_back(tokens::attrDefaultToken(opts_.world, edge, s.col));
                    src.push_back(s);
                } else if (spec.kind == AttrKind::Discrete) {
                    out.push_back(tokens::attrValueToken(opts_.world, edge, s.col, col->intAt(element, k)));
                    src.push_back(s);
                } else {
                    out.push_back(tokens::continuousLeadToken(opts_.world, edge, s.col));
                    src.push_back(s);
                    uint32_t part = 0;
                    for (std::string& t : tokens::continuousValueTokens(col->realAt(element, k))) {
                        s.part = ++part;
                        out.push_back(std::move(t));
                        src.push_back(s);
                    }
                }
            }
        }
    }

    TokenSource nodeSource(size_t walkPos) const {
        TokenSource s;
        s.node = seq_.path[walkPos];
        s.occurrence = occurrence_[walkPos];
        return s;
    }

    TokenSource edgeSource(EdgeOrigin origin, EdgeId e) const {
        TokenSource s;
        s.edgeOrigin = origin;
        s.edge = e;
        return s;
    }

    /// Edge type (when kept) and edge attributes of the step `origin`/`e` from -> to.
    void addEdgePart(Tokens& out, Sources& src, EdgeOrigin origin, EdgeId e, NodeId from, NodeId to) {
        const TokenSource base = edgeSource(origin, e);
        if (!opts_.removeEdgeTypeToken) {
            TokenSource s = base;
            s.role = TokenRole::EdgeType;
            out.emplace_back(types_.type(origin, from, to));
            src.push_back(s);
        }
        addAttrs(out, src, true, e, base);
    }

    void push(Tokens&& tokens, Sources&& sources, PositionSource ps) {
        seq_.positions.push_back(std::move(tokens));
        seq_.sources.push_back(std::move(sources));
        seq_.positionSources.push_back(ps);
    }

    void buildStacked(bool longForm) {
        const size_t n = seq_.path.size();
        for (size_t i = 0; i < n; ++i) {
            const NodeId v = seq_.path[i];
            if (longForm && i > 0) {
                const WalkStep& step = seq_.steps[i - 1];
                const EdgeOrigin origin = originOf(step.kind);
                Tokens t;
                Sources s;
                TokenSource filler;
                filler.role = TokenRole::NewNode;
                t.emplace_back(tokens::kNew);
                s.push_back(filler);
                addAttrs(t, s, false, kNoIndex, TokenSource{});
                addEdgePart(t, s, origin, step.edge, seq_.path[i - 1], v);
                push(std::move(t), std::move(s),
                     {PositionKind::Edge, uint32_t(i - 1), kNoIndex, origin, step.edge});
            }
            EdgeOrigin origin = EdgeOrigin::None;
            EdgeId e = kNoIndex;
            if (!longForm && i > 0) {
                origin = originOf(seq_.steps[i - 1].kind);
                e = seq_.steps[i - 1].edge;
            }
            Tokens t;
            Sources s;
            addIndex(t, s, i);
            addAttrs(t, s, false, v, nodeSource(i));
            addEdgePart(t, s, origin, e, i > 0 ? seq_.path[i - 1] : v, v);
            push(std::move(t), std::move(s), {PositionKind::Node, uint32_t(i), v, origin, e});
        }
    }

    void buildFlat() {
        const size_t n = seq_.path.size();
        // Which node visits and steps carry attributes (GraphGPT's get_mask_of_raw_seq, keyed
        // by node and by original edge).
        std::vector<uint8_t> nodeDeco(n, 0);
        std::vector<uint8_t> stepDeco(seq_.steps.size(), 0);
        const AttrAssignment mode = opts_.attrAssignment;
        if (mode == AttrAssignment::All) {
            std::fill(nodeDeco.begin(), nodeDeco.end(), 1);
            for (size_t k = 0; k < seq_.steps.size(); ++k) stepDeco[k] = seq_.steps[k].kind != StepKind::Jump;
        } else {
            const bool first = mode == AttrAssignment::First;
            std::vector<uint32_t> nodeAt(graph_.nodeCount(), kNoIndex);
            for (size_t k = 0; k < n; ++k) {
                uint32_t& at = nodeAt[seq_.path[k]];
                if (!first || at == kNoIndex) at = uint32_t(k);
            }
            for (uint32_t at : nodeAt)
                if (at != kNoIndex) nodeDeco[at] = 1;
            std::vector<uint32_t> edgeAt(graph_.edgeCount(), kNoIndex);
            for (size_t k = 0; k < seq_.steps.size(); ++k) {
                if (seq_.steps[k].kind == StepKind::Jump) continue;
                uint32_t& at = edgeAt[seq_.steps[k].edge];
                if (!first || at == kNoIndex) at = uint32_t(k);
            }
            for (uint32_t at : edgeAt)
                if (at != kNoIndex) stepDeco[at] = 1;
        }
        auto emit = [&](Tokens& t, Sources& s, PositionSource ps) {
            for (size_t j = 0; j < t.size(); ++j) push({std::move(t[j])}, {s[j]}, ps);
        };
        for (size_t i = 0; i < n; ++i) {
            const NodeId v = seq_.path[i];
            if (i > 0) {
                const WalkStep& step = seq_.steps[i - 1];
                const EdgeOrigin origin = originOf(step.kind);
                Tokens t;
                Sources s;
                const char* type = types_.type(origin, seq_.path[i - 1], v);
                if (!(opts_.removeEdgeTypeToken && type == std::string_view(tokens::kEdgeBi))) {
                    TokenSource ts = edgeSource(origin, step.edge);
                    ts.role = TokenRole::EdgeType;
                    t.emplace_back(type);
                    s.push_back(ts);
                }
                if (stepDeco[i - 1]) addAttrs(t, s, true, step.edge, edgeSource(origin, step.edge));
                emit(t, s, {PositionKind::Edge, uint32_t(i - 1), kNoIndex, origin, step.edge});
            }
            Tokens t;
            Sources s;
            addIndex(t, s, i);
            if (nodeDeco[i]) addAttrs(t, s, false, v, nodeSource(i));
            emit(t, s, {PositionKind::Node, uint32_t(i), v, EdgeOrigin::None, kNoIndex});
        }
    }

    const Graph& graph_;
    TokenSequence& seq_;
    const TokenizeOptions& opts_;
    EdgeTypes types_;
    std::vector<const AttrColumn*> nodeCols_;
    std::vector<const AttrColumn*> edgeCols_;
    std::vector<uint32_t> occurrence_;  // [path] visits of path[i] before position i
};

}  // namespace

const char* tokenLayoutName(TokenLayout layout) {
    switch (layout) {
        case TokenLayout::Stacked: return "stacked";
        case TokenLayout::StackedLong: return "stacked-long";
        case TokenLayout::Flat: return "flat";
    }
    return "?";
}

std::optional<TokenLayout> parseTokenLayout(std::string_view name) {
    for (TokenLayout l : {TokenLayout::Stacked, TokenLayout::StackedLong, TokenLayout::Flat})
        if (name == tokenLayoutName(l)) return l;
    return std::nullopt;
}

std::vector<TokenColumn> selectTokenColumns(const AttrTable& table,
                                            const std::optional<std::vector<std::string>>& names) {
    std::vector<TokenColumn> out;
    int32_t col = 0;
    if (!names) {
        const AttrColumn* feat = table.find(attr::kFeat);
        if (feat && feat->kind == AttrKind::Discrete) out.push_back({feat->name, feat->kind, feat->width, 0});
        return out;
    }
    for (const std::string& name : *names) {
        const AttrColumn* c = table.find(name);
        if (!c) throw std::invalid_argument("attribute column \"" + name + "\" does not exist");
        if (c->kind == AttrKind::String)
            throw std::invalid_argument("attribute column \"" + name +
                                        "\" holds strings; only discrete and continuous columns become tokens");
        out.push_back({c->name, c->kind, c->width, col});
        col += int32_t(c->width);
    }
    return out;
}

size_t TokenSequence::tokenCount() const {
    size_t n = 0;
    for (const auto& p : positions) n += p.size();
    return n;
}

std::vector<std::vector<int32_t>> TokenSequence::ids(const Vocab& vocab) const {
    std::vector<std::vector<int32_t>> out(positions.size());
    for (size_t p = 0; p < positions.size(); ++p) {
        out[p].reserve(positions[p].size());
        for (size_t k = 0; k < positions[p].size(); ++k) {
            const std::string& token = positions[p][k];
            const auto id = vocab.find(token);
            if (!id) {
                const TokenSource& s = sources[p][k];
                std::string what = roleName(s.role);
                if (s.node != kNoIndex) what += " of node " + std::to_string(s.node);
                if (s.edge != kNoIndex) what += " of edge " + std::to_string(s.edge);
                throw UnknownTokenError(token, p,
                                        "token \"" + token + "\" at position " + std::to_string(p) +
                                            " (token " + std::to_string(k) + ", " + what +
                                            ") is not in the vocab");
            }
            out[p].push_back(*id);
        }
    }
    return out;
}

TokenSequence tokenize(const Graph& graph, const TokenizeOptions& options, uint64_t seed,
                       std::optional<NodeId> start, std::optional<std::vector<NodeId>> path) {
    TokenSequence seq;
    seq.options = options;
    seq.nodeColumns = selectTokenColumns(graph.nodeAttrs(), options.nodeColumns);
    seq.edgeColumns = selectTokenColumns(graph.edgeAttrs(), options.edgeColumns);

    SerializeOptions so;
    so.seed = seed;
    so.reindex = options.reindex;
    so.firstIndex = options.firstIndex;
    so.nodeScope = options.nodeScope;
    so.scopeBase = options.scopeBase;
    so.eulerize = options.eulerize;
    const size_t n = graph.nodeCount();
    auto checkNode = [&](NodeId v, const std::string& what) {
        if (v >= n)
            throw std::invalid_argument(what + ": node " + std::to_string(v) +
                                        " is not a node (the graph has " + std::to_string(n) + ")");
    };
    if (start) checkNode(*start, "start");
    if (path)
        for (size_t i = 0; i < path->size(); ++i) checkNode((*path)[i], "path: position " + std::to_string(i));

    Serialization ser;
    if (!options.permuteNodes) {
        so.start = start;
        so.path = std::move(path);
        ser = EulerianSerializer(so).serialize(graph);
        seq.path = std::move(ser.walk.nodes);
        seq.nodeIndex = std::move(ser.nodeIndex);
    } else {
        // perm[v]: the label node v gets in the serialized copy.
        std::vector<NodeId> perm(n);
        std::iota(perm.begin(), perm.end(), NodeId(0));
        SeededRandom random(seed ^ kPermutationSeedSalt);
        random.shuffle(perm);
        Graph relabelled;
        relabelled.addNodes(n);
        relabelled.reserveEdges(graph.edgeCount());
        for (const Edge& e : graph.edges()) relabelled.addEdge(perm[e.src], perm[e.dst]);
        if (start) so.start = perm[*start];
        if (path) {
            for (NodeId& v : *path) v = perm[v];
            so.path = std::move(path);
        }
        ser = EulerianSerializer(so).serialize(relabelled);
        std::vector<NodeId> original(n);
        for (NodeId v = 0; v < n; ++v) original[perm[v]] = v;
        seq.path.reserve(ser.walk.nodes.size());
        for (NodeId w : ser.walk.nodes) seq.path.push_back(original[w]);
        seq.nodeIndex.resize(n);
        for (NodeId v = 0; v < n; ++v) seq.nodeIndex[v] = ser.nodeIndex[perm[v]];
    }
    seq.steps = std::move(ser.walk.steps);
    seq.componentCount = ser.walk.componentCount;
    seq.eulerizedEdgeCount = ser.walk.eulerizedEdgeCount;
    SequenceBuilder(graph, seq).build();
    return seq;
}

}  // namespace gts
