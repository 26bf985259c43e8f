#pragma once
// The graph model every other part of GTScope reads: nodes, edges and typed attributes.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "graph/Attributes.h"

namespace gts {

using NodeId = uint32_t;
using EdgeId = uint32_t;
inline constexpr uint32_t kNoIndex = 0xFFFFFFFFu;

/// An edge as stored: endpoints by node index. In an undirected graph src/dst keep the order
/// the edge was given in, which writers reproduce.
struct Edge {
    NodeId src = 0;
    NodeId dst = 0;
};

/// Which way adjacency is read. `Both` is the undirected view: every edge appears at both of its
/// endpoints (a self loop therefore appears twice at its node, as it adds 2 to the degree).
enum class Direction : uint8_t { Out, In, Both };

/// Compressed sparse rows over the nodes: the neighbours of v are
/// `neighbors[offsets[v] .. offsets[v+1])`, with the edge that leads there in `edges` alongside.
struct Csr {
    std::vector<uint64_t> offsets;   // [nodeCount + 1]
    std::vector<NodeId> neighbors;   // [entries]
    std::vector<EdgeId> edges;       // [entries]

    std::span<const NodeId> neighborsOf(NodeId v) const {
        return {neighbors.data() + offsets[v], neighbors.data() + offsets[v + 1]};
    }
    std::span<const EdgeId> edgesOf(NodeId v) const {
        return {edges.data() + offsets[v], edges.data() + offsets[v + 1]};
    }
    uint64_t degree(NodeId v) const { return offsets[v + 1] - offsets[v]; }
};

/// A graph: nodes and edges with stable indices, directed or undirected, multi-edges and self
/// loops allowed, with typed attribute columns per node, per edge and for the graph itself.
///
/// Nodes and edges are identified by their index (0..count-1). Each node and edge may also carry
/// a key: the identifier a file gave it ("n0", "Medici"), kept so that writers give it back.
/// A node without a key is written as its index. Removing a node or edge compacts the indices
/// (the returned map says where each old index went); keys never change.
///
/// Adjacency is built on demand as CSR and cached until the graph changes; fit for ten million
/// edges (8 bytes per edge plus 12 bytes per adjacency entry).
class Graph {
public:
    explicit Graph(bool directed = false) : directed_(directed) {}
    Graph(const Graph& other);
    Graph& operator=(const Graph& other);
    Graph(Graph&&) noexcept;
    Graph& operator=(Graph&&) noexcept;
    ~Graph();

    bool directed() const { return directed_; }
    void setDirected(bool directed);

    /// A display name (file name, molecule name, graph id from the file).
    const std::string& name() const { return name_; }
    void setName(std::string name) { name_ = std::move(name); }

    size_t nodeCount() const { return nodeCount_; }
    size_t edgeCount() const { return edges_.size(); }

    NodeId addNode();
    NodeId addNode(std::string key);
    /// Adds n nodes without keys; returns the index of the first.
    NodeId addNodes(size_t n);
    /// Adds an edge between existing nodes. Throws std::out_of_range on a bad index.
    EdgeId addEdge(NodeId src, NodeId dst);
    void reserveEdges(size_t n) { edges_.reserve(n); }

    /// Removes an edge; later edges move down by one. Returns old index -> new index (kNoIndex
    /// for the removed one).
    std::vector<uint32_t> removeEdge(EdgeId e);
    /// Removes a node and every edge touching it. Returns the node map (old -> new, kNoIndex for
    /// removed); `edgeMap`, if given, receives the same for edges.
    std::vector<uint32_t> removeNode(NodeId v, std::vector<uint32_t>* edgeMap = nullptr);

    const Edge& edge(EdgeId e) const { return edges_[e]; }
    const std::vector<Edge>& edges() const { return edges_; }
    /// Moves an edge's endpoints (for editing); the edge keeps its index and attributes.
    void setEdgeEndpoints(EdgeId e, NodeId src, NodeId dst);

    // Keys -----------------------------------------------------------------------------------
    bool hasNodeKeys() const { return !nodeKeys_.empty(); }
    /// The key of node v: the file's identifier, or its index as decimal text.
    std::string nodeKey(NodeId v) const;
    void setNodeKey(NodeId v, std::string key);
    /// The node with this key (or, when nodes have no keys, whose index is this decimal text).
    std::optional<NodeId> findNode(std::string_view key) const;

    bool hasEdgeKeys() const { return !edgeKeys_.empty(); }
    /// The key of edge e, or "" when the file gave none.
    std::string edgeKey(EdgeId e) const;
    void setEdgeKey(EdgeId e, std::string key);

    // Attributes -----------------------------------------------------------------------------
    AttrTable& nodeAttrs() { return nodeAttrs_; }
    const AttrTable& nodeAttrs() const { return nodeAttrs_; }
    AttrTable& edgeAttrs() { return edgeAttrs_; }
    const AttrTable& edgeAttrs() const { return edgeAttrs_; }
    /// Graph-level attributes (labels, targets, names): tables of size 1.
    AttrTable& graphAttrs() { return graphAttrs_; }
    const AttrTable& graphAttrs() const { return graphAttrs_; }

    // Structure ------------------------------------------------------------------------------
    /// CSR adjacency for a direction, built on first use and cached (thread-safe).
    /// For an undirected graph Out and In are the same as Both.
    const Csr& adjacency(Direction dir = Direction::Both) const;
    /// Degree in the undirected view (self loops count 2), or out/in-degree.
    uint64_t degree(NodeId v, Direction dir = Direction::Both) const;
    size_t selfLoopCount() const;
    bool hasMultiEdges() const;

private:
    void invalidate();

    bool directed_ = false;
    std::string name_;
    size_t nodeCount_ = 0;
    std::vector<Edge> edges_;
    std::vector<std::string> nodeKeys_;  // empty, or [nodeCount]
    std::vector<std::string> edgeKeys_;  // empty, or [edgeCount]
    AttrTable nodeAttrs_;
    AttrTable edgeAttrs_;
    AttrTable graphAttrs_{1};

    // Caches, rebuilt on demand after any structural change.
    mutable std::mutex cacheMutex_;
    mutable std::unique_ptr<Csr> csr_[3];
    mutable std::unique_ptr<std::unordered_map<std::string, NodeId>> keyIndex_;
};

}  // namespace gts
