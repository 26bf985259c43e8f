#include "tokenize/Eulerizer.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "graph/Algorithms.h"

namespace gts {
namespace {

/// Breadth-first search over the undirected adjacency, reusing its arrays between searches: a
/// node's entries are valid only when its stamp equals the current one, so a search costs the
/// size of what it reaches, not the size of the graph.
class ReusableBfs {
public:
    explicit ReusableBfs(const Graph& graph)
        : graph_(graph),
          csr_(graph.adjacency(Direction::Both)),
          stamp_(graph.nodeCount(), 0),
          hops_(graph.nodeCount(), 0),
          parentEdge_(graph.nodeCount(), kNoIndex),
          owner_(graph.nodeCount(), kNoIndex) {}

    /// Searches from `sources` (each its own owner); stops early once `stopAt` is settled.
    void run(const std::vector<NodeId>& sources, NodeId stopAt = kNoIndex) {
        ++current_;
        order_.clear();
        for (NodeId s : sources) {
            if (stamp_[s] == current_) continue;
            settle(s, 0, kNoIndex, s);
        }
        for (size_t head = 0; head < order_.size(); ++head) {
            const NodeId v = order_[head];
            if (v == stopAt) return;
            const auto nbrs = csr_.neighborsOf(v);
            const auto edges = csr_.edgesOf(v);
            for (size_t i = 0; i < nbrs.size(); ++i) {
                const NodeId w = nbrs[i];
                if (stamp_[w] == current_) continue;
                settle(w, hops_[v] + 1, edges[i], owner_[v]);
            }
        }
    }

    bool reached(NodeId v) const { return stamp_[v] == current_; }
    int32_t hops(NodeId v) const { return hops_[v]; }
    EdgeId parentEdge(NodeId v) const { return parentEdge_[v]; }
    NodeId owner(NodeId v) const { return owner_[v]; }
    /// Nodes in the order they were settled.
    const std::vector<NodeId>& order() const { return order_; }

    NodeId parentOf(NodeId v) const {
        const Edge& e = graph_.edge(parentEdge_[v]);
        return e.src == v ? e.dst : e.src;
    }

private:
    void settle(NodeId v, int32_t hops, EdgeId via, NodeId owner) {
        stamp_[v] = current_;
        hops_[v] = hops;
        parentEdge_[v] = via;
        owner_[v] = owner;
        order_.push_back(v);
    }

    const Graph& graph_;
    const Csr& csr_;
    std::vector<uint32_t> stamp_;
    std::vector<int32_t> hops_;
    std::vector<EdgeId> parentEdge_;
    std::vector<NodeId> owner_;
    std::vector<NodeId> order_;
    uint32_t current_ = 0;
};

/// Best matching of a set of odd nodes: its cost (minimized), total hops, and the partner of
/// the set's lowest node.
struct MatchState {
    double cost = 0.0;
    int64_t length = 0;
    uint8_t partner = 0;
};

class EulerizerImpl {
public:
    EulerizerImpl(const Graph& graph, const EulerizeOptions& options, Eulerization& out)
        : graph_(graph), options_(options), out_(out), bfs_(graph) {}

    void addCopy(EdgeId e) {
        const Edge& edge = graph_.edge(e);
        out_.edges.push_back({edge.src, edge.dst, true, e});
    }

    /// Duplicates the tree path from v up to the root of its search region.
    void copyPathToOwner(NodeId v) {
        while (bfs_.parentEdge(v) != kNoIndex) {
            addCopy(bfs_.parentEdge(v));
            v = bfs_.parentOf(v);
        }
    }

    /// The best perfect matching of the odd nodes in `mask`, memoized. The lowest node of the
    /// mask is paired with each other one in turn; the masks this reaches number Fib(k + 2)
    /// (remaining sets always contain every node above their minimum but a few), not 2^k.
    /// Recursion depth is at most k / 2.
    const MatchState& bestMatching(uint64_t mask) {
        if (const auto it = best_.find(mask); it != best_.end()) return it->second;
        MatchState state;
        if (mask != 0) {
            // Costs of the inverse objective are sums of at most 14 reciprocals of small
            // integers; two sums closer than this are the same sum up to rounding.
            constexpr double kTieTolerance = 1e-12;
            const size_t i = size_t(std::countr_zero(mask));
            const uint64_t without = mask & (mask - 1);
            bool found = false;
            for (uint64_t others = without; others != 0; others &= others - 1) {
                const size_t j = size_t(std::countr_zero(others));
                const MatchState& rest = bestMatching(without & ~(uint64_t(1) << j));
                const double c = rest.cost + weight_[i * k_ + j];
                const int64_t len = rest.length + hops_[i * k_ + j];
                if (!found || c < state.cost - kTieTolerance ||
                    (c <= state.cost + kTieTolerance && len < state.length)) {
                    found = true;
                    state = {c, len, uint8_t(j)};
                }
            }
        }
        return best_.emplace(mask, state).first->second;
    }

