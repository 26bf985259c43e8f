#pragma once
// Node layouts for the graph canvas and exported figures: one entry point over the methods in
// this folder (ForceAtlas2.h, SpectralLayout.h, CircularLayout.h, MoleculeLayout.h).
//
// Coordinates: every layout returned by computeLayout is normalized the same way: the bounding
// box of the points is centred on the origin and scaled uniformly (aspect kept) so that its
// longer side is 1, i.e. every coordinate lies in [-0.5, 0.5]. A layout whose points all
// coincide (one node, or none) is all zeros. y grows upwards, as in RDKit and Gephi.

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "graph/Graph.h"
#include "layout/ForceAtlas2.h"

namespace gts::layout {

/// Positions of every node, in node order: x[v], y[v].
struct Layout {
    std::vector<float> x, y;
    /// The method that produced it ("forceatlas2", "spectral", "circular", "molecule"), which for
    /// Auto says what was picked.
    std::string method;
};

enum class LayoutMethod : uint8_t {
    /// Molecule for a molecule graph (OGB atom features that RDKit accepts, or a SMILES/SDF
    /// record), else ForceAtlas2.
    Auto,
    ForceAtlas2,
    Spectral,
    Circular,
    Molecule,
};

/// "auto", "forceatlas2", "spectral", "circular", "molecule".
const char* layoutMethodName(LayoutMethod method);
/// The inverse of layoutMethodName (also accepts "fa2"); nullopt for anything else.
std::optional<LayoutMethod> parseLayoutMethod(std::string_view name);

struct LayoutOptions {
    /// Seeds every random choice (ForceAtlas2's random start); equal seeds give equal layouts.
    uint64_t seed = 1;
    /// ForceAtlas2 settings; its `iterations` bounds the run.
    ForceAtlas2Options forceAtlas2;
    /// ForceAtlas2 starts from the spectral layout for graphs of up to this many nodes (fewer
    /// iterations untangle it), and from uniformly random positions above: the eigensolver's
    /// cost grows faster than ForceAtlas2's (graph/Spectral.h: 25 s at 100,000 nodes), and on a
    /// 10,000-node, 50,000-edge random graph (spectral 0.4 s) the crowded spectral start made
    /// 300 iterations slower (10-12.6 s against 8.6-9.6 s, 2 shared cores).
    size_t spectralStartMaxNodes = 5000;
    /// Molecule: use the graph's "pos" column when it holds 2D positions (see MoleculeLayout.h).
    bool useGraphPositions = true;
};

/// Thrown by a layout whose cancel flag was raised. ForceAtlas2 looks at the flag before every
/// iteration, so it stops within one iteration; the other methods look before and after their
/// main step. Nothing partial is returned.
class LayoutCancelled : public std::runtime_error {
public:
    LayoutCancelled() : std::runtime_error("layout cancelled") {}
};

/// Lays out `graph` with `method` (directions ignored), normalized as described at the top.
/// `progress` receives fractions in [0, 1] (ForceAtlas2: after every iteration). Throws
/// LayoutCancelled when `cancel` is raised, std::invalid_argument for Molecule on a graph that
/// is neither a molecule nor carries positions, or for out-of-range options.
Layout computeLayout(const Graph& graph, LayoutMethod method, const LayoutOptions& options = {},
                     const std::atomic<bool>* cancel = nullptr,
                     std::function<void(double)> progress = {});

/// Centres the bounding box on the origin and scales it so its longer side is 1 (see top).
void normalizeLayout(std::vector<double>& x, std::vector<double>& y);

/// Stores a layout in the graph's node attribute "pos" (continuous, width 2), replacing a
/// column of that name. Throws std::invalid_argument when the sizes differ from the node count.
void storePositions(Graph& graph, const Layout& layout);

}  // namespace gts::layout
