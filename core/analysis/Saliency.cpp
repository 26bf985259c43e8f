#include "analysis/Saliency.h"

#include <tbb/parallel_for.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <queue>
#include <stdexcept>
#include <string>

namespace gts::analysis {

namespace {

using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Â_l over all S original positions: ½(mean-head attention + I) on the rows present in the
/// layer, rows of I for positions no longer present.
std::vector<Matrix> residualAttention(const model::RunResult& result, int64_t& S) {
    if (result.layers.empty()) throw std::invalid_argument("saliency: no captured layers");
    // The original sequence's length: a run pruned before layer 0 starts on fewer positions
    // than it had, so take the widest of the first layer's count, the largest original position
    // any layer names, and the captured embeddings. Positions dropped before layer 0 are in no
    // Â_l's rows or columns and end with saliency 0 (they reached nothing).
    S = static_cast<int64_t>(result.layers.front().positions.size());
    for (const auto& c : result.layers)
        for (int32_t p : c.positions) S = std::max<int64_t>(S, int64_t(p) + 1);
    if (result.embeddings.size() > 0) S = std::max<int64_t>(S, result.embeddings.dim(0));
    for (const auto& c : result.layers) {
        if (c.attention.size() == 0)
            throw std::invalid_argument("saliency: layer " + std::to_string(c.layer) +
                                        " has no captured attention (capture every layer)");
        if (c.layer != static_cast<int>(&c - result.layers.data()))
            throw std::invalid_argument("saliency: needs every layer captured, layer " +
                                        std::to_string(&c - result.layers.data()) + " is missing");
    }
    std::vector<Matrix> out;
    for (const auto& c : result.layers) {
        const int64_t H = c.attention.dim(0), n = c.attention.dim(1);
        Matrix a = Matrix::Identity(S, S);
        std::vector<int64_t> rows(static_cast<size_t>(n));
        for (int64_t r = 0; r < n; ++r) {
            const int32_t p = c.positions[static_cast<size_t>(r)];
            if (p < 0)
                throw std::invalid_argument("saliency: position " + std::to_string(p) +
                                            " is negative");
            rows[static_cast<size_t>(r)] = p;
        }
        for (int64_t r = 0; r < n; ++r) {
            const int64_t i = rows[static_cast<size_t>(r)];
            a.row(i).setZero();
            for (int64_t h = 0; h < H; ++h) {
                const float* src = c.attention.data() + (h * n + r) * n;
                for (int64_t k = 0; k < n; ++k) a(i, rows[static_cast<size_t>(k)]) += src[k] / static_cast<double>(H);
            }
            a.row(i) *= 0.5;
            a(i, i) += 0.5;
        }
        out.push_back(std::move(a));
    }
    return out;
}

std::vector<int32_t> outputRows(const model::RunResult& result, SaliencyTarget target) {
    const auto& last = result.layers.back().positions;
    if (target == SaliencyTarget::LastPosition) return {last.back()};
    return last;
}

/// Dinic's maximum flow on a small dense layered graph.
class MaxFlow {
public:
    explicit MaxFlow(int n) : graph_(static_cast<size_t>(n)) {}
    void addEdge(int from, int to, double capacity) {
        graph_[static_cast<size_t>(from)].push_back({to, static_cast<int>(graph_[static_cast<size_t>(to)].size()), capacity});
        graph_[static_cast<size_t>(to)].push_back({from, static_cast<int>(graph_[static_cast<size_t>(from)].size()) - 1, 0.0});
    }
    double run(int source, int sink) {
        double flow = 0.0;
        while (levels(source, sink)) {
            next_.assign(graph_.size(), 0);
            while (double f = push(source, sink, std::numeric_limits<double>::infinity())) flow += f;
        }
        return flow;
    }

private:
    struct Arc {
        int to, reverse;
        double capacity;
    };
    static constexpr double kEps = 1e-12;
    bool levels(int source, int sink) {
        level_.assign(graph_.size(), -1);
        std::queue<int> q;
        level_[static_cast<size_t>(source)] = 0;
        q.push(source);
        while (!q.empty()) {
            const int v = q.front();
            q.pop();
            for (const Arc& e : graph_[static_cast<size_t>(v)])
                if (e.capacity > kEps && level_[static_cast<size_t>(e.to)] < 0) {
                    level_[static_cast<size_t>(e.to)] = level_[static_cast<size_t>(v)] + 1;
                    q.push(e.to);
                }
        }
        return level_[static_cast<size_t>(sink)] >= 0;
    }
    double push(int v, int sink, double limit) {
        if (v == sink) return limit;
        auto& arcs = graph_[static_cast<size_t>(v)];
        for (int& i = next_[static_cast<size_t>(v)]; i < static_cast<int>(arcs.size()); ++i) {
            Arc& e = arcs[static_cast<size_t>(i)];
            if (e.capacity <= kEps || level_[static_cast<size_t>(e.to)] != level_[static_cast<size_t>(v)] + 1) continue;
            if (double f = push(e.to, sink, std::min(limit, e.capacity)); f > 0.0) {
                e.capacity -= f;
                graph_[static_cast<size_t>(e.to)][static_cast<size_t>(e.reverse)].capacity += f;
                return f;
            }
        }
        return 0.0;
    }
    std::vector<std::vector<Arc>> graph_;
    std::vector<int> level_, next_;
};

}  // namespace

Saliency attentionRollout(const model::RunResult& result, SaliencyTarget target) {
    int64_t S = 0;
    const auto layers = residualAttention(result, S);
    // Only the output rows of J_L = Â_L … Â_1 are needed: a row vector times each Â from the
    // last layer down, O(L·S²) instead of O(L·S³).
    Eigen::RowVectorXd v = Eigen::RowVectorXd::Zero(S);
    const auto rows = outputRows(result, target);
    for (int32_t r : rows) v[r] += 1.0 / static_cast<double>(rows.size());
    for (auto it = layers.rbegin(); it != layers.rend(); ++it) v = v * *it;
    Saliency s;
    s.position.assign(v.data(), v.data() + S);
    return s;
}

Saliency attentionFlow(const model::RunResult& result, SaliencyTarget target) {
    int64_t S = 0;
    const auto layers = residualAttention(result, S);
    if (S > kMaxFlowPositions)
        throw std::invalid_argument("attention flow of " + std::to_string(S) +
                                    " positions: exact max-flow is limited to " +
                                    std::to_string(kMaxFlowPositions) + " (use rollout)");
    const auto rows = outputRows(result, target);
    const int L = static_cast<int>(layers.size());
    const int n = static_cast<int>(S);
    const int sink = (L + 1) * n;
    Saliency s;
    s.position.assign(static_cast<size_t>(S), 0.0);
    tbb::parallel_for(0, n, [&](int input) {
        MaxFlow flow(sink + 1);
        for (int l = 1; l <= L; ++l) {
            const Matrix& a = layers[static_cast<size_t>(l - 1)];
            for (int i = 0; i < n; ++i)
                for (int j = 0; j < n; ++j)
                    if (a(i, j) > 0.0) flow.addEdge((l - 1) * n + j, l * n + i, a(i, j));
        }
        // Each output row drains at most 1 (its attention rows sum to 1), averaged like rollout.
        for (int32_t r : rows) flow.addEdge(L * n + r, sink, 1.0);
        s.position[static_cast<size_t>(input)] = flow.run(input, sink) / static_cast<double>(rows.size());
    });
    return s;
}

void saliencyOnGraph(Saliency& s, const Graph& graph, const TokenSequence& tokens) {
    s.node.assign(graph.nodeCount(), 0.0);
    s.edge.assign(graph.edgeCount(), 0.0);
    for (size_t p = 0; p < s.position.size() && p < tokens.positionSources.size(); ++p) {
        const PositionSource& src = tokens.positionSources[p];
        if (src.kind == PositionKind::Eos) continue;
        if (src.node != kNoIndex && src.node < s.node.size()) s.node[src.node] += s.position[p];
        if (src.edgeOrigin != EdgeOrigin::Jump && src.edge != kNoIndex && src.edge < s.edge.size())
            s.edge[src.edge] += s.position[p];
    }
}

namespace {

/// Σ_j x log2 x over each row, summed over rows (0 log 0 = 0).
double sumXLogX(const Eigen::ArrayXf& x) {
    return static_cast<double>((x * x.max(1e-30f).log()).sum()) / std::log(2.0);
}

/// JSD with both heads' Σ p log p known: ½ Σ p log p + ½ Σ q log q − Σ m log m (base 2).
double jsdWithEntropies(const float* a, const float* b, int64_t size, double aLogA, double bLogB) {
    if (size <= 0) return 0.0;
    const auto n = static_cast<Eigen::Index>(size * size);
    const Eigen::Map<const Eigen::ArrayXf> p(a, n), q(b, n);
    const Eigen::ArrayXf m = 0.5f * (p + q);
    const double total = 0.5 * aLogA + 0.5 * bLogB - sumXLogX(m);
    return std::clamp(total / static_cast<double>(size), 0.0, 1.0);
}

double sumXLogX(const float* a, int64_t size) {
    return sumXLogX(Eigen::Map<const Eigen::ArrayXf>(a, static_cast<Eigen::Index>(size * size)));
}

}  // namespace

double attentionJsd(const float* a, const float* b, int64_t size) {
    return jsdWithEntropies(a, b, size, sumXLogX(a, size), sumXLogX(b, size));
}

HeadSimilarity headSimilarity(const model::RunResult& result, bool withinLayers) {
    HeadSimilarity out;
    std::vector<const float*> data;
    std::vector<int64_t> sizes;
    std::vector<size_t> layerOf;
    for (size_t l = 0; l < result.layers.size(); ++l) {
        const auto& c = result.layers[l];
        if (c.attention.size() == 0) continue;
        const int64_t n = c.attention.dim(1);
        for (int64_t h = 0; h < c.attention.dim(0); ++h) {
            out.heads.push_back({c.layer, static_cast<int>(h)});
            data.push_back(c.attention.data() + h * n * n);
            sizes.push_back(n);
            layerOf.push_back(l);
        }
    }
    const size_t n = out.heads.size();
    std::vector<double> xLogX(n);
    tbb::parallel_for(size_t{0}, n, [&](size_t i) { xLogX[i] = sumXLogX(data[i], sizes[i]); });
    out.jsd.assign(n * n, std::numeric_limits<double>::quiet_NaN());
    tbb::parallel_for(size_t{0}, n, [&](size_t i) {
        out.jsd[i * n + i] = 0.0;
        for (size_t j = i + 1; j < n; ++j) {
            const bool sameLayer = layerOf[i] == layerOf[j];
            if ((withinLayers && !sameLayer) || sizes[i] != sizes[j]) continue;
            if (!sameLayer && result.layers[layerOf[i]].positions != result.layers[layerOf[j]].positions) continue;
            out.jsd[i * n + j] = jsdWithEntropies(data[i], data[j], sizes[i], xLogX[i], xLogX[j]);
        }
    });
    for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < i; ++j) out.jsd[i * n + j] = out.jsd[j * n + i];
    return out;
}

