#pragma once
// Scene builders for the figure views, drawn with the encodings of the screen views
// (widgets/GraphCanvas.cpp): attention on edges as viridis colour, width and opacity, attention
// received by a node as a viridis halo, eulerization copies and jumps as dashed companions in
// Okabe-Ito orange and reddish purple, and a colour bar naming the metric and its range.

#include <string>
#include <utility>
#include <vector>

#include "analysis/AttentionView.h"
#include "analysis/Saliency.h"
#include "model/Run.h"
#include "scene/ColorMaps.h"
#include "tokenize/TokenSequence.h"
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
    /// [nodeCount] or empty: each node's class (a node classifier's prediction; -1 none), drawn
    /// as its fill in colormaps::categoryArgb and explained by a legend of swatches.
    std::vector<int32_t> nodeClasses;
    std::string classLegend = "predicted class";
    /// [nodeCount] or empty: each node's value (a node regressor's prediction; NaN none), drawn
    /// as its fill in cividis over the values' range, with a second colour bar named
    /// `valueLegend`. Ignored when nodeClasses are given.
    std::vector<float> nodeValues;
    std::string valueLegend = "predicted value";
};

/// The graph with attention in a `size` × `size` point square plus a colour bar below when
/// attention is given. Layers: "edges" (one <line> per edge, data-edge in a group per edge only
/// up to kMaxEdgeGroups edges), "companions", "nodes" (a group per node: class "node",
/// data-node, data-class with classes), "labels", "colorbar", "class-legend" (with classes).
/// Throws std::invalid_argument on mismatched sizes.
Scene buildGraphAttention(const GraphFigureInput& input, Theme theme, float size = 480.0f);

/// Above this many edges, edges are bare lines without a group of their own (file size).
inline constexpr size_t kMaxEdgeGroups = 5000;

/// A horizontal colour bar (`map`, 256 steps as an image) over [minValue, maxValue] with ticks at
/// both ends and the middle, and `label` below, at x, y with width w.
void addColorBar(Group& layer, float x, float y, float w, float maxValue, const std::string& label,
                 const ThemeColors& colors, colormaps::ColorMap map = colormaps::ColorMap::Viridis,
                 float minValue = 0.0f);

// --- Sequence views (the screen's AttentionMatrixView, HeadGrid, SequenceStrip, PruningView) ---

/// Above this many cells a heatmap is one Image primitive instead of a Rect per cell.
inline constexpr int64_t kMaxVectorCells = 64 * 64;

/// The theme's "mid" colour (frames, pruned marks): the plain-edge grey of themeColors.
Color midColor(Theme theme);

struct MatrixFigureInput {
    /// Attention [rows × size] row-major (rows are queries), e.g. analysis::attentionMatrix.
    const std::vector<float>* matrix = nullptr;
    int64_t size = 0;
    /// Original positions of the layer's rows and columns (LayerCapture::positions); empty: 0..size-1.
    std::vector<int32_t> positions;
    /// Token labels "position: short token" on the axes (AttentionMatrixView::positionLabel);
    /// null: position numbers only.
    const TokenSequence* tokens = nullptr;
    colormaps::ColorMap map = colormaps::ColorMap::Viridis;
    int query = -1;     ///< original position of the query row, outlined dashed; -1 none
    std::string title;  ///< e.g. "Layer 3, head 2"
};

/// The attention matrix as AttentionMatrixView draws it: cell colour map(a / max a); token
/// labels on both axes when a cell is at least as tall as the label font (kAxisFont − 2, as the
/// screen's "cell ≥ font height − 2"), otherwise every k-th position number (k doubling until
/// labels are 1.5 font heights apart); a vertical colour bar from 0 to the maximum. Layers:
/// "title", "heatmap" (class "cell" rects with data-row/data-col, or one image above
/// kMaxVectorCells), "query", "row-labels", "column-labels", "colorbar". The matrix fills a
/// `size` × `size` square. Throws std::invalid_argument on mismatched sizes.
Scene buildAttentionMatrix(const MatrixFigureInput& input, Theme theme, float size = 480.0f);
inline constexpr float kAxisFont = 8.0f;

/// Block means of one S × S attention plane at n = min(S, resolution) cells a side: cell
/// (i, j) averages rows [iS/n, (i+1)S/n) × the same columns (HeadGrid's thumbnails), [n × n].
std::vector<float> attentionThumbnail(const float* plane, int64_t size, int resolution, int* n);
inline constexpr int kThumbnailResolution = 64;

