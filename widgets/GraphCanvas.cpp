#include "GraphCanvas.h"

#include <QElapsedTimer>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QOpenGLContext>
#include <QPainter>
#include <QSurfaceFormat>
#include <QWheelEvent>
#include <algorithm>
#include <array>
#include <cfloat>
#include <cmath>
#include <limits>
#include <cstdio>
#include <cstring>
#include <numbers>

#include "ColorMaps.h"
#include "ImGuiQt.h"
#include "RenderShaders.h"
#include "graph/AttrNames.h"
#include "imgui.h"

namespace gts {

namespace {

/// Margin around the graph when fitting, logical px: a full halo (disc plus 1.1 radii, see
/// rebuildInstances) of the largest disc (kMaxRadiusPx) stays inside the view.
constexpr double kFitMargin = 46.0;
/// Node radius as a fraction of the typical spacing between nodes, and its limits in px.
constexpr float kRadiusPerSpacing = 0.28f;
constexpr float kMinRadiusPx = 2.5f, kMaxRadiusPx = 20.0f;
/// Edge widths, logical px: the plain graph, and attention from thinnest to widest.
constexpr float kPlainEdgePx = 1.6f, kFaintEdgePx = 1.0f;
constexpr float kMinAttentionEdgePx = 1.5f, kMaxAttentionEdgePx = 9.0f;
/// Level of detail. Edge widths shrink in proportion while the node radius is below this, px.
constexpr float kFullEdgeWidthRadiusPx = 6.0f;
/// From this many skeleton edges (plain, or below the attention threshold) on, one px wide
/// ones are drawn as GL_LINES: aliased, but half the fragments and a fraction of the setup.
constexpr size_t kLineSkeletonFromEdges = 2000;
/// From this many edges on, the edges are drawn once into a texture per view and reused
/// while panning and zooming, within these zoom factors of the view they were drawn at.
constexpr size_t kCachedFromEdges = 2000;
constexpr double kCacheMaxZoom = 1.25;
/// A view unchanged this long has settled: a reused skeleton is then drawn again, sharp.
constexpr int kSettleMs = 150;
/// Edges may cover this many times the viewport's area; beyond it, with attention shown, the
/// skeleton is left out, then the weakest attended edges (llvmpipe blends ~100 M px/s).
constexpr double kEdgeFillBudget = 2.0;
/// Pointer slack for hover and click, logical px.
constexpr float kPickSlackPx = 3.0f;
/// A press that moves less than this is a click, not a drag.
constexpr double kClickSlopPx = 4.0;
/// Wheel zoom per 1/8 degree of wheel rotation (one notch, 120, zooms by about 1.2).
constexpr double kZoomPerWheelUnit = 1.0015;
/// Labels inside a disc need this much of it.
constexpr float kLabelFitWidth = 1.8f, kLabelFitHeight = 1.5f;
/// Beyond this many nodes, keys are not used as labels.
constexpr size_t kMaxKeyLabelNodes = 300;
constexpr size_t kFrameTimeHistory = 240;
/// Fit beside the overlay only when that keeps at least this share of the width.
constexpr double kMinWidthBesideOverlay = 0.5;

// Colour-blind-safe accents (Okabe & Ito 2008) for the two kinds of walked-but-not-original
// steps; viridis is kept for attention.
const QColor kCopyColor(0xE6, 0x9F, 0x00);  // orange: an edge walked again (eulerization)
const QColor kJumpColor(0xCC, 0x79, 0xA7);  // reddish purple: a jump between components
constexpr float kCopyDashPx = 7.0f, kJumpDashPx = 12.0f, kArcDashPx = 5.0f;

QColor viridis(float t) { return colormaps::color(colormaps::ColorMap::Viridis, t); }

QColor mix(const QColor& a, const QColor& b, float t) {
    return QColor::fromRgbF(a.redF() * (1 - t) + b.redF() * t, a.greenF() * (1 - t) + b.greenF() * t,
                            a.blueF() * (1 - t) + b.blueF() * t, a.alphaF() * (1 - t) + b.alphaF() * t);
}

void setRgba(uint8_t out[4], const QColor& c, float alpha = -1.0f) {
    out[0] = uint8_t(c.red());
    out[1] = uint8_t(c.green());
    out[2] = uint8_t(c.blue());
    out[3] = uint8_t(std::lround(255.0f * std::clamp(alpha < 0 ? float(c.alphaF()) : alpha, 0.0f, 1.0f)));
}

/// The smallest and largest finite values (lo > hi when there are none).
std::pair<float, float> finiteRange(const std::vector<float>& values) {
    float lo = std::numeric_limits<float>::infinity(), hi = -lo;
    for (float v : values)
        if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    return {lo, hi};
}

ImU32 imColor(const QColor& c, float alpha = 1.0f) {
    return IM_COL32(c.red(), c.green(), c.blue(), int(std::lround(255.0f * alpha)));
}

/// A horizontal colour bar of `map` in the ImGui window at the cursor, 180 × 10 px; returns its
/// top-left corner (for marks drawn on it).
ImVec2 overlayColorBar(colormaps::ColorMap map) {
    constexpr float kWidth = 180, kHeight = 10;
    constexpr int kSegments = 16;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    for (int s = 0; s < kSegments; ++s) {
        const float x0 = p.x + kWidth * float(s) / kSegments, x1 = p.x + kWidth * float(s + 1) / kSegments;
        const ImU32 c0 = imColor(colormaps::color(map, float(s) / kSegments));
        const ImU32 c1 = imColor(colormaps::color(map, float(s + 1) / kSegments));
        dl->AddRectFilledMultiColor(ImVec2(x0, p.y), ImVec2(x1, p.y + kHeight), c0, c1, c1, c0);
    }
    ImGui::Dummy(ImVec2(kWidth, kHeight));
    return p;
}

/// Element symbols by atomic number (index 0 unused), for OGB atom feature 0 = Z - 1.
constexpr std::array<const char*, 87> kElements = {
    "",   "H",  "He", "Li", "Be", "B",  "C",  "N",  "O",  "F",  "Ne", "Na", "Mg", "Al", "Si",
    "P",  "S",  "Cl", "Ar", "K",  "Ca", "Sc", "Ti", "V",  "Cr", "Mn", "Fe", "Co", "Ni", "Cu",
    "Zn", "Ga", "Ge", "As", "Se", "Br", "Kr", "Rb", "Sr", "Y",  "Zr", "Nb", "Mo", "Tc", "Ru",
    "Rh", "Pd", "Ag", "Cd", "In", "Sn", "Sb", "Te", "I",  "Xe", "Cs", "Ba", "La", "Ce", "Pr",
    "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Hf", "Ta", "W",
    "Re", "Os", "Ir", "Pt", "Au", "Hg", "Tl", "Pb", "Bi", "Po", "At", "Rn"};

/// Squared distance from p to the segment ab.
double segmentDistance2(QPointF p, QPointF a, QPointF b) {
    const QPointF ab = b - a, ap = p - a;
    const double len2 = QPointF::dotProduct(ab, ab);
    const double t = len2 > 0 ? std::clamp(QPointF::dotProduct(ap, ab) / len2, 0.0, 1.0) : 0.0;
    const QPointF d = ap - ab * t;
    return QPointF::dotProduct(d, d);
}

}  // namespace

GraphCanvas::GraphCanvas(Inspection* inspection, QWidget* parent)
    : QOpenGLWidget(parent), inspection_(inspection), imgui_(std::make_unique<ImGuiQt>(this)) {
    QSurfaceFormat format = QSurfaceFormat::defaultFormat();
    format.setRenderableType(QSurfaceFormat::OpenGL);
    format.setVersion(3, 3);
    format.setProfile(QSurfaceFormat::CoreProfile);
    setFormat(format);
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(200, 150);
    imgui_->applyPalette(palette());
    settleTimer_.setSingleShot(true);
    settleTimer_.setInterval(kSettleMs);
    connect(&settleTimer_, &QTimer::timeout, this, qOverload<>(&QWidget::update));

    connect(inspection_, &Inspection::dataChanged, this, &GraphCanvas::onDataChanged);
    connect(inspection_, &Inspection::layoutChanged, this, [this] {
        rebuildGeometry();
        if (!userView_ || inspection_->data().openSerial != fittedSerial_) fitPending_ = true;
        update();
    });
    connect(inspection_, &Inspection::selectionChanged, this, [this] {
        instancesDirty_ = true;
        update();
    });
    connect(inspection_, &Inspection::hoverChanged, this, qOverload<>(&QWidget::update));
    onDataChanged();
}

GraphCanvas::~GraphCanvas() {
    if (glReady_) {
        makeCurrent();
        releaseGL();
        doneCurrent();
    }
}

void GraphCanvas::onDataChanged() {
    rebuildGeometry();
    // Fit a newly opened graph; an edit or a re-run keeps the view the user chose.
    if (!userView_ || inspection_->data().openSerial != fittedSerial_) fitPending_ = true;
    update();
}

bool GraphCanvas::waitingForLayout() const {
    const auto& data = inspection_->data();
    const size_t n = data.graph ? data.graph->nodeCount() : 0;
    const bool laidOut = data.layout && data.layout->x.size() == n && data.layout->y.size() == n;
    return !laidOut && data.graph && data.graph->edgeCount() > kPlaceholderEdgeLimit;
}

const NodeLayout& GraphCanvas::shownLayout() const {
    const auto& data = inspection_->data();
    const size_t n = data.graph ? data.graph->nodeCount() : 0;
    if (data.layout && data.layout->x.size() == n && data.layout->y.size() == n) return *data.layout;
    static const NodeLayout kEmpty;
    return circleLayout_ ? *circleLayout_ : kEmpty;
}

void GraphCanvas::rebuildGeometry() {
    instancesDirty_ = true;
    const auto& data = inspection_->data();
    const Graph* graph = data.graph.get();
    const size_t n = graph ? graph->nodeCount() : 0;

    // A circle until the layout job delivers one.
    auto circle = std::make_shared<NodeLayout>();
    circle->method = QStringLiteral("circle");
    circle->x.resize(n);
    circle->y.resize(n);
    for (size_t i = 0; i < n; ++i) {
        const double a = 2.0 * std::numbers::pi * double(i) / double(std::max<size_t>(n, 1));
        circle->x[i] = float(std::cos(a));
        circle->y[i] = float(std::sin(a));
    }
    circleLayout_ = std::move(circle);

    // Spacing: the smaller of the median edge length and the side of the bounding box's area
    // per node, so neither long random edges nor a sparse box make discs overlap.
    const NodeLayout& layout = shownLayout();
    spacing_ = 1.0f;
    bboxArea_ = 0.0f;
    if (n > 0) {
        auto [minX, maxX] = std::minmax_element(layout.x.begin(), layout.x.end());
        auto [minY, maxY] = std::minmax_element(layout.y.begin(), layout.y.end());
        const float w = *maxX - *minX, h = *maxY - *minY;
        bboxArea_ = std::max(w * h, std::max(w, h) * std::max(w, h) * 0.05f);
        float perNode = std::sqrt(bboxArea_ / float(n));
        if (!(perNode > 0)) perNode = 1.0f;
        spacing_ = perNode;
        if (graph->edgeCount() > 0) {
            std::vector<float> lengths;
            const size_t step = std::max<size_t>(1, graph->edgeCount() / 4096);
            for (size_t e = 0; e < graph->edgeCount(); e += step) {
                const Edge& ed = graph->edge(EdgeId(e));
                if (ed.src == ed.dst) continue;
                lengths.push_back(std::hypot(layout.x[ed.src] - layout.x[ed.dst], layout.y[ed.src] - layout.y[ed.dst]));
            }
            if (!lengths.empty()) {
                std::nth_element(lengths.begin(), lengths.begin() + long(lengths.size() / 2), lengths.end());
                const float median = lengths[lengths.size() / 2];
                if (median > 0) spacing_ = std::min(spacing_, median);
            }
        }
    }

    // Steps of the walk that are not first traversals of an original edge.
    copiedEdges_.assign(graph ? graph->edgeCount() : 0, 0);
    jumps_.clear();
    if (graph && data.tokens) {
        const auto& t = *data.tokens;
        for (size_t i = 0; i < t.steps.size() && i + 1 < t.path.size(); ++i) {
            const WalkStep& s = t.steps[i];
            if (s.kind == StepKind::EulerizationCopy && s.edge < copiedEdges_.size()) copiedEdges_[s.edge] = 1;
            if (s.kind == StepKind::Jump && t.path[i] < n && t.path[i + 1] < n) jumps_.emplace_back(t.path[i], t.path[i + 1]);
        }
    }

    // Labels: element symbols for molecules, node keys for small graphs.
    labels_.clear();
    keyLabels_ = false;
    if (graph && n > 0) {
        const AttrColumn* symbol = graph->nodeAttrs().find(attr::kSymbol);
        const AttrColumn* feat = graph->nodeAttrs().find(attr::kFeat);
        if (symbol && symbol->kind == AttrKind::String) {
            labels_.resize(n);
            for (size_t i = 0; i < n; ++i)
                if (symbol->has(i)) labels_[i] = QString::fromStdString(symbol->stringAt(i));
        } else if (feat && feat->kind == AttrKind::Discrete && feat->width == 9) {
            // OGB atom features: feature 0 is the atomic number - 1.
            labels_.resize(n);
            for (size_t i = 0; i < n; ++i) {
                const int64_t z = feat->has(i) ? feat->intAt(i, 0) + 1 : 0;
                if (z > 0 && z < int64_t(kElements.size())) labels_[i] = QString::fromLatin1(kElements[size_t(z)]);
            }
        } else if (n <= kMaxKeyLabelNodes) {
            labels_.resize(n);
            for (size_t i = 0; i < n; ++i) labels_[i] = QString::fromStdString(graph->nodeKey(NodeId(i)));
            keyLabels_ = true;
        }
    }
}

QPointF GraphCanvas::toScreen(float x, float y) const {
    return {(double(x) - centerX_) * scale_ + width() * 0.5, -(double(y) - centerY_) * scale_ + height() * 0.5};
}

QPointF GraphCanvas::toLayout(QPointF s) const {
    return {(s.x() - width() * 0.5) / scale_ + centerX_, -(s.y() - height() * 0.5) / scale_ + centerY_};
}

QPointF GraphCanvas::nodeScreenPos(NodeId node) const {
    const NodeLayout& l = shownLayout();
    if (node >= l.x.size()) return {};
    return toScreen(l.x[node], l.y[node]);
}

float GraphCanvas::nodeRadiusPx() const {
    return std::clamp(kRadiusPerSpacing * spacing_ * float(scale_), kMinRadiusPx, kMaxRadiusPx);
}

float GraphCanvas::edgeWidthScale() const { return std::min(1.0f, nodeRadiusPx() / kFullEdgeWidthRadiusPx); }

float GraphCanvas::edgeWidthPx(EdgeId edge) const {
    const float w = edge < edgeWidths_.size() ? edgeWidths_[edge] : kPlainEdgePx;
    return std::max(w * edgeWidthScale(), std::min(w, 1.0f));  // as edge.vert
}

bool GraphCanvas::edgeDrawn(EdgeId edge) const {
    if (edge >= edgeInstanceOf_.size()) return true;
    const EdgeLod lod = edgeLod();
    const size_t i = edgeInstanceOf_[edge];
    return i < skeletonCount_ ? lod.skeletonShown : i >= lod.rankedFirst;
}

double GraphCanvas::edgeFillPx(size_t first, size_t last, bool lines) const {
    if (first >= last || last >= edgeLengthSum_.size()) return 0.0;
    const double pixel = 1.0 / devicePixelRatioF();
    const double length = edgeLengthSum_[last] - edgeLengthSum_[first];
    const double lengthWidth = edgeLengthWidthSum_[last] - edgeLengthWidthSum_[first];
    // Off-screen parts are clipped: with nodes spread evenly over their bounding box, the
    // share of the edges on screen is about the share of the box on screen.
    const double boxPx = double(bboxArea_) * scale_ * scale_;
    const double onScreen = boxPx > 0 ? std::min(1.0, double(width()) * double(height()) / boxPx) : 1.0;
    const double widthPxTimesLength = lines ? pixel * length
                                            : std::max(edgeWidthScale() * lengthWidth, length) + pixel * length;
    return onScreen * scale_ * widthPxTimesLength;
}

GraphCanvas::EdgeLod GraphCanvas::edgeLod() const {
    EdgeLod lod;
    const size_t count = edgeLengthSum_.empty() ? 0 : edgeLengthSum_.size() - 1;
    lod.rankedFirst = skeletonCount_;
    const float skeletonWidth = edgesRanked_ ? kFaintEdgePx : kPlainEdgePx;
    lod.skeletonAsLines = skeletonCount_ >= kLineSkeletonFromEdges &&
                          std::max(skeletonWidth * edgeWidthScale(), std::min(skeletonWidth, 1.0f)) <= 1.0f;
    // Without attention every edge is the graph itself: all are drawn.
    if (!edgesRanked_ || count == 0) return lod;
    const double budget = kEdgeFillBudget * double(width()) * double(height());
    // The strongest attended edges that fit; the fill of a suffix shrinks as it starts later.
    size_t lo = skeletonCount_, hi = count;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (edgeFillPx(mid, count, false) <= budget) hi = mid;
        else lo = mid + 1;
    }
    lod.rankedFirst = lo;
    lod.skeletonShown = edgeFillPx(0, skeletonCount_, lod.skeletonAsLines) + edgeFillPx(lo, count, false) <= budget;
    return lod;
}

