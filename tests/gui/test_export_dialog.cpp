// QtTest: File ▸ Export on the demo. The figure is the graph as the canvas shows it — the same
// nodes, the attention values of the current layer/head/query on them, and the canvas's
// colour map for each halo — written as SVG, PDF and PNG through the dialog.

#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include "ColorMaps.h"
#include "ExportDialog.h"
#include "MainWindow.h"
#include "ScenePainter.h"
#include "jobs/JobRunner.h"

using gts::MainWindow;

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
};

QTEST_MAIN(TestExportDialog)
#include "test_export_dialog.moc"
