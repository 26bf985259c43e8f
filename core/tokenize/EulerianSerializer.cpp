#include "tokenize/EulerianSerializer.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include "graph/Algorithms.h"
#include "tokenize/SeededRandom.h"

namespace gts {
namespace {

uint64_t pairKey(NodeId a, NodeId b) {
    if (a > b) std::swap(a, b);
    return (uint64_t(a) << 32) | b;
}

/// Original edges grouped by unordered node pair, to hand out "first traversal" provenance:
/// walking a pair covers the lowest-indexed not yet covered original edge between its nodes.
class PairCoverage {
public:
    explicit PairCoverage(const Graph& graph) : groupOf_(graph.edgeCount()) {
        const auto& edges = graph.edges();
        members_.resize(edges.size());
        std::iota(members_.begin(), members_.end(), EdgeId(0));
        std::sort(members_.begin(), members_.end(), [&](EdgeId x, EdgeId y) {
            const uint64_t kx = pairKey(edges[x].src, edges[x].dst);
            const uint64_t ky = pairKey(edges[y].src, edges[y].dst);
            return kx != ky ? kx < ky : x < y;
        });
        for (size_t i = 0; i < members_.size(); ++i) {
            const EdgeId e = members_[i];
            if (i == 0 || pairKey(edges[e].src, edges[e].dst) !=
                              pairKey(edges[members_[i - 1]].src, edges[members_[i - 1]].dst))
                groupStart_.push_back(uint32_t(i));
            groupOf_[e] = uint32_t(groupStart_.size() - 1);
        }
        groupStart_.push_back(uint32_t(members_.size()));
        cursor_.assign(groupStart_.begin(), groupStart_.end() - 1);
    }

    /// Provenance of one traversal of the pair of original edge `e`: the pair's next uncovered
    /// edge, or, once all are covered, a copy of the pair's lowest-indexed edge.
    WalkStep traverse(EdgeId e) {
        const uint32_t g = groupOf_[e];
        if (cursor_[g] < groupStart_[g + 1]) return {StepKind::Edge, members_[cursor_[g]++]};
        return {StepKind::EulerizationCopy, members_[groupStart_[g]]};
    }

    /// Any original edge between a and b, or kNoIndex (builds a pair index on first use).
    EdgeId findEdge(const Graph& graph, NodeId a, NodeId b) {
        if (index_.empty() && !members_.empty()) {
            for (size_t g = 0; g + 1 < groupStart_.size(); ++g) {
                const Edge& edge = graph.edge(members_[groupStart_[g]]);
                index_.emplace(pairKey(edge.src, edge.dst), members_[groupStart_[g]]);
            }
        }
        const auto it = index_.find(pairKey(a, b));
        return it == index_.end() ? kNoIndex : it->second;
    }

private:
    std::vector<uint32_t> groupOf_;     // [edgeCount]
    std::vector<EdgeId> members_;       // edges sorted by (pair, index)
    std::vector<uint32_t> groupStart_;  // [groups + 1] offsets into members_
    std::vector<uint32_t> cursor_;      // [groups] first member not yet covered
    std::unordered_map<uint64_t, EdgeId> index_;
};

/// Hierholzer's algorithm over the eulerized multigraph, one component at a time.
class CircuitFinder {
public:
    CircuitFinder(size_t nodeCount, const std::vector<MultigraphEdge>& edges)
        : edges_(edges), offsets_(nodeCount + 1, 0), next_(nodeCount, 0), used_(edges.size(), 0) {
        for (const MultigraphEdge& e : edges) {
            ++offsets_[e.u + 1];
            ++offsets_[e.v + 1];
        }
        std::partial_sum(offsets_.begin(), offsets_.end(), offsets_.begin());
        incident_.resize(offsets_.back());
        std::vector<uint64_t> fill(offsets_.begin(), offsets_.end() - 1);
        for (uint32_t i = 0; i < edges.size(); ++i) {
            incident_[fill[edges[i].u]++] = i;
            incident_[fill[edges[i].v]++] = i;
        }
        for (size_t v = 0; v < nodeCount; ++v) next_[v] = offsets_[v];
    }

    /// The Eulerian circuit from `start` in pop order: popped[i] -> popped[i+1] along the
    /// multigraph edge arrived[i] (the last entry, the start, has none).
    void run(NodeId start, std::vector<NodeId>& popped, std::vector<uint32_t>& arrived) {
        popped.clear();
        arrived.clear();
        stack_.clear();
        stack_.push_back({start, kNoIndex});
        while (!stack_.empty()) {
            const NodeId v = stack_.back().first;
            uint64_t& i = next_[v];
            while (i < offsets_[v + 1] && used_[incident_[i]]) ++i;
            if (i == offsets_[v + 1]) {
                popped.push_back(v);
                arrived.push_back(stack_.back().second);
                stack_.pop_back();
                continue;
            }
            const uint32_t e = incident_[i];
            used_[e] = 1;
            const NodeId w = edges_[e].u == v ? edges_[e].v : edges_[e].u;
            stack_.push_back({w, e});
        }
    }

private:
    const std::vector<MultigraphEdge>& edges_;
    std::vector<uint64_t> offsets_;   // [nodeCount + 1]
    std::vector<uint32_t> incident_;  // multigraph edges at each node, by edge order
    std::vector<uint64_t> next_;      // [nodeCount] first incident entry not yet examined
    std::vector<uint8_t> used_;       // [edges]
    std::vector<std::pair<NodeId, uint32_t>> stack_;
};

std::string nodeText(NodeId v) { return std::to_string(v); }

class WalkBuilder {
public:
    WalkBuilder(const Graph& graph, const SerializeOptions& options, SeededRandom& random)
        : graph_(graph), options_(options), random_(random), comps_(connectedComponents(graph)),
          coverage_(graph) {}

