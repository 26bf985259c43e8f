// QtTest: GraphCanvas draws nodes where the layout puts them, hovers and zooms, and draws the
// most-attended edge wider and in viridis' top colour. Runs under Xvfb (Mesa llvmpipe).
// With GTS_CANVAS_BENCH=1 it also times frames of a 10,000-node, 50,000-edge graph.

#include <QtTest>

#include <QWheelEvent>
#include <algorithm>
#include <cmath>
#include <random>

#include "GraphCanvas.h"
#include "Inspection.h"
#include "io/GraphIO.h"
#include "tokenize/TokenSequence.h"

using gts::GraphCanvas;
using gts::Inspection;
using gts::InspectionData;
using gts::NodeId;
using gts::EdgeId;

namespace {

const QString kCaffeine = QStringLiteral(GTS_FIXTURES_DIR "/../../resources/graphs/caffeine.smi");

int colorDistance(QColor a, QColor b) {
    return std::abs(a.red() - b.red()) + std::abs(a.green() - b.green()) + std::abs(a.blue() - b.blue());
}

/// A layout with no symmetry: nodes on a circle at alternating radii.
std::shared_ptr<gts::NodeLayout> wobblyCircle(size_t n) {
    auto l = std::make_shared<gts::NodeLayout>();
    l->method = QStringLiteral("test");
    for (size_t i = 0; i < n; ++i) {
        const double a = 2.0 * 3.14159265358979 * double(i) / double(n);
        const double r = (i % 2) ? 10.0 : 7.0;
        l->x.push_back(float(r * std::cos(a)));
        l->y.push_back(float(r * std::sin(a)));
    }
    return l;
}

struct Caffeine {
    std::shared_ptr<gts::Graph> graph;
    std::shared_ptr<gts::TokenSequence> tokens;
};

Caffeine readCaffeine() {
    Caffeine c;
    c.graph = std::make_shared<gts::Graph>(gts::io::readGraph(kCaffeine.toStdString()));
    c.tokens = std::make_shared<gts::TokenSequence>(gts::tokenize(*c.graph, gts::TokenizeOptions{}, 1));
    return c;
}

/// One layer, one head; every query row puts all its weight on `key`.
std::shared_ptr<gts::model::RunResult> attentionOnOnePosition(int positions, int key) {
    auto r = std::make_shared<gts::model::RunResult>();
    gts::model::LayerCapture c;
    c.layer = 0;
    for (int p = 0; p < positions; ++p) c.positions.push_back(p);
    std::vector<float> a(size_t(positions) * size_t(positions), 0.0f);
    for (int q = 0; q < positions; ++q) a[size_t(q) * size_t(positions) + size_t(key)] = 1.0f;
    c.attention = gts::Tensor({1, positions, positions}, std::move(a));
    r->layers.push_back(std::move(c));
    return r;
}

/// A smooth attention pattern for screenshots: query q attends to k with weight ∝ exp(-|q-k|/3).
std::shared_ptr<gts::model::RunResult> localAttention(int positions, int heads) {
    auto r = std::make_shared<gts::model::RunResult>();
    gts::model::LayerCapture c;
    c.layer = 0;
    for (int p = 0; p < positions; ++p) c.positions.push_back(p);
    const size_t S = size_t(positions);
    std::vector<float> a(size_t(heads) * S * S);
    for (int h = 0; h < heads; ++h)
        for (size_t q = 0; q < S; ++q) {
            float sum = 0;
            for (size_t k = 0; k < S; ++k) {
                const float d = std::abs(float(q) - float(k)) + float(h) * float((q * 7 + k * 3) % 5);
                sum += a[(size_t(h) * S + q) * S + k] = std::exp(-d / 3.0f);
            }
            for (size_t k = 0; k < S; ++k) a[(size_t(h) * S + q) * S + k] /= sum;
        }
    c.attention = gts::Tensor({heads, positions, positions}, std::move(a));
    r->layers.push_back(std::move(c));
    return r;
}

QColor pixelAt(const QImage& image, QPointF logical, qreal dpr) {
    const QPoint p((logical * dpr).toPoint());
    if (!image.rect().contains(p)) return {};
    return image.pixelColor(p);
}

/// How many 1-px steps across the edge's midpoint, within ±halfSpan px, differ from bg.
int widthAcross(const QImage& image, QPointF a, QPointF b, const QColor& bg, qreal dpr, int halfSpan = 14) {
    const QPointF mid = (a + b) / 2;
    QPointF normal(-(b - a).y(), (b - a).x());
    normal /= std::hypot(normal.x(), normal.y());
    int count = 0;
    for (int s = -halfSpan; s <= halfSpan; ++s)
        if (colorDistance(pixelAt(image, mid + normal * s, dpr), bg) > 40) ++count;
    return count;
}

}  // namespace