QColor GraphCanvas::backgroundColor() const { return palette().color(QPalette::Base); }

void GraphCanvas::setOverlayVisible(bool visible) {
    overlayVisible_ = visible;
    update();
}

void GraphCanvas::fit() {
    const NodeLayout& l = shownLayout();
    if (l.x.empty() || width() <= 0 || height() <= 0) return;
    auto [minX, maxX] = std::minmax_element(l.x.begin(), l.x.end());
    auto [minY, maxY] = std::minmax_element(l.y.begin(), l.y.end());
    // Keep the graph beside the overlay when that leaves most of the width.
    double reserved = overlayVisible_ ? overlayRect_.right() : 0.0;
    if (width() - reserved < kMinWidthBesideOverlay * width()) reserved = 0.0;
    const double w = double(*maxX) - double(*minX), h = double(*maxY) - double(*minY);
    const double availW = std::max(1.0, width() - reserved - 2 * kFitMargin);
    const double availH = std::max(1.0, height() - 2 * kFitMargin);
    if (w <= 0 && h <= 0) scale_ = 1.0;
    else scale_ = std::min(w > 0 ? availW / w : 1e30, h > 0 ? availH / h : 1e30);
    if (!(scale_ > 0) || !std::isfinite(scale_)) scale_ = 1.0;
    centerX_ = 0.5 * (double(*minX) + double(*maxX)) - 0.5 * reserved / scale_;
    centerY_ = 0.5 * (double(*minY) + double(*maxY));
    fitPending_ = false;
    fitted_ = true;
    userView_ = false;
    fittedSerial_ = inspection_->data().openSerial;
    viewChanged();
}