    void matchExactly(const std::vector<NodeId>& odd) {
        const size_t k = odd.size();
        // Pairwise hop distances among the odd nodes [k, k].
        std::vector<int32_t> hops(k * k, 0);
        for (size_t i = 0; i < k; ++i) {
            bfs_.run({odd[i]});
            for (size_t j = 0; j < k; ++j) hops[i * k + j] = bfs_.hops(odd[j]);
        }
        const bool inverse = options_.objective == MatchingObjective::NetworkxInverseLength;
        // Pair weights [k, k] in the objective's terms (minimized).
        weight_.assign(k * k, 0.0);
        for (size_t i = 0; i < k * k; ++i)
            weight_[i] = inverse ? -1.0 / double(hops[i] + 1) : double(hops[i]);
        hops_ = std::move(hops);
        k_ = k;
        best_.clear();
        const uint64_t full = (uint64_t(1) << k) - 1;
        bestMatching(full);
        for (uint64_t mask = full; mask != 0;) {
            const size_t i = size_t(std::countr_zero(mask));
            const size_t j = best_.at(mask).partner;
            bfs_.run({odd[i]}, odd[j]);
            copyPathToOwner(odd[j]);
            mask ^= (uint64_t(1) << i) | (uint64_t(1) << j);
        }
    }

    void matchApproximately(const std::vector<NodeId>& odd) {
        out_.exact = false;
        const Csr& csr = graph_.adjacency(Direction::Both);
        std::vector<NodeId> free = odd;
        struct Proposal {
            int64_t length;
            EdgeId edge;
            NodeId u, v;
        };
        std::vector<Proposal> proposals;
        for (int round = 0; round < kMaxGreedyRounds && !free.empty(); ++round) {
            bfs_.run(free);
            proposals.clear();
            for (NodeId u : bfs_.order()) {
                const auto nbrs = csr.neighborsOf(u);
                const auto edges = csr.edgesOf(u);
                for (size_t i = 0; i < nbrs.size(); ++i) {
                    const NodeId w = nbrs[i];
                    if (w <= u || bfs_.owner(u) == bfs_.owner(w)) continue;
                    proposals.push_back(
                        {int64_t(bfs_.hops(u)) + bfs_.hops(w) + 1, edges[i], u, w});
                }
            }
            std::sort(proposals.begin(), proposals.end(), [](const Proposal& a, const Proposal& b) {
                return a.length != b.length ? a.length < b.length : a.edge < b.edge;
            });
            for (const Proposal& p : proposals) {
                const NodeId a = bfs_.owner(p.u);
                const NodeId b = bfs_.owner(p.v);
                if (!isFree_[a] || !isFree_[b]) continue;
                isFree_[a] = isFree_[b] = 0;
                copyPathToOwner(p.u);
                addCopy(p.edge);
                copyPathToOwner(p.v);
            }
            std::erase_if(free, [&](NodeId v) { return !isFree_[v]; });
        }
        if (free.empty()) return;
        // T-join on a breadth-first spanning tree: processing leaves first, a node that still
        // has odd parity duplicates its tree edge and passes the parity to its parent.
        bfs_.run({odd.front()});
        const auto& order = bfs_.order();
        for (size_t idx = order.size(); idx-- > 1;) {
            const NodeId v = order[idx];
            if (!isFree_[v]) continue;
            addCopy(bfs_.parentEdge(v));
            isFree_[v] = 0;
            const NodeId parent = bfs_.parentOf(v);
            isFree_[parent] ^= 1;
        }
        isFree_[order.front()] = 0;  // the parity sum is even, so the root ends even
    }

    void run() {
        const size_t n = graph_.nodeCount();
        for (EdgeId e = 0; e < graph_.edgeCount(); ++e) {
            const Edge& edge = graph_.edge(e);
            out_.edges.push_back({edge.src, edge.dst, false, e});
        }
        const Components comps = connectedComponents(graph_);
        const Csr& csr = graph_.adjacency(Direction::Both);
        std::vector<std::vector<NodeId>> oddByComponent(comps.count);
        isFree_.assign(n, 0);
        for (NodeId v = 0; v < n; ++v) {
            if (csr.degree(v) % 2 == 0) continue;
            oddByComponent[comps.label[v]].push_back(v);
            isFree_[v] = 1;
        }
        for (const auto& odd : oddByComponent) {
            if (odd.empty()) continue;
            if (odd.size() <= options_.exactMaxOddNodes)
                matchExactly(odd);
            else
                matchApproximately(odd);
        }
        out_.addedCount = out_.edges.size() - graph_.edgeCount();
    }

private:
    const Graph& graph_;
    const EulerizeOptions& options_;
    Eulerization& out_;
    ReusableBfs bfs_;
    std::vector<uint8_t> isFree_;  // [nodeCount] odd node not yet paired (approximation only)
    // Exact matching of one component: pair weights and hops [k_, k_], memo by remaining set.
    size_t k_ = 0;
    std::vector<double> weight_;
    std::vector<int32_t> hops_;
    std::unordered_map<uint64_t, MatchState> best_;
};

}  // namespace

Eulerization eulerize(const Graph& graph, const EulerizeOptions& options) {
    if (options.exactMaxOddNodes > kExactMatchingHardMaxOddNodes)
        throw std::invalid_argument("eulerize: exactMaxOddNodes " +
                                    std::to_string(options.exactMaxOddNodes) + " exceeds " +
                                    std::to_string(kExactMatchingHardMaxOddNodes));
    Eulerization out;
    out.edges.reserve(graph.edgeCount());
    EulerizerImpl(graph, options, out).run();
    return out;
}

}  // namespace gts