class TestCanvas : public QObject {
    Q_OBJECT
private slots:
    void nodesAreDrawnWhereTheLayoutPutsThem() {
        const Caffeine c = readCaffeine();
        QCOMPARE(c.graph->nodeCount(), size_t(14));
        Inspection insp;
        InspectionData d;
        d.graph = c.graph;
        d.tokens = c.tokens;
        d.layout = wobblyCircle(c.graph->nodeCount());
        insp.setData(d);
        GraphCanvas canvas(&insp);
        canvas.setOverlayVisible(false);
        canvas.resize(640, 480);
        canvas.show();
        QVERIFY(QTest::qWaitForWindowExposed(&canvas));
        const QImage image = canvas.grabFramebuffer();
        const qreal dpr = canvas.devicePixelRatioF();
        const QColor bg = canvas.backgroundColor();

        // The view keeps the layout's shape: one scale for x and y, y pointing up.
        const auto& l = *d.layout;
        const QPointF p0 = canvas.nodeScreenPos(0), p3 = canvas.nodeScreenPos(3);
        const double sx = (p3.x() - p0.x()) / (l.x[3] - l.x[0]);
        const double sy = -(p3.y() - p0.y()) / (l.y[3] - l.y[0]);
        QVERIFY2(std::abs(sx - sy) < 1e-3 * std::abs(sx) && sx > 0, qPrintable(QString("%1 vs %2").arg(sx).arg(sy)));
        // Fitted: the graph spans most of the smaller side and stays inside the widget.
        double minY = 1e9, maxY = -1e9;
        for (NodeId v = 0; v < c.graph->nodeCount(); ++v) {
            const QPointF p = canvas.nodeScreenPos(v);
            QVERIFY(canvas.rect().contains(p.toPoint()));
            minY = std::min(minY, p.y());
            maxY = std::max(maxY, p.y());
            QVERIFY2(colorDistance(pixelAt(image, p, dpr), bg) > 20, qPrintable(QString("node %1").arg(v)));
        }
        QVERIFY(maxY - minY > 0.7 * canvas.height());
        // Far from every node and edge: background.
        QCOMPARE(pixelAt(image, QPointF(4, canvas.height() - 4), dpr), bg);
        QCOMPARE(pixelAt(image, QPointF(canvas.width() - 4, 4), dpr), bg);
    }

    void hoverPointsAtTheNodeAndOtherViewsHoverIsHighlighted() {
        const Caffeine c = readCaffeine();
        Inspection insp;
        InspectionData d;
        d.graph = c.graph;
        d.tokens = c.tokens;
        d.layout = wobblyCircle(c.graph->nodeCount());
        insp.setData(d);
        GraphCanvas canvas(&insp);
        canvas.setOverlayVisible(false);
        canvas.resize(640, 480);
        canvas.show();
        QVERIFY(QTest::qWaitForWindowExposed(&canvas));

        const NodeId target = 5;
        QTest::mouseMove(&canvas, canvas.nodeScreenPos(target).toPoint());
        QTRY_COMPARE(insp.hover().node, target);
        QCOMPARE(insp.hover().position, insp.positionsOfNode(target).front());
        QCOMPARE(insp.hover().edge, gts::kNoIndex);

        // Hover set elsewhere (e.g. the sequence strip) on another node: its rim changes.
        const NodeId other = 9;
        const qreal dpr = canvas.devicePixelRatioF();
        const QPointF rim = canvas.nodeScreenPos(other) + QPointF(canvas.nodeRadiusPx() - 1.2, 0);
        QTest::mouseMove(&canvas, QPoint(2, 2));
        QTRY_VERIFY(insp.hover().empty());
        const QColor before = pixelAt(canvas.grabFramebuffer(), rim, dpr);
        gts::Pointed p;
        p.position = insp.positionsOfNode(other).front();  // a position only, as a sequence view sets it
        insp.setHover(p);
        const QColor after = pixelAt(canvas.grabFramebuffer(), rim, dpr);
        QVERIFY2(colorDistance(before, after) > 60, qPrintable(before.name() + " -> " + after.name()));

        // A click selects the node and queries its first visit.
        QTest::mouseClick(&canvas, Qt::LeftButton, {}, canvas.nodeScreenPos(target).toPoint());
        QCOMPARE(insp.selected().node, target);
        QCOMPARE(insp.query(), insp.positionsOfNode(target).front());
    }

