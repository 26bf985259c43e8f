#pragma once
// The graph of an Inspection drawn with OpenGL 3.3 core: nodes as instanced discs, edges as
// instanced antialiased quads, the current attention on top (edge width, opacity and viridis
// colour by weight; a node halo by received attention), labels with QPainter, and a Dear ImGui
// overlay that picks layer, head, aggregation, threshold and query. Pan by dragging, zoom with
// the wheel about the cursor, fit with a double click or F; hover and click are written into
// the Inspection and hovers from other views are highlighted here.

#include <QOpenGLBuffer>
#include <QOpenGLFramebufferObject>
#include <QOpenGLExtraFunctions>
#include <QOpenGLShaderProgram>
#include <QOpenGLVertexArrayObject>
#include <QOpenGLWidget>
#include <QPointF>
#include <QRectF>
#include <QTimer>
#include <cstdint>
#include <cstddef>
#include <memory>
#include <tuple>
#include <vector>

#include "Inspection.h"

namespace gts {

class ImGuiQt;

class GraphCanvas : public QOpenGLWidget, protected QOpenGLExtraFunctions {
    Q_OBJECT
public:
    explicit GraphCanvas(Inspection* inspection, QWidget* parent = nullptr);
    ~GraphCanvas() override;

    Inspection* inspection() const { return inspection_; }

    /// Where a node is drawn, in widget (logical) pixels.
    QPointF nodeScreenPos(NodeId node) const;
    /// The node's disc radius on screen, logical pixels.
    float nodeRadiusPx() const;
    /// An edge's drawn width, logical pixels (at the current zoom's level of detail).
    float edgeWidthPx(EdgeId edge) const;
    /// Whether the edge is drawn at the current view: dense graphs drop the edges below the
    /// attention threshold, then the weakest attended ones, to keep a frame's fill bounded.
    bool edgeDrawn(EdgeId edge) const;
    /// The node or edge under a widget position (what a hover there would point at).
    Pointed pick(QPointF pos) const;
    /// The layout point under a widget position (where an edit places a new node).
    QPointF layoutPos(QPointF pos) const { return toLayout(pos); }
    /// The layout shown: Inspection's, or a circle until one exists.
    const NodeLayout& shownLayout() const;
    /// Frames the whole graph.
    void fit();
    /// Zooms by `factor` keeping the layout point under `anchor` (widget pixels) in place.
    void zoomAt(QPointF anchor, double factor);
    double zoom() const { return scale_; }
    /// True while a large graph waits for its layout (only its nodes are drawn meanwhile).
    bool waitingForLayout() const;
    static constexpr size_t kPlaceholderEdgeLimit = 2000;

