// QtTest: Engine ▸ Ring Attention Lesson on the demo. Running the ring replays the shown layer
// on N devices: the timeline holds N² compute steps and N(N−1) sends, the schedule's devices
// hold block (device − step) mod N, and the ring's output equals one-piece attention.
#include <QCheckBox>
#include <QDockWidget>
#include <QSpinBox>
#include <QtTest>

#include "Inspection.h"
#include "MainWindow.h"
#include "RingView.h"
#include "jobs/JobRunner.h"

using gts::MainWindow;

class TestRingView : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName(QStringLiteral("GTScopeTests"));
        QSettings().clear();
    }

    void runsTheShownLayerOnARingOfDevices() {
        MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QSignalSpy ran(&w, &MainWindow::runFinished);
        w.openDemo();
        QVERIFY(ran.wait(30000));
        QTRY_VERIFY_WITH_TIMEOUT(w.jobRunner()->active() == 0, 30000);

        // The Engine menu's lesson raises the dock.
        QAction* lesson = nullptr;
        for (QAction* a : w.findChildren<QAction*>())
            if (a->text().contains(QStringLiteral("Ring Attention"))) lesson = a;
        QVERIFY(lesson);
        lesson->trigger();
        auto* dock = w.findChild<QDockWidget*>(QStringLiteral("ringViewDock"));
        QVERIFY(dock && dock->isVisible());

        gts::RingView* ring = w.ringView();
        const int S = int(w.inspection()->data().tokens->positions.size());
        for (const auto& [devices, overlap] : {std::pair{3, true}, std::pair{5, false}}) {
            ring->layerBox()->setValue(2);
            ring->devicesBox()->setValue(devices);
            ring->overlapBox()->setChecked(overlap);
            QSignalSpy ready(ring, &gts::RingView::ringReady);
            ring->start();
            QVERIFY(ready.wait(30000));
            const auto* r = ring->timeline()->result();
            QVERIFY(r);
            QCOMPARE(r->workers, devices);
            QCOMPARE(r->positions, int64_t(S));
            int steps = 0, sends = 0;
            for (const auto& e : r->events) {
                if (e.kind == gts::analysis::RingEvent::Kind::Wait) continue;
                (e.kind == gts::analysis::RingEvent::Kind::Send ? sends : steps) += 1;
                QCOMPARE(e.block, ((e.worker - e.step) % devices + devices) % devices);
            }
            QCOMPARE(steps, devices * devices);
            QCOMPARE(sends, devices * (devices - 1));
            QVERIFY2(ring->lastDifference() >= 0 && ring->lastDifference() < 1e-5,
                     qPrintable(ring->summaryText()));
            QVERIFY(ring->summaryText().contains(QStringLiteral("%1 devices").arg(devices)));
        }
        ring->timeline()->grab().save(QStringLiteral(GTS_TEST_OUTPUT_DIR "/ring-view.png"));
    }
};

QTEST_MAIN(TestRingView)
#include "test_ring_view.moc"
