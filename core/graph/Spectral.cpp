#include "graph/Spectral.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "graph/Algorithms.h"

namespace gts {
namespace {

using Triplet = Eigen::Triplet<double, int>;
using RowSparse = Eigen::SparseMatrix<double, Eigen::RowMajor, int>;
using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Entries within this relative distance of an eigenvector's largest magnitude tie for deciding
// its sign (so that solver rounding cannot flip it).
constexpr double kSignTieTolerance = 1e-6;
// Seed of the iterative solver's starting block: results are reproducible run to run.
constexpr uint64_t kStartSeed = 0x6a09e667f3bcc909ull;
// Iterative solver: the block holds max(2k', k' + kMinExtraVectors) vectors.
constexpr int kMinExtraVectors = 8;
// Iterative solver: a filter's gain at the spectrum's low end is kept below this, so that
// vectors it amplifies less are not lost to rounding when the block is re-orthonormalized.
constexpr double kMaxFilterGain = 1e12;
// Iterative solver: the damped interval starts at least this fraction above the largest wanted
// Ritz value (which is > 0: the null space is projected out).
constexpr double kMinFilterMargin = 0.01;

int checkedInt(size_t n) {
    if (n > size_t(std::numeric_limits<int>::max()))
        throw std::length_error("graph too large for a sparse matrix: " + std::to_string(n) +
                                " nodes");
    return int(n);
}

std::vector<double> selfLoops(const Graph& graph) {
    std::vector<double> loops(graph.nodeCount(), 0.0);
    for (const Edge& e : graph.edges())
        if (e.src == e.dst) loops[e.src] += 1.0;
    return loops;
}

// Null-space basis of the Laplacian: one unit vector per component (see smallestEigenvectors).
// Stored compactly: entry i of component label[i]'s vector is weight[i].
struct NullBasis {
    Components components;
    std::vector<double> weight;  // [n]