    void wheelZoomsAboutTheCursor() {
        const Caffeine c = readCaffeine();
        Inspection insp;
        InspectionData d;
        d.graph = c.graph;
        d.tokens = c.tokens;
        d.layout = wobblyCircle(c.graph->nodeCount());
        insp.setData(d);
        GraphCanvas canvas(&insp);
        canvas.setOverlayVisible(false);
        canvas.resize(640, 480);
        canvas.show();
        QVERIFY(QTest::qWaitForWindowExposed(&canvas));

        const QPointF a0 = canvas.nodeScreenPos(0), b0 = canvas.nodeScreenPos(7);
        const QPointF anchor = canvas.nodeScreenPos(2);
        QWheelEvent wheel(anchor, canvas.mapToGlobal(anchor), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
                          Qt::NoScrollPhase, false);
        QApplication::sendEvent(&canvas, &wheel);
        const QPointF a1 = canvas.nodeScreenPos(0), b1 = canvas.nodeScreenPos(7);
        const double before = std::hypot(b0.x() - a0.x(), b0.y() - a0.y());
        const double after = std::hypot(b1.x() - a1.x(), b1.y() - a1.y());
        QVERIFY2(after > 1.15 * before, qPrintable(QString("%1 -> %2").arg(before).arg(after)));
        // The node under the cursor stays there, and is drawn there.
        QVERIFY((canvas.nodeScreenPos(2) - anchor).manhattanLength() < 0.5);
        const QImage image = canvas.grabFramebuffer();
        QVERIFY(colorDistance(pixelAt(image, canvas.nodeScreenPos(2), canvas.devicePixelRatioF()),
                              canvas.backgroundColor()) > 20);
        // Fit (key F) brings the first scale back.
        QTest::keyClick(&canvas, Qt::Key_F);
        QVERIFY((canvas.nodeScreenPos(0) - a0).manhattanLength() < 0.5);
    }

