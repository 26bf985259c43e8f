#include "graph/Algorithms.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

namespace gts {
namespace {

void checkNode(const Graph& graph, NodeId v, const char* what) {
    if (v >= graph.nodeCount())
        throw std::out_of_range(std::string(what) + ": node " + std::to_string(v) +
                                " is not in a graph of " + std::to_string(graph.nodeCount()) +
                                " nodes");
}

// Level-synchronous BFS over `csr` from the nodes already at distance 0 in `hops` (which holds
// -1 elsewhere); `queue` is scratch holding the sources on entry.
void bfsFill(const Csr& csr, std::vector<NodeId>& queue, std::vector<int32_t>& hops,
             int32_t maxHops) {
    size_t head = 0;
    while (head < queue.size()) {
        const NodeId u = queue[head++];
        const int32_t next = hops[u] + 1;
        if (maxHops >= 0 && next > maxHops) continue;
        for (NodeId w : csr.neighborsOf(u)) {
            if (hops[w] < 0) {
                hops[w] = next;
                queue.push_back(w);
            }
        }
    }
}

}  // namespace

Components connectedComponents(const Graph& graph) {
    const size_t n = graph.nodeCount();
    const Csr& csr = graph.adjacency(Direction::Both);
    Components result;
    result.label.assign(n, kNoIndex);
    std::vector<NodeId> queue;
    queue.reserve(n);
    for (NodeId start = 0; start < n; ++start) {
        if (result.label[start] != kNoIndex) continue;
        const uint32_t id = result.count++;
        queue.clear();
        queue.push_back(start);
        result.label[start] = id;
        for (size_t head = 0; head < queue.size(); ++head) {
            for (NodeId w : csr.neighborsOf(queue[head])) {
                if (result.label[w] == kNoIndex) {
                    result.label[w] = id;
                    queue.push_back(w);
                }
            }
        }
        result.sizes.push_back(queue.size());
    }
    return result;
}

std::vector<int32_t> bfsHops(const Graph& graph, NodeId source, int32_t maxHops, Direction dir) {
    checkNode(graph, source, "bfsHops");
    return bfsHops(graph, std::span<const NodeId>(&source, 1), maxHops, dir);
}

std::vector<int32_t> bfsHops(const Graph& graph, std::span<const NodeId> sources, int32_t maxHops,
                             Direction dir) {
    for (NodeId s : sources) checkNode(graph, s, "bfsHops");
    const Csr& csr = graph.adjacency(dir);
    std::vector<int32_t> hops(graph.nodeCount(), -1);
    std::vector<NodeId> queue;
    queue.reserve(graph.nodeCount());
    for (NodeId s : sources) {
        if (hops[s] != 0) {
            hops[s] = 0;
            queue.push_back(s);
        }
    }
    bfsFill(csr, queue, hops, maxHops);
    return hops;
}

namespace {

// BFS tree from `source`, stopping once `stopAt` is settled (kNoIndex: never stop early).
BfsTree buildTree(const Graph& graph, NodeId source, NodeId stopAt) {
    const size_t n = graph.nodeCount();
    const Csr& csr = graph.adjacency(Direction::Both);
    BfsTree tree;
    tree.source = source;
    tree.hops.assign(n, -1);
    tree.parent.assign(n, kNoIndex);
    tree.parentEdge.assign(n, kNoIndex);
    tree.hops[source] = 0;
    if (source == stopAt) return tree;
    std::vector<NodeId> queue;
    queue.push_back(source);
    for (size_t head = 0; head < queue.size(); ++head) {
        const NodeId u = queue[head];
        const auto nbrs = csr.neighborsOf(u);
        const auto eids = csr.edgesOf(u);
        for (size_t i = 0; i < nbrs.size(); ++i) {
            const NodeId w = nbrs[i];
            if (tree.hops[w] >= 0) continue;
            tree.hops[w] = tree.hops[u] + 1;
            tree.parent[w] = u;
            tree.parentEdge[w] = eids[i];
            if (w == stopAt) return tree;
            queue.push_back(w);
        }
    }
    return tree;
}

}  // namespace

BfsTree bfsTree(const Graph& graph, NodeId source) {
    checkNode(graph, source, "bfsTree");
    return buildTree(graph, source, kNoIndex);
}

ShortestPath pathInTree(const BfsTree& tree, NodeId target) {
    ShortestPath path;
    if (target >= tree.hops.size() || tree.hops[target] < 0) return path;
    const size_t length = size_t(tree.hops[target]);
    path.nodes.resize(length + 1);
    path.edges.resize(length);
    NodeId v = target;
    for (size_t i = length; i > 0; --i) {
        path.nodes[i] = v;
        path.edges[i - 1] = tree.parentEdge[v];
        v = tree.parent[v];
    }
    path.nodes[0] = v;
    return path;
}

ShortestPath shortestPath(const Graph& graph, NodeId a, NodeId b) {
    checkNode(graph, a, "shortestPath");
    checkNode(graph, b, "shortestPath");
    return pathInTree(buildTree(graph, a, b), b);
}

HopMatrix allPairsHops(const Graph& graph, size_t maxNodes) {
    const size_t n = graph.nodeCount();
    const size_t limit = std::min(maxNodes, kAllPairsHardMaxNodes);
    if (n > limit)
        throw std::length_error("allPairsHops: the graph has " + std::to_string(n) +
                                " nodes, more than the limit of " + std::to_string(limit) +
                                " (an n x n hop matrix would need " +
                                std::to_string(n * n * sizeof(int16_t) >> 20) + " MiB)");
    const Csr& csr = graph.adjacency(Direction::Both);
    HopMatrix result;
    result.n = n;
    result.hops.assign(n * n, int16_t(-1));
    tbb::parallel_for(tbb::blocked_range<size_t>(0, n), [&](const tbb::blocked_range<size_t>& r) {
        std::vector<NodeId> queue;
        queue.reserve(n);
        for (size_t s = r.begin(); s != r.end(); ++s) {
            int16_t* row = result.hops.data() + s * n;
            queue.clear();
            queue.push_back(NodeId(s));
            row[s] = 0;
            for (size_t head = 0; head < queue.size(); ++head) {
                const NodeId u = queue[head];
                const auto next = int16_t(row[u] + 1);
                for (NodeId w : csr.neighborsOf(u)) {
                    if (row[w] < 0) {
                        row[w] = next;
                        queue.push_back(w);
                    }
                }
            }
        }
    });
    return result;
}

std::vector<uint64_t> degrees(const Graph& graph, Direction dir) {
    const Csr& csr = graph.adjacency(dir);
    std::vector<uint64_t> result(graph.nodeCount());
    for (NodeId v = 0; v < result.size(); ++v) result[v] = csr.degree(v);
    return result;
}

}  // namespace gts