    // x <- x - U U^T x for every column of x (n x p), U the basis.
    template <typename Matrix>
    void projectOut(Matrix& x) const {
        const Eigen::Index p = x.cols();
        Eigen::MatrixXd coef = Eigen::MatrixXd::Zero(components.count, p);
        for (size_t i = 0; i < weight.size(); ++i)
            coef.row(components.label[i]) += weight[i] * x.row(Eigen::Index(i));
        for (size_t i = 0; i < weight.size(); ++i)
            x.row(Eigen::Index(i)) -= weight[i] * coef.row(components.label[i]);
    }
};

NullBasis nullBasis(const Graph& graph, LaplacianKind kind, const Eigen::VectorXd& delta) {
    NullBasis basis;
    basis.components = connectedComponents(graph);
    const size_t n = graph.nodeCount();
    std::vector<double> w(n, 1.0);
    if (kind == LaplacianKind::SymmetricNormalized)
        for (size_t i = 0; i < n; ++i) w[i] = delta[Eigen::Index(i)];
    std::vector<double> total(basis.components.count, 0.0);
    for (size_t i = 0; i < n; ++i) total[basis.components.label[i]] += w[i];
    basis.weight.resize(n);
    for (size_t i = 0; i < n; ++i) {
        const double t = total[basis.components.label[i]];
        // t == 0 only for an isolated node under N: its zero row makes e_i a null vector.
        basis.weight[i] = t > 0.0 ? std::sqrt(w[i] / t) : 1.0;
    }
    return basis;
}

void fixSign(Eigen::Ref<Eigen::VectorXd> v) {
    if (v.size() == 0) return;
    const double largest = v.cwiseAbs().maxCoeff();
    if (largest == 0.0) return;
    const double threshold = largest * (1.0 - kSignTieTolerance);
    for (Eigen::Index i = 0; i < v.size(); ++i) {
        if (std::abs(v[i]) >= threshold) {
            if (v[i] < 0.0) v = -v;
            return;
        }
    }
}

// out = alpha (M x - shift x) - prev (prev may be null), row by row in parallel: one pass over
// M per Chebyshev step, the block's rows being contiguous.
void chebyshevStep(const RowSparse& m, const RowMatrix& x, const RowMatrix* prev, double alpha,
                   double shift, RowMatrix& out) {
    const Eigen::Index p = x.cols();
    out.resize(x.rows(), p);
    const int* outer = m.outerIndexPtr();
    const int* inner = m.innerIndexPtr();
    const double* value = m.valuePtr();
    tbb::parallel_for(tbb::blocked_range<Eigen::Index>(0, m.rows(), 512),
                      [&](const tbb::blocked_range<Eigen::Index>& r) {
                          std::vector<double> acc(size_t(p), 0.0);
                          for (Eigen::Index row = r.begin(); row != r.end(); ++row) {
                              std::fill(acc.begin(), acc.end(), 0.0);
                              for (int i = outer[row]; i < outer[row + 1]; ++i) {
                                  const double v = value[i];
                                  const double* xr = x.data() + Eigen::Index(inner[i]) * p;
                                  for (Eigen::Index j = 0; j < p; ++j) acc[size_t(j)] += v * xr[j];
                              }
                              const double* own = x.data() + row * p;
                              const double* before = prev ? prev->data() + row * p : nullptr;
                              double* o = out.data() + row * p;
                              for (Eigen::Index j = 0; j < p; ++j) {
                                  o[j] = alpha * (acc[size_t(j)] - shift * own[j]);
                                  if (before) o[j] -= before[j];
                              }
                          }
                      });
}

void multiply(const RowSparse& m, const RowMatrix& x, RowMatrix& y) {
    chebyshevStep(m, x, nullptr, 1.0, 0.0, y);
}

// Orthonormal basis of the columns of x (Householder QR, thin Q).
RowMatrix orthonormalize(const RowMatrix& x) {
    Eigen::HouseholderQR<Eigen::MatrixXd> qr{Eigen::MatrixXd(x)};
    Eigen::MatrixXd q = qr.householderQ() * Eigen::MatrixXd::Identity(x.rows(), x.cols());
    return RowMatrix(q);
}

// Chebyshev polynomial of degree `degree` of the affine map of [low, high] onto [-1, 1],
// applied to the block: |T| <= 1 on [low, high] and grows fast below low.
RowMatrix chebyshevFilter(const RowSparse& m, const RowMatrix& x, int degree, double low,
                          double high) {
    const double half = (high - low) / 2.0;
    const double centre = (high + low) / 2.0;
    RowMatrix prev = x;
    RowMatrix cur;
    chebyshevStep(m, x, nullptr, 1.0 / half, centre, cur);
    RowMatrix next;
    for (int i = 2; i <= degree; ++i) {
        chebyshevStep(m, cur, &prev, 2.0 / half, centre, next);
        std::swap(prev, cur);
        std::swap(cur, next);
    }
    return cur;
}

// Degree d <= maxDegree at which T_d at the spectrum's low end (0) stays below kMaxFilterGain.
int filterDegree(int maxDegree, double low, double high) {
    const double t = (high + low) / (high - low);  // |image of 0|, >= 1
    const double growth = t + std::sqrt(std::max(0.0, t * t - 1.0));  // T_d(t) ~ growth^d / 2
    if (growth <= 1.0) return maxDegree;
    const int capped = int(std::floor(std::log(2.0 * kMaxFilterGain) / std::log(growth)));
    return std::clamp(capped, 1, maxDegree);
}

struct IterativePairs {
    Eigen::VectorXd values;
    Eigen::MatrixXd vectors;
    bool converged = false;
    double maxResidual = 0.0;
};

// The `wanted` smallest eigenpairs of m on the orthogonal complement of `basis` by
// Chebyshev-filtered subspace iteration with Rayleigh-Ritz (see smallestEigenvectors).
IterativePairs chebyshevSubspaceIteration(const RowSparse& m, const NullBasis& basis,
                                          double bound, int wanted, Eigen::Index complementDim,
                                          const SpectralOptions& options) {
    const Eigen::Index n = m.rows();
    const Eigen::Index p =
        std::min<Eigen::Index>(std::max(2 * wanted, wanted + kMinExtraVectors), complementDim);

    std::mt19937_64 rng(kStartSeed);
    RowMatrix x(n, p);
    for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index j = 0; j < p; ++j)
            x(i, j) = double(rng() >> 11) * 0x1.0p-53 - 0.5;