    void mostAttendedEdgeIsWiderAndViridisTop() {
        const Caffeine c = readCaffeine();
        const auto& src = c.tokens->positionSources;
        // A node position that arrived along an original edge: all attention goes there.
        int key = -1;
        for (size_t p = 0; p < src.size() && key < 0; ++p)
            if (src[p].kind == gts::PositionKind::Node && src[p].edgeOrigin == gts::EdgeOrigin::Original)
                key = int(p);
        QVERIFY(key >= 0);
        const EdgeId hot = src[size_t(key)].edge;
        const gts::Edge hotEdge = c.graph->edge(hot);

        Inspection insp;
        InspectionData d;
        d.graph = c.graph;
        d.tokens = c.tokens;
        d.layout = wobblyCircle(c.graph->nodeCount());
        d.result = attentionOnOnePosition(int(src.size()), key);
        insp.setData(d);
        insp.setThreshold(0.0f);
        QCOMPARE(insp.graphAttention().edge[hot], 1.0f);

        // A zero-attention edge that shares no node with the hot one.
        EdgeId cold = gts::kNoIndex;
        for (EdgeId e = 0; e < c.graph->edgeCount() && cold == gts::kNoIndex; ++e) {
            const gts::Edge& ed = c.graph->edge(e);
            if (insp.graphAttention().edge[e] == 0.0f && ed.src != hotEdge.src && ed.src != hotEdge.dst &&
                ed.dst != hotEdge.src && ed.dst != hotEdge.dst)
                cold = e;
        }
        QVERIFY(cold != gts::kNoIndex);

        GraphCanvas canvas(&insp);
        canvas.setOverlayVisible(false);
        canvas.resize(640, 480);
        canvas.show();
        QVERIFY(QTest::qWaitForWindowExposed(&canvas));
        const QImage image = canvas.grabFramebuffer();
        const qreal dpr = canvas.devicePixelRatioF();
        const QColor bg = canvas.backgroundColor();
        auto ends = [&](EdgeId e) {
            const gts::Edge& ed = c.graph->edge(e);
            return std::pair{canvas.nodeScreenPos(ed.src), canvas.nodeScreenPos(ed.dst)};
        };
        const auto [h0, h1] = ends(hot);
        const auto [c0, c1] = ends(cold);
        const int hotWidth = widthAcross(image, h0, h1, bg, dpr), coldWidth = widthAcross(image, c0, c1, bg, dpr);
        QVERIFY2(hotWidth >= coldWidth + 4, qPrintable(QString("hot %1 px, cold %2 px").arg(hotWidth).arg(coldWidth)));
        // The hot edge in viridis' top colour (#fde725), opaque at weight 1; the cold one is not.
        const QColor hotColor = pixelAt(image, (h0 + h1) / 2, dpr);
        QVERIFY2(colorDistance(hotColor, QColor(253, 231, 37)) < 30, qPrintable(hotColor.name()));
        QVERIFY(colorDistance(pixelAt(image, (c0 + c1) / 2, dpr), QColor(253, 231, 37)) > 150);
        QVERIFY(canvas.edgeWidthPx(hot) > canvas.edgeWidthPx(cold) + 4);
    }

