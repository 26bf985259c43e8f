#pragma once
// Scene builders for the figure views, drawn with the encodings of the screen views
// (widgets/GraphCanvas.cpp): attention on edges as viridis colour, width and opacity, attention
// received by a node as a viridis halo, eulerization copies and jumps as dashed companions in
// Okabe-Ito orange and reddish purple, and a colour bar naming the metric and its range.

#include <string>
#include <utility>
#include <vector>

#include "analysis/AttentionView.h"
#include "graph/Graph.h"
#include "scene/Scene.h"

namespace gts::scene {

/// Paper: white background, dark text (publication). Dark: the app's dark palette.
enum class Theme : uint8_t { Paper, Dark };
const char* themeName(Theme theme);
std::optional<Theme> parseTheme(std::string_view name);

struct ThemeColors {
    Color background, text, nodeFill, nodeOutline, plainEdge, faintEdge;
};
ThemeColors themeColors(Theme theme);

/// Colours of the screen's graph canvas for eulerization copies and jumps (Okabe & Ito 2008,
/// "Color Universal Design": orange E69F00, reddish purple CC79A7).
inline constexpr uint32_t kCopyRgb = 0xE69F00;
inline constexpr uint32_t kJumpRgb = 0xCC79A7;

struct GraphFigureInput {
    const Graph* graph = nullptr;
    /// Node positions in layout units (layout::computeLayout: centred, longer side 1).
    const std::vector<float>* x = nullptr;
    const std::vector<float>* y = nullptr;
    /// Attention carried onto the graph; null draws the plain graph.
    const analysis::GraphAttention* attention = nullptr;
    /// Fraction of the largest weight below which an edge or node counts as unattended
    /// (the canvas's threshold).
    float threshold = 0.0f;
    std::vector<bool> copiedEdges;                // [edgeCount] walked again by eulerization
    std::vector<std::pair<uint32_t, uint32_t>> jumps;  // node pairs joined by a jump
    std::vector<std::string> nodeLabels;          // [nodeCount] or empty (e.g. element symbols)
    std::string metricName = "attention";         // colour bar label
};

/// The graph with attention in a `size` × `size` point square plus a colour bar below when
/// attention is given. Layers: "edges" (one <line> per edge, data-edge in a group per edge only
/// up to kMaxEdgeGroups edges), "companions", "nodes" (a group per node: class "node",
/// data-node), "labels", "colorbar". Throws std::invalid_argument on mismatched sizes.
Scene buildGraphAttention(const GraphFigureInput& input, Theme theme, float size = 480.0f);

/// Above this many edges, edges are bare lines without a group of their own (file size).
inline constexpr size_t kMaxEdgeGroups = 5000;

/// A horizontal colour bar (viridis, 256 steps as an image) over [0, maxValue] with ticks at
/// 0, max/2 and max, and `label` below, at x, y with width w.
void addColorBar(Group& layer, float x, float y, float w, float maxValue, const std::string& label,
                 const ThemeColors& colors);

}  // namespace gts::scene
