#include "graph/Graph.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace gts {

Graph::Graph(const Graph& other)
    : directed_(other.directed_),
      name_(other.name_),
      nodeCount_(other.nodeCount_),
      edges_(other.edges_),
      nodeKeys_(other.nodeKeys_),
      edgeKeys_(other.edgeKeys_),
      nodeAttrs_(other.nodeAttrs_),
      edgeAttrs_(other.edgeAttrs_),
      graphAttrs_(other.graphAttrs_) {}

Graph& Graph::operator=(const Graph& other) {
    if (this != &other) {
        Graph copy(other);
        *this = std::move(copy);
    }
    return *this;
}

Graph::Graph(Graph&& other) noexcept
    : directed_(other.directed_),
      name_(std::move(other.name_)),
      nodeCount_(other.nodeCount_),
      edges_(std::move(other.edges_)),
      nodeKeys_(std::move(other.nodeKeys_)),
      edgeKeys_(std::move(other.edgeKeys_)),
      nodeAttrs_(std::move(other.nodeAttrs_)),
      edgeAttrs_(std::move(other.edgeAttrs_)),
      graphAttrs_(std::move(other.graphAttrs_)) {
    other.nodeCount_ = 0;
    other.invalidate();
}

Graph& Graph::operator=(Graph&& other) noexcept {
    if (this != &other) {
        directed_ = other.directed_;
        name_ = std::move(other.name_);
        nodeCount_ = other.nodeCount_;
        edges_ = std::move(other.edges_);
        nodeKeys_ = std::move(other.nodeKeys_);
        edgeKeys_ = std::move(other.edgeKeys_);
        nodeAttrs_ = std::move(other.nodeAttrs_);
        edgeAttrs_ = std::move(other.edgeAttrs_);
        graphAttrs_ = std::move(other.graphAttrs_);
        other.nodeCount_ = 0;
        other.invalidate();
        invalidate();
    }
    return *this;
}

Graph::~Graph() = default;

void Graph::invalidate() {
    std::lock_guard lock(cacheMutex_);
    for (auto& c : csr_) c.reset();
    keyIndex_.reset();
}

void Graph::setDirected(bool directed) {
    if (directed_ == directed) return;
    directed_ = directed;
    invalidate();
}

NodeId Graph::addNode() { return addNodes(1); }

NodeId Graph::addNode(std::string key) {
    NodeId v = addNodes(1);
    setNodeKey(v, std::move(key));
    return v;
}

NodeId Graph::addNodes(size_t n) {
    if (nodeCount_ + n >= kNoIndex) throw std::length_error("graph: too many nodes");
    NodeId first = NodeId(nodeCount_);
    nodeCount_ += n;
    if (!nodeKeys_.empty()) nodeKeys_.resize(nodeCount_);
    nodeAttrs_.resize(nodeCount_);
    invalidate();
    return first;
}

EdgeId Graph::addEdge(NodeId src, NodeId dst) {
    if (src >= nodeCount_ || dst >= nodeCount_)
        throw std::out_of_range("graph: edge " + std::to_string(src) + " -> " +
                                std::to_string(dst) + " names a node outside 0.." +
                                std::to_string(nodeCount_ == 0 ? 0 : nodeCount_ - 1));
    if (edges_.size() + 1 >= kNoIndex) throw std::length_error("graph: too many edges");
    EdgeId e = EdgeId(edges_.size());
    edges_.push_back({src, dst});
    if (!edgeKeys_.empty()) edgeKeys_.resize(edges_.size());
    edgeAttrs_.resize(edges_.size());
    if (csr_[0] || csr_[1] || csr_[2]) invalidate();
    return e;
}

void Graph::setEdgeEndpoints(EdgeId e, NodeId src, NodeId dst) {
    if (e >= edges_.size() || src >= nodeCount_ || dst >= nodeCount_)
        throw std::out_of_range("graph: setEdgeEndpoints out of range");
    edges_[e] = {src, dst};
    invalidate();
}

std::vector<uint32_t> Graph::removeEdge(EdgeId e) {
    if (e >= edges_.size()) throw std::out_of_range("graph: no edge " + std::to_string(e));
    std::vector<uint32_t> map(edges_.size());
    std::vector<uint32_t> keep;
    keep.reserve(edges_.size() - 1);
    for (uint32_t i = 0, j = 0; i < edges_.size(); ++i) {
        if (i == e) {
            map[i] = kNoIndex;
        } else {
            map[i] = j++;
            keep.push_back(i);
        }
    }
    edges_.erase(edges_.begin() + e);
    if (!edgeKeys_.empty()) edgeKeys_.erase(edgeKeys_.begin() + e);
    edgeAttrs_.gather(keep);
    invalidate();
    return map;
}

