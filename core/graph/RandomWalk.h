#pragma once
// Random-walk structural encodings (RWSE) of the nodes of a graph.

#include <cstddef>
#include <vector>

#include "graph/Graph.h"

namespace gts {

/// Random-walk return probabilities, the RWSE of GraphGPS (Rampasek et al., "Recipe for a
/// General, Powerful, Scalable Graph Transformer", NeurIPS 2022; Dwivedi et al., "Graph Neural
/// Networks with Learnable Structural and Positional Representations", ICLR 2022):
///   entry (v, k-1) = [P^k]_vv,  P = D^-1 A,  k = 1..K,
/// the probability that a simple random walk from v is back at v after k steps. Returned n x K,
/// row-major. A and D follow the conventions of graph/Spectral.h on the undirected view (A_ij
/// counts the edges joining i and j, a self loop counts once in A_ii, D = diag of the row sums),
/// which is what GraphGPS computes from a PyG edge_index listing each undirected edge both ways
/// and each self loop once. A node without edges has all K entries 0.
///
/// Exact, by sparse propagation from each node (in parallel over nodes, oneTBB): the walk's
/// distribution after s steps only touches the s-hop ball. Because D P^b is symmetric,
/// [P^(a+b)]_vv = sum_u [P^a]_vu [P^b]_vu delta_v / delta_u, so only ceil(K/2) steps are
/// propagated. Cost per node: the edges inside its ceil(K/2)-hop ball, times ceil(K/2).
/// K <= 0 gives an empty vector. Scratch per thread: 4 bytes per node, plus the ball and its
/// ceil(K/2) + 1 distributions.
std::vector<double> randomWalkReturnProbabilities(const Graph& graph, int K);

/// The same by dense matrix powers (O(K n^3)): a reference for small graphs. Throws
/// std::length_error above kDenseRandomWalkMaxNodes nodes.
std::vector<double> randomWalkReturnProbabilitiesDense(const Graph& graph, int K);

inline constexpr size_t kDenseRandomWalkMaxNodes = 4000;

}  // namespace gts