void GraphCanvas::viewChanged() {
    settleTimer_.start();
    update();
}

void GraphCanvas::zoomAt(QPointF anchor, double factor) {
    userView_ = true;
    const QPointF before = toLayout(anchor);
    scale_ = std::clamp(scale_ * factor, 1e-9, 1e9);
    const QPointF after = toLayout(anchor);
    centerX_ += before.x() - after.x();
    centerY_ += before.y() - after.y();
    fitPending_ = false;
    fitted_ = false;
    viewChanged();
}

// Instances --------------------------------------------------------------------------------

void GraphCanvas::rebuildInstances() {
    instancesDirty_ = false;
    ++instancesGeneration_;
    std::vector<NodeInstance> nodes;
    std::vector<EdgeInstance> edges;
    const auto& data = inspection_->data();
    const Graph* graph = data.graph.get();
    const NodeLayout& l = shownLayout();
    const size_t n = graph ? graph->nodeCount() : 0;
    edgeWidths_.assign(graph ? graph->edgeCount() : 0, kPlainEdgePx);
    edgeInstanceOf_.clear();
    edgeLengthSum_.clear();
    edgeLengthWidthSum_.clear();
    skeletonCount_ = 0;
    skeletonCpu_.clear();
    edgesRanked_ = false;
    if (n == 0 || l.x.size() != n) {
        upload(nodes_, nullptr, sizeof(NodeInstance), 0);
        upload(edges_, nullptr, sizeof(EdgeInstance), 0);
        upload(skeletonLines_, nullptr, sizeof(EdgeInstance), 0);
        skeletonCpu_.clear();
        return;
    }

    const QPalette pal = palette();
    const QColor base = pal.color(QPalette::Base), text = pal.color(QPalette::Text);
    const QColor nodeFill = mix(base, text, 0.10f), nodeOutline = mix(base, text, 0.62f);
    const QColor plainEdge = mix(base, text, 0.45f), faintEdge = mix(base, text, 0.22f);

    const analysis::GraphAttention& ga = inspection_->graphAttention();
    const bool hasAttention = ga.edge.size() == graph->edgeCount() && ga.node.size() == n;
    const float threshold = inspection_->threshold();

    // Edges: the faint or plain skeleton first, attention on top from weakest to strongest.
    struct Ordered {
        float t;
        EdgeId edge;  ///< kNoIndex for dashed companions and jumps
        EdgeInstance instance;
    };
    std::vector<Ordered> ordered;
    ordered.reserve(graph->edgeCount() + jumps_.size() + ga.arcs.size());
    for (EdgeId e = 0; e < graph->edgeCount(); ++e) {
        const Edge& ed = graph->edge(e);
        EdgeInstance inst{l.x[ed.src], l.y[ed.src], l.x[ed.dst], l.y[ed.dst], kPlainEdgePx, 0, 0, 0, {}};
        float t = -1.0f;
        if (hasAttention) {
            const float w = ga.edge[e];
            if (ga.maxEdge > 0 && w > 0 && w >= threshold * ga.maxEdge) {
                t = w / ga.maxEdge;
                inst.width = kMinAttentionEdgePx + (kMaxAttentionEdgePx - kMinAttentionEdgePx) * t;
                setRgba(inst.color, viridis(t), 0.35f + 0.65f * t);
            } else {
                inst.width = kFaintEdgePx;
                setRgba(inst.color, faintEdge);
            }
        } else {
            setRgba(inst.color, plainEdge);
        }
        edgeWidths_[e] = inst.width;
        ordered.push_back({t, e, inst});
        if (copiedEdges_.size() > e && copiedEdges_[e]) {
            // The repeated traversal: a dashed companion beside the edge.
            EdgeInstance copy = inst;
            copy.width = 1.5f;
            copy.dashPeriod = kCopyDashPx;
            copy.offset = 0.5f * inst.width + 2.5f;
            setRgba(copy.color, kCopyColor, 0.95f);
            ordered.push_back({2.0f, kNoIndex, copy});
        }
    }
    if (hasAttention && ga.maxEdge > 0)
        for (const analysis::AttentionArc& arc : ga.arcs) {
            // Node-level attention between nodes no edge joins: dashed, on the edges' scale.
            if (arc.a >= n || arc.b >= n || !(arc.weight > 0 && arc.weight >= threshold * ga.maxEdge)) continue;
            const float t = arc.weight / ga.maxEdge;
            EdgeInstance inst{l.x[arc.a], l.y[arc.a], l.x[arc.b], l.y[arc.b],
                              1.0f + 2.0f * t, kArcDashPx, 0, 0, {}};
            setRgba(inst.color, viridis(t), 0.35f + 0.65f * t);
            ordered.push_back({t, kNoIndex, inst});
        }
    for (const auto& [a, b] : jumps_) {
        EdgeInstance inst{l.x[a], l.y[a], l.x[b], l.y[b], 1.5f, kJumpDashPx, 0, 0, {}};
        setRgba(inst.color, kJumpColor, 0.9f);
        ordered.push_back({2.0f, kNoIndex, inst});
    }
    std::stable_sort(ordered.begin(), ordered.end(), [](const Ordered& x, const Ordered& y) { return x.t < y.t; });
    edges.reserve(ordered.size());
    edgesRanked_ = hasAttention;
    edgeInstanceOf_.assign(graph->edgeCount(), 0);
    edgeLengthSum_.assign(ordered.size() + 1, 0.0);
    edgeLengthWidthSum_.assign(ordered.size() + 1, 0.0);
    for (size_t i = 0; i < ordered.size(); ++i) {
        const EdgeInstance& inst = ordered[i].instance;
        if (ordered[i].t < 0) skeletonCount_ = i + 1;
        if (ordered[i].edge != kNoIndex) edgeInstanceOf_[ordered[i].edge] = uint32_t(i);
        const double length = std::hypot(double(inst.x1) - inst.x0, double(inst.y1) - inst.y0);
        edgeLengthSum_[i + 1] = edgeLengthSum_[i] + length;
        edgeLengthWidthSum_[i + 1] = edgeLengthWidthSum_[i] + length * inst.width;
        edges.push_back(inst);
    }

    // A node classifier's predicted classes fill the nodes (Inspection::nodeClasses), or a node
    // regressor's values in cividis over their range (Inspection::nodeValues).
    const std::vector<int32_t>& classes = inspection_->nodeClasses();
    const bool byClass = inspection_->predictionFillShown() && classes.size() == n;
    const std::vector<float>& values = inspection_->nodeValues();
    const auto [valueLo, valueHi] = finiteRange(values);
    const bool byValue = !byClass && inspection_->predictionFillShown() && values.size() == n && valueLo <= valueHi;
    nodes.resize(n);
    for (size_t i = 0; i < n; ++i) {
        NodeInstance& inst = nodes[i];
        inst = {l.x[i], l.y[i], 1.0f, 1.2f, 0.0f, 0.0f, {}, {}, {}};
        if (byClass && classes[i] >= 0)
            setRgba(inst.fill, colormaps::categoryColor(classes[i]));
        else if (byValue && std::isfinite(values[i]))
            setRgba(inst.fill, colormaps::color(colormaps::ColorMap::Cividis,
                                                valueHi > valueLo ? (values[i] - valueLo) / (valueHi - valueLo) : 0.5f));
        else
            setRgba(inst.fill, nodeFill);
        setRgba(inst.outline, nodeOutline);
        setRgba(inst.haloColor, base, 0.0f);
        if (hasAttention && ga.maxNode > 0) {
            const float w = ga.node[i];
            if (w > 0 && w >= threshold * ga.maxNode) {
                const float t = w / ga.maxNode;
                inst.halo = 0.25f + 0.85f * t;
                setRgba(inst.haloColor, viridis(t), 0.55f + 0.4f * t);
            }
        }
    }

    upload(nodes_, nodes.data(), sizeof(NodeInstance), nodes.size());
    upload(edges_, edges.data(), sizeof(EdgeInstance), edges.size());
    // Only large skeletons are ever drawn as lines (edgeLod).
    upload(skeletonLines_, edges.data(), sizeof(EdgeInstance),
           skeletonCount_ >= kLineSkeletonFromEdges ? skeletonCount_ : 0);
    if (skeletonCount_ >= kLineSkeletonFromEdges)
        skeletonCpu_.assign(edges.begin(), edges.begin() + static_cast<ptrdiff_t>(skeletonCount_));
}