    void screenshots() {
        const Caffeine c = readCaffeine();
        Inspection insp;
        InspectionData d;
        d.graph = c.graph;
        d.tokens = c.tokens;
        d.layout = wobblyCircle(c.graph->nodeCount());
        insp.setData(d);
        GraphCanvas canvas(&insp);
        canvas.resize(720, 520);
        canvas.show();
        QVERIFY(QTest::qWaitForWindowExposed(&canvas));
        QTest::qWait(50);
        QVERIFY(canvas.grabFramebuffer().save(QStringLiteral(GTS_TEST_OUTPUT_DIR "/canvas-caffeine.png")));

        d.result = localAttention(int(c.tokens->positionSources.size()), 4);
        insp.setData(d);
        insp.setQuery(4);
        insp.setHover(insp.pointedAtPosition(8));
        canvas.grabFramebuffer();  // the overlay sizes itself to new content in one frame
        QVERIFY(canvas.grabFramebuffer().save(QStringLiteral(GTS_TEST_OUTPUT_DIR "/canvas-caffeine-attention.png")));

        // A dark palette: background, discs, labels and overlay follow it.
        QPalette dark;
        dark.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2e));
        dark.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
        dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x20));
        dark.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
        dark.setColor(QPalette::Button, QColor(0x3a, 0x3a, 0x3e));
        dark.setColor(QPalette::Highlight, QColor(0x3d, 0x8e, 0xe6));
        canvas.setPalette(dark);
        canvas.grabFramebuffer();
        const QImage darkImage = canvas.grabFramebuffer();
        QCOMPARE(pixelAt(darkImage, QPointF(canvas.width() - 4, canvas.height() - 4), canvas.devicePixelRatioF()),
                 QColor(0x1e, 0x1e, 0x20));
        QVERIFY(darkImage.save(QStringLiteral(GTS_TEST_OUTPUT_DIR "/canvas-caffeine-dark.png")));
    }

    /// A large skeleton stepped on the CPU lands on the pixels GL_LINES light.
    void cpuSkeletonMatchesGlLines() {
        constexpr int kSide = 50;
        constexpr size_t kNodes = kSide * kSide, kEdges = 6000, kPositions = 400;
        std::mt19937 rng(11);
        auto graph = std::make_shared<gts::Graph>();
        graph->addNodes(kNodes);
        auto layout = std::make_shared<gts::NodeLayout>();
        std::uniform_real_distribution<float> jitter(-0.3f, 0.3f);
        for (size_t i = 0; i < kNodes; ++i) {
            layout->x.push_back(float(i % kSide) + jitter(rng));
            layout->y.push_back(float(i / kSide) + jitter(rng));
        }
        std::uniform_int_distribution<NodeId> node(0, kNodes - 1);
        std::uniform_int_distribution<int> step(-3, 3);
        while (graph->edgeCount() < kEdges) {
            const NodeId a = node(rng);
            const int x = int(a % kSide) + step(rng), y = int(a / kSide) + step(rng);
            if (x < 0 || y < 0 || x >= kSide || y >= kSide || NodeId(y * kSide + x) == a) continue;
            graph->addEdge(a, NodeId(y * kSide + x));
        }
        auto tokens = std::make_shared<gts::TokenSequence>();
        tokens->positions.resize(kPositions);
        for (size_t p = 0; p < kPositions; ++p) {
            gts::PositionSource src;
            src.kind = gts::PositionKind::Node;
            src.node = graph->edge(EdgeId(p)).dst;
            src.edge = EdgeId(p);
            src.edgeOrigin = gts::EdgeOrigin::Original;
            tokens->positionSources.push_back(src);
        }
        Inspection insp;
        InspectionData d;
        d.graph = graph;
        d.tokens = tokens;
        d.layout = layout;
        d.result = localAttention(int(kPositions), 1);
        insp.setData(d);
        GraphCanvas canvas(&insp);
        canvas.setOverlayVisible(false);
        canvas.resize(700, 600);
        canvas.show();
        QVERIFY(QTest::qWaitForWindowExposed(&canvas));
        canvas.zoomAt(QPointF(300, 250), 1.7);  // off-centre, edges leave the view
        QTest::qWait(300);                      // settled
        const QImage cpu = canvas.grabFramebuffer();
        canvas.setCpuSkeleton(false);
        const QImage gl = canvas.grabFramebuffer();
        cpu.save(QStringLiteral(GTS_TEST_OUTPUT_DIR "/canvas-skeleton-cpu.png"));
        gl.save(QStringLiteral(GTS_TEST_OUTPUT_DIR "/canvas-skeleton-gl.png"));
        QCOMPARE(cpu.size(), gl.size());
        const QColor bg = canvas.backgroundColor();
        // Lit pixels of GL's lines that the CPU image also lights (a neighbour within one
        // pixel counts: both rasterize the same segments, rounding may differ by a pixel).
        // Pixels whose colour differs between the two, against those where the skeleton
        // shows at all (lit in either image, not lit by the GL-drawn nodes and attended edges
        // alone, which both share): a displaced skeleton differs on most of its pixels.
        int lit = 0, differ = 0;
        for (int y = 1; y + 1 < gl.height(); ++y)
            for (int x = 1; x + 1 < gl.width(); ++x) {
                const QColor g = gl.pixelColor(x, y), c = cpu.pixelColor(x, y);
                if (colorDistance(g, bg) <= 30 && colorDistance(c, bg) <= 30) continue;
                ++lit;
                if (colorDistance(g, c) <= 30) continue;
                bool near = false;  // rounding may move a line by a pixel
                for (int dy = -1; dy <= 1 && !near; ++dy)
                    for (int dx = -1; dx <= 1 && !near; ++dx) near = colorDistance(g, cpu.pixelColor(x + dx, y + dy)) <= 30;
                differ += !near;
            }
        qInfo("skeleton: %d of %d lit pixels differ", differ, lit);
        QVERIFY2(lit > 20000, qPrintable(QString::number(lit)));
        QVERIFY2(differ < 0.01 * lit, qPrintable(QStringLiteral("%1 of %2").arg(differ).arg(lit)));
    }

    /// Not a timed test: prints the median frame time of a large graph with the overlays on.
    void frameTimeBenchmark() {
        if (qEnvironmentVariableIsEmpty("GTS_CANVAS_BENCH")) QSKIP("set GTS_CANVAS_BENCH=1 to run");
        constexpr size_t kNodes = 10000, kEdges = 50000, kPositions = 3000;
        std::mt19937 rng(7);
        auto graph = std::make_shared<gts::Graph>();
        graph->addNodes(kNodes);
        graph->reserveEdges(kEdges);
        // Nodes on a jittered 100 x 100 grid. Edges join nodes at most 2 cells apart, as a force
        // layout places neighbours; GTS_CANVAS_BENCH=random joins uniformly random pairs instead
        // (every edge crosses the canvas: the fill-rate worst case).
        const bool randomEdges = qEnvironmentVariable("GTS_CANVAS_BENCH") == QStringLiteral("random");
        constexpr int kSide = 100;
        auto layout = std::make_shared<gts::NodeLayout>();
        std::uniform_real_distribution<float> jitter(-0.3f, 0.3f);
        for (size_t i = 0; i < kNodes; ++i) {
            layout->x.push_back(float(i % kSide) + jitter(rng));
            layout->y.push_back(float(i / kSide) + jitter(rng));
        }
        std::uniform_int_distribution<NodeId> node(0, kNodes - 1);
        std::uniform_int_distribution<int> step(-2, 2);
        while (graph->edgeCount() < kEdges) {
            const NodeId a = node(rng);
            NodeId b = node(rng);
            if (!randomEdges) {
                const int x = int(a % kSide) + step(rng), y = int(a / kSide) + step(rng);
                if (x < 0 || y < 0 || x >= kSide || y >= kSide) continue;
                b = NodeId(y * kSide + x);
            }
            if (a != b) graph->addEdge(a, b);
        }
        // Tokens by hand: each of the first kPositions edges is a step into its target node.
        auto tokens = std::make_shared<gts::TokenSequence>();
        tokens->positions.resize(kPositions);
        for (size_t p = 0; p < kPositions; ++p) {
            gts::PositionSource s;
            s.kind = gts::PositionKind::Node;
            s.node = graph->edge(EdgeId(p)).dst;
            s.edge = EdgeId(p);
            s.edgeOrigin = gts::EdgeOrigin::Original;
            tokens->positionSources.push_back(s);
        }
        Inspection insp;
        InspectionData d;
        d.graph = graph;
        d.tokens = tokens;
        d.layout = layout;
        d.result = localAttention(int(kPositions), 1);
        insp.setData(d);
        GraphCanvas canvas(&insp);
        canvas.resize(1280, 900);
        canvas.setFinishEachFrame(true);
        canvas.show();
        QVERIFY(QTest::qWaitForWindowExposed(&canvas));
        QElapsedTimer wall;
        std::vector<double> wallMs;
        for (int f = 0; f < 60; ++f) {
            canvas.zoomAt(QPointF(640, 450), f % 2 ? 1.01 : 1 / 1.01);  // a new view each frame
            wall.start();
            canvas.repaint();
            QCoreApplication::processEvents();
            wallMs.push_back(double(wall.nsecsElapsed()) * 1e-6);
        }
        std::vector<double> frames(canvas.frameTimesMs().end() - 50, canvas.frameTimesMs().end());
        std::sort(frames.begin(), frames.end());
        std::vector<double> walls(wallMs.end() - 50, wallMs.end());
        std::sort(walls.begin(), walls.end());
        std::printf("canvas benchmark: %zu nodes, %zu %s edges, attention + ImGui overlay, %dx%d: "
                    "median paintGL (with glFinish) %.2f ms, median repaint wall %.2f ms over 50 frames\n",
                    kNodes, kEdges, randomEdges ? "random" : "local", canvas.width(), canvas.height(), frames[25], walls[25]);
        // Frames after the view settles draw every edge again (no reuse of the moving view's
        // image): one per pause in panning or zooming.
        std::vector<double> settled;
        for (int f = 0; f < 11; ++f) {
            canvas.zoomAt(QPointF(640, 450), f % 2 ? 1.01 : 1 / 1.01);
            canvas.repaint();
            const size_t before = canvas.frameTimesMs().size();
            QTest::qWait(250);  // the settle timer repaints
            if (canvas.frameTimesMs().size() > before) settled.push_back(canvas.frameTimesMs().back());
        }
        std::sort(settled.begin(), settled.end());
        if (!settled.empty())
            std::printf("canvas benchmark: median settled frame (all edges drawn) %.2f ms over %zu frames\n",
                        settled[settled.size() / 2], settled.size());
        canvas.grabFramebuffer().save(QStringLiteral(GTS_TEST_OUTPUT_DIR "/canvas-bench.png"));
    }
};

QTEST_MAIN(TestCanvas)
#include "test_canvas.moc"
