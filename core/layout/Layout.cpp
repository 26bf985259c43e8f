#include "layout/Layout.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

#include "graph/AttrNames.h"
#include "layout/CircularLayout.h"
#include "layout/MoleculeLayout.h"
#include "layout/SpectralLayout.h"

namespace gts::layout {
namespace {

// ForceAtlas2's start spans a square whose side is this multiple of sqrt(k_r n): an edge
// balances repulsion k_r m m' / d with attraction d at d ~ sqrt(k_r) m, so this is about the
// size the layout settles at, and nodes neither fly apart nor collapse in the first iterations.
constexpr double kStartSidePerSqrtNode = 2.0;
// Noise added to a spectral start, as a fraction of the mean spacing: nodes with equal
// eigenvector entries (twins, such as leaves of one hub) would otherwise coincide and, feeling
// equal forces, never separate.
constexpr double kStartJitter = 0.05;

// Uniform in [0, 1) from the top 53 bits of one draw (std's distributions differ between
// standard libraries; this does not).
double unitDraw(std::mt19937_64& engine) { return double(engine() >> 11) * 0x1p-53; }

void checkCancel(const std::atomic<bool>* cancel) {
    if (cancel && cancel->load(std::memory_order_relaxed)) throw LayoutCancelled();
}

void forceAtlas2Layout(const Graph& graph, const LayoutOptions& options,
                       const std::atomic<bool>* cancel, const std::function<void(double)>& progress,
                       std::vector<double>& x, std::vector<double>& y) {
    const size_t n = graph.nodeCount();
    const double kr = effectiveScalingRatio(options.forceAtlas2, n);
    const double side = kStartSidePerSqrtNode * std::sqrt(kr * double(std::max<size_t>(n, 1)));
    std::mt19937_64 engine(options.seed);
    if (n <= options.spectralStartMaxNodes) {
        spectralLayout(graph, x, y, cancel);
        normalizeLayout(x, y);
        const double jitter = kStartJitter * side / std::sqrt(double(std::max<size_t>(n, 1)));
        for (size_t v = 0; v < n; ++v) {
            x[v] = x[v] * side + (unitDraw(engine) - 0.5) * jitter;
            y[v] = y[v] * side + (unitDraw(engine) - 0.5) * jitter;
        }
    } else {
        x.resize(n);
        y.resize(n);
        for (size_t v = 0; v < n; ++v) {
            x[v] = (unitDraw(engine) - 0.5) * side;
            y[v] = (unitDraw(engine) - 0.5) * side;
        }
    }
    runForceAtlas2(graph, x, y, options.forceAtlas2, cancel, progress);
}

}  // namespace

const char* layoutMethodName(LayoutMethod method) {
    switch (method) {
        case LayoutMethod::Auto: return "auto";
        case LayoutMethod::ForceAtlas2: return "forceatlas2";
        case LayoutMethod::Spectral: return "spectral";
        case LayoutMethod::Circular: return "circular";
        case LayoutMethod::Molecule: return "molecule";
    }
    return "?";
}

std::optional<LayoutMethod> parseLayoutMethod(std::string_view name) {
    for (LayoutMethod m : {LayoutMethod::Auto, LayoutMethod::ForceAtlas2, LayoutMethod::Spectral,
                           LayoutMethod::Circular, LayoutMethod::Molecule})
        if (name == layoutMethodName(m)) return m;
    if (name == "fa2") return LayoutMethod::ForceAtlas2;
    return std::nullopt;
}

void normalizeLayout(std::vector<double>& x, std::vector<double>& y) {
    if (x.size() != y.size()) throw std::invalid_argument("normalizeLayout: sizes differ");
    if (x.empty()) return;
    const auto [minX, maxX] = std::minmax_element(x.begin(), x.end());
    const auto [minY, maxY] = std::minmax_element(y.begin(), y.end());
    const double cx = (*minX + *maxX) / 2, cy = (*minY + *maxY) / 2;
    const double side = std::max(*maxX - *minX, *maxY - *minY);
    const double scale = side > 0 ? 1.0 / side : 0.0;
    for (size_t v = 0; v < x.size(); ++v) {
        x[v] = (x[v] - cx) * scale;
        y[v] = (y[v] - cy) * scale;
    }
}

Layout computeLayout(const Graph& graph, LayoutMethod method, const LayoutOptions& options,
                     const std::atomic<bool>* cancel, std::function<void(double)> progress) {
    checkCancel(cancel);
    std::vector<double> x, y;
    Layout result;
    if (method == LayoutMethod::Auto) {
        method = LayoutMethod::ForceAtlas2;
        if (isMoleculeGraph(graph)) {
            try {
                moleculeLayout(graph, options.useGraphPositions, x, y);
                method = LayoutMethod::Molecule;
            } catch (const std::invalid_argument&) {
                // A structure RDKit rejects is still a graph: lay it out as one.
            }
        }
    } else if (method == LayoutMethod::Molecule) {
        moleculeLayout(graph, options.useGraphPositions, x, y);
    }
    switch (method) {
        case LayoutMethod::ForceAtlas2:
            forceAtlas2Layout(graph, options, cancel, progress, x, y);
            break;
        case LayoutMethod::Spectral: spectralLayout(graph, x, y, cancel); break;
        case LayoutMethod::Circular: circularLayout(graph, x, y); break;
        case LayoutMethod::Molecule:
        case LayoutMethod::Auto: break;  // done above
    }
    checkCancel(cancel);
    normalizeLayout(x, y);
    result.method = layoutMethodName(method);
    result.x.assign(x.begin(), x.end());
    result.y.assign(y.begin(), y.end());
    if (progress && method != LayoutMethod::ForceAtlas2) progress(1.0);
    return result;
}

void storePositions(Graph& graph, const Layout& layout) {
    const size_t n = graph.nodeCount();
    if (layout.x.size() != n || layout.y.size() != n)
        throw std::invalid_argument("layout has " + std::to_string(layout.x.size()) +
                                    " positions for " + std::to_string(n) + " nodes");
    graph.nodeAttrs().remove(attr::kPos);
    AttrColumn& pos = graph.nodeAttrs().add(attr::kPos, AttrKind::Continuous, 2, AttrTypeHint::Double);
    for (size_t v = 0; v < n; ++v) {
        pos.setReal(v, layout.x[v], 0);
        pos.setReal(v, layout.y[v], 1);
    }
}

}  // namespace gts::layout