Pointed GraphCanvas::resolved(const Pointed& p) const {
    if (p.node != kNoIndex || p.edge != kNoIndex || p.position < 0) return p;
    return inspection_->pointedAtPosition(p.position);
}

void GraphCanvas::buildHighlights(std::vector<NodeInstance>& nodes, std::vector<EdgeInstance>& edges) const {
    const auto& data = inspection_->data();
    const Graph* graph = data.graph.get();
    const NodeLayout& l = shownLayout();
    if (!graph || l.x.size() != graph->nodeCount()) return;
    const QPalette pal = palette();
    const QColor highlight = pal.color(QPalette::Highlight), text = pal.color(QPalette::Text);
    const QColor base = pal.color(QPalette::Base);
    const QColor nodeFill = mix(base, text, 0.10f);

    auto addEdge = [&](EdgeId e, float alpha) {
        if (e >= graph->edgeCount()) return;
        const Edge& ed = graph->edge(e);
        EdgeInstance inst{l.x[ed.src], l.y[ed.src], l.x[ed.dst], l.y[ed.dst], edgeWidthPx(e) + 4.0f, 0, 0, 0, {}};
        setRgba(inst.color, highlight, alpha);
        edges.push_back(inst);
    };
    auto addNode = [&](NodeId v, float outlineWidth, float alpha) {
        if (v >= graph->nodeCount()) return;
        NodeInstance inst{l.x[v], l.y[v], 1.0f, outlineWidth, 0.0f, 0.0f, {}, {}, {}};
        setRgba(inst.fill, nodeFill, 0.0f);
        setRgba(inst.outline, highlight, alpha);
        setRgba(inst.haloColor, base, 0.0f);
        nodes.push_back(inst);
    };

    // The query's own node: a ring around it, in the text colour so it reads on any halo.
    const int query = inspection_->query();
    if (query >= 0) {
        const Pointed q = inspection_->pointedAtPosition(query);
        if (q.node < graph->nodeCount()) {
            NodeInstance ring{l.x[q.node], l.y[q.node], 1.55f, 2.0f, 0.0f, 0.0f, {}, {}, {}};
            setRgba(ring.fill, base, 0.0f);
            setRgba(ring.outline, text, 0.95f);
            setRgba(ring.haloColor, base, 0.0f);
            nodes.push_back(ring);
        }
    }
    const Pointed selected = resolved(inspection_->selected());
    const Pointed hover = resolved(inspection_->hover());
    if (selected.edge != kNoIndex) addEdge(selected.edge, 0.85f);
    if (hover.edge != kNoIndex && hover.edge != selected.edge) addEdge(hover.edge, 0.5f);
    // A hovered edge position also names the node it arrives at (stacked layout): the node
    // wins when both are set.
    if (selected.node != kNoIndex) addNode(selected.node, 3.0f, 1.0f);
    if (hover.node != kNoIndex) addNode(hover.node, 2.5f, 0.7f);
}

// GL ----------------------------------------------------------------------------------------

void GraphCanvas::initializeGL() {
    initializeOpenGLFunctions();
    // The widget's context is replaced when the widget moves to another window (a floating
    // dock); everything made in it goes with it and is made again in the next initializeGL.
    connect(context(), &QOpenGLContext::aboutToBeDestroyed, this, &GraphCanvas::contextAboutToBeDestroyed,
            Qt::UniqueConnection);

    auto build = [](QOpenGLShaderProgram& p, const char* vert, const char* frag, const char* name) {
        p.removeAllShaders();
        if (!p.addShaderFromSourceCode(QOpenGLShader::Vertex, vert) ||
            !p.addShaderFromSourceCode(QOpenGLShader::Fragment, frag) || !p.link())
            qWarning("GraphCanvas: %s shader: %s", name, qPrintable(p.log()));
    };
    build(nodeProgram_, shaders::kNodeVert, shaders::kNodeFrag, "node");
    build(edgeProgram_, shaders::kEdgeVert, shaders::kEdgeFrag, "edge");
    for (Batch* b : {&nodes_, &edges_, &skeletonLines_, &highlightNodes_, &highlightEdges_}) setUpBatch(*b);
    glReady_ = true;
    instancesDirty_ = true;
    imgui_->initializeGL();
}

void GraphCanvas::contextAboutToBeDestroyed() {
    makeCurrent();
    releaseGL();
    doneCurrent();
}

void GraphCanvas::releaseGL() {
    if (!glReady_) return;
    imgui_->shutdownGL();
    for (Batch* b : {&nodes_, &edges_, &skeletonLines_, &highlightNodes_, &highlightEdges_}) {
        b->vao.destroy();
        b->buffer.destroy();
        b->count = 0;
    }
    nodeProgram_.removeAllShaders();
    edgeProgram_.removeAllShaders();
    edgeCache_.reset();
    skeletonImage_.reset();
    edgeCacheKey_ = {};
    glReady_ = false;
}

namespace {

/// Corners per shape, in the order GL_TRIANGLES (two triangles) or GL_LINES reads them.
constexpr float kNodeCorners[6][2] = {{-1, -1}, {1, -1}, {-1, 1}, {-1, 1}, {1, -1}, {1, 1}};
constexpr float kEdgeCorners[6][2] = {{0, -1}, {1, -1}, {0, 1}, {0, 1}, {1, -1}, {1, 1}};
constexpr float kLineCorners[2][2] = {{0, 0}, {1, 0}};
constexpr size_t kCornerBytes = 2 * sizeof(float);

}  // namespace

void GraphCanvas::setUpBatch(Batch& batch) {
    const bool nodes = batch.shape == Shape::NodeQuad;
    batch.vao.create();
    batch.vao.bind();
    batch.buffer.create();
    batch.buffer.setUsagePattern(QOpenGLBuffer::StaticDraw);
    batch.buffer.bind();
    const size_t stride = kCornerBytes + (nodes ? sizeof(NodeInstance) : sizeof(EdgeInstance));
    auto attrib = [&](GLuint index, int size, GLenum type, bool normalized, size_t offset) {
        glEnableVertexAttribArray(index);
        glVertexAttribPointer(index, size, type, normalized ? GL_TRUE : GL_FALSE, GLsizei(stride),
                              reinterpret_cast<const void*>(offset));
    };
    attrib(0, 2, GL_FLOAT, false, 0);
    if (nodes) {
        attrib(1, 2, GL_FLOAT, false, kCornerBytes + offsetof(NodeInstance, x));
        attrib(2, 4, GL_FLOAT, false, kCornerBytes + offsetof(NodeInstance, radius));
        attrib(3, 4, GL_UNSIGNED_BYTE, true, kCornerBytes + offsetof(NodeInstance, fill));
        attrib(4, 4, GL_UNSIGNED_BYTE, true, kCornerBytes + offsetof(NodeInstance, outline));
        attrib(5, 4, GL_UNSIGNED_BYTE, true, kCornerBytes + offsetof(NodeInstance, haloColor));
    } else {
        attrib(1, 4, GL_FLOAT, false, kCornerBytes + offsetof(EdgeInstance, x0));
        attrib(2, 4, GL_FLOAT, false, kCornerBytes + offsetof(EdgeInstance, width));
        attrib(3, 4, GL_UNSIGNED_BYTE, true, kCornerBytes + offsetof(EdgeInstance, color));
    }
    batch.vao.release();
}