HeadClustering clusterHeads(const HeadSimilarity& similarity) {
    const int n = static_cast<int>(similarity.heads.size());
    HeadClustering c;
    c.leaves = n;
    if (n == 0) return c;
    const auto N = static_cast<size_t>(n);
    auto base = [&](size_t i, size_t j) {
        const double d = similarity.jsd[i * N + j];
        return std::isnan(d) ? 1.0 : d;
    };
    // Active clusters: id, members; distances between clusters by average linkage.
    std::vector<int> id(N);
    std::vector<std::vector<int>> members(N);
    for (int i = 0; i < n; ++i) {
        id[static_cast<size_t>(i)] = i;
        members[static_cast<size_t>(i)] = {i};
    }
    std::vector<std::vector<double>> d(N, std::vector<double>(N, 0.0));
    for (size_t i = 0; i < N; ++i)
        for (size_t j = 0; j < N; ++j) d[i][j] = base(i, j);
    std::vector<bool> alive(N, true);
    for (int step = 0; step + 1 < n; ++step) {
        size_t bi = 0, bj = 0;
        double best = std::numeric_limits<double>::infinity();
        for (size_t i = 0; i < N; ++i) {
            if (!alive[i]) continue;
            for (size_t j = i + 1; j < N; ++j)
                if (alive[j] && d[i][j] < best) {
                    best = d[i][j];
                    bi = i;
                    bj = j;
                }
        }
        c.merges.push_back({id[bi], id[bj], best});
        const double wi = static_cast<double>(members[bi].size()), wj = static_cast<double>(members[bj].size());
        for (size_t k = 0; k < N; ++k)
            if (alive[k] && k != bi && k != bj) d[bi][k] = d[k][bi] = (wi * d[bi][k] + wj * d[bj][k]) / (wi + wj);
        members[bi].insert(members[bi].end(), members[bj].begin(), members[bj].end());
        members[bj].clear();
        alive[bj] = false;
        id[bi] = n + step;
    }
    for (size_t i = 0; i < N; ++i)
        if (alive[i]) c.order = members[i];
    return c;
}

