// QtTest: the main window opens graphs, reports bad ones, and keeps the graph it had.

#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

#include "GraphSummaryView.h"
#include "MainWindow.h"

using gts::MainWindow;

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        // Keep the test's settings away from the user's.
        QCoreApplication::setOrganizationName(QStringLiteral("GTScopeTests"));
        QSettings().clear();
    }

    void opensAGraphAndShowsItsSummary() {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openGraph(QStringLiteral(GTS_FIXTURES_DIR "/gui/triangle-tail.edges"), true));
        QCOMPARE(w.summaryView()->valueOf(QStringLiteral("Nodes")), QStringLiteral("4"));
        QCOMPARE(w.summaryView()->valueOf(QStringLiteral("Edges")), QStringLiteral("4"));
        QCOMPARE(w.summaryView()->valueOf(QStringLiteral("Components")),
                 QStringLiteral("1 (largest 4 nodes)"));
        QVERIFY(w.windowTitle().startsWith(QStringLiteral("triangle-tail.edges")));
    }

    void badFileKeepsTheCurrentGraphAndSaysWhere() {
        MainWindow w;
        QVERIFY(w.openGraph(QStringLiteral(GTS_FIXTURES_DIR "/gui/triangle-tail.edges"), true));
        QVERIFY(!w.openGraph(QStringLiteral(GTS_FIXTURES_DIR "/gui/dangling.graphml"), true));
        QVERIFY2(w.lastError().contains(QStringLiteral("dangling.graphml:1")),
                 qPrintable(w.lastError()));
        QVERIFY(w.graph() != nullptr);
        QCOMPARE(w.graph()->nodeCount(), size_t(4));
        QCOMPARE(w.summaryView()->valueOf(QStringLiteral("Nodes")), QStringLiteral("4"));
    }

    void missingFileIsReported() {
        MainWindow w;
        QVERIFY(!w.openGraph(QStringLiteral("/nonexistent/graph.gml"), true));
        QVERIFY(w.lastError().contains(QStringLiteral("/nonexistent/graph.gml")));
        QVERIFY(w.graph() == nullptr);
    }

    void screenshotOfTheWindow() {
        MainWindow w;
        w.resize(1200, 760);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openGraph(QStringLiteral(GTS_FIXTURES_DIR "/gui/triangle-tail.edges"), true));
        QTest::qWait(50);
        const QString out = QStringLiteral(GTS_TEST_OUTPUT_DIR "/mainwindow.png");
        QVERIFY(w.grab().save(out));
        QVERIFY(QFileInfo(out).size() > 1000);
    }
};

QTEST_MAIN(TestMainWindow)
#include "test_mainwindow.moc"
