// QtTest: figure export of the graph-attention view to SVG, PDF and PNG from one scene; the PNG
// has the size the DPI asks for and the colours the scene gives at the nodes.

#include <QImage>
#include <QtTest>
#include <filesystem>

#include "ScenePainter.h"
#include "io/GraphIO.h"
#include "scene/PdfWriter.h"
#include "scene/SvgWriter.h"
#include "scene/Views.h"

using namespace gts;

class TestExport : public QObject {
    Q_OBJECT

    Graph graph_;
    std::vector<float> x_{-0.5f, 0.5f, 0.0f}, y_{-0.3f, -0.3f, 0.5f};
    analysis::GraphAttention ga_;

    scene::Scene graphScene() {
        scene::GraphFigureInput in;
        in.graph = &graph_;
        in.x = &x_;
        in.y = &y_;
        in.attention = &ga_;
        return scene::buildGraphAttention(in, scene::Theme::Paper, 200);
    }

private slots:
    void initTestCase() {
        graph_.addNodes(3);
        graph_.addEdge(0, 1);
        graph_.addEdge(1, 2);
        ga_.node = {1.0f, 0.0f, 0.0f};
        ga_.edge = {1.0f, 0.0f};
        ga_.maxNode = ga_.maxEdge = 1.0f;
    }

    void pngHasTheSizeOfTheDpiAndTheSceneColours() {
        const scene::Scene s = graphScene();
        const auto dir = std::filesystem::path(GTS_TEST_OUTPUT_DIR) / "export";
        std::filesystem::create_directories(dir);
        writePng(s, dir / "graph.png", 144);
        QImage png(QString::fromStdString((dir / "graph.png").string()));
        QCOMPARE(png.width(), int(std::lround(s.width * 2)));
        QCOMPARE(png.height(), int(std::lround(s.height * 2)));
        // Figure -> pixel: 144 dpi is 2 px per point. Node 2 sits at layout (0, 0.5): the centre
        // of its circle has the paper theme's node fill (10 % from white to #202020 = #e9e9e9).
        const float size = 200, margin = 16, nodeR = std::clamp(0.35f * size / std::sqrt(3.0f), 1.0f, 7.0f);
        const float scale = size - 4 * nodeR;
        const QPointF n2(2 * (margin + size / 2 + 0.0f * scale), 2 * (margin + size / 2 + 0.5f * scale));
        QCOMPARE(png.pixelColor(n2.toPoint()), QColor(0xe9, 0xe9, 0xe9));
        // Node 0 gets all the attention: its halo, just outside the node, is viridis(1) #fde725
        // at 95 % over white.
        const QPointF n0(2 * (margin + size / 2 - 0.5f * scale), 2 * (margin + size / 2 - 0.3f * scale));
        const QColor halo = png.pixelColor((n0 + QPointF(2 * nodeR * 1.5f, 0)).toPoint());
        QVERIFY2(std::abs(halo.red() - 0xfd) <= 3 && std::abs(halo.green() - 0xe8) <= 4 &&
                     std::abs(halo.blue() - 0x2f) <= 14,
                 qPrintable(halo.name()));
        scene::writeSvg(s, dir / "graph.svg");
        scene::writePdf(s, dir / "graph.pdf");
        QVERIFY(std::filesystem::file_size(dir / "graph.svg") > 1000);
        QVERIFY(std::filesystem::file_size(dir / "graph.pdf") > 500);
    }

    void badDpiAndPathAreClearErrors() {
        const scene::Scene s = graphScene();
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, renderScene(s, 0));
        bool named = false;
        try {
            writePng(s, "/nonexistent-dir-gts/fig.png", 72);
        } catch (const io::FileError& e) {
            named = std::string(e.what()).find("nonexistent-dir-gts") != std::string::npos;
        }
        QVERIFY(named);
    }
};

QTEST_MAIN(TestExport)
#include "test_export.moc"