void annotateSimilarity(RunHeadStats& stats, const HeadSimilarity& similarity, int clusters) {
    const size_t n = similarity.heads.size();
    const auto labels = clusterHeads(similarity).labels(clusters);
    for (auto& h : stats.heads) {
        size_t i = n;
        for (size_t k = 0; k < n; ++k)
            if (similarity.heads[k].layer == h.layer && similarity.heads[k].head == h.head) i = k;
        if (i == n) continue;
        h.cluster = labels[i];
        double best = std::numeric_limits<double>::infinity();
        for (size_t j = 0; j < n; ++j) {
            const double d = similarity.jsd[i * n + j];
            if (j == i || std::isnan(d) || d >= best) continue;
            best = d;
            h.nearestLayer = similarity.heads[j].layer;
            h.nearestHead = similarity.heads[j].head;
            h.nearestJsd = d;
        }
    }
}

std::vector<int> HeadClustering::labels(int clusters) const {
    std::vector<int> parent(static_cast<size_t>(leaves + static_cast<int>(merges.size())));
    for (size_t i = 0; i < parent.size(); ++i) parent[i] = static_cast<int>(i);
    const int applied = std::max(0, leaves - std::max(1, clusters));
    for (int k = 0; k < applied && k < static_cast<int>(merges.size()); ++k) {
        parent[static_cast<size_t>(merges[static_cast<size_t>(k)].a)] = leaves + k;
        parent[static_cast<size_t>(merges[static_cast<size_t>(k)].b)] = leaves + k;
    }
    std::function<int(int)> root = [&](int v) {
        while (parent[static_cast<size_t>(v)] != v) v = parent[static_cast<size_t>(v)];
        return v;
    };
    std::vector<int> label(static_cast<size_t>(leaves));
    std::vector<int> roots;
    for (int i : order.empty() ? std::vector<int>{} : order) {
        const int r = root(i);
        auto it = std::find(roots.begin(), roots.end(), r);
        if (it == roots.end()) {
            roots.push_back(r);
            it = roots.end() - 1;
        }
        label[static_cast<size_t>(i)] = static_cast<int>(it - roots.begin());
    }
    return label;
}

}  // namespace gts::analysis