    IterativePairs out;
    Eigen::VectorXd theta;
    RowMatrix mx;
    for (int round = 0;; ++round) {
        basis.projectOut(x);
        RowMatrix q = orthonormalize(x);
        basis.projectOut(q);  // rounding in QR may leak back into the null space
        RowMatrix mq;
        multiply(m, q, mq);
        Eigen::MatrixXd h = q.transpose() * mq;
        h = (h + h.transpose()).eval() / 2.0;
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> rr(h);
        theta = rr.eigenvalues();
        x = q * rr.eigenvectors();
        mx = mq * rr.eigenvectors();

        double worst = 0.0;
        for (int j = 0; j < wanted; ++j)
            worst = std::max(worst, (mx.col(j) - theta[j] * x.col(j)).norm());
        out.maxResidual = worst;
        out.converged = worst <= options.tolerance * bound;
        if (out.converged || round >= options.maxIterations) break;

        // Damp everything from the block's largest Ritz value up: what lies above it is
        // unwanted. When the whole block sits in one cluster (a repeated eigenvalue wider than
        // the block), damp from a little above the cluster instead, or nothing would separate
        // the cluster from what lies above it.
        const double wantedTop = theta[wanted - 1];
        double low = std::max(theta[p - 1], (1.0 + kMinFilterMargin) * wantedTop);
        if (!(low < bound)) low = 0.5 * (wantedTop + bound);
        const int degree = filterDegree(options.chebyshevDegree, low, bound);
        x = chebyshevFilter(m, x, degree, low, bound);
    }
    out.values = theta.head(wanted);
    out.vectors = Eigen::MatrixXd(x.leftCols(wanted));
    return out;
}

}  // namespace

Eigen::VectorXd adjacencyRowSums(const Graph& graph) {
    Eigen::VectorXd delta = Eigen::VectorXd::Zero(checkedInt(graph.nodeCount()));
    for (const Edge& e : graph.edges()) {
        delta[e.src] += 1.0;
        if (e.dst != e.src) delta[e.dst] += 1.0;
    }
    return delta;
}

Eigen::SparseMatrix<double> adjacencyMatrix(const Graph& graph) {
    const int n = checkedInt(graph.nodeCount());
    std::vector<Triplet> triplets;
    triplets.reserve(graph.edgeCount() * 2);
    for (const Edge& e : graph.edges()) {
        triplets.emplace_back(int(e.src), int(e.dst), 1.0);
        if (e.src != e.dst) triplets.emplace_back(int(e.dst), int(e.src), 1.0);
    }
    Eigen::SparseMatrix<double> a(n, n);
    a.setFromTriplets(triplets.begin(), triplets.end());
    return a;
}

Eigen::SparseMatrix<double> laplacian(const Graph& graph, LaplacianKind kind) {
    const int n = checkedInt(graph.nodeCount());
    const Eigen::VectorXd delta = adjacencyRowSums(graph);
    const std::vector<double> loops = selfLoops(graph);
    const bool normalized = kind == LaplacianKind::SymmetricNormalized;
    Eigen::VectorXd scale = Eigen::VectorXd::Ones(n);  // delta^-1/2, or 0 where delta = 0
    if (normalized)
        for (int i = 0; i < n; ++i) scale[i] = delta[i] > 0.0 ? 1.0 / std::sqrt(delta[i]) : 0.0;

    std::vector<Triplet> triplets;
    triplets.reserve(graph.edgeCount() * 2 + size_t(n));
    for (const Edge& e : graph.edges()) {
        if (e.src == e.dst) continue;
        const double v = -scale[e.src] * scale[e.dst];
        triplets.emplace_back(int(e.src), int(e.dst), v);
        triplets.emplace_back(int(e.dst), int(e.src), v);
    }
    for (int i = 0; i < n; ++i) {
        const double diag = (delta[i] - loops[size_t(i)]) * scale[i] * scale[i];
        if (diag != 0.0) triplets.emplace_back(i, i, diag);
    }
    Eigen::SparseMatrix<double> l(n, n);
    l.setFromTriplets(triplets.begin(), triplets.end());
    return l;
}