void GraphCanvas::upload(Batch& batch, const void* instances, size_t instanceBytes, size_t count) {
    batch.count = count;
    if (!glReady_ || count == 0) return;
    const float(*corners)[2] = batch.shape == Shape::NodeQuad ? kNodeCorners
                               : batch.shape == Shape::EdgeQuad ? kEdgeCorners
                                                                : kLineCorners;
    const size_t perInstance = batch.shape == Shape::EdgeLine ? 2 : 6;
    const size_t stride = kCornerBytes + instanceBytes;
    std::vector<std::byte> vertices(count * perInstance * stride);
    std::byte* out = vertices.data();
    const auto* in = static_cast<const std::byte*>(instances);
    for (size_t i = 0; i < count; ++i, in += instanceBytes)
        for (size_t c = 0; c < perInstance; ++c, out += stride) {
            std::memcpy(out, corners[c], kCornerBytes);
            std::memcpy(out + kCornerBytes, in, instanceBytes);
        }
    batch.buffer.bind();
    batch.buffer.allocate(vertices.data(), int(vertices.size()));
}

void GraphCanvas::drawBatch(Batch& batch, float widthScale, size_t first, size_t count) {
    if (first >= batch.count) return;
    count = std::min(count, batch.count - first);
    if (count == 0) return;
    const bool nodes = batch.shape == Shape::NodeQuad;
    QOpenGLShaderProgram& p = nodes ? nodeProgram_ : edgeProgram_;
    p.bind();
    p.setUniformValue("viewCenter", QVector2D(float(centerX_), float(centerY_)));
    p.setUniformValue("viewScale", float(scale_));
    p.setUniformValue("viewport", QVector2D(float(width()), float(height())));
    p.setUniformValue("pixel", float(1.0 / devicePixelRatioF()));
    if (nodes) p.setUniformValue("nodeRadius", nodeRadiusPx());
    else p.setUniformValue("widthScale", widthScale);
    batch.vao.bind();
    if (batch.shape == Shape::EdgeLine) glDrawArrays(GL_LINES, GLint(2 * first), GLsizei(2 * count));
    else glDrawArrays(GL_TRIANGLES, GLint(6 * first), GLsizei(6 * count));
    batch.vao.release();
    p.release();
}

void GraphCanvas::rasterizeSkeleton(QSize fb, float widthScale) {
    const auto W = static_cast<size_t>(fb.width()), H = static_cast<size_t>(fb.height());
    const QColor bg = backgroundColor();
    const uint32_t clear = uint32_t(bg.red()) | uint32_t(bg.green()) << 8 | uint32_t(bg.blue()) << 16 | 0xff000000u;
    skeletonPixels_.assign(W * H, clear);
    const double dpr = devicePixelRatioF();
    const double vw = width(), vh = height();
    uint32_t* px = skeletonPixels_.data();
    // "Over" with straight alpha into an opaque pixel (alpha stays 1): c = s a + d (1 - a),
    // the blend the GL path uses (glBlendFuncSeparate in paintGL).
    const auto plot = [px](size_t at, const uint8_t* c) {
        const uint32_t d = px[at];
        const uint32_t a = c[3], na = 255 - a;
        const auto mix = [&](uint32_t sc, int shift) { return ((sc * a + ((d >> shift) & 0xff) * na + 127) / 255) << shift; };
        px[at] = mix(c[0], 0) | mix(c[1], 8) | mix(c[2], 16) | 0xff000000u;
    };
    for (const EdgeInstance& e : skeletonCpu_) {
        // edge.vert's transform to logical px (y down), then device px with y up as GL's
        // window coordinates have it; the sideways offset as edge.vert applies it.
        double ax = (e.x0 - centerX_) * scale_ + 0.5 * vw, ay = -(e.y0 - centerY_) * scale_ + 0.5 * vh;
        double bx = (e.x1 - centerX_) * scale_ + 0.5 * vw, by = -(e.y1 - centerY_) * scale_ + 0.5 * vh;
        if (e.offset != 0.0f) {
            const double dx = bx - ax, dy = by - ay, len = std::hypot(dx, dy);
            if (len > 1e-4) {
                const double o = double(e.offset) * widthScale;
                ax += -dy / len * o, ay += dx / len * o, bx += -dy / len * o, by += dx / len * o;
            }
        }
        const double x0 = ax * dpr, y0 = (vh - ay) * dpr, x1 = bx * dpr, y1 = (vh - by) * dpr;
        const double dx = x1 - x0, dy = y1 - y0;
        // One pixel per step of the major axis: pixel centres i + 0.5 in [min, max) along it,
        // the row or column where the line crosses that centre across it (GL's aliased lines
        // light one pixel per major-axis step, OpenGL 4.6 §14.5.1).
        if (std::abs(dx) >= std::abs(dy)) {
            if (dx == 0.0) continue;
            const double lo = std::min(x0, x1), hi = std::max(x0, x1);
            const auto first = std::max<int64_t>(0, int64_t(std::ceil(lo - 0.5)));
            const auto last = std::min<int64_t>(int64_t(W) - 1, int64_t(std::ceil(hi - 0.5)) - 1);
            const double slope = dy / dx;
            for (int64_t i = first; i <= last; ++i) {
                const auto j = int64_t(std::floor(y0 + (double(i) + 0.5 - x0) * slope));
                if (j >= 0 && j < int64_t(H)) plot(size_t(j) * W + size_t(i), e.color);
            }
        } else {
            const double lo = std::min(y0, y1), hi = std::max(y0, y1);
            const auto first = std::max<int64_t>(0, int64_t(std::ceil(lo - 0.5)));
            const auto last = std::min<int64_t>(int64_t(H) - 1, int64_t(std::ceil(hi - 0.5)) - 1);
            const double slope = dx / dy;
            for (int64_t j = first; j <= last; ++j) {
                const auto i = int64_t(std::floor(x0 + (double(j) + 0.5 - y0) * slope));
                if (i >= 0 && i < int64_t(W)) plot(size_t(j) * W + size_t(i), e.color);
            }
        }
    }
    if (!skeletonImage_ || skeletonImage_->size() != fb) skeletonImage_ = std::make_unique<QOpenGLFramebufferObject>(fb);
    glBindTexture(GL_TEXTURE_2D, skeletonImage_->texture());
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, fb.width(), fb.height(), GL_RGBA, GL_UNSIGNED_BYTE, skeletonPixels_.data());
    glBindTexture(GL_TEXTURE_2D, 0);
}

void GraphCanvas::drawEdges(const EdgeLod& lod, float widthScale) {
    auto draw = [&] {
        if (lod.skeletonShown) drawBatch(lod.skeletonAsLines ? skeletonLines_ : edges_, widthScale, 0, skeletonCount_);
        drawBatch(edges_, widthScale, lod.rankedFirst);
    };
    if (edges_.count < kCachedFromEdges) {
        draw();
        return;
    }
    const double dpr = devicePixelRatioF();
    const QSize fb(int(std::lround(width() * dpr)), int(std::lround(height() * dpr)));
    const CacheKey& key = edgeCacheKey_;
    const bool sameData = edgeCache_ && edgeCache_->size() == fb && key.generation == instancesGeneration_;
    const double zoom = key.scale > 0 ? scale_ / key.scale : 0.0;
    const bool sameView = key.centerX == centerX_ && key.centerY == centerY_ && key.scale == scale_ &&
                          key.lod == std::tuple(lod.skeletonShown, lod.skeletonAsLines, lod.rankedFirst);
    // While moving, the level of detail the image was drawn at stands (it follows the zoom).
    const bool reusable = sameData && (sameView || (settleTimer_.isActive() && zoom <= kCacheMaxZoom &&
                                                    zoom >= 1.0 / kCacheMaxZoom));
    if (!reusable) {
        if (!edgeCache_ || edgeCache_->size() != fb)
            edgeCache_ = std::make_unique<QOpenGLFramebufferObject>(fb);
        if (cpuSkeleton_ && lod.skeletonShown && lod.skeletonAsLines && skeletonCpu_.size() == skeletonCount_) {
            // Tens of thousands of one-pixel lines cost llvmpipe ~30 ms in per-primitive setup
            // and binning; stepping their pixels here costs a few ms. The image (skeleton over
            // the background) replaces the clear; the attended edges are drawn over it.
            rasterizeSkeleton(fb, widthScale);
            glBindFramebuffer(GL_READ_FRAMEBUFFER, skeletonImage_->handle());
            glBindFramebuffer(GL_DRAW_FRAMEBUFFER, edgeCache_->handle());
            glBlitFramebuffer(0, 0, fb.width(), fb.height(), 0, 0, fb.width(), fb.height(), GL_COLOR_BUFFER_BIT, GL_NEAREST);
            edgeCache_->bind();
            glViewport(0, 0, fb.width(), fb.height());
            drawBatch(edges_, widthScale, lod.rankedFirst);
        } else {
            edgeCache_->bind();
            glViewport(0, 0, fb.width(), fb.height());
            glClear(GL_COLOR_BUFFER_BIT);  // the clear colour of this frame
            draw();
        }
        glBindFramebuffer(GL_FRAMEBUFFER, defaultFramebufferObject());
        glViewport(0, 0, fb.width(), fb.height());
        edgeCacheKey_ = {instancesGeneration_, {lod.skeletonShown, lod.skeletonAsLines, lod.rankedFirst},
                             centerX_, centerY_, scale_};
    }
    // Where the cached image lands now, widget px: x' = (x - w/2) z + (cx0 - cx) s + w/2, and
    // y' = (y - h/2) z - (cy0 - cy) s + h/2 (layout y points up).
    const double z = scale_ / key.scale;
    const double left = (0 - width() * 0.5) * z + (key.centerX - centerX_) * scale_ + width() * 0.5;
    const double right = (width() - width() * 0.5) * z + (key.centerX - centerX_) * scale_ + width() * 0.5;
    const double top = (0 - height() * 0.5) * z - (key.centerY - centerY_) * scale_ + height() * 0.5;
    const double bottom = (height() - height() * 0.5) * z - (key.centerY - centerY_) * scale_ + height() * 0.5;
    glBindFramebuffer(GL_READ_FRAMEBUFFER, edgeCache_->handle());
    glBindFramebuffer(GL_DRAW_FRAMEBUFFER, defaultFramebufferObject());
    glBlitFramebuffer(0, 0, fb.width(), fb.height(), GLint(std::lround(left * dpr)),
                      GLint(std::lround(fb.height() - bottom * dpr)), GLint(std::lround(right * dpr)),
                      GLint(std::lround(fb.height() - top * dpr)), GL_COLOR_BUFFER_BIT,
                      sameView ? GL_NEAREST : GL_LINEAR);
    glBindFramebuffer(GL_FRAMEBUFFER, defaultFramebufferObject());
}