struct HeadGridFigureInput {
    /// Layers with attention [heads, S, S] (captured layers in order; deferred ones are skipped).
    const model::RunResult* result = nullptr;
    /// [captured layer index][head] metric values (analysis::headMetrics) or null for none.
    const std::vector<std::vector<double>>* metric = nullptr;
    std::string metricName;
    int currentLayer = -1, currentHead = -1;  ///< outlined (head -1: the whole row, dashed)
};

/// Every captured layer × head as a viridis thumbnail (attentionThumbnail, normalized to its
/// peak) framed in cividis((v − min) / (max − min)) of the metric (0.5 when all equal; the theme's
/// mid colour without a metric), "H h" above the columns and "L l" left of the rows, and a
/// cividis colour bar of the metric. Layers: "column-labels", "row-labels", "heads" (a group per
/// head: class "head", data-layer, data-head, data-metric), "current", "colorbar".
Scene buildHeadGrid(const HeadGridFigureInput& input, Theme theme, float cellSize = 56.0f);

/// Attention received by every original position [positionCount] from `query` (an original
/// position), or the mean over all query rows when query < 0, divided by its maximum
/// (SequenceStrip::attentionRow); positions absent from the layer get −1.
std::vector<float> attentionReceived(const std::vector<float>& matrix, int64_t size,
                                     const std::vector<int32_t>& positions, int query, size_t positionCount);

struct SequenceFigureInput {
    const TokenSequence* tokens = nullptr;
    /// Optional [positions] attention row under the strip (attentionReceived): viridis, −1 hatched.
    const std::vector<float>* attention = nullptr;
    std::string attentionName = "attention received";
    int query = -1;  ///< outlined in the attention row
};

/// The token strip as SequenceStrip draws it: a column per position, a cell per stacked token
/// in its role colour (tokenRoleRgb) with its short text when it fits, position numbers above
/// (every k-th when they do not fit), wrapped into rows `width` points wide; a legend of the
/// roles present. Layers: "strip" (a group per position: class "position", data-position;
/// cells class "token" with data-role), "attention", "legend".
Scene buildSequence(const SequenceFigureInput& input, Theme theme, float width = 720.0f);

struct PruningFigureInput {
    size_t positions = 0;
    /// Original positions removed before each layer [layers] (analysis::PruneResult::dropped).
    const std::vector<std::vector<int32_t>>* dropped = nullptr;
    /// Role colours of the surviving cells (the first token of a position); null: grey.
    const TokenSequence* tokens = nullptr;
    std::string title;
};

/// The layer-by-layer survivors stack as PruningView's SurvivorStrip draws it: a row per layer
/// labelled "L l · survivors", a cell per original position, filled with its role colour while
/// present, the background with a diagonal stroke in the mid colour once pruned. Cells are
/// 12 points wide (as on screen) or narrower to fit `maxWidth`. Layers: "title", "labels",
/// "rows" (a group per layer: class "layer", data-layer, data-kept; cells class "kept" or
/// "pruned" with data-position).
Scene buildPruning(const PruningFigureInput& input, Theme theme, float maxWidth = 960.0f);

/// Saliency on the graph as the app's overlay draws it (HeadAnalysisView: node and edge
/// saliency in place of attention, Inspection::setGraphOverlay's maxima): buildGraphAttention
/// with `input.attention` replaced by the saliency and `metricName` "saliency (attention
/// rollout|flow)". Throws std::invalid_argument when the saliency does not match the graph.
Scene buildSaliency(GraphFigureInput input, const analysis::Saliency& saliency, const std::string& method,
                    Theme theme, float size = 480.0f);

/// Several figures side by side in `columns` columns (rows as needed), `gap` points apart, each
/// cell as large as its row's tallest and its column's widest panel, panels top-left aligned on
/// the theme's background: a multi-view figure (e.g. graph + attention matrix + head grid).
/// Each panel becomes one layer of class "panel" with id "panel-<i>" and data-view
/// `names[i]`; its layers are groups inside it, their ids prefixed "p<i>-" to stay unique.
/// Throws std::invalid_argument for no panels, columns < 1 or names of another count.
Scene composeFigures(std::vector<Scene> panels, const std::vector<std::string>& names, int columns, Theme theme,
                     float gap = 12.0f);

}  // namespace gts::scene