    EulerianWalk build() {
        EulerianWalk walk;
        walk.componentCount = comps_.count;
        if (graph_.nodeCount() == 0) {
            if (options_.path && !options_.path->empty())
                throw std::invalid_argument("path: the graph has no nodes");
            return walk;
        }
        if (options_.start && *options_.start >= graph_.nodeCount())
            throw std::invalid_argument("start: node " + nodeText(*options_.start) +
                                        " is not a node (the graph has " +
                                        std::to_string(graph_.nodeCount()) + ")");
        if (options_.path) return followPath(*options_.path, walk);
        return randomWalk(walk);
    }

private:
    EulerianWalk& randomWalk(EulerianWalk& walk) {
        const Eulerization eul = eulerize(graph_, options_.eulerize);
        walk.eulerizedEdgeCount = eul.addedCount;

        // Nodes bucketed by component, each bucket in node order.
        std::vector<uint64_t> bucketStart(comps_.count + 1, 0);
        for (uint32_t c = 0; c < comps_.count; ++c) bucketStart[c + 1] = bucketStart[c] + comps_.sizes[c];
        std::vector<NodeId> byComponent(graph_.nodeCount());
        std::vector<uint64_t> fill(bucketStart.begin(), bucketStart.end() - 1);
        for (NodeId v = 0; v < graph_.nodeCount(); ++v) byComponent[fill[comps_.label[v]]++] = v;
        std::vector<size_t> uncovered(comps_.count, 0);
        for (const Edge& e : graph_.edges()) ++uncovered[comps_.label[e.src]];

        std::vector<uint32_t> order(comps_.count);
        std::iota(order.begin(), order.end(), 0u);
        random_.shuffle(order);
        if (options_.start) {
            const auto it = std::find(order.begin(), order.end(), comps_.label[*options_.start]);
            std::rotate(order.begin(), it, it + 1);
        }

        CircuitFinder circuits(graph_.nodeCount(), eul.edges);
        std::vector<NodeId> popped;
        std::vector<uint32_t> arrived;
        for (size_t k = 0; k < order.size(); ++k) {
            const uint32_t c = order[k];
            const NodeId* nodes = byComponent.data() + bucketStart[c];
            const size_t size = comps_.sizes[c];
            NodeId start = nodes[0];
            if (uncovered[c] > 0) {
                const bool given = options_.start && comps_.label[*options_.start] == c;
                start = given ? *options_.start : nodes[random_.below(size)];
            } else if (options_.start && comps_.label[*options_.start] == c) {
                start = *options_.start;
            }
            if (k > 0) {
                walk.steps.push_back({StepKind::Jump, kNoIndex});
            }
            walk.nodes.push_back(start);
            if (uncovered[c] == 0) continue;

            const bool reversed = random_.coin();
            circuits.run(start, popped, arrived);
            const size_t stepCount = popped.size() - 1;
            for (size_t s = 0; s < stepCount && uncovered[c] > 0; ++s) {
                const size_t at = reversed ? stepCount - 1 - s : s;
                const NodeId to = reversed ? popped[stepCount - 1 - s] : popped[s + 1];
                const WalkStep step = coverage_.traverse(eul.edges[arrived[at]].original);
                if (step.kind == StepKind::Edge) --uncovered[c];
                walk.steps.push_back(step);
                walk.nodes.push_back(to);
            }
        }
        return walk;
    }