std::vector<uint32_t> Graph::removeNode(NodeId v, std::vector<uint32_t>* edgeMap) {
    if (v >= nodeCount_) throw std::out_of_range("graph: no node " + std::to_string(v));
    std::vector<uint32_t> nodeMap(nodeCount_);
    std::vector<uint32_t> keepNodes;
    keepNodes.reserve(nodeCount_ - 1);
    for (uint32_t i = 0, j = 0; i < nodeCount_; ++i) {
        nodeMap[i] = i == v ? kNoIndex : j++;
        if (i != v) keepNodes.push_back(i);
    }
    std::vector<uint32_t> emap(edges_.size());
    std::vector<uint32_t> keepEdges;
    std::vector<Edge> newEdges;
    std::vector<std::string> newEdgeKeys;
    for (uint32_t i = 0; i < edges_.size(); ++i) {
        const Edge& ed = edges_[i];
        if (ed.src == v || ed.dst == v) {
            emap[i] = kNoIndex;
            continue;
        }
        emap[i] = uint32_t(keepEdges.size());
        keepEdges.push_back(i);
        newEdges.push_back({nodeMap[ed.src], nodeMap[ed.dst]});
        if (!edgeKeys_.empty()) newEdgeKeys.push_back(std::move(edgeKeys_[i]));
    }
    edges_ = std::move(newEdges);
    if (!edgeKeys_.empty()) edgeKeys_ = std::move(newEdgeKeys);
    edgeAttrs_.gather(keepEdges);
    if (!nodeKeys_.empty()) nodeKeys_.erase(nodeKeys_.begin() + v);
    nodeAttrs_.gather(keepNodes);
    --nodeCount_;
    invalidate();
    if (edgeMap) *edgeMap = std::move(emap);
    return nodeMap;
}

std::string Graph::nodeKey(NodeId v) const {
    if (!nodeKeys_.empty() && !nodeKeys_[v].empty()) return nodeKeys_[v];
    return std::to_string(v);
}

void Graph::setNodeKey(NodeId v, std::string key) {
    if (v >= nodeCount_) throw std::out_of_range("graph: no node " + std::to_string(v));
    if (nodeKeys_.empty()) nodeKeys_.resize(nodeCount_);
    nodeKeys_[v] = std::move(key);
    std::lock_guard lock(cacheMutex_);
    keyIndex_.reset();
}

std::optional<NodeId> Graph::findNode(std::string_view key) const {
    if (nodeKeys_.empty()) {
        uint64_t v = 0;
        auto res = std::from_chars(key.data(), key.data() + key.size(), v);
        if (res.ec != std::errc() || res.ptr != key.data() + key.size() || v >= nodeCount_)
            return std::nullopt;
        return NodeId(v);
    }
    std::lock_guard lock(cacheMutex_);
    if (!keyIndex_) {
        keyIndex_ = std::make_unique<std::unordered_map<std::string, NodeId>>();
        keyIndex_->reserve(nodeCount_);
        for (NodeId v = 0; v < nodeCount_; ++v)
            keyIndex_->emplace(nodeKeys_[v].empty() ? std::to_string(v) : nodeKeys_[v], v);
    }
    auto it = keyIndex_->find(std::string(key));
    if (it == keyIndex_->end()) return std::nullopt;
    return it->second;
}

std::string Graph::edgeKey(EdgeId e) const {
    return edgeKeys_.empty() ? std::string() : edgeKeys_[e];
}

void Graph::setEdgeKey(EdgeId e, std::string key) {
    if (e >= edges_.size()) throw std::out_of_range("graph: no edge " + std::to_string(e));
    if (edgeKeys_.empty()) edgeKeys_.resize(edges_.size());
    edgeKeys_[e] = std::move(key);
}

const Csr& Graph::adjacency(Direction dir) const {
    if (!directed_) dir = Direction::Both;
    std::lock_guard lock(cacheMutex_);
    auto& slot = csr_[size_t(dir)];
    if (slot) return *slot;
    auto csr = std::make_unique<Csr>();
    csr->offsets.assign(nodeCount_ + 1, 0);
    const bool out = dir != Direction::In;
    const bool in = dir != Direction::Out;
    for (const Edge& e : edges_) {
        if (out) ++csr->offsets[e.src + 1];
        if (in) ++csr->offsets[e.dst + 1];
    }
    for (size_t v = 0; v < nodeCount_; ++v) csr->offsets[v + 1] += csr->offsets[v];
    const uint64_t entries = csr->offsets[nodeCount_];
    csr->neighbors.resize(entries);
    csr->edges.resize(entries);
    std::vector<uint64_t> cursor(csr->offsets.begin(), csr->offsets.end() - 1);
    for (EdgeId i = 0; i < edges_.size(); ++i) {
        const Edge& e = edges_[i];
        if (out) {
            uint64_t p = cursor[e.src]++;
            csr->neighbors[p] = e.dst;
            csr->edges[p] = i;
        }
        if (in) {
            uint64_t p = cursor[e.dst]++;
            csr->neighbors[p] = e.src;
            csr->edges[p] = i;
        }
    }
    slot = std::move(csr);
    return *slot;
}

uint64_t Graph::degree(NodeId v, Direction dir) const { return adjacency(dir).degree(v); }

size_t Graph::selfLoopCount() const {
    return size_t(std::count_if(edges_.begin(), edges_.end(),
                                [](const Edge& e) { return e.src == e.dst; }));
}

bool Graph::hasMultiEdges() const {
    std::vector<uint64_t> keys;
    keys.reserve(edges_.size());
    for (const Edge& e : edges_) {
        uint64_t a = e.src, b = e.dst;
        if (!directed_ && a > b) std::swap(a, b);
        keys.push_back((a << 32) | b);
    }
    std::sort(keys.begin(), keys.end());
    return std::adjacent_find(keys.begin(), keys.end()) != keys.end();
}

}  // namespace gts
