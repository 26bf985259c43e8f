#pragma once
// The few smallest eigenpairs of a dense symmetric matrix, for positional encodings (LapPE of
// the node-level families): LAPACK's dsyevr (Dhillon & Parlett's MRRR after a blocked
// tridiagonal reduction) asked for eigenvalues 1..m only, so only m eigenvectors are formed
// instead of all n (Eigen's SelfAdjointEigenSolver forms every one: 2.3 s for a 2,000-node
// Laplacian where LapPE needs 8).

#include <Eigen/Dense>

namespace gts {

struct DenseEigenpairs {
    Eigen::VectorXd values;   ///< ascending [m]
    Eigen::MatrixXd vectors;  ///< unit columns [n, m], column j for values[j]
};

/// At least `count` (clamped to 0..n) smallest eigenpairs of the symmetric matrix `a` (its lower
/// triangle is read). More are returned when eigenvalues past the count lie within `gap`
/// (chained) of the count-th, so that a repeated eigenvalue's space is never cut: the result
/// can be given to canonicalEigenspaceBasis (Spectral.h). Throws std::invalid_argument for a
/// non-square matrix or when LAPACK reports a failure.
DenseEigenpairs smallestSymmetricEigenpairs(const Eigen::MatrixXd& a, int count, double gap = 1e-6);

}  // namespace gts
