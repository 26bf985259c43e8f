#pragma once
// ForceAtlas2: M. Jacomy, T. Venturini, S. Heymann, M. Bastian, "ForceAtlas2, a continuous graph
// layout algorithm for handy network visualization designed for the Gephi software", PLoS ONE
// 9(6): e98679, 2014.
//
// Forces on node n (mass m(n) = deg(n) + 1, deg counting distinct neighbours, see below):
//   repulsion   F_r(n, n') = k_r m(n) m(n') / d(n, n'), away from n'            (eq. 2)
//   attraction  F_a(n, n') = d(n, n') towards n'; LinLog: log(1 + d(n, n'))       (eqs. 1, 4)
//   gravity     F_g(n) = k_g m(n) towards the origin; strong: k_g m(n) d(n, 0)     (eqs. 5, 6)
//   prevent overlap (nodes as discs of radius nodeRadius): d' = d - 2 nodeRadius replaces d;
//               overlapping pairs repel with 100 k_r m m' and do not attract      (section "Prevent overlapping")
// Speed (section "Adaptive speed"): per node swing(n) = |F_t(n) - F_{t-1}(n)| and traction
// tra(n) = |F_t(n) + F_{t-1}(n)| / 2; global swing(G) = sum m(n) swing(n), traction(G) = sum
// m(n) tra(n); the global speed follows tau traction(G) / swing(G), with the jitter tolerance
// tau scaled to the graph size and to the traction, and the speed efficiency halved while the
// graph oscillates (swing(G) > 2 traction(G)); it rises by at most 50% per iteration. Node n
// moves by F(n) s(G) / (1 + sqrt(s(G) m(n) swing(n))). These constants follow Gephi's
// implementation as published with the paper.
//
// Repulsion over all pairs is approximated with Barnes–Hut (J. Barnes, P. Hut, Nature 324, 1986):
// a quadtree over the positions; a cell whose bodies lie within radius r of their centre of
// mass, at distance D from the node, acts as one body of their total mass when 4 r / D < theta
// (theta = 1.2 as in Gephi, where 2 x the cells' diameter / D < theta).
//
// The graph is read as undirected; self loops exert no force and multi-edges count once (also
// in the degree). Iterations run in parallel over nodes (oneTBB); every sum is taken in node
// order, so a seed gives the same layout whatever the thread count.

#include <atomic>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "graph/Graph.h"

namespace gts::layout {

struct ForceAtlas2Options {
    /// Iterations to run; at most kMaxForceAtlas2Iterations.
    int iterations = 300;
    /// k_r. 0 picks the value Gephi defaults to: 10 below 100 nodes, else 2.
    double scalingRatio = 0.0;
    /// k_g.
    double gravity = 1.0;
    bool strongGravity = false;
    bool linLog = false;
    bool preventOverlap = false;
    /// Disc radius of every node for preventOverlap, in layout units (before normalization).
    double nodeRadius = 1.0;
    /// tau, the jitter tolerance (Gephi's default 1; more is faster and less precise).
    double jitterTolerance = 1.0;
    /// Barnes–Hut approximation of repulsion; false computes all pairs (O(n^2)).
    bool barnesHut = true;
    double barnesHutTheta = 1.2;
};

inline constexpr int kMaxForceAtlas2Iterations = 1'000'000;

/// Runs ForceAtlas2 from the positions in x, y (moved in place, raw units: not normalized).
/// Checks `cancel` before every iteration and throws LayoutCancelled (Layout.h) when it is
/// raised; calls progress((i + 1) / iterations) after iteration i. Throws std::invalid_argument
/// for sizes that differ from the node count or out-of-range options.
void runForceAtlas2(const Graph& graph, std::vector<double>& x, std::vector<double>& y,
                    const ForceAtlas2Options& options, const std::atomic<bool>* cancel = nullptr,
                    const std::function<void(double)>& progress = {});

/// k_r for a graph of n nodes under `options` (resolves scalingRatio = 0).
double effectiveScalingRatio(const ForceAtlas2Options& options, size_t nodeCount);

/// ForceAtlas2's node masses: 1 + the number of distinct neighbours other than the node itself.
std::vector<double> forceAtlas2Masses(const Graph& graph);

/// The repulsion F_r summed over all other nodes, for every node: written to fx, fy (all of
/// size n like x, y, mass). theta > 0 uses Barnes–Hut with that opening threshold, theta = 0 the
/// exact sum over all pairs. Coincident nodes exert no force on each other. Exposed for tests
/// (Barnes–Hut against the exact sum).
void repulsionForces(std::span<const double> x, std::span<const double> y,
                     std::span<const double> mass, double scalingRatio, double theta,
                     std::span<double> fx, std::span<double> fy);

}  // namespace gts::layout