SpectralResult smallestEigenvectors(const Graph& graph, int k, LaplacianKind kind,
                                    bool skipTrivial, const SpectralOptions& options) {
    if (!(options.tolerance > 0.0) || options.maxIterations < 0 || options.chebyshevDegree < 1)
        throw std::invalid_argument("smallestEigenvectors: tolerance must be > 0, "
                                    "maxIterations >= 0 and chebyshevDegree >= 1");
    const Eigen::Index n = checkedInt(graph.nodeCount());
    SpectralResult result;
    if (k <= 0) return result;
    result.values = Eigen::VectorXd::Zero(k);
    result.vectors = Eigen::MatrixXd::Zero(n, k);
    if (n == 0) return result;

    const Eigen::VectorXd delta = adjacencyRowSums(graph);
    const NullBasis basis = nullBasis(graph, kind, delta);
    const Eigen::Index zeros = basis.components.count;
    result.zeroCount = int(zeros);

    // Leading null vectors, then the smallest positive pairs.
    const Eigen::Index nullTaken = skipTrivial ? 0 : std::min<Eigen::Index>(k, zeros);
    const Eigen::Index positiveTaken = std::min<Eigen::Index>(k - nullTaken, n - zeros);
    result.available = int(nullTaken + positiveTaken);

    for (Eigen::Index c = 0; c < nullTaken; ++c)
        for (Eigen::Index i = 0; i < n; ++i)
            if (basis.components.label[size_t(i)] == uint32_t(c))
                result.vectors(i, c) = basis.weight[size_t(i)];

    if (positiveTaken > 0) {
        const Eigen::SparseMatrix<double> lap = laplacian(graph, kind);
        if (size_t(n) <= options.denseMaxNodes) {
            Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver{Eigen::MatrixXd(lap)};
            result.values.segment(nullTaken, positiveTaken) =
                solver.eigenvalues().segment(zeros, positiveTaken);
            result.vectors.middleCols(nullTaken, positiveTaken) =
                solver.eigenvectors().middleCols(zeros, positiveTaken);
            const Eigen::MatrixXd r = Eigen::MatrixXd(lap * result.vectors) -
                                      result.vectors * result.values.asDiagonal();
            result.maxResidual = r.colwise().norm().maxCoeff();
        } else {
            RowSparse m(lap);
            double bound = 2.0;  // N's spectrum lies in [0, 2]
            if (kind == LaplacianKind::Unnormalized) {
                // Gershgorin: row i of L has diagonal d and off-diagonal magnitudes summing to d.
                bound = 0.0;
                for (Eigen::Index i = 0; i < n; ++i)
                    bound = std::max(bound, 2.0 * m.coeff(i, i));
            }
            IterativePairs pairs = chebyshevSubspaceIteration(m, basis, bound, int(positiveTaken),
                                                              n - zeros, options);
            result.values.segment(nullTaken, positiveTaken) = pairs.values;
            result.vectors.middleCols(nullTaken, positiveTaken) = pairs.vectors;
            result.iterative = true;
            result.converged = pairs.converged;
            result.maxResidual = pairs.maxResidual;
        }
    }
    for (Eigen::Index c = 0; c < result.available; ++c) fixSign(result.vectors.col(c));
    return result;
}

Eigen::MatrixXd canonicalEigenspaceBasis(const Eigen::VectorXd& values,
                                         const Eigen::MatrixXd& vectors, double tolerance) {
    // A projected unit vector shorter than this adds no direction to the basis.
    constexpr double kResidualMin = 1e-4;
    Eigen::MatrixXd out = vectors;
    const Eigen::Index n = values.size();
    for (Eigen::Index start = 0; start < n;) {
        Eigen::Index end = start + 1;
        while (end < n && values[end] - values[end - 1] < tolerance) ++end;
        const Eigen::Index m = end - start;
        if (m > 1) {
            const Eigen::MatrixXd v = vectors.middleCols(start, m);
            const Eigen::MatrixXd projector = v * v.transpose();
            Eigen::Index found = 0;
            for (Eigen::Index i = 0; i < vectors.rows() && found < m; ++i) {
                Eigen::VectorXd r = projector.col(i);
                for (Eigen::Index b = 0; b < found; ++b) {
                    const auto u = out.col(start + b);
                    r -= u.dot(r) * u;
                }
                const double norm = r.norm();
                if (norm > kResidualMin) out.col(start + found++) = r / norm;
            }
            // A rank-m projector always yields m directions; keep the solver's otherwise.
            if (found < m) out.middleCols(start, m) = v;
        }
        start = end;
    }
    return out;
}

}  // namespace gts
