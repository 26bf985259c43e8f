#include "graph/RandomWalk.h"

#include <stdexcept>
#include <string>

#include <Eigen/Dense>
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

namespace gts {
namespace {

// Row sums of A (a self loop counts once): adjacency(Both) lists a self loop twice.
std::vector<double> rowSums(const Graph& graph, const Csr& csr) {
    std::vector<double> delta(graph.nodeCount());
    for (NodeId v = 0; v < delta.size(); ++v) delta[v] = double(csr.degree(v));
    for (const Edge& e : graph.edges())
        if (e.src == e.dst) delta[e.src] -= 1.0;
    return delta;
}

// Per-thread scratch for the walk from one node: the nodes reached so far (`ball`, in order of
// discovery), each node's place in `ball`, and the walk's distribution after each step, aligned
// with `ball` (distribution s covers the first |ball after s steps| nodes).
struct WalkScratch {
    explicit WalkScratch(size_t n) : place(n, kNoIndex) {}
    std::vector<uint32_t> place;
    std::vector<NodeId> ball;
    std::vector<std::vector<double>> steps;
};

}  // namespace

std::vector<double> randomWalkReturnProbabilities(const Graph& graph, int K) {
    if (K <= 0) return {};
    const size_t n = graph.nodeCount();
    const size_t kk = size_t(K);
    std::vector<double> out(n * kk, 0.0);
    if (n == 0) return out;
    const Csr& csr = graph.adjacency(Direction::Both);
    const std::vector<double> delta = rowSums(graph, csr);
    const size_t half = (kk + 1) / 2;

    tbb::enumerable_thread_specific<WalkScratch> scratch([n] { return WalkScratch(n); });
    tbb::parallel_for(tbb::blocked_range<size_t>(0, n, 16), [&](const tbb::blocked_range<size_t>& r) {
        WalkScratch& s = scratch.local();
        s.steps.resize(half + 1);
        for (size_t v = r.begin(); v != r.end(); ++v) {
            if (delta[v] == 0.0) continue;
            s.ball.assign(1, NodeId(v));
            s.place[v] = 0;
            s.steps[0].assign(1, 1.0);
            for (size_t step = 0; step < half; ++step) {
                const std::vector<double>& cur = s.steps[step];
                std::vector<double>& next = s.steps[step + 1];
                next.assign(s.ball.size(), 0.0);
                for (size_t i = 0; i < cur.size(); ++i) {
                    if (cur[i] == 0.0) continue;
                    const NodeId u = s.ball[i];
                    const double share = cur[i] / delta[u];
                    for (NodeId w : csr.neighborsOf(u)) {
                        if (s.place[w] == kNoIndex) {
                            s.place[w] = uint32_t(s.ball.size());
                            s.ball.push_back(w);
                            next.push_back(0.0);
                        }
                        // A self loop is listed twice at u but is one entry of A_uu.
                        next[s.place[w]] += w == u ? 0.5 * share : share;
                    }
                }
            }
            double* row = out.data() + v * kk;
            for (size_t k = 1; k <= kk; ++k) {
                const std::vector<double>& a = s.steps[(k + 1) / 2];
                const std::vector<double>& b = s.steps[k / 2];
                double sum = 0.0;
                for (size_t i = 0; i < b.size(); ++i)
                    if (b[i] != 0.0) sum += a[i] * b[i] / delta[s.ball[i]];
                row[k - 1] = sum * delta[v];
            }
            for (NodeId u : s.ball) s.place[u] = kNoIndex;
        }
    });
    return out;
}

std::vector<double> randomWalkReturnProbabilitiesDense(const Graph& graph, int K) {
    const size_t n = graph.nodeCount();
    if (n > kDenseRandomWalkMaxNodes)
        throw std::length_error("randomWalkReturnProbabilitiesDense: " + std::to_string(n) +
                                " nodes, more than the dense limit of " +
                                std::to_string(kDenseRandomWalkMaxNodes));
    if (K <= 0) return {};
    const auto nn = Eigen::Index(n);
    Eigen::MatrixXd p = Eigen::MatrixXd::Zero(nn, nn);
    for (const Edge& e : graph.edges()) {
        p(e.src, e.dst) += 1.0;
        if (e.src != e.dst) p(e.dst, e.src) += 1.0;
    }
    for (Eigen::Index i = 0; i < nn; ++i) {
        const double d = p.row(i).sum();
        if (d > 0.0) p.row(i) /= d;
    }
    std::vector<double> out(n * size_t(K), 0.0);
    Eigen::MatrixXd power = p;
    for (int k = 1; k <= K; ++k) {
        for (Eigen::Index i = 0; i < nn; ++i) out[size_t(i) * size_t(K) + size_t(k - 1)] = power(i, i);
        if (k < K) power = (power * p).eval();
    }
    return out;
}

}  // namespace gts
