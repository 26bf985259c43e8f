// QtTest: a node-level model (Dwivedi–Bresson Graph Transformer) in the window. Opening one
// beside a molecule runs it (no GraphGPT tokens needed): the sequence is the molecule's atoms,
// every layer's [heads, N, N] attention reaches the views, the canvas draws it straight on the
// graph — a node's halo is the weight the query gives it and an edge the weight sent across
// it — and the matrix and head grid show the same maps.
#include <QDir>
#include <QDoubleSpinBox>
#include <QPushButton>
#include <QTableWidget>
#include <QMenu>
#include <QMenuBar>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <random>

#include "ColorMaps.h"
#include "ExportDialog.h"
#include "GraphCanvas.h"
#include "HeadAnalysisView.h"
#include "Inspection.h"
#include "MainWindow.h"
#include "PredictionPanel.h"
#include "PruningView.h"
#include "checkpoint/SafeTensors.h"
#include "jobs/JobRunner.h"
#include "model/GraphTransformer.h"
#include "scene/SvgWriter.h"

using gts::MainWindow;

namespace {

/// The share of a canvas's nodes whose disc shows want(v) (within 12 summed RGB levels) at one of
/// four points 0.7 radii from its centre, read back from a fresh frame; the centre holds the
/// node's label, and a node under the overlay or a neighbour misses.
double shareFilled(gts::GraphCanvas* canvas, size_t nodes, const std::function<QColor(size_t)>& want) {
    const QImage frame = canvas->grabFramebuffer();
    const double dpr = frame.devicePixelRatio(), r = 0.7 * canvas->nodeRadiusPx();
    int hits = 0;
    for (size_t v = 0; v < nodes; ++v) {
        const QPointF c = canvas->nodeScreenPos(gts::NodeId(v));
        const QColor expected = want(v);
        bool hit = false;
        for (const QPointF off : {QPointF(r, 0), QPointF(-r, 0), QPointF(0, r), QPointF(0, -r)}) {
            const QPoint at = ((c + off) * dpr).toPoint();
            if (!frame.rect().contains(at)) continue;
            const QColor got = frame.pixelColor(at);
            hit = hit || std::abs(got.red() - expected.red()) + std::abs(got.green() - expected.green()) +
                                 std::abs(got.blue() - expected.blue()) <= 12;
        }
        hits += hit;
    }
    return nodes ? double(hits) / double(nodes) : 0.0;
}

/// A sparse-attention Graph Transformer with random weights (hidden 8, 2 heads, 2 layers,
/// LayerNorm, atoms embedded by atomic number from the molecule's "feat" column 0), written
/// with the repository's state-dict names.
void writeModel(const QString& dir) {
    std::ofstream(QDir(dir).filePath(QStringLiteral("config.json")).toStdString())
        << R"({"model_type": "graph_transformer", "hidden_dim": 8, "num_heads": 2, "num_layers": 2,
              "norm": "layer", "residual": true, "full_graph": false, "edge_features": false,
              "attention_bias": false, "lap_pe_dim": 0, "readout": "mean", "task": "graph",
              "num_outputs": 1, "readout_mlp_layers": 2,
              "node_input": {"kind": "embedding", "attribute": "feat", "column": 0,
                             "num_embeddings": 119, "offset": 0}})";
    std::mt19937 rng(5);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::map<std::string, gts::Tensor> t;
    auto add = [&](const std::string& name, std::vector<int64_t> shape, float scale) {
        gts::Tensor x(shape);
        for (size_t i = 0; i < x.size(); ++i) x.mutableData()[i] = scale * normal(rng);
        t.emplace(name, std::move(x));
    };
    add("embedding_h.weight", {119, 8}, 1.0f);
    for (int l = 0; l < 2; ++l) {
        const std::string p = "layers." + std::to_string(l) + ".";
        for (const char* m : {"Q", "K", "V"}) add(p + "attention." + m + ".weight", {8, 8}, 0.6f);
        add(p + "O.weight", {8, 8}, 0.35f);
        add(p + "O.bias", {8}, 0.1f);
        add(p + "FFN_layer1.weight", {16, 8}, 0.35f);
        add(p + "FFN_layer1.bias", {16}, 0.1f);
        add(p + "FFN_layer2.weight", {8, 16}, 0.25f);
        add(p + "FFN_layer2.bias", {8}, 0.1f);
        for (const char* n : {"layer_norm1", "layer_norm2"}) {
            add(p + n + ".weight", {8}, 0.1f);
            for (size_t i = 0; i < 8; ++i) t[p + n + ".weight"].mutableData()[i] += 1.0f;
            add(p + n + ".bias", {8}, 0.1f);
        }
    }
    add("MLP_layer.FC_layers.0.weight", {4, 8}, 0.35f);
    add("MLP_layer.FC_layers.0.bias", {4}, 0.1f);
    add("MLP_layer.FC_layers.1.weight", {2, 4}, 0.5f);
    add("MLP_layer.FC_layers.1.bias", {2}, 0.1f);
    add("MLP_layer.FC_layers.2.weight", {1, 2}, 0.7f);
    add("MLP_layer.FC_layers.2.bias", {1}, 0.1f);
    gts::checkpoint::writeSafeTensors(QDir(dir).filePath(QStringLiteral("model.safetensors")).toStdString(), t);
}

}  // namespace

