#pragma once
// Spectral layout: the eigenvectors of the normalized Laplacian for the two smallest non-zero
// eigenvalues as coordinates, per connected component.

#include <atomic>
#include <vector>

#include "graph/Graph.h"

namespace gts::layout {

/// Components of fewer nodes than this are placed on a circle (CircularLayout.h) instead:
/// with one or two nodes there is no second non-trivial eigenvector.
inline constexpr size_t kSpectralMinComponent = 3;

/// For each connected component with at least kSpectralMinComponent nodes: u1, u2 the unit
/// eigenvectors of N = D^-1/2 (D - A) D^-1/2 for its two smallest positive eigenvalues
/// (graph/Spectral.h: smallestEigenvectors with skipTrivial; its sign convention makes the
/// result deterministic), and node i at (u1_i, u2_i) / sqrt(delta_i), i.e. the generalized
/// eigenvectors of L f = lambda D f (those are monotone along a path, while N's own vectors
/// bend at the path's ends, whose degree is lower). A component whose second eigenvector is
/// missing, or a smaller component, is laid on a circle. The components are then packed
/// (ComponentPacking.h). Raw units; computeLayout normalizes. Throws LayoutCancelled (Layout.h)
/// when `cancel` is raised between components.
void spectralLayout(const Graph& graph, std::vector<double>& x, std::vector<double>& y,
                    const std::atomic<bool>* cancel = nullptr);

}  // namespace gts::layout
