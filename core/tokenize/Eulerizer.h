#pragma once
// Eulerization: duplicating edges until every node of every component has even degree, so that
// each component has an Eulerian circuit. GraphGPT calls networkx's `eulerize` on every
// connected component that is not Eulerian; this is our implementation of the same idea.
//
// networkx's eulerize (networkx/algorithms/euler.py, 2.x and 3.x): collect the odd-degree
// nodes, take one shortest path between every pair of them, and find a maximum-weight matching
// of the odd nodes where the pair (a, b) weighs 1 / (hops(a, b) + 1) (the inverse of the node
// count of the path). The matching is perfect (the pair graph is complete and all weights are
// positive), and every edge on each matched pair's path is added once more. Note that this
// maximizes the sum of inverse path lengths; it is not the same as minimizing the total number
// of added edges (hops {1, 7} beat {3, 3} there). Both objectives are offered here; the networkx
// one is the default because it is what GraphGPT's training data was made with.
//
// Method, per connected component with k odd nodes:
// - k <= EulerizeOptions::exactMaxOddNodes (default 20): exact. One breadth-first search per odd
//   node gives all pairwise hop distances; a memoized search over the sets of still unmatched
//   odd nodes (the lowest one is paired with each other one in turn) finds an optimal perfect
//   matching. Those sets always hold every odd node above their minimum but a few, so only
//   Fib(k + 2) of the 2^k subsets occur (k = 20: 10,946; k = 24: 75,025), each tried k ways.
//   Ties keep the first optimum found, pairing lower-ranked odd nodes first (odd nodes ranked
//   by node index), so the result depends only on the indices. For the networkx objective,
//   optima equal up to rounding are tied and the one adding fewer edges wins.
// - k above the threshold: a fast approximation in O(rounds * (nodes + edges)). Each round grows
//   breadth-first regions from all still-unmatched odd nodes at once; every edge that joins two
//   regions proposes the pair of their owners with a path of length d(u) + 1 + d(v); proposals
//   are taken greedily, shortest first (ties by edge index), when both owners are still free.
//   After kMaxGreedyRounds rounds the remaining odd nodes are joined by the unique T-join of a
//   breadth-first spanning tree (a tree edge is duplicated when the subtree below it holds an
//   odd number of them), which always finishes the job in linear time.
//
// Shortest paths follow breadth-first trees whose ties are broken by adjacency order
// (Graph::adjacency(Both): edges at a node by increasing index). networkx's own paths may differ
// among equally short ones; the number of added edges does not. Self loops never lie on a
// shortest path, so they are never duplicated. Multi-edges count toward degree (networkx sees
// GraphGPT's graphs after they were collapsed to simple graphs; for simple graphs both agree).

#include <cstddef>
#include <cstdint>
#include <vector>

#include "graph/Graph.h"

namespace gts {

/// What an optimal pairing of odd-degree nodes optimizes.
enum class MatchingObjective : uint8_t {
    /// networkx eulerize: maximize the sum over pairs of 1 / (hops + 1).
    NetworkxInverseLength,
    /// Minimize the total number of duplicated edges (the sum of hops over pairs).
    MinTotalLength,
};

struct EulerizeOptions {
    MatchingObjective objective = MatchingObjective::NetworkxInverseLength;
    /// Largest odd-node count per component matched exactly (cost grows as 1.62^k * k).
    size_t exactMaxOddNodes = 20;
};

/// Hard cap on exactMaxOddNodes: 28 odd nodes take Fib(30) = 832,040 memo entries.
inline constexpr size_t kExactMatchingHardMaxOddNodes = 28;
/// Rounds of greedy region matching before the spanning-tree T-join finishes the pairing.
inline constexpr int kMaxGreedyRounds = 8;

/// One edge of the eulerized multigraph.
struct MultigraphEdge {
    NodeId u = 0;
    NodeId v = 0;
    /// True for an edge added by eulerization.
    bool copy = false;
    /// The original edge: itself, or the one this copy duplicates.
    EdgeId original = 0;
};

/// An eulerized multigraph: the original edges (in index order: edges[i] is original edge i)
/// followed by the added copies.
struct Eulerization {
    std::vector<MultigraphEdge> edges;
    /// Number of added copies (edges.size() - graph.edgeCount()).
    size_t addedCount = 0;
    /// False when some component was paired by the approximation.
    bool exact = true;
};

/// Eulerizes every connected component of the undirected view of `graph` (components already
/// even are left alone). Throws std::invalid_argument when options.exactMaxOddNodes exceeds
/// kExactMatchingHardMaxOddNodes.
Eulerization eulerize(const Graph& graph, const EulerizeOptions& options = {});

}  // namespace gts