    QColor backgroundColor() const;
    void setOverlayVisible(bool visible);
    bool overlayVisible() const { return overlayVisible_; }
    /// Benchmarks: wait for the GPU at the end of every frame so frame times include it.
    void setFinishEachFrame(bool finish) { finishEachFrame_ = finish; }
    /// Large one-pixel skeletons are drawn into an image on the CPU (default) or, false, as
    /// GL_LINES (tests compare the two).
    void setCpuSkeleton(bool cpu) {
        cpuSkeleton_ = cpu;
        edgeCacheKey_ = {};
        update();
    }
    /// Notes pinned to nodes (NotesView), drawn as callouts beside their nodes.
    void setNodeNotes(std::vector<std::pair<NodeId, QString>> notes);
    const std::vector<std::pair<NodeId, QString>>& nodeNotes() const { return nodeNotes_; }
    /// CPU time of the last frames' paintGL in milliseconds, most recent last (up to 240).
    const std::vector<double>& frameTimesMs() const { return frameTimesMs_; }

protected:
    void initializeGL() override;
    void resizeGL(int w, int h) override;
    void paintGL() override;
    bool event(QEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void changeEvent(QEvent* event) override;
    void hoverAt(QPointF pos);

private:
    /// One node as the node shader reads it (shaders/render/node.vert).
    struct NodeInstance {
        float x, y;
        float radius, outlineWidth, halo, unused;  ///< radius and halo × nodeRadius; outline px
        uint8_t fill[4], outline[4], haloColor[4];
    };
    /// One edge segment as the edge shader reads it (shaders/render/edge.vert).
    struct EdgeInstance {
        float x0, y0, x1, y1;
        float width, dashPeriod, offset, unused;  ///< logical px
        uint8_t color[4];
    };
    /// What each instance becomes: two triangles (6 vertices) or one line (2 vertices).
    enum class Shape { NodeQuad, EdgeQuad, EdgeLine };
    /// Instances, each repeated once per vertex of its shape with the corner in front, in a
    /// buffer with the vertex array that reads them. Not GL instancing: Mesa's llvmpipe runs
    /// the draw pipeline once per instance, which for 50,000 four-vertex instances costs more
    /// than all their fragments.
    struct Batch {
        explicit Batch(Shape s) : shape(s) {}
        Shape shape;
        QOpenGLVertexArrayObject vao;
        QOpenGLBuffer buffer{QOpenGLBuffer::VertexBuffer};
        size_t count = 0;  ///< instances
    };
    /// Which edge instances a frame draws (edges_ is ordered: skeleton, then attention from
    /// weakest to strongest, then dashed companions and jumps).
    struct EdgeLod {
        bool skeletonShown = true;
        bool skeletonAsLines = false;  ///< one-device-pixel GL_LINES instead of AA quads
        size_t rankedFirst = 0;        ///< first drawn instance after the skeleton
    };

    void onDataChanged();
    void rebuildGeometry();
    void rebuildInstances();
    void buildHighlights(std::vector<NodeInstance>& nodes, std::vector<EdgeInstance>& edges) const;
    void setUpBatch(Batch& batch);
    /// Replaces the batch's instances (`count` of `instanceBytes` each, NodeInstance or
    /// EdgeInstance as the shape says).
    void upload(Batch& batch, const void* instances, size_t instanceBytes, size_t count);
    /// Draws instances [first, first + count) of the batch (count clipped to what it holds).
    void drawBatch(Batch& batch, float widthScale = 1.0f, size_t first = 0, size_t count = SIZE_MAX);
    /// Edge widths shrink by this while nodes are small (see edge.vert).
    float edgeWidthScale() const;
    EdgeLod edgeLod() const;
    /// Draws the edges as `lod` says (many through edgeCache_), right after the clear.
    void drawEdges(const EdgeLod& lod, float widthScale);
    /// Draws skeletonCpu_ as one-device-pixel lines over the background into skeletonImage_
    /// (device pixels `fb`) at the current view.
    void rasterizeSkeleton(QSize fb, float widthScale);
    /// A pan or zoom: many edges are reused from the cache, scaled, until the view settles.
    void viewChanged();
    /// Estimated logical px² covered by edges_ instances [first, last) at the current view.
    double edgeFillPx(size_t first, size_t last, bool lines) const;
    void releaseGL();
    void contextAboutToBeDestroyed();
    void drawLabels(class QPainter& painter) const;
    void drawNotes(class QPainter& painter) const;
    void drawOverlay();
    QPointF toScreen(float x, float y) const;
    QPointF toLayout(QPointF screen) const;
    /// Pointed for a node or an edge, with the position of its first visit.
    Pointed pointedAt(NodeId node, EdgeId edge) const;
    /// The hovered item, whichever view set it, resolved to a node or an edge.
    Pointed resolved(const Pointed& p) const;

    Inspection* inspection_;
    std::unique_ptr<ImGuiQt> imgui_;
    bool overlayVisible_ = true;
    bool finishEachFrame_ = false;

    // View: layout point at the viewport centre, and logical pixels per layout unit.
    double centerX_ = 0.0, centerY_ = 0.0, scale_ = 1.0;
    bool fitPending_ = true;
    bool userView_ = false;        ///< panned or zoomed since the last fit
    uint64_t fittedSerial_ = 0;    ///< InspectionData::openSerial of the last fit
    bool fitted_ = false;  ///< the view is still the last fit (no pan or zoom since)

    // Derived from the data; rebuilt when it changes.
    std::shared_ptr<const NodeLayout> circleLayout_;
    float spacing_ = 1.0f;               ///< typical distance between nearby nodes, layout units
    std::vector<uint8_t> copiedEdges_;   ///< [edgeCount] 1: walked again by eulerization
    std::vector<std::pair<NodeId, NodeId>> jumps_;
    std::vector<QString> labels_;        ///< [nodeCount] or empty
    std::vector<std::pair<NodeId, QString>> nodeNotes_;
    bool keyLabels_ = false;             ///< labels are node keys (may go beside the disc)
    std::vector<float> edgeWidths_;      ///< [edgeCount] logical px as last built, before LOD scaling
    bool instancesDirty_ = true;
    float bboxArea_ = 0.0f;              ///< layout units², at least a sliver of the longer side
    // Level of detail over edges_: its order, prefix sums of layout length and length × width
    // ([instances + 1]), and each graph edge's instance index.
    size_t skeletonCount_ = 0;
    bool edgesRanked_ = false;           ///< attention orders the edges beyond the skeleton
    std::vector<double> edgeLengthSum_, edgeLengthWidthSum_;
    std::vector<uint32_t> edgeInstanceOf_;
    EdgeLod lastLod_;                    ///< as drawn by the last frame
    uint64_t instancesGeneration_ = 0;   ///< counts rebuildInstances

    // Many edges are drawn into this texture and blitted; while the view moves (until
    // settleTimer_ runs out) it is blitted scaled and shifted instead of drawn again: tens of
    // thousands of small primitives cost llvmpipe more than all the rest of a frame.
    std::unique_ptr<QOpenGLFramebufferObject> edgeCache_;
    struct CacheKey {
        uint64_t generation = ~uint64_t(0);
        std::tuple<bool, bool, size_t> lod;  ///< EdgeLod's skeletonShown, skeletonAsLines, rankedFirst
        double centerX = 0, centerY = 0, scale = 0;
    } edgeCacheKey_;
    QTimer settleTimer_;
    bool cpuSkeleton_ = true;
    std::vector<EdgeInstance> skeletonCpu_;  ///< edges_' skeleton prefix, when large
    std::vector<uint32_t> skeletonPixels_;   ///< RGBA8, bottom row first
    std::unique_ptr<QOpenGLFramebufferObject> skeletonImage_;

    // GL objects.
    QOpenGLShaderProgram nodeProgram_, edgeProgram_;
    Batch nodes_{Shape::NodeQuad}, edges_{Shape::EdgeQuad}, highlightNodes_{Shape::NodeQuad},
        highlightEdges_{Shape::EdgeQuad};
    Batch skeletonLines_{Shape::EdgeLine};  ///< edges_' skeleton prefix as lines, for large graphs
    bool glReady_ = false;

    // Interaction.
    QPointF pressPos_, lastDragPos_;
    bool pressed_ = false, dragging_ = false;
    std::vector<double> frameTimesMs_;
    /// Where the overlay was drawn last (widget px); fit keeps the graph beside it.
    QRectF overlayRect_{10, 10, 250, 130};
    bool overlayResized_ = false;
};

}  // namespace gts
