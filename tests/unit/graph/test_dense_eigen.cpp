// smallestSymmetricEigenpairs (graph/DenseEigen.h) against Eigen's full solver and spectra
// known by hand; a repeated eigenvalue is never cut.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include <Eigen/Eigenvalues>

#include "graph/DenseEigen.h"

using namespace gts;

namespace {

/// The Laplacian D − A of the n-cycle: eigenvalues 2 − 2 cos(2πj/n), each j ≠ 0, n/2 twice.
Eigen::MatrixXd cycleLaplacian(int n) {
    Eigen::MatrixXd l = Eigen::MatrixXd::Zero(n, n);
    for (int i = 0; i < n; ++i) {
        const int j = (i + 1) % n;
        l(i, i) += 1, l(j, j) += 1, l(i, j) -= 1, l(j, i) -= 1;
    }
    return l;
}

}  // namespace

TEST(DenseEigen, SmallestPairsEqualTheFullSolver) {
    std::mt19937 rng(3);
    std::normal_distribution<double> normal;
    Eigen::MatrixXd a(60, 60);
    for (int i = 0; i < 60; ++i)
        for (int j = 0; j <= i; ++j) a(i, j) = a(j, i) = normal(rng);
    const DenseEigenpairs r = smallestSymmetricEigenpairs(a, 5);
    ASSERT_EQ(r.values.size(), 5);
    ASSERT_EQ(r.vectors.rows(), 60);
    ASSERT_EQ(r.vectors.cols(), 5);
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> full(a);
    for (int c = 0; c < 5; ++c) {
        EXPECT_NEAR(r.values[c], full.eigenvalues()[c], 1e-10);
        // The same vector up to sign; and A v = λ v.
        const double dot = r.vectors.col(c).dot(full.eigenvectors().col(c));
        EXPECT_NEAR(std::abs(dot), 1.0, 1e-8);
        EXPECT_LT((a * r.vectors.col(c) - r.values[c] * r.vectors.col(c)).norm(), 1e-9);
    }
}

TEST(DenseEigen, ARepeatedEigenvalueIsReturnedWhole) {
    // 12-cycle: 0, then 2 − 2 cos(π/6) twice. Asking for 2 reaches into the pair: 3 come back.
    const DenseEigenpairs r = smallestSymmetricEigenpairs(cycleLaplacian(12), 2);
    ASSERT_EQ(r.values.size(), 3);
    EXPECT_NEAR(r.values[0], 0.0, 1e-12);
    EXPECT_NEAR(r.values[1], 2 - 2 * std::cos(M_PI / 6), 1e-12);
    EXPECT_NEAR(r.values[2], 2 - 2 * std::cos(M_PI / 6), 1e-12);
    // Asking for 3 takes the pair exactly.
    EXPECT_EQ(smallestSymmetricEigenpairs(cycleLaplacian(12), 3).values.size(), 3);
    // The complete graph K_6: 0 once and 6 five times; asking for 2 returns all 6.
    const Eigen::MatrixXd k6 = 6 * Eigen::MatrixXd::Identity(6, 6) - Eigen::MatrixXd::Ones(6, 6);
    const DenseEigenpairs all = smallestSymmetricEigenpairs(k6, 2);
    ASSERT_EQ(all.values.size(), 6);
    EXPECT_NEAR(all.values[5], 6.0, 1e-12);
}

TEST(DenseEigen, CountsAreClampedAndShapesChecked) {
    const Eigen::MatrixXd l = cycleLaplacian(5);
    EXPECT_EQ(smallestSymmetricEigenpairs(l, 50).values.size(), 5);
    const DenseEigenpairs none = smallestSymmetricEigenpairs(l, 0);
    EXPECT_EQ(none.values.size(), 0);
    EXPECT_EQ(none.vectors.rows(), 5);
    EXPECT_THROW(smallestSymmetricEigenpairs(Eigen::MatrixXd::Zero(3, 4), 1), std::invalid_argument);
    EXPECT_EQ(smallestSymmetricEigenpairs(Eigen::MatrixXd(0, 0), 3).values.size(), 0);
}