class TestNodeLevel : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName(QStringLiteral("GTScopeTests"));
        QSettings().clear();
    }

    void aGraphTransformerRunsAndItsAttentionLiesOnTheGraph() {
        QTemporaryDir dir;
        writeModel(dir.path());
        MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openSmiles(QStringLiteral("CC(=O)Oc1ccccc1C(=O)O")));  // aspirin, 13 heavy atoms
        QSignalSpy ran(&w, &MainWindow::runFinished);
        QSignalSpy loaded(&w, &MainWindow::modelLoaded);
        w.openModel(dir.path(), /*quiet=*/true);
        QTRY_VERIFY_WITH_TIMEOUT(loaded.count() > 0, 30000);
        QVERIFY2(loaded.first().first().toBool(), qPrintable(w.lastError()));
        QVERIFY(w.nodeLevelModel());
        QVERIFY(!w.model());
        QTRY_VERIFY_WITH_TIMEOUT(ran.count() > 0, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(w.inspection()->data().layout && w.jobRunner()->active() == 0, 30000);

        const gts::InspectionData& d = w.inspection()->data();
        const size_t n = d.graph->nodeCount();
        QCOMPARE(n, size_t{13});
        QVERIFY(d.nodeTokens);
        QCOMPARE(d.tokens->positions.size(), n);
        QCOMPARE(QString::fromStdString(d.tokens->positions[0][0]), QStringLiteral("C"));
        QVERIFY(d.result);
        QCOMPARE(d.result->layers.size(), size_t{2});
        QCOMPARE(d.result->logits.size(), size_t{1});

        // The same run straight from the core: the window shows its attention unchanged.
        gts::model::NodeRunOptions o;
        o.captureAttention = true;
        const auto direct = w.nodeLevelModel()->run(*d.graph, o);
        for (size_t l = 0; l < 2; ++l) {
            const auto& shown = d.result->layers[l].attention;
            QCOMPARE(shown.shape(), direct.layers[l].attention.shape());
            for (size_t i = 0; i < shown.size(); ++i) QCOMPARE(shown.data()[i], direct.layers[l].attention.data()[i]);
        }
        QCOMPARE(d.result->logits.data()[0], direct.output.data()[0]);

        // Sparse attention: each row sums to 1 over the node's neighbours and is 0 elsewhere.
        const auto& a = d.result->layers[1].attention;
        for (size_t i = 0; i < n; ++i) {
            double sum = 0;
            for (size_t j = 0; j < n; ++j) sum += a.data()[(n + i) * n + j];  // head 1
            QVERIFY2(std::abs(sum - 1.0) < 1e-4, qPrintable(QStringLiteral("row %1 sums to %2").arg(i).arg(sum)));
        }

        // On the canvas: query node 5, head 1 of layer 1 — its halo on node j is a[5][j], and the
        // edge 5–j carries the same weight.
        gts::Inspection* ins = w.inspection();
        ins->setLayerHead(1, 1);
        ins->setAggregation(gts::analysis::HeadAggregation::Single);
        ins->setQuery(5);
        const auto& ga = ins->graphAttention();
        QCOMPARE(ga.node.size(), n);
        int edgesAtQuery = 0;
        for (gts::EdgeId e = 0; e < d.graph->edgeCount(); ++e) {
            const auto& edge = d.graph->edge(e);
            if (edge.src != 5 && edge.dst != 5) {
                QCOMPARE(ga.edge[e], 0.0f);
                continue;
            }
            const size_t other = edge.src == 5 ? edge.dst : edge.src;
            QCOMPARE(ga.edge[e], a.data()[(n + 5) * n + other]);
            QVERIFY(ga.edge[e] > 0);
            ++edgesAtQuery;
        }
        QVERIFY(edgesAtQuery > 0);
        for (size_t j = 0; j < n; ++j) QCOMPARE(ga.node[j], a.data()[(n + 5) * n + j]);
        // The prediction panel shows the model's output.
        QVERIFY(w.predictionView()->headerText().contains(QStringLiteral("13 nodes")));
        w.grab().save(QStringLiteral(GTS_TEST_OUTPUT_DIR "/node-level.png"));
    }

    /// Head statistics, ablation, token pruning and head masks work on a node-level model; each
    /// number the views show equals a direct engine run with the same masks or kept nodes.
    void analysesRunOnANodeLevelModel() {
        QTemporaryDir dir;
        writeModel(dir.path());
        MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openSmiles(QStringLiteral("CC(=O)Oc1ccccc1C(=O)O")));
        QSignalSpy ran(&w, &MainWindow::runFinished);
        w.openModel(dir.path(), /*quiet=*/true);
        QTRY_VERIFY_WITH_TIMEOUT(ran.count() > 0, 30000);
        gts::Inspection* in = w.inspection();
        QTRY_VERIFY_WITH_TIMEOUT(in->headStats() != nullptr, 30000);
        const gts::InspectionData& d = in->data();
        const auto& m = *w.nodeLevelModel();
        QVERIFY(d.nodeModel.get() == &m);
        QCOMPARE(in->modelLayers(), 2);
        QCOMPARE(in->modelHeads(), 2);
        gts::HeadAnalysisView* view = w.headAnalysisView();
        QCOMPARE(view->table()->rowCount(), 4);
        // Sparse attention puts all weight one hop away: the hop profile says so.
        for (const auto& h : in->headStats()->heads) {
            QVERIFY(h.hopProfile.size() > 1);
            QVERIFY2(h.hopProfile[1] > 0.99, qPrintable(QString::number(h.hopProfile[1])));
        }

        gts::model::NodeRunOptions base;
        const auto full = m.run(*d.graph, base);
        auto masked = [&](std::vector<std::vector<bool>> mask) {
            gts::model::NodeRunOptions o;
            o.headMask = std::move(mask);
            return double(std::abs(m.run(*d.graph, o).output.data()[0] - full.output.data()[0]));
        };
        QSignalSpy ablated(view, &gts::HeadAnalysisView::ablationReady);
        QTest::mouseClick(view->ablateButton(), Qt::LeftButton);
        QVERIFY(ablated.wait(30000));
        QCOMPARE(int(view->scatter()->points().size()), 4);
        for (const auto& p : view->scatter()->points()) {
            std::vector<std::vector<bool>> mask(2, std::vector<bool>(2, false));
            mask[size_t(p.layer)][size_t(p.head)] = true;
            QVERIFY(std::abs(p.y - masked(mask)) < 1e-6);
        }
        QCOMPARE(in->ablation()->layerChange.size(), size_t{2});
        QVERIFY(std::abs(in->ablation()->layerChange[1] - masked({{false, false}, {true, true}})) < 1e-6);

        // Zero-TPrune on nodes: 13 atoms, keep 0.5 → round(6.5) = 7 removed before layer 1.
        gts::PruningView* pv = w.pruningView();
        pv->keepBox()->setValue(0.5);
        QSignalSpy pruned(pv, &gts::PruningView::pruneReady);
        pv->startPrune();
        QVERIFY(pruned.wait(30000));
        const auto r = pv->result();
        QVERIFY(r);
        QCOMPARE(r->layerPositions, (std::vector<int64_t>{13, 6}));
        QCOMPARE(r->dropped[1].size(), size_t{7});
        for (int32_t v : r->dropped[1]) QVERIFY(!pv->survivors()->present(1, v));
        gts::model::NodeRunOptions keep;
        keep.keepNodes.resize(2);
        keep.keepNodes[1].assign(r->keep[1].begin(), r->keep[1].end());
        const double prunedChange = std::abs(m.run(*d.graph, keep).output.data()[0] - full.output.data()[0]);
        QVERIFY(std::abs(r->change - prunedChange) < 1e-6);
        QVERIFY(r->flopsPruned < r->flopsFull);
        QVERIFY2(pv->summaryText().contains(QStringLiteral("13 → 6 nodes")), qPrintable(pv->summaryText()));

        // Head masks from the grid: head 1 of layer 0 off.
        QTest::mouseClick(pv->maskGrid(), Qt::LeftButton, {}, pv->maskGrid()->cellRect(0, 1).center());
        QSignalSpy maskedRun(pv, &gts::PruningView::maskedRunReady);
        pv->startMaskedRun();
        QVERIFY(maskedRun.wait(30000));
        const double change = masked({{false, true}, {false, false}});
        QVERIFY2(pv->maskText().contains(QString::number(change, 'g', 4)), qPrintable(pv->maskText()));
        w.grab().save(QStringLiteral(GTS_TEST_OUTPUT_DIR "/node-level-analysis.png"));
    }

    /// Demos ▸ community-gps ▸ Planted communities (GraphGPS, all-pairs attention, node
    /// classification) and Demos ▸ skeleton-hopwise ▸ the held-out pose (hop-group Graph
    /// Transformer): each opens with its attention on the graph — with a query, the weight to
    /// nodes no edge joins is drawn as arcs — and its analyses run.
    void theOtherFamiliesDemosOpenWithAttentionOnTheGraph_data() {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("graph");
        QTest::addColumn<QString>("family");
        QTest::newRow("graphgps") << QStringLiteral("community-gps") << QStringLiteral("Planted communities")
                                  << QStringLiteral("graphgps");
        QTest::newRow("hop groups") << QStringLiteral("skeleton-hopwise")
                                    << QStringLiteral("Human3.6M pose (synthetic, held out)")
                                    << QStringLiteral("graph_transformer");
    }
    void theOtherFamiliesDemosOpenWithAttentionOnTheGraph() {
        QFETCH(QString, model);
        QFETCH(QString, graph);
        QFETCH(QString, family);
        MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QAction* demo = nullptr;
        for (QMenu* menu : w.menuBar()->findChildren<QMenu*>())
            if (menu->title() == model)
                for (QAction* a : menu->actions())
                    if (a->text() == graph) demo = a;
        QVERIFY2(demo, qPrintable(QStringLiteral("Demos ▸ %1 ▸ %2").arg(model, graph)));
        QSignalSpy ran(&w, &MainWindow::runFinished);
        demo->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(ran.count() > 0, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(w.inspection()->data().layout && w.jobRunner()->active() == 0, 60000);
        QVERIFY(w.nodeLevelModel());
        QCOMPARE(QString::fromStdString(w.nodeLevelModel()->summary().family), family);
        gts::Inspection* in = w.inspection();
        const gts::InspectionData& d = in->data();
        QVERIFY(d.nodeTokens);
        QCOMPARE(d.tokens->positions.size(), d.graph->nodeCount());
        QCOMPARE(int(d.result->layers.size()), w.nodeLevelModel()->summary().numLayers);
        QVERIFY(in->graphAttention().maxNode > 0);
        // A query: its row on the nodes, and attention beyond its neighbours as arcs.
        in->setQuery(0);
        const auto& ga = in->graphAttention();
        QVERIFY(!ga.arcs.empty());
        for (const auto& arc : ga.arcs) {
            QCOMPARE(arc.a, 0u);
            QCOMPARE(arc.weight, ga.node[arc.b]);
        }
        QTRY_VERIFY_WITH_TIMEOUT(in->headStats() != nullptr, 60000);

        // The prediction panel reads the node task by its objective: over all nodes, then the
        // selected node's own outputs, and one bar per node — all from the run's outputs.
        const auto& summary = w.nodeLevelModel()->summary();
        QVERIFY(summary.nodeTask);
        const gts::Tensor& out = d.result->tokenLogits;  // [N, outputs]
        const int64_t k = summary.numOutputs;
        QCOMPARE(out.dim(0), int64_t(d.graph->nodeCount()));
        gts::PredictionPanel* panel = w.predictionView();
        const bool classes = summary.objective == gts::model::NodeObjective::Classification;
        const auto argmax = [&](int64_t row) {
            return int(std::max_element(out.data() + row * k, out.data() + (row + 1) * k) - (out.data() + row * k));
        };
        QCOMPARE(panel->sections().size(), size_t(2));
        QCOMPARE(panel->sections()[0].bars.size(), size_t(k));
        if (classes) {
            std::vector<int> count(size_t(k), 0);
            for (int64_t i = 0; i < out.dim(0); ++i) ++count[size_t(argmax(i))];
            for (int64_t c = 0; c < k; ++c)
                QCOMPARE(panel->sections()[0].bars[size_t(c)].value, double(count[size_t(c)]) / double(out.dim(0)));
        }
        const int node = 5;
        gts::Pointed pick;
        pick.position = node;
        in->setHover(gts::Pointed{});  // the pointer may rest over the canvas
        in->setSelected(pick);
        const gts::PredictionSection& mine = panel->sections()[1];
        QVERIFY2(mine.title.contains(QStringLiteral("Node %1").arg(node)), qPrintable(mine.title));
        QCOMPARE(mine.bars.size(), size_t(k));
        double mx = -1e30, sum = 0.0;
        for (int64_t c = 0; c < k; ++c) mx = std::max(mx, double(out.data()[node * k + c]));
        for (int64_t c = 0; c < k; ++c) sum += std::exp(double(out.data()[node * k + c]) - mx);
        for (int64_t c = 0; c < k; ++c) {
            const double want = classes ? std::exp(double(out.data()[node * k + c]) - mx) / sum : out.data()[node * k + c];
            QVERIFY2(std::abs(mine.bars[size_t(c)].value - want) < 1e-6,
                     qPrintable(QStringLiteral("node %1 output %2: %3, want %4").arg(node).arg(c).arg(mine.bars[size_t(c)].value).arg(want)));
        }
        if (classes) QVERIFY2(mine.title.endsWith(QStringLiteral("class %1").arg(argmax(node))), qPrintable(mine.title));
        QCOMPARE(panel->tokenSeries().size(), size_t(out.dim(0)));
        QCOMPARE(panel->tokenSeriesMarked(), node);
        const double shown = panel->tokenSeries()[size_t(node)];
        QVERIFY(std::abs(shown - (classes ? mine.bars[size_t(argmax(node))].value : mine.bars[0].value)) < 1e-6);
        if (classes) {
            // The canvas fills each node with its predicted class's colour (read back from the
            // frame inside each disc; a share sit under the overlay, a neighbour or a label), and
            // the overlay's toggle takes the colours away; an exported figure carries them.
            const std::vector<int32_t>& nc = in->nodeClasses();
            QCOMPARE(nc.size(), size_t(d.graph->nodeCount()));
            for (int64_t i = 0; i < out.dim(0); ++i) QCOMPARE(nc[size_t(i)], argmax(i));
            QCOMPARE(in->nodeClassCount(), int(k));
            gts::GraphCanvas* canvas = w.canvas();
            const auto matching = [&] {
                return shareFilled(canvas, nc.size(), [&](size_t v) { return gts::colormaps::categoryColor(nc[v]); });
            };
            const double filled = matching();
            qInfo("nodes drawn in their class colour: %.3f", filled);
            QVERIFY2(filled >= 0.6, qPrintable(QStringLiteral("%1 of the nodes in their class colour").arg(filled)));
            const gts::scene::Scene figure = gts::currentGraphFigure(*in, gts::scene::Theme::Paper, 480.0f);
            const std::string svg = gts::scene::toSvg(figure);
            QVERIFY(svg.find("data-class=\"" + std::to_string(nc[0]) + "\"") != std::string::npos);
            QVERIFY(svg.find("predicted class:") != std::string::npos);
            in->setPredictionFillShown(false);
            const double hidden = matching();
            qInfo("with the toggle off: %.3f", hidden);
            QVERIFY2(hidden < 0.1, qPrintable(QStringLiteral("%1 still in class colours").arg(hidden)));
            QVERIFY(gts::scene::toSvg(gts::currentGraphFigure(*in, gts::scene::Theme::Paper, 480.0f)).find("data-class") ==
                    std::string::npos);
            in->setPredictionFillShown(true);
        } else {
            // A node regressor: each node filled in cividis by its predicted value over the
            // values' range, named by the model card's target, in the figure as a second bar.
            const std::vector<float>& values = in->nodeValues();
            QCOMPARE(values.size(), size_t(d.graph->nodeCount()));
            QVERIFY(in->nodeClasses().empty());
            float lo = values[0], hi = values[0];
            for (int64_t i = 0; i < out.dim(0); ++i) {
                QCOMPARE(values[size_t(i)], out.data()[i * k]);
                lo = std::min(lo, values[size_t(i)]);
                hi = std::max(hi, values[size_t(i)]);
            }
            QVERIFY(hi > lo);
            QVERIFY2(in->nodeValueName().startsWith(QStringLiteral("depth")), qPrintable(in->nodeValueName()));
            gts::GraphCanvas* canvas = w.canvas();
            const auto matching = [&] {
                return shareFilled(canvas, values.size(), [&](size_t v) {
                    return gts::colormaps::color(gts::colormaps::ColorMap::Cividis, (values[v] - lo) / (hi - lo));
                });
            };
            const double filled = matching();
            qInfo("joints drawn in their value's colour: %.3f", filled);
            QVERIFY2(filled >= 0.6, qPrintable(QStringLiteral("%1 of the joints in their value's colour").arg(filled)));
            const std::string svg = gts::scene::toSvg(gts::currentGraphFigure(*in, gts::scene::Theme::Paper, 480.0f));
            QVERIFY(svg.find("data-value=") != std::string::npos);
            QVERIFY(svg.find(in->nodeValueName().toStdString() + " (node fill)") != std::string::npos);
            in->setPredictionFillShown(false);
            const double plain = matching();
            qInfo("with the toggle off: %.3f", plain);
            QVERIFY2(plain < 0.3, qPrintable(QStringLiteral("%1 still in value colours").arg(plain)));
            in->setPredictionFillShown(true);
        }
        w.grab().save(QStringLiteral(GTS_TEST_OUTPUT_DIR "/node-level-%1.png").arg(model));
    }

    /// Demos ▸ molecule-tpsa-gt ▸ Aspirin: the shipped Graph Transformer opens with its attention
    /// on the molecule and its TPSA prediction.
    void theShippedGraphTransformerOpensFromTheDemosMenu() {
        MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QAction* demo = nullptr;
        for (QMenu* menu : w.menuBar()->findChildren<QMenu*>())
            if (menu->title() == QStringLiteral("molecule-tpsa-gt"))
                for (QAction* a : menu->actions())
                    if (a->text() == QStringLiteral("Aspirin")) demo = a;
        QVERIFY2(demo, "Demos ▸ molecule-tpsa-gt ▸ Aspirin");
        QSignalSpy ran(&w, &MainWindow::runFinished);
        demo->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(ran.count() > 0, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(w.inspection()->data().layout && w.jobRunner()->active() == 0, 30000);
        QVERIFY(w.nodeLevelModel());
        const gts::InspectionData& d = w.inspection()->data();
        QVERIFY(d.nodeTokens);
        QCOMPARE(d.result->layers.size(), size_t(w.nodeLevelModel()->summary().numLayers));
        QVERIFY(w.inspection()->graphAttention().maxNode > 0);
        QVERIFY(w.inspection()->graphAttention().maxEdge > 0);
        // Aspirin's TPSA is 63.6 Å²; the card reports the model's held-out error.
        const float tpsa = d.result->logits.data()[0];
        QVERIFY2(tpsa > 20 && tpsa < 110, qPrintable(QString::number(tpsa)));
        w.grab().save(QStringLiteral(GTS_TEST_OUTPUT_DIR "/node-level-demo.png"));
    }
};

QTEST_MAIN(TestNodeLevel)
#include "test_node_level.moc"
