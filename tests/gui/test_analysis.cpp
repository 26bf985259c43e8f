// QtTest: the interpretability views on the shipped demo (molecule-tpsa on aspirin): the head
// metrics table, ablation and the metric/causal scatter, saliency on the graph, pruning with
// survivors per layer and the sweep — each against the core computation run directly.

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QDir>
#include <QHeaderView>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTableWidget>
#include <QtTest>
#include <cmath>

#include "HeadAnalysisView.h"
#include "HeadGrid.h"
#include "Inspection.h"
#include "MainWindow.h"
#include "PruningView.h"
#include "ResourcePaths.h"
#include "analysis/Ablation.h"
#include "analysis/Saliency.h"
#include "jobs/JobRunner.h"

using gts::MainWindow;

class TestAnalysis : public QObject {
    Q_OBJECT

    std::unique_ptr<MainWindow> openDemo() {
        auto w = std::make_unique<MainWindow>();
        w->resize(1500, 950);
        w->show();
        if (!QTest::qWaitForWindowExposed(w.get())) return nullptr;
        QSignalSpy ran(w.get(), &MainWindow::runFinished);
        w->openDemo();
        if (!ran.wait(20000)) return nullptr;
        return w;
    }

private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName(QStringLiteral("GTScopeTests"));
        QSettings().clear();
        if (!QDir(gts::resourceDir() + QStringLiteral("/models/molecule-tpsa")).exists())
            QSKIP("the molecule-tpsa demo is not shipped in this tree");
    }

    void metricsTableAblationAndScatter() {
        auto w = openDemo();
        QVERIFY(w);
        gts::Inspection* in = w->inspection();
        gts::HeadAnalysisView* view = w->headAnalysisView();
        QTRY_VERIFY_WITH_TIMEOUT(in->headStats() != nullptr, 10000);
        const auto& d = in->data();
        const int L = d.model->config.numLayers, H = d.model->config.numHeads;
        QCOMPARE(view->table()->rowCount(), L * H);
        // The table's entropy column holds computeHeadStats' values, rounded to 3 places.
        const auto direct = gts::analysis::computeHeadStats(*d.result, *d.tokens, *d.graph);
        for (int r = 0; r < view->table()->rowCount(); ++r) {
            const int layer = view->table()->item(r, 0)->data(Qt::UserRole).toInt();
            const int head = view->table()->item(r, 0)->data(Qt::UserRole + 1).toInt();
            const auto& s = direct.heads[size_t(layer * H + head)];
            QCOMPARE(s.layer, layer);
            QVERIFY(std::abs(view->table()->item(r, 1)->data(Qt::DisplayRole).toDouble() - s.entropy) < 6e-4);
        }
        // Clicking a row shows that head everywhere.
        view->table()->selectRow(5);
        const int layer = view->table()->item(5, 0)->data(Qt::UserRole).toInt();
        const int head = view->table()->item(5, 0)->data(Qt::UserRole + 1).toInt();
        QCOMPARE(in->layer(), layer);
        QCOMPARE(in->head(), head);
        QCOMPARE(in->aggregation(), gts::analysis::HeadAggregation::Single);
        // Sorting by entropy orders the rows.
        view->table()->sortItems(1, Qt::DescendingOrder);
        for (int r = 1; r < view->table()->rowCount(); ++r)
            QVERIFY(view->table()->item(r - 1, 1)->data(Qt::DisplayRole).toDouble() >=
                    view->table()->item(r, 1)->data(Qt::DisplayRole).toDouble());

        // Ablation: the causal column and the scatter equal analysis::ablate on the same ids.
        QSignalSpy ablated(view, &gts::HeadAnalysisView::ablationReady);
        QTest::mouseClick(view->ablateButton(), Qt::LeftButton);
        QVERIFY(ablated.wait(30000));
        gts::model::SequenceInput input;
        input.ids = d.tokens->ids(d.model->vocab);
        const auto a = gts::analysis::ablate(*d.model, input);
        QCOMPARE(int(view->scatter()->points().size()), L * H);
        for (const auto& p : view->scatter()->points())
            QVERIFY(std::abs(p.y - a.headChange[size_t(p.layer)][size_t(p.head)]) < 1e-4);
        const int causalColumn = view->table()->columnCount() - 1;
        double largest = 0;
        for (int r = 0; r < view->table()->rowCount(); ++r)
            largest = std::max(largest, view->table()->item(r, causalColumn)->data(Qt::DisplayRole).toDouble());
        QVERIFY(largest > 0);
        QVERIFY(!std::isnan(view->scatter()->rankCorrelation()));
        // A click on a point selects its head.
        const auto& p0 = view->scatter()->points()[3];
        in->setLayerHead(0, 0);
        view->scatter()->raise();
        w->findChild<QWidget*>(QStringLiteral("headAnalysisDock"))->raise();
        QTRY_VERIFY(view->scatter()->isVisible());
        QTest::mouseClick(view->scatter(), Qt::LeftButton, {}, view->scatter()->pointPosition(3).toPoint());
        QCOMPARE(in->layer(), p0.layer);
        QCOMPARE(in->head(), p0.head);
        // The head card names the head and its ablation effect.
        QVERIFY2(view->cardText().contains(QStringLiteral("Head %1.%2").arg(p0.layer).arg(p0.head)), qPrintable(view->cardText()));
        QVERIFY2(view->cardText().contains(QString::number(p0.y, 'g', 4)), qPrintable(view->cardText()));
        QDir().mkpath(QStringLiteral(GTS_TEST_OUTPUT_DIR));
        w->grab().save(QStringLiteral(GTS_TEST_OUTPUT_DIR "/analysis-heads.png"));

        // The head grid colours by a graph-aware metric from the same statistics.
        QComboBox* metric = w->headGrid()->metricBox();
        const int sameNode = metric->findData(QStringLiteral("hop_1_lift"));
        QVERIFY(sameNode >= 0);
        metric->setCurrentIndex(sameNode);
        const auto& s12 = direct.heads[size_t(1 * H + 2)];
        QVERIFY(std::abs(w->headGrid()->metricValue(1, 2) - s12.hopProfile[1] / s12.hopChance[1]) < 1e-9);
    }

    void saliencyOnTheGraph() {
        auto w = openDemo();
        QVERIFY(w);
        gts::Inspection* in = w->inspection();
        const auto& d = in->data();
        QSignalSpy ready(w->headAnalysisView(), &gts::HeadAnalysisView::saliencyReady);
        QComboBox* box = w->headAnalysisView()->saliencyBox();
        box->setCurrentIndex(box->findData(QStringLiteral("rollout")));
        QVERIFY(ready.wait(10000));
        QVERIFY(in->graphOverlayName().contains(QStringLiteral("rollout")));
        auto s = gts::analysis::attentionRollout(*d.result, gts::analysis::SaliencyTarget::LastPosition);
        gts::analysis::saliencyOnGraph(s, *d.graph, *d.tokens);
        const auto& g = in->graphAttention();
        QCOMPARE(g.node.size(), s.node.size());
        for (size_t v = 0; v < s.node.size(); ++v) QVERIFY(std::abs(g.node[v] - s.node[v]) < 1e-6);
        // Back to attention.
        box->setCurrentIndex(0);
        QVERIFY(in->graphOverlayName().isEmpty());
        QCOMPARE(in->graphAttention().node.size(), d.graph->nodeCount());
    }

    void pruningShowsSurvivorsAndTheSweep() {
        auto w = openDemo();
        QVERIFY(w);
        gts::Inspection* in = w->inspection();
        const auto& d = in->data();
        gts::PruningView* view = w->pruningView();
        view->keepBox()->setValue(0.5);
        QSignalSpy pruned(view, &gts::PruningView::pruneReady);
        view->startPrune();
        QVERIFY(pruned.wait(20000));
        const auto r = view->result();
        QVERIFY(r);
        const int L = d.model->config.numLayers;
        const int S = int(d.tokens->positionSources.size());
        // Survivors: a position is present in layer l exactly when the engine ran it there.
        for (int l = 0; l < L; ++l) {
            int present = 0;
            for (int p = 0; p < S; ++p) present += view->survivors()->present(l, p);
            QCOMPARE(int64_t(present), r->layerPositions[size_t(l)]);
        }
        QVERIFY(!r->dropped[1].empty());
        QVERIFY(!view->survivors()->present(1, r->dropped[1].front()));
        QVERIFY(view->survivors()->present(L - 1, S - 1));  // the pooled position stays
        QVERIFY(view->summaryText().contains(QStringLiteral("FLOPs")));
        // Survival on the graph: a node whose only visit was dropped at layer 1 has 1/L.
        view->showOnGraphBox()->setChecked(true);
        QVERIFY(in->graphOverlayName().startsWith(QStringLiteral("survival")));

        // Head masks: switch head 2 of layer 0 off by a click and skip layer 3 by its label; the
        // output change equals a direct engine run with those masks.
        QTest::mouseClick(view->maskGrid(), Qt::LeftButton, {}, view->maskGrid()->cellRect(0, 2).center());
        QTest::mouseClick(view->maskGrid(), Qt::LeftButton, {}, view->maskGrid()->layerLabelRect(3).center());
        QCOMPARE(view->maskGrid()->offCount(), 1 + d.model->config.numHeads);
        QSignalSpy masked(view, &gts::PruningView::maskedRunReady);
        view->startMaskedRun();
        QVERIFY(masked.wait(20000));
        gts::model::SequenceInput input;
        input.ids = d.tokens->ids(d.model->vocab);
        gts::model::RunOptions o;
        o.headMask = view->maskGrid()->headMask();
        o.skipLayers = view->maskGrid()->skipLayers();
        QVERIFY(o.headMask[0][2] && o.skipLayers[3]);
        const auto full = gts::model::runGraphGpt(*d.model, {input}).front();
        const double change = gts::analysis::outputChange(*d.model, full, gts::model::runGraphGpt(*d.model, {input}, o).front());
        QVERIFY2(view->maskText().contains(QString::number(change, 'g', 4)), qPrintable(view->maskText()));

        QSignalSpy swept(view, &gts::PruningView::sweepReady);
        view->startSweep();
        QVERIFY(swept.wait(60000));
        QCOMPARE(int(view->sweep().size()), 14);  // 7 keep ratios × 2 methods
        for (const auto& p : view->sweep()) QVERIFY(p.flopsRatio > 0 && p.flopsRatio <= 1);
        w->findChild<QWidget*>(QStringLiteral("pruningViewDock"))->raise();
        QTest::qWait(100);
        w->grab().save(QStringLiteral(GTS_TEST_OUTPUT_DIR "/analysis-pruning.png"));
    }
};

QTEST_MAIN(TestAnalysis)
#include "test_analysis.moc"
