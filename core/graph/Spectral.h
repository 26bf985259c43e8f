#pragma once
// Graph Laplacians and their smallest eigenpairs (Laplacian positional encodings, spectral
// layouts).
//
// Matrix conventions (networkx 2.8's to_scipy_sparse_array / laplacian_matrix /
// normalized_laplacian_matrix, unit weights), on the undirected view of the graph:
//   A_ij (i != j) = number of edges joining i and j (multi-edges add up),
//   A_ii          = number of self loops at i (a self loop counts ONCE here),
//   delta_i       = sum_j A_ij, the row sum (so a self loop adds 1, unlike Graph::degree's 2),
//   L             = D - A with D = diag(delta): self loops cancel out of L entirely,
//   N             = D^-1/2 L D^-1/2 with delta_i^-1/2 taken as 0 where delta_i = 0, so
//                   N_ii = 1 - A_ii / delta_i for delta_i > 0 and an isolated node's row and
//                   column of N are all zero (not a row of the identity).
// Both matrices are symmetric positive semi-definite; the multiplicity of eigenvalue 0 equals
// the number of connected components (an isolated node is a component with a zero row).
// N's eigenvalues lie in [0, 2].

#include <cstddef>
#include <cstdint>

#include <Eigen/Dense>
#include <Eigen/Sparse>

#include "graph/Graph.h"

namespace gts {

enum class LaplacianKind : uint8_t {
    Unnormalized,         // L = D - A
    SymmetricNormalized,  // N = D^-1/2 (D - A) D^-1/2  (= I - D^-1/2 A D^-1/2 on non-isolated nodes)
};

/// The adjacency matrix A of the undirected view (conventions above), n x n.
Eigen::SparseMatrix<double> adjacencyMatrix(const Graph& graph);

/// Row sums delta_i of adjacencyMatrix (a self loop counts 1).
Eigen::VectorXd adjacencyRowSums(const Graph& graph);

/// The Laplacian L or N of the undirected view (conventions above), n x n.
Eigen::SparseMatrix<double> laplacian(const Graph& graph, LaplacianKind kind);

/// How smallestEigenvectors works; the defaults suit Laplacian positional encodings.
struct SpectralOptions {
    /// Graphs with at most this many nodes use a dense symmetric eigensolver (exact to rounding);
    /// larger ones the iterative solver below. The dense solver costs O(n^3) whatever k is
    /// (Release, one core: about 0.6 s at 1000 nodes, 5 s at 2000, 25 s at 3000), while the
    /// iterative one took 0.01-0.25 s on the same sizes (random graphs, paths) at k = 8.
    size_t denseMaxNodes = 1000;
    /// Iterative solver: a Ritz pair (theta, x) is accepted once ||M x - theta x|| <=
    /// tolerance * bound, where bound >= the largest eigenvalue (Gershgorin). Eigenvalue errors
    /// are then about residual^2 / gap, eigenvector angles about residual / gap.
    double tolerance = 1e-10;
    /// Iterative solver: filter-and-Rayleigh-Ritz rounds before giving up (converged = false).
    int maxIterations = 2000;
    /// Iterative solver: degree of each Chebyshev filter.
    int chebyshevDegree = 24;
};

/// The k smallest eigenpairs of a graph Laplacian.
struct SpectralResult {
    /// Eigenvalues in ascending order [k]; entries from `available` on are padding (0).
    Eigen::VectorXd values;
    /// Unit eigenvectors as columns [n, k], column j for values[j]; columns from `available` on
    /// are padding (all 0).
    Eigen::MatrixXd vectors;
    /// How many leading pairs are real; fewer than k when the graph has too few nodes.
    int available = 0;
    /// Number of eigenvalues equal to 0 in the whole spectrum (= connected components).
    int zeroCount = 0;
    /// True when the iterative (approximate) solver was used.
    bool iterative = false;
    /// False when the iterative solver stopped at maxIterations before every pair met the
    /// tolerance (the pairs are then the best approximations found).
    bool converged = true;
    /// Largest residual ||M x - lambda x|| over the returned pairs (0 for the exact null space).
    double maxResidual = 0.0;
};

/// The k smallest eigenpairs of the Laplacian `kind` (conventions at the top of this header).
///
/// Null space: the eigenvalue 0 has one eigenvector per connected component C, chosen
/// deterministically rather than left to the solver: for L the indicator of C divided by
/// sqrt(|C|); for N the vector sqrt(delta_i / sum_{j in C} delta_j) on C (e_i for an isolated
/// node). They come first, in the order of the components (connectedComponents), with
/// eigenvalue exactly 0. With `skipTrivial` all of them are left out (they only say which
/// component a node is in), and the k pairs returned are the smallest positive ones.
///
/// Sign: each eigenvector is flipped so that its largest-magnitude entry is positive; entries
/// within a relative 1e-6 of the largest magnitude count as ties, and the lowest node index
/// among them decides. Within a repeated eigenvalue the basis is whatever the solver produced
/// (only the spanned subspace is determined).
///
/// Method: up to options.denseMaxNodes nodes, Eigen's SelfAdjointEigenSolver on the dense
/// matrix. Above, Chebyshev-filtered subspace iteration (Zhou & Saad, "A Chebyshev-Davidson
/// algorithm for large symmetric eigenproblems", SIAM J. Matrix Anal. Appl. 29(3), 2007; and
/// Zhou, Saad, Tiago & Chelikowsky, J. Comput. Phys. 219, 2006) on a block of
/// max(2k', k' + 8) vectors kept orthogonal to the known null space (k' = positive pairs wanted):
/// each round applies a degree-`chebyshevDegree` Chebyshev polynomial of the sparse matrix that
/// damps the unwanted interval [largest Ritz value, Gershgorin bound], then a Rayleigh-Ritz step.
/// Being a block method it finds repeated eigenvalues (up to the block size). It is approximate
/// (see SpectralOptions::tolerance); rounds grow with bound / (gap between the k'-th and the
/// block's last eigenvalue), so graphs whose small eigenvalues are extremely close together
/// relative to the largest may end unconverged. Measured (Release, 2 shared cores, k = 8):
/// 3000-node cycle 0.8 s; 100k-node random graph (500k edges, N) about 100 rounds, 25 s, its
/// smallest eigenvalues crowding at the edge of the bulk; 300 x 300 grid 22-26 s.
///
/// Note: the single-vector Lanczos method would need fewer products on crowded spectra, but
/// finds each repeated eigenvalue once; the block method was preferred for correctness.
///
/// k <= 0 gives empty results; n = 0 gives an all-padding result. Throws std::invalid_argument
/// for nonsensical options.
SpectralResult smallestEigenvectors(const Graph& graph, int k, LaplacianKind kind,
                                    bool skipTrivial, const SpectralOptions& options = {});

/// A solver-independent basis of every repeated eigenvalue's eigenspace (a solver may return any
/// rotation of it, and which one changes with compiler flags): eigenvalues ascending, those
/// within `tolerance` of the previous (chained) form one space of dimension m > 1; its projector
/// P = V Vᵀ is unique, so P e_0, P e_1, … in node order are orthonormalized by Gram–Schmidt,
/// skipping residuals below 1e-4, until m vectors are found. 1-dimensional spaces stay as given.
/// The same construction as the Graph Transformer's LapPE and the references'
/// canonical_eigenspace_basis (tests/reference/graph_transformer_ref.py).
Eigen::MatrixXd canonicalEigenspaceBasis(const Eigen::VectorXd& values,
                                         const Eigen::MatrixXd& vectors, double tolerance = 1e-6);

}  // namespace gts