void GraphCanvas::resizeGL(int, int) {
    if (fitPending_) fit();
}

void GraphCanvas::paintGL() {
    QElapsedTimer timer;
    timer.start();
    if (fitPending_) fit();

    const QColor bg = backgroundColor();
    glClearColor(bg.redF(), bg.greenF(), bg.blueF(), 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    glDisable(GL_DEPTH_TEST);
    glDisable(GL_CULL_FACE);
    glEnable(GL_BLEND);
    // Alpha of the framebuffer accumulates as "over", so the grabbed image is not washed out.
    glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);

    if (instancesDirty_) rebuildInstances();
    std::vector<NodeInstance> hiNodes;
    std::vector<EdgeInstance> hiEdges;
    buildHighlights(hiNodes, hiEdges);
    upload(highlightNodes_, hiNodes.data(), sizeof(NodeInstance), hiNodes.size());
    upload(highlightEdges_, hiEdges.data(), sizeof(EdgeInstance), hiEdges.size());

    const GLsizei fbw = GLsizei(std::lround(width() * devicePixelRatioF()));
    const GLsizei fbh = GLsizei(std::lround(height() * devicePixelRatioF()));
    glViewport(0, 0, fbw, fbh);
    lastLod_ = edgeLod();
    // Until the layout job delivers, nodes sit on a placeholder circle where every edge is a
    // chord across the canvas: drawing many of them costs llvmpipe ~0.7 s a frame for a
    // picture that says nothing, so large graphs show their nodes only until then.
    if (!waitingForLayout()) drawEdges(lastLod_, edgeWidthScale());
    // Highlights are built from edgeWidthPx, already at this level of detail.
    drawBatch(highlightEdges_);
    drawBatch(nodes_);
    drawBatch(highlightNodes_);

    {
        QPainter painter(this);
        drawLabels(painter);
        drawNotes(painter);
        if (overlayVisible_ && imgui_->initialized()) {
            painter.beginNativePainting();
            glEnable(GL_BLEND);
            imgui_->newFrame();
            drawOverlay();
            imgui_->render();
            painter.endNativePainting();
        }
    }
    if (finishEachFrame_) glFinish();

    frameTimesMs_.push_back(double(timer.nsecsElapsed()) * 1e-6);
    if (frameTimesMs_.size() > kFrameTimeHistory)
        frameTimesMs_.erase(frameTimesMs_.begin(), frameTimesMs_.begin() + long(frameTimesMs_.size() - kFrameTimeHistory));
    if (imgui_->wantsRedraw() || (overlayVisible_ && overlayResized_)) update();
}

// Labels and overlay -------------------------------------------------------------------------

void GraphCanvas::drawLabels(QPainter& painter) const {
    if (labels_.empty()) return;
    const NodeLayout& l = shownLayout();
    if (l.x.size() != labels_.size()) return;
    const float r = nodeRadiusPx();
    QFont font = this->font();
    font.setPixelSize(std::clamp(int(std::lround(r * 1.05f)), 7, 15));
    if (!keyLabels_) font.setBold(true);
    painter.setFont(font);
    const QFontMetricsF fm(font);
    if (fm.height() > kLabelFitHeight * 2 * r && !keyLabels_) return;
    painter.setRenderHint(QPainter::TextAntialiasing);
    painter.setPen(palette().color(QPalette::Text));
    const QRectF area = rect();
    const float spacingPx = spacing_ * float(scale_);
    for (size_t i = 0; i < labels_.size(); ++i) {
        const QString& label = labels_[i];
        if (label.isEmpty()) continue;
        const QPointF c = toScreen(l.x[i], l.y[i]);
        if (!area.adjusted(-40, -20, 40, 20).contains(c)) continue;
        const double w = fm.horizontalAdvance(label);
        if (w <= kLabelFitWidth * 2 * r && fm.height() <= kLabelFitHeight * 2 * r) {
            painter.drawText(QRectF(c.x() - r * 2, c.y() - r * 2, r * 4, r * 4), Qt::AlignCenter, label);
        } else if (keyLabels_ && spacingPx >= w * 0.6 + r && fm.height() < spacingPx) {
            // Keys too long for the disc go beside it while neighbours leave room.
            painter.drawText(QPointF(c.x() + r + 3, c.y() + fm.ascent() * 0.5 - 1), label);
        }
    }
}

void GraphCanvas::setNodeNotes(std::vector<std::pair<NodeId, QString>> notes) {
    nodeNotes_ = std::move(notes);
    update();
}

void GraphCanvas::drawNotes(QPainter& painter) const {
    if (nodeNotes_.empty()) return;
    const NodeLayout& l = shownLayout();
    const float r = nodeRadiusPx();
    QFont font = this->font();
    font.setPixelSize(12);
    painter.setFont(font);
    const QFontMetricsF fm(font);
    painter.setRenderHint(QPainter::Antialiasing);
    // A pale callout above and right of the node, tied to it by a short leader line; the text
    // is the note's first line, elided (the Notes dock holds all of it).
    const QColor fill(255, 244, 196, 235), border(176, 140, 40);
    for (const auto& [node, text] : nodeNotes_) {
        if (node >= l.x.size()) continue;
        const QPointF c = toScreen(l.x[node], l.y[node]);
        if (!QRectF(rect()).adjusted(-200, -40, 40, 200).contains(c)) continue;
        const QString line = fm.elidedText(text.section(QLatin1Char('\n'), 0, 0), Qt::ElideRight, 260);
        const QSizeF size(fm.horizontalAdvance(line) + 10, fm.height() + 6);
        const QPointF corner(c.x() + r * 0.7 + 6, c.y() - r * 0.7 - 6 - size.height());
        painter.setPen(QPen(border, 1));
        painter.drawLine(QPointF(c.x() + r * 0.7, c.y() - r * 0.7), corner + QPointF(0, size.height()));
        painter.setBrush(fill);
        painter.drawRoundedRect(QRectF(corner, size), 3, 3);
        painter.setPen(QColor(40, 32, 8));
        painter.drawText(QRectF(corner, size).adjusted(5, 3, -5, -3), Qt::AlignVCenter | Qt::AlignLeft, line);
    }
}

