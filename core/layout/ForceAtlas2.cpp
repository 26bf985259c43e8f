#include "layout/ForceAtlas2.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "layout/BarnesHutTree.h"
#include "layout/Layout.h"

namespace gts::layout {
namespace {

constexpr size_t kGrain = 256;
// Gephi's default k_r: 10 for graphs below this many nodes, 2 from there on.
constexpr size_t kSmallGraphNodes = 100;
constexpr double kSmallGraphScaling = 10.0;
constexpr double kLargeGraphScaling = 2.0;
// Overlapping discs repel with this multiple of the plain repulsion's numerator (Gephi).
constexpr double kOverlapRepulsion = 100.0;
// Adaptive speed constants (Gephi's ForceAtlas2, as published with the paper).
constexpr double kJitterPerSqrtNode = 0.05;
constexpr double kMaxJitter = 10.0;
constexpr double kMinSpeedEfficiency = 0.05;
constexpr double kOscillationRatio = 2.0;
constexpr double kEfficiencyOnOscillation = 0.5;
constexpr double kEfficiencyDown = 0.7;
constexpr double kEfficiencyUp = 1.3;
constexpr double kMaxSpeedForRise = 1000.0;
constexpr double kMaxSpeedRise = 0.5;
// With prevent overlap, nodes move slower and at most this far per iteration (Gephi).
constexpr double kOverlapSpeedFactor = 0.1;
constexpr double kOverlapMaxMove = 10.0;

// Distinct neighbours of every node, self loops left out, in CSR form.
struct SimpleAdjacency {
    std::vector<uint64_t> offsets;
    std::vector<NodeId> neighbors;
};

SimpleAdjacency simpleAdjacency(const Graph& graph) {
    const size_t n = graph.nodeCount();
    const Csr& csr = graph.adjacency(Direction::Both);
    SimpleAdjacency adj;
    adj.offsets.assign(n + 1, 0);
    adj.neighbors.reserve(csr.neighbors.size());
    std::vector<NodeId> row;
    for (NodeId v = 0; v < n; ++v) {
        row.assign(csr.neighborsOf(v).begin(), csr.neighborsOf(v).end());
        std::sort(row.begin(), row.end());
        row.erase(std::unique(row.begin(), row.end()), row.end());
        for (NodeId u : row)
            if (u != v) adj.neighbors.push_back(u);
        adj.offsets[v + 1] = adj.neighbors.size();
    }
    return adj;
}

void checkOptions(const ForceAtlas2Options& o) {
    auto bad = [](const std::string& what) { throw std::invalid_argument("ForceAtlas2: " + what); };
    if (o.iterations < 0 || o.iterations > kMaxForceAtlas2Iterations)
        bad("iterations must be in 0.." + std::to_string(kMaxForceAtlas2Iterations) + ", not " +
            std::to_string(o.iterations));
    if (!(o.scalingRatio >= 0) || !std::isfinite(o.scalingRatio)) bad("scaling ratio must be >= 0");
    if (!(o.gravity >= 0) || !std::isfinite(o.gravity)) bad("gravity must be >= 0");
    if (!(o.jitterTolerance > 0) || !std::isfinite(o.jitterTolerance))
        bad("jitter tolerance must be > 0");
    if (!(o.nodeRadius >= 0) || !std::isfinite(o.nodeRadius)) bad("node radius must be >= 0");
    if (o.barnesHut && !(o.barnesHutTheta > 0 && o.barnesHutTheta < 4))
        bad("Barnes-Hut theta must be in (0, 4)");
}

// Repulsion between two nodes at offset (dx, dy) = own - other, added to (fx, fy).
inline void repel(double dx, double dy, double mm, double kr, double overlapDistance,
                  double& fx, double& fy) {
    const double d2 = dx * dx + dy * dy;
    if (d2 <= 0.0) return;
    double factor;
    if (overlapDistance > 0.0) {
        const double d = std::sqrt(d2);
        const double gap = d - overlapDistance;
        factor = gap > 0.0 ? kr * mm / (gap * d) : kOverlapRepulsion * kr * mm / d;
    } else {
        factor = kr * mm / d2;  // |F| = kr mm / d
    }
    fx += dx * factor;
    fy += dy * factor;
}

}  // namespace

double effectiveScalingRatio(const ForceAtlas2Options& options, size_t nodeCount) {
    if (options.scalingRatio > 0.0) return options.scalingRatio;
    return nodeCount < kSmallGraphNodes ? kSmallGraphScaling : kLargeGraphScaling;
}

std::vector<double> forceAtlas2Masses(const Graph& graph) {
    const SimpleAdjacency adj = simpleAdjacency(graph);
    std::vector<double> mass(graph.nodeCount());
    for (size_t v = 0; v < mass.size(); ++v)
        mass[v] = 1.0 + double(adj.offsets[v + 1] - adj.offsets[v]);
    return mass;
}

void repulsionForces(std::span<const double> x, std::span<const double> y,
                     std::span<const double> mass, double scalingRatio, double theta,
                     std::span<double> fx, std::span<double> fy) {
    const size_t n = x.size();
    if (y.size() != n || mass.size() != n || fx.size() != n || fy.size() != n)
        throw std::invalid_argument("repulsionForces: spans differ in size");
    if (theta < 0 || theta >= 4) throw std::invalid_argument("repulsionForces: theta must be in [0, 4)");
    if (theta == 0.0) {
        tbb::parallel_for(tbb::blocked_range<size_t>(0, n, kGrain), [&](const auto& r) {
            for (size_t i = r.begin(); i != r.end(); ++i) {
                double sx = 0, sy = 0;
                for (size_t j = 0; j < n; ++j)
                    if (j != i) repel(x[i] - x[j], y[i] - y[j], mass[i] * mass[j], scalingRatio, 0, sx, sy);
                fx[i] = sx;
                fy[i] = sy;
            }
        });
        return;
    }
    const BarnesHutTree tree(x, y, mass);
    tbb::parallel_for(tbb::blocked_range<size_t>(0, n, kGrain), [&](const auto& r) {
        for (size_t i = r.begin(); i != r.end(); ++i) {
            double sx = 0, sy = 0;
            tree.visit(
                uint32_t(i), theta,
                [&](uint32_t j) {
                    repel(x[i] - x[j], y[i] - y[j], mass[i] * mass[j], scalingRatio, 0, sx, sy);
                },
                [&](double cx, double cy, double m) {
                    repel(x[i] - cx, y[i] - cy, mass[i] * m, scalingRatio, 0, sx, sy);
                });
            fx[i] = sx;
            fy[i] = sy;
        }
    });
}

void runForceAtlas2(const Graph& graph, std::vector<double>& x, std::vector<double>& y,
                    const ForceAtlas2Options& options, const std::atomic<bool>* cancel,
                    const std::function<void(double)>& progress) {
    checkOptions(options);
    const size_t n = graph.nodeCount();
    if (x.size() != n || y.size() != n)
        throw std::invalid_argument("ForceAtlas2: " + std::to_string(x.size()) + " x and " +
                                    std::to_string(y.size()) + " y positions for " +
                                    std::to_string(n) + " nodes");
    if (n == 0) {
        if (cancel && cancel->load(std::memory_order_relaxed)) throw LayoutCancelled();
        if (progress) progress(1.0);
        return;
    }
    const SimpleAdjacency adj = simpleAdjacency(graph);
    std::vector<double> mass(n);
    for (size_t v = 0; v < n; ++v) mass[v] = 1.0 + double(adj.offsets[v + 1] - adj.offsets[v]);
    const double kr = effectiveScalingRatio(options, n);
    const double kg = options.gravity;
    const double overlapDistance = options.preventOverlap ? 2.0 * options.nodeRadius : 0.0;
    const double theta = options.barnesHut ? options.barnesHutTheta : 0.0;

    std::vector<double> fx(n, 0.0), fy(n, 0.0), oldFx(n, 0.0), oldFy(n, 0.0);
    std::vector<double> swing(n), traction(n);
    double speed = 1.0;
    double speedEfficiency = 1.0;

    for (int iteration = 0; iteration < options.iterations; ++iteration) {
        if (cancel && cancel->load(std::memory_order_relaxed)) throw LayoutCancelled();
        std::swap(fx, oldFx);
        std::swap(fy, oldFy);

        // Forces on every node: repulsion (Barnes–Hut or exact), attraction along edges, gravity.
        std::optional<BarnesHutTree> tree;
        if (theta > 0.0) tree.emplace(x, y, mass);
        tbb::parallel_for(tbb::blocked_range<size_t>(0, n, kGrain), [&](const auto& r) {
            for (size_t i = r.begin(); i != r.end(); ++i) {
                double sx = 0, sy = 0;
                const double xi = x[i], yi = y[i], mi = mass[i];
                if (tree) {
                    tree->visit(
                        uint32_t(i), theta,
                        [&](uint32_t j) {
                            repel(xi - x[j], yi - y[j], mi * mass[j], kr, overlapDistance, sx, sy);
                        },
                        [&](double cx, double cy, double m) {
                            repel(xi - cx, yi - cy, mi * m, kr, 0.0, sx, sy);
                        });
                } else {
                    for (size_t j = 0; j < n; ++j)
                        if (j != i) repel(xi - x[j], yi - y[j], mi * mass[j], kr, overlapDistance, sx, sy);
                }
                for (uint64_t k = adj.offsets[i]; k < adj.offsets[i + 1]; ++k) {
                    const NodeId j = adj.neighbors[k];
                    const double dx = xi - x[j], dy = yi - y[j];
                    const double d = std::sqrt(dx * dx + dy * dy);
                    if (d <= 0.0) continue;
                    const double reach = d - overlapDistance;  // = d without prevent overlap
                    if (reach <= 0.0) continue;
                    const double magnitude = options.linLog ? std::log1p(reach) : reach;
                    sx -= dx * magnitude / d;
                    sy -= dy * magnitude / d;
                }
                const double d0 = std::sqrt(xi * xi + yi * yi);
                if (d0 > 0.0) {
                    const double g = options.strongGravity ? kg * mi : kg * mi / d0;
                    sx -= xi * g;
                    sy -= yi * g;
                }
                fx[i] = sx;
                fy[i] = sy;
                const double ddx = oldFx[i] - sx, ddy = oldFy[i] - sy;
                const double sumX = oldFx[i] + sx, sumY = oldFy[i] + sy;
                swing[i] = mi * std::sqrt(ddx * ddx + ddy * ddy);
                traction[i] = mi * 0.5 * std::sqrt(sumX * sumX + sumY * sumY);
            }
        });

        // Global speed (node order sums: deterministic).
        double totalSwing = 0, totalTraction = 0;
        for (size_t i = 0; i < n; ++i) {
            totalSwing += swing[i];
            totalTraction += traction[i];
        }
        const double optimalJitter = kJitterPerSqrtNode * std::sqrt(double(n));
        const double minJitter = std::sqrt(optimalJitter);
        double jitter = options.jitterTolerance *
                        std::max(minJitter, std::min(kMaxJitter, optimalJitter * totalTraction /
                                                                     (double(n) * double(n))));
        if (totalTraction > 0 && totalSwing / totalTraction > kOscillationRatio) {
            if (speedEfficiency > kMinSpeedEfficiency) speedEfficiency *= kEfficiencyOnOscillation;
            jitter = std::max(jitter, options.jitterTolerance);
        }
        if (totalSwing > 0) {
            const double targetSpeed = jitter * speedEfficiency * totalTraction / totalSwing;
            if (totalSwing > jitter * totalTraction) {
                if (speedEfficiency > kMinSpeedEfficiency) speedEfficiency *= kEfficiencyDown;
            } else if (speed < kMaxSpeedForRise) {
                speedEfficiency *= kEfficiencyUp;
            }
            speed += std::min(targetSpeed - speed, kMaxSpeedRise * speed);
        }

        // Moves: s(n) = s(G) / (1 + sqrt(s(G) swing(n))).
        tbb::parallel_for(tbb::blocked_range<size_t>(0, n, kGrain), [&](const auto& r) {
            for (size_t i = r.begin(); i != r.end(); ++i) {
                double factor = speed / (1.0 + std::sqrt(speed * swing[i]));
                if (options.preventOverlap) {
                    factor *= kOverlapSpeedFactor;
                    const double f = std::sqrt(fx[i] * fx[i] + fy[i] * fy[i]);
                    if (f > 0 && factor * f > kOverlapMaxMove) factor = kOverlapMaxMove / f;
                }
                const double nx = x[i] + fx[i] * factor, ny = y[i] + fy[i] * factor;
                // A non-finite step (overflow on absurd inputs) leaves the node where it was.
                if (std::isfinite(nx) && std::isfinite(ny)) {
                    x[i] = nx;
                    y[i] = ny;
                }
            }
        });
        if (progress) progress(double(iteration + 1) / double(options.iterations));
    }
}

}  // namespace gts::layout