    EulerianWalk& followPath(const std::vector<NodeId>& path, EulerianWalk& walk) {
        if (path.empty()) throw std::invalid_argument("path: empty, but the graph has nodes");
        for (size_t i = 0; i < path.size(); ++i)
            if (path[i] >= graph_.nodeCount())
                throw std::invalid_argument("path: position " + std::to_string(i) + ": node " +
                                            nodeText(path[i]) + " is not a node (the graph has " +
                                            std::to_string(graph_.nodeCount()) + ")");
        if (options_.start && *options_.start != path.front())
            throw std::invalid_argument("path: starts at node " + nodeText(path.front()) +
                                        " but start is node " + nodeText(*options_.start));
        std::vector<uint8_t> visited(graph_.nodeCount(), 0);
        std::vector<uint8_t> covered(graph_.edgeCount(), 0);
        visited[path.front()] = 1;
        walk.nodes.push_back(path.front());
        for (size_t i = 1; i < path.size(); ++i) {
            const NodeId a = path[i - 1];
            const NodeId b = path[i];
            const EdgeId e = coverage_.findEdge(graph_, a, b);
            WalkStep step{StepKind::Jump, kNoIndex};
            if (e != kNoIndex) {
                step = coverage_.traverse(e);
                if (step.kind == StepKind::Edge) covered[step.edge] = 1;
                else ++walk.eulerizedEdgeCount;
            } else if (comps_.label[a] == comps_.label[b]) {
                throw std::invalid_argument("path: step " + std::to_string(i - 1) + ": nodes " +
                                            nodeText(a) + " and " + nodeText(b) +
                                            " are in one component but not joined by an edge");
            }
            walk.steps.push_back(step);
            walk.nodes.push_back(b);
            visited[b] = 1;
        }
        for (NodeId v = 0; v < graph_.nodeCount(); ++v)
            if (!visited[v]) throw std::invalid_argument("path: never visits node " + nodeText(v));
        for (EdgeId e = 0; e < graph_.edgeCount(); ++e)
            if (!covered[e])
                throw std::invalid_argument("path: never walks edge " + std::to_string(e) + " (" +
                                            nodeText(graph_.edge(e).src) + " - " +
                                            nodeText(graph_.edge(e).dst) + ")");
        return walk;
    }

    const Graph& graph_;
    const SerializeOptions& options_;
    SeededRandom& random_;
    Components comps_;
    PairCoverage coverage_;
};

void checkScope(const Graph& graph, const SerializeOptions& options) {
    if (options.nodeScope == 0) throw std::invalid_argument("nodeScope must be positive");
    if (graph.nodeCount() > options.nodeScope)
        throw std::invalid_argument("the graph has " + std::to_string(graph.nodeCount()) +
                                    " nodes, more than nodeScope " +
                                    std::to_string(options.nodeScope));
    const uint64_t base = options.scopeBase;
    if (base > 0 && uint64_t(options.nodeScope) > base * base)
        throw std::invalid_argument("nodeScope " + std::to_string(options.nodeScope) +
                                    " exceeds scopeBase^2 = " + std::to_string(base * base));
}

}  // namespace

EulerianSerializer::EulerianSerializer(SerializeOptions options) : options_(std::move(options)) {}

std::vector<std::string> EulerianSerializer::indexTokens(uint32_t index, uint32_t scopeBase) {
    if (scopeBase == 0 || index < scopeBase) return {std::to_string(index)};
    const uint32_t q = index / scopeBase;
    const uint32_t r = index % scopeBase;
    return {std::to_string(q) + "*" + std::to_string(scopeBase), std::to_string(r)};
}

EulerianWalk EulerianSerializer::walk(const Graph& graph) const {
    SeededRandom random(options_.seed);
    return WalkBuilder(graph, options_, random).build();
}

Serialization EulerianSerializer::serialize(const Graph& graph) const {
    checkScope(graph, options_);
    SeededRandom random(options_.seed);
    Serialization out;
    out.walk = WalkBuilder(graph, options_, random).build();

    // Nodes in order of first appearance.
    out.nodeIndex.assign(graph.nodeCount(), kNoIndex);
    std::vector<NodeId> firstSeen;
    firstSeen.reserve(graph.nodeCount());
    for (NodeId v : out.walk.nodes) {
        if (out.nodeIndex[v] != kNoIndex) continue;
        out.nodeIndex[v] = 0;
        firstSeen.push_back(v);
    }
    const uint32_t scope = options_.nodeScope;
    if (options_.firstIndex && *options_.firstIndex >= scope)
        throw std::invalid_argument("first index " + std::to_string(*options_.firstIndex) +
                                    " is not below the node scope " + std::to_string(scope));
    // The draw happens even when firstIndex is given, so the Random mode's draws that follow
    // do not depend on it.
    uint32_t startIndex =
        options_.reindex == ReindexMode::Sequential ? 0 : uint32_t(random.below(scope));
    if (options_.reindex == ReindexMode::Cyclic && options_.firstIndex) startIndex = *options_.firstIndex;
    std::unordered_map<uint32_t, uint32_t> swapped;  // sparse Fisher–Yates over [0, scope)
    auto slot = [&](uint32_t i) {
        const auto it = swapped.find(i);
        return it == swapped.end() ? i : it->second;
    };
    for (uint32_t k = 0; k < firstSeen.size(); ++k) {
        uint32_t index = 0;
        switch (options_.reindex) {
            case ReindexMode::Sequential: index = k; break;
            case ReindexMode::Cyclic: index = uint32_t((uint64_t(startIndex) + k) % scope); break;
            case ReindexMode::Random: {
                const uint32_t j = k + uint32_t(random.below(scope - k));
                const uint32_t atJ = slot(j);
                swapped[j] = slot(k);
                swapped[k] = atJ;
                index = atJ;
                break;
            }
        }
        out.nodeIndex[firstSeen[k]] = index;
    }
    out.nodeTokens.reserve(out.walk.nodes.size());
    for (NodeId v : out.walk.nodes)
        out.nodeTokens.push_back(indexTokens(out.nodeIndex[v], options_.scopeBase));
    return out;
}

}  // namespace gts