void GraphCanvas::drawOverlay() {
    const auto& data = inspection_->data();
    const QColor text = palette().color(QPalette::WindowText);
    ImGui::SetNextWindowPos(ImVec2(10, 10), ImGuiCond_Always);
    // No taller than the canvas: on a short canvas the panel scrolls instead of losing its
    // last lines below the edge.
    ImGui::SetNextWindowSizeConstraints(ImVec2(0, 0), ImVec2(FLT_MAX, std::max(120.0f, float(height()) - 20.0f)));
    ImGui::SetNextWindowBgAlpha(0.86f);
    const ImGuiWindowFlags flags = ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings |
                                   ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoFocusOnAppearing |
                                   ImGuiWindowFlags_NoNav;
    const bool open = ImGui::Begin("Attention", nullptr, flags);
    // Auto-resizing settles one frame after the content changes: draw that frame too.
    const QRectF rect(ImGui::GetWindowPos().x, ImGui::GetWindowPos().y, ImGui::GetWindowSize().x,
                      ImGui::GetWindowSize().y);
    overlayResized_ = rect != overlayRect_;
    overlayRect_ = rect;
    // A fitted view follows the overlay's width; a view the user moved stays.
    if (overlayResized_ && fitted_ && !userView_) fitPending_ = true;
    if (!open) {
        ImGui::End();
        return;
    }
    const model::RunResult* result = data.result.get();
    if (!result || result->layers.empty()) {
        ImGui::TextDisabled("No attention yet: run a model.");
    } else {
        // Layer: among the captured layers.
        int layerIndex = 0;
        for (size_t i = 0; i < result->layers.size(); ++i)
            if (result->layers[i].layer == inspection_->layer()) layerIndex = int(i);
        const model::LayerCapture& capture = result->layers[size_t(layerIndex)];
        const int heads = capture.attention.rank() == 3 ? int(capture.attention.dim(0)) : 0;
        ImGui::PushItemWidth(150);
        if (result->layers.size() > 1) {
            if (ImGui::SliderInt("layer", &layerIndex, 0, int(result->layers.size()) - 1, "%d"))
                inspection_->setLayerHead(result->layers[size_t(layerIndex)].layer, inspection_->head());
        } else {
            ImGui::Text("layer %d", capture.layer);
        }
        int aggregation = int(inspection_->aggregation());
        bool changed = ImGui::RadioButton("mean", &aggregation, int(analysis::HeadAggregation::Mean));
        ImGui::SameLine();
        changed |= ImGui::RadioButton("max", &aggregation, int(analysis::HeadAggregation::Max));
        ImGui::SameLine();
        changed |= ImGui::RadioButton("one head", &aggregation, int(analysis::HeadAggregation::Single));
        if (changed) inspection_->setAggregation(analysis::HeadAggregation(aggregation));
        if (inspection_->aggregation() == analysis::HeadAggregation::Single && heads > 0) {
            constexpr int kButtonsUpTo = 16, kPerRow = 8;
            if (heads <= kButtonsUpTo) {
                ImGui::TextUnformatted("head");
                for (int h = 0; h < heads; ++h) {
                    if (h % kPerRow != 0) ImGui::SameLine(0, 3);
                    const bool current = h == inspection_->head();
                    if (current) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
                    char name[8];
                    std::snprintf(name, sizeof(name), "%d", h);
                    if (ImGui::Button(name, ImVec2(22, 0))) inspection_->setLayerHead(inspection_->layer(), h);
                    if (current) ImGui::PopStyleColor();
                }
            } else {
                int head = inspection_->head();
                if (ImGui::SliderInt("head", &head, 0, heads - 1)) inspection_->setLayerHead(inspection_->layer(), head);
            }
        }
        float threshold = inspection_->threshold();
        if (ImGui::SliderFloat("threshold", &threshold, 0.0f, 1.0f, "%.2f × max"))
            inspection_->setThreshold(threshold);
        // Query: every position's row averaged, or one position's row.
        const int positions = data.tokens ? int(data.tokens->positions.size()) : 0;
        int query = inspection_->query();
        bool all = query < 0;
        if (ImGui::RadioButton("all queries", all) && !all) inspection_->setQuery(-1);
        ImGui::SameLine();
        const int selectedPosition = resolved(inspection_->selected()).position;
        if (ImGui::RadioButton("position", !all) && all && positions > 0)
            inspection_->setQuery(selectedPosition >= 0 ? selectedPosition : 0);
        if (!all) {
            ImGui::SameLine();
            ImGui::PushItemWidth(80);
            if (ImGui::InputInt("##query", &query) && positions > 0)
                inspection_->setQuery(std::clamp(query, 0, positions - 1));
            ImGui::PopItemWidth();
        }
        ImGui::PopItemWidth();

        // Legend: viridis from 0 to the largest weight shown on an edge.
        const analysis::GraphAttention& ga = inspection_->graphAttention();
        ImGui::Separator();
        constexpr float kBarW = 180, kBarH = 10;
        const ImVec2 p = overlayColorBar(colormaps::ColorMap::Viridis);
        const float thresholdX = p.x + kBarW * inspection_->threshold();
        ImGui::GetWindowDrawList()->AddLine(ImVec2(thresholdX, p.y - 2), ImVec2(thresholdX, p.y + kBarH + 2),
                                            imColor(text), 1.5f);
        ImGui::Text("0");
        ImGui::SameLine(kBarW - 30);
        ImGui::Text("%.3g", double(std::max(ga.maxEdge, ga.maxNode)));
        if (inspection_->graphOverlayName().isEmpty())
            ImGui::TextDisabled("edge width, colour: attention; halo: to node");
        else
            ImGui::TextDisabled("edge width, colour, halo: %s", inspection_->graphOverlayName().toUtf8().constData());
        if (ga.special > 0 || ga.jumpWeight > 0)
            ImGui::TextDisabled("to <eos>/special %.3g, via jumps %.3g", double(ga.special), double(ga.jumpWeight));
    }
    // What the dashed lines are.
    if (!copiedEdges_.empty() && std::any_of(copiedEdges_.begin(), copiedEdges_.end(), [](uint8_t c) { return c; })) {
        ImDrawList* dl = ImGui::GetWindowDrawList();
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const float y = p.y + ImGui::GetTextLineHeight() * 0.5f;
        for (float x = 0; x < 24; x += kCopyDashPx)
            dl->AddLine(ImVec2(p.x + x, y), ImVec2(p.x + std::min(24.0f, x + 0.6f * kCopyDashPx), y), imColor(kCopyColor), 2.0f);
        ImGui::Dummy(ImVec2(28, ImGui::GetTextLineHeight()));
        ImGui::SameLine();
        ImGui::TextUnformatted("walked twice (eulerization)");
    }
    if (const auto& arcs = inspection_->graphAttention().arcs; !arcs.empty()) {
        ImDrawList* dl = ImGui::GetWindowDrawList();
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const float y = p.y + ImGui::GetTextLineHeight() * 0.5f;
        for (float x = 0; x < 24; x += kArcDashPx)
            dl->AddLine(ImVec2(p.x + x, y), ImVec2(p.x + std::min(24.0f, x + 0.6f * kArcDashPx), y),
                        imColor(viridis(0.6f)), 2.0f);
        ImGui::Dummy(ImVec2(28, ImGui::GetTextLineHeight()));
        ImGui::SameLine();
        ImGui::Text("attention between unjoined nodes (%zu)", arcs.size());
    }
    if (!jumps_.empty()) {
        ImDrawList* dl = ImGui::GetWindowDrawList();
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const float y = p.y + ImGui::GetTextLineHeight() * 0.5f;
        for (float x = 0; x < 24; x += kJumpDashPx)
            dl->AddLine(ImVec2(p.x + x, y), ImVec2(p.x + std::min(24.0f, x + 0.6f * kJumpDashPx), y), imColor(kJumpColor), 2.0f);
        ImGui::Dummy(ImVec2(28, ImGui::GetTextLineHeight()));
        ImGui::SameLine();
        ImGui::TextUnformatted("jump between components");
    }
    if (const int classCount = inspection_->nodeClassCount(); classCount > 0) {
        bool shown = inspection_->predictionFillShown();
        if (ImGui::Checkbox("nodes: predicted class", &shown)) inspection_->setPredictionFillShown(shown);
        if (shown) {
            ImDrawList* dl = ImGui::GetWindowDrawList();
            const float line = ImGui::GetTextLineHeight(), r = 0.4f * line;
            for (int c = 0; c < std::min(classCount, 16); ++c) {
                if (c % 8 != 0) ImGui::SameLine(0, 8);
                const ImVec2 p = ImGui::GetCursorScreenPos();
                dl->AddCircleFilled(ImVec2(p.x + r, p.y + 0.5f * line), r, imColor(colormaps::categoryColor(c)));
                ImGui::Dummy(ImVec2(2 * r, line));
                ImGui::SameLine(0, 3);
                ImGui::Text("%d", c);
            }
            if (classCount > 8) ImGui::TextDisabled("%d classes: the 8 colours repeat", classCount);
        }
    } else if (const auto& values = inspection_->nodeValues(); !values.empty()) {
        const auto [lo, hi] = finiteRange(values);
        bool shown = inspection_->predictionFillShown();
        const QByteArray name = inspection_->nodeValueName().toUtf8();
        if (ImGui::Checkbox("nodes: prediction", &shown)) inspection_->setPredictionFillShown(shown);
        if (shown && lo <= hi) {
            // The fill's scale: cividis from the smallest to the largest predicted value.
            overlayColorBar(colormaps::ColorMap::Cividis);
            ImGui::Text("%.3g", double(lo));
            ImGui::SameLine(180 - 30);
            ImGui::Text("%.3g", double(hi));
            ImGui::TextDisabled("node fill: %s", name.constData());
        }
    }
    // Level of detail: say what a dense view leaves out.
    const size_t instances = size_t(edges_.count);
    if (edgesRanked_ && instances >= lastLod_.rankedFirst && instances >= skeletonCount_) {
        if (!lastLod_.skeletonShown)
            ImGui::TextDisabled("too dense: %zu edges below threshold hidden", skeletonCount_);
        if (lastLod_.rankedFirst > skeletonCount_)
            ImGui::TextDisabled("strongest %zu of %zu attended edges shown", instances - lastLod_.rankedFirst,
                                instances - skeletonCount_);
        if (!lastLod_.skeletonShown || lastLod_.rankedFirst > skeletonCount_) ImGui::TextDisabled("zoom in for more");
    }
    ImGui::Separator();
    double mean = 0;
    const size_t recent = std::min<size_t>(frameTimesMs_.size(), 30);
    for (size_t i = frameTimesMs_.size() - recent; i < frameTimesMs_.size(); ++i) mean += frameTimesMs_[i];
    if (recent) mean /= double(recent);
    const Graph* graph = data.graph.get();
    ImGui::TextDisabled("%zu nodes, %zu edges · frame %.1f ms", graph ? graph->nodeCount() : size_t(0),
                        graph ? graph->edgeCount() : size_t(0), mean);
    if (waitingForLayout()) ImGui::TextDisabled("laying out: edges appear with the layout");
    ImGui::TextDisabled("drag: pan · wheel: zoom · F: fit");
    ImGui::End();
}

