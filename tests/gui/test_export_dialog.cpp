// QtTest: File ▸ Export on the demo. The figure is the graph as the canvas shows it — the same
// nodes, the attention values of the current layer/head/query on them, and the canvas's
// colour map for each halo — written as SVG, PDF and PNG through the dialog.

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QXmlStreamReader>
#include <QTemporaryDir>
#include <QtTest>

#include "ColorMaps.h"
#include "ExportDialog.h"
#include "AttentionMatrixView.h"
#include "HeadGrid.h"
#include "MainWindow.h"
#include "PruningView.h"
#include "ScenePainter.h"
#include "jobs/JobRunner.h"

using gts::MainWindow;

namespace {

QString readText(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

/// Parses the whole document; the error message or empty.
QString xmlError(const QString& text) {
    QXmlStreamReader xml(text);
    while (!xml.atEnd()) xml.readNext();
    return xml.hasError() ? xml.errorString() : QString();
}

int countOf(const QString& text, const QString& needle) { return int(text.count(needle)); }

/// pdftoppm renders the PDF's first page (poppler: an independent reader of the file).
bool pdfRenders(const QString& pdf, const QString& outPrefix) {
    QProcess p;
    p.start(QStringLiteral("pdftoppm"), {QStringLiteral("-png"), QStringLiteral("-r"), QStringLiteral("36"),
                                         QStringLiteral("-singlefile"), pdf, outPrefix});
    return p.waitForFinished(60000) && p.exitCode() == 0 && !QImage(outPrefix + QStringLiteral(".png")).isNull();
}

}  // namespace

class TestExportDialog : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName(QStringLiteral("GTScopeTests"));
        QSettings().clear();
    }

    void exportsTheCanvasViewAsSvgPdfAndPng() {
        MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QSignalSpy ran(&w, &MainWindow::runFinished);
        w.openDemo();
        QVERIFY(ran.wait(30000));
        QTRY_VERIFY_WITH_TIMEOUT(w.inspection()->data().layout && w.jobRunner()->active() == 0, 30000);
        gts::Inspection* ins = w.inspection();
        ins->setLayerHead(2, 1);
        ins->setAggregation(gts::analysis::HeadAggregation::Single);
        ins->setQuery(int(ins->data().tokens->positions.size()) - 1);
        ins->setThreshold(0.0f);
        const auto& shown = ins->graphAttention();
        QVERIFY(shown.maxNode > 0);

        QTemporaryDir dir;
        gts::ExportDialog dialog(ins, &w);
        dialog.setTheme(gts::scene::Theme::Paper);
        dialog.setFigureSize(400);
        dialog.setPath(dir.filePath(QStringLiteral("aspirin.svg")));
        QVERIFY2(dialog.exportNow(), qPrintable(dialog.error()));
        QFile svg(dir.filePath(QStringLiteral("aspirin.svg")));
        QVERIFY(svg.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(svg.readAll());
        // One group per node with its attention; the halo is the canvas's colour for it.
        static const QRegularExpression node(
            QStringLiteral("<g class=\"node\" data-node=\"(\\d+)\"(?: data-attention=\"([^\"]+)\")?>\\s*<circle[^>]*fill=\"(#[0-9a-f]{6})\""));
        int nodes = 0, halos = 0;
        for (auto it = node.globalMatch(text); it.hasNext();) {
            const auto m = it.next();
            const int v = m.captured(1).toInt();
            ++nodes;
            if (m.captured(2).isEmpty()) continue;
            ++halos;
            const float value = shown.node[size_t(v)];
            QVERIFY2(std::abs(m.captured(2).toDouble() - value) <= 0.0051 * std::max(1.0f, value) + 1e-3 * value,
                     qPrintable(QStringLiteral("node %1: %2 vs %3").arg(v).arg(m.captured(2)).arg(value)));
            const QColor expected = gts::colormaps::color(gts::colormaps::ColorMap::Viridis, value / shown.maxNode);
            QCOMPARE(m.captured(3), expected.name());
        }
        QCOMPARE(nodes, int(ins->data().graph->nodeCount()));
        QVERIFY(halos > 0);
        QVERIFY(text.contains(QStringLiteral("attention, layer 2, head 1, query")));

        dialog.setPath(dir.filePath(QStringLiteral("aspirin.pdf")));
        QVERIFY2(dialog.exportNow(), qPrintable(dialog.error()));
        QFile pdf(dir.filePath(QStringLiteral("aspirin.pdf")));
        QVERIFY(pdf.open(QIODevice::ReadOnly));
        QVERIFY(pdf.read(5) == "%PDF-");

        dialog.setPath(dir.filePath(QStringLiteral("aspirin.png")));
        dialog.setDpi(144);
        QVERIFY2(dialog.exportNow(), qPrintable(dialog.error()));
        const QImage png(dir.filePath(QStringLiteral("aspirin.png")));
        const auto scene = gts::currentGraphFigure(*ins, gts::scene::Theme::Paper, 400);
        QCOMPARE(png.width(), int(std::lround(scene.width * 2)));
        QCOMPARE(png.height(), int(std::lround(scene.height * 2)));
        png.save(QStringLiteral(GTS_TEST_OUTPUT_DIR "/export-dialog-aspirin.png"));

        // An unknown extension is an error in the dialog, and nothing is written.
        dialog.setPath(dir.filePath(QStringLiteral("aspirin.bmp")));
        QVERIFY(!dialog.exportNow());
        QVERIFY(dialog.error().contains(QStringLiteral(".svg, .pdf or .png")));
        QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("aspirin.bmp"))));
        // File ▸ Export is enabled and opens the dialog (Ctrl+E).
        QVERIFY(w.exportAction()->isEnabled());
    }

    /// Every view to SVG, PDF and PNG: the SVG parses and holds the view's elements (a cell per
    /// matrix entry in the screen's colour, a thumbnail per head, a column per position, a row
    /// per pruned layer, the three panels of the combined page), poppler renders the PDF, and the
    /// PNG has the size the DPI gives.
    void exportsEveryViewAsSvgPdfAndPng() {
        MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QSignalSpy ran(&w, &MainWindow::runFinished);
        w.openDemo();
        QVERIFY(ran.wait(30000));
        QTRY_VERIFY_WITH_TIMEOUT(w.inspection()->data().layout && w.jobRunner()->active() == 0, 30000);
        gts::Inspection* ins = w.inspection();
        ins->setLayerHead(1, 3);
        ins->setAggregation(gts::analysis::HeadAggregation::Single);
        const int S = int(ins->data().tokens->positions.size());
        ins->setQuery(S - 1);
        const auto& result = *ins->data().result;
        const int layers = int(result.layers.size()), heads = int(result.layers[0].attention.dim(0));

        QSignalSpy pruned(w.pruningView(), &gts::PruningView::pruneReady);
        w.pruningView()->startPrune();
        QVERIFY(pruned.wait(30000));
        QVERIFY(w.pruningView()->result());

        gts::FigureContext context;
        context.matrixMap = w.matrixView()->colorMap();
        context.headMetric = gts::analysis::HeadMetric::Entropy;
        context.pruned = w.pruningView()->result();
        QTemporaryDir dir;
        gts::ExportDialog dialog(ins, &w);
        dialog.setContext(context);
        dialog.setTheme(gts::scene::Theme::Paper);
        dialog.setFigureSize(360);
        dialog.setDpi(96);
        const std::pair<gts::FigureView, const char*> views[] = {
            {gts::FigureView::Graph, "graph"},       {gts::FigureView::AttentionMatrix, "matrix"},
            {gts::FigureView::HeadGrid, "heads"},    {gts::FigureView::Sequence, "sequence"},
            {gts::FigureView::Pruning, "pruning"},   {gts::FigureView::GraphMatrixHeads, "page"}};
        for (const auto& [view, name] : views) {
            const QString base = dir.filePath(QString::fromLatin1(name));
            dialog.setView(view);
            QCOMPARE(dialog.view(), view);
            for (const char* ext : {".svg", ".pdf", ".png"}) {
                dialog.setPath(base + QLatin1String(ext));
                QVERIFY2(dialog.exportNow(), qPrintable(QStringLiteral("%1%2: %3").arg(name, ext, dialog.error())));
            }
            const QString svg = readText(base + QStringLiteral(".svg"));
            QVERIFY2(xmlError(svg).isEmpty(), qPrintable(QStringLiteral("%1.svg: %2").arg(name, xmlError(svg))));
            QVERIFY2(pdfRenders(base + QStringLiteral(".pdf"), base + QStringLiteral("-pdf")), name);
            const auto scene = gts::currentFigure(*ins, view, context, gts::scene::Theme::Paper, 360);
            const QImage png(base + QStringLiteral(".png"));
            QCOMPARE(png.width(), int(std::lround(scene.width * 96 / 72)));
            QCOMPARE(png.height(), int(std::lround(scene.height * 96 / 72)));
            png.save(QStringLiteral(GTS_TEST_OUTPUT_DIR "/export-view-%1.png").arg(QLatin1String(name)));

            switch (view) {
            case gts::FigureView::Graph:
                QCOMPARE(countOf(svg, QStringLiteral("class=\"node\"")), int(ins->data().graph->nodeCount()));
                break;
            case gts::FigureView::AttentionMatrix: {
                QCOMPARE(countOf(svg, QStringLiteral("class=\"cell\"")), S * S);
                QVERIFY(svg.contains(QStringLiteral("Layer 1, head 3")));
                // The figure's cells are the colours the matrix view paints for them.
                w.matrixView()->fit();
                const QImage screen = w.matrixView()->canvas()->grab().toImage();
                const qreal dpr = screen.devicePixelRatio();
                for (const auto& [r, c] : {std::pair{0, 0}, {S - 1, 0}, {S - 1, S - 1}, {S / 2, S / 3}}) {
                    static const QRegularExpression cellRe(
                        QStringLiteral("data-row=\"(\\d+)\" data-col=\"(\\d+)\"[^>]*>\\s*<rect[^>]*fill=\"(#[0-9a-f]{6})\""));
                    QString fill;
                    for (auto it = cellRe.globalMatch(svg); it.hasNext();) {
                        const auto m = it.next();
                        if (m.captured(1).toInt() == r && m.captured(2).toInt() == c) fill = m.captured(3);
                    }
                    QVERIFY2(!fill.isEmpty(), qPrintable(QStringLiteral("no cell %1,%2").arg(r).arg(c)));
                    const QPointF at = w.matrixView()->cellCenter(r, c) * dpr;
                    const QColor shown = screen.pixelColor(at.toPoint());
                    const QColor want(fill);
                    QVERIFY2(std::abs(shown.red() - want.red()) <= 3 && std::abs(shown.green() - want.green()) <= 3 &&
                                 std::abs(shown.blue() - want.blue()) <= 3,
                             qPrintable(QStringLiteral("cell %1,%2: screen %3, figure %4").arg(r).arg(c).arg(shown.name(), fill)));
                }
                break;
            }
            case gts::FigureView::HeadGrid:
                QCOMPARE(countOf(svg, QStringLiteral("class=\"head\"")), layers * heads);
                QVERIFY(svg.contains(QStringLiteral("entropy")));
                break;
            case gts::FigureView::Sequence:
                QCOMPARE(countOf(svg, QStringLiteral("class=\"position\"")), S);
                break;
            case gts::FigureView::Pruning:
                QCOMPARE(countOf(svg, QStringLiteral("class=\"layer\"")), int(context.pruned->dropped.size()));
                QVERIFY(countOf(svg, QStringLiteral("class=\"pruned\"")) > 0);
                break;
            case gts::FigureView::GraphMatrixHeads:
                for (const char* panel : {"graph", "matrix", "heads"})
                    QVERIFY2(svg.contains(QStringLiteral("data-view=\"%1\"").arg(QLatin1String(panel))), panel);
                QCOMPARE(countOf(svg, QStringLiteral("class=\"cell\"")), S * S);
                QCOMPARE(countOf(svg, QStringLiteral("class=\"head\"")), layers * heads);
                break;
            }
        }

        // Without a pruning result the pruning view says what to do and writes nothing.
        dialog.setContext({});
        dialog.setView(gts::FigureView::Pruning);
        dialog.setPath(dir.filePath(QStringLiteral("none.svg")));
        QVERIFY(!dialog.exportNow());
        QVERIFY(dialog.error().contains(QStringLiteral("Pruning tab")));
        QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("none.svg"))));
    }
};

QTEST_MAIN(TestExportDialog)
#include "test_export_dialog.moc"