// Input --------------------------------------------------------------------------------------

bool GraphCanvas::event(QEvent* e) {
    switch (e->type()) {
    case QEvent::MouseMove:
    case QEvent::MouseButtonPress:
    case QEvent::MouseButtonRelease:
    case QEvent::MouseButtonDblClick:
    case QEvent::Wheel:
    case QEvent::KeyPress:
    case QEvent::KeyRelease:
        // The overlay takes what is aimed at it, unless a canvas press is going on.
        if (overlayVisible_ && !pressed_ && imgui_->handleEvent(e)) {
            if (e->type() == QEvent::MouseMove) inspection_->setHover({});
            update();
            return true;
        }
        break;
    case QEvent::Leave:
    case QEvent::FocusOut:
        imgui_->handleEvent(e);
        break;
    default:
        break;
    }
    return QOpenGLWidget::event(e);
}

Pointed GraphCanvas::pointedAt(NodeId node, EdgeId edge) const {
    Pointed p;
    p.node = node;
    p.edge = edge;
    const std::vector<int> positions =
        node != kNoIndex ? inspection_->positionsOfNode(node) : inspection_->positionsOfEdge(edge);
    if (!positions.empty()) p.position = positions.front();
    return p;
}

Pointed GraphCanvas::pick(QPointF pos) const {
    const Graph* graph = inspection_->data().graph.get();
    const NodeLayout& l = shownLayout();
    if (!graph || l.x.size() != graph->nodeCount()) return {};
    // Nodes first (a disc covers the ends of its edges); a linear scan is ~10 µs per 10k nodes.
    const double reach = nodeRadiusPx() + kPickSlackPx;
    double best = reach * reach;
    NodeId bestNode = kNoIndex;
    for (NodeId v = 0; v < graph->nodeCount(); ++v) {
        const QPointF d = toScreen(l.x[v], l.y[v]) - pos;
        const double d2 = QPointF::dotProduct(d, d);
        if (d2 <= best) {
            best = d2;
            bestNode = v;
        }
    }
    if (bestNode != kNoIndex) return pointedAt(bestNode, kNoIndex);
    double bestEdge2 = 1e30;
    EdgeId bestEdge = kNoIndex;
    const EdgeLod lod = edgeLod();
    const float widthScale = edgeWidthScale();
    const QPointF layoutPos = toLayout(pos);
    for (EdgeId e = 0; e < graph->edgeCount(); ++e) {
        if (e < edgeInstanceOf_.size()) {
            const size_t i = edgeInstanceOf_[e];
            if (i < skeletonCount_ ? !lod.skeletonShown : i < lod.rankedFirst) continue;  // not drawn
        }
        const Edge& ed = graph->edge(e);
        const float w = e < edgeWidths_.size() ? edgeWidths_[e] : kPlainEdgePx;
        const double reachE = 0.5 * std::max(w * widthScale, std::min(w, 1.0f)) + kPickSlackPx;
        // Cheap rejection in layout units before projecting: outside the edge's box + reach.
        const double reachLayout = reachE / scale_;
        const float x0 = l.x[ed.src], x1 = l.x[ed.dst], y0 = l.y[ed.src], y1 = l.y[ed.dst];
        if (layoutPos.x() < std::min(x0, x1) - reachLayout || layoutPos.x() > std::max(x0, x1) + reachLayout ||
            layoutPos.y() < std::min(y0, y1) - reachLayout || layoutPos.y() > std::max(y0, y1) + reachLayout)
            continue;
        const double d2 = segmentDistance2(pos, toScreen(l.x[ed.src], l.y[ed.src]), toScreen(l.x[ed.dst], l.y[ed.dst]));
        if (d2 <= reachE * reachE && d2 < bestEdge2) {
            bestEdge2 = d2;
            bestEdge = e;
        }
    }
    if (bestEdge != kNoIndex) return pointedAt(kNoIndex, bestEdge);
    return {};
}

void GraphCanvas::hoverAt(QPointF pos) { inspection_->setHover(pick(pos)); }

void GraphCanvas::mousePressEvent(QMouseEvent* e) {
    if (e->button() != Qt::LeftButton) return QOpenGLWidget::mousePressEvent(e);
    pressed_ = true;
    dragging_ = false;
    pressPos_ = lastDragPos_ = e->position();
}

void GraphCanvas::mouseMoveEvent(QMouseEvent* e) {
    if (pressed_ && (e->buttons() & Qt::LeftButton)) {
        if (!dragging_ && (e->position() - pressPos_).manhattanLength() >= kClickSlopPx) dragging_ = true;
        if (dragging_) {
            const QPointF delta = e->position() - lastDragPos_;
            userView_ = true;
            centerX_ -= delta.x() / scale_;
            centerY_ += delta.y() / scale_;
            lastDragPos_ = e->position();
            fitPending_ = false;
            fitted_ = false;
            viewChanged();
        }
        return;
    }
    hoverAt(e->position());
}

void GraphCanvas::mouseReleaseEvent(QMouseEvent* e) {
    if (e->button() != Qt::LeftButton || !pressed_) return QOpenGLWidget::mouseReleaseEvent(e);
    pressed_ = false;
    if (dragging_) {
        dragging_ = false;
        return;
    }
    // A click: select what is under the pointer and make its first visit the query.
    const Pointed p = pick(e->position());
    inspection_->setSelected(p);
    inspection_->setQuery(p.empty() ? -1 : p.position);
}

void GraphCanvas::mouseDoubleClickEvent(QMouseEvent* e) {
    if (e->button() == Qt::LeftButton && pick(e->position()).empty()) fit();
}

void GraphCanvas::wheelEvent(QWheelEvent* e) {
    const double units = e->angleDelta().y() != 0 ? e->angleDelta().y() : e->pixelDelta().y();
    if (units == 0) return;
    zoomAt(e->position(), std::pow(kZoomPerWheelUnit, units));
    e->accept();
}

void GraphCanvas::keyPressEvent(QKeyEvent* e) {
    switch (e->key()) {
    case Qt::Key_F: fit(); break;
    case Qt::Key_Escape:
        inspection_->setSelected({});
        inspection_->setQuery(-1);
        break;
    default: QOpenGLWidget::keyPressEvent(e);
    }
}

void GraphCanvas::leaveEvent(QEvent* e) {
    inspection_->setHover({});
    QOpenGLWidget::leaveEvent(e);
}

void GraphCanvas::changeEvent(QEvent* e) {
    if (e->type() == QEvent::PaletteChange || e->type() == QEvent::StyleChange) {
        imgui_->applyPalette(palette());
        instancesDirty_ = true;
        update();
    }
    QOpenGLWidget::changeEvent(e);
}

}  // namespace gts
