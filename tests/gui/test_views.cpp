// QtTest: the sequence strip, attention matrix, head grid and prediction panel over a real run
// (the tiny pre-trained fixture model on a 4-cycle), linked through one Inspection.

#include <QComboBox>
#include <QToolButton>
#include <QtTest>
#include <cmath>
#include <filesystem>

#include "AttentionMatrixView.h"
#include "HeadGrid.h"
#include "Inspection.h"
#include "PredictionPanel.h"
#include "SequenceStrip.h"
#include "analysis/HeadMetrics.h"
#include "io/GraphIO.h"
#include "model/ModelFolder.h"

using namespace gts;

namespace {

/// Tokenizes `graph` with the model's tokenization (walk seed 0), runs it with attention
/// captured, and packs everything into InspectionData.
InspectionData runOn(std::shared_ptr<const model::GraphGptModel> m, Graph graph) {
    InspectionData d;
    d.graph = std::make_shared<const Graph>(std::move(graph));
    auto tokens = std::make_shared<TokenSequence>(tokenize(*d.graph, m->tokenization, 0));
    model::SequenceInput input;
    input.ids = tokens->ids(m->vocab);
    size_t width = 0;
    for (const auto& p : input.ids) width = std::max(width, p.size());
    for (auto& p : input.ids) p.resize(width, Vocab::kPadId);
    model::RunOptions options;
    options.captureAttention = true;
    d.result = std::make_shared<const model::RunResult>(std::move(model::runGraphGpt(*m, {input}, options).at(0)));
    d.tokens = std::move(tokens);
    d.model = std::move(m);
    return d;
}

/// The 4-cycle 0-1-2-3-0.
Graph cycle4() {
    Graph g(false);
    g.addNodes(4);
    g.addEdge(0, 1);
    g.addEdge(1, 2);
    g.addEdge(2, 3);
    g.addEdge(3, 0);
    return g;
}

QString outputPath(const char* name) { return QStringLiteral(GTS_TEST_OUTPUT_DIR "/%1").arg(QLatin1String(name)); }

/// Luma (ITU-R BT.601) of a pixel: viridis rises in it from one end to the other (ties only
/// between neighbouring entries).
double brightness(const QImage& image, QPointF p) {
    const QColor c(image.pixel(p.toPoint()));
    return 0.299 * c.red() + 0.587 * c.green() + 0.114 * c.blue();
}

}  // namespace

class TestViews : public QObject {
    Q_OBJECT
    std::shared_ptr<const model::GraphGptModel> model_;
    InspectionData data_;

private slots:
    void initTestCase() {
        model_ = model::loadGraphGptModel(GTS_FIXTURES_DIR "/model-folder/tiny-pretrain");
        QVERIFY(model_->hasVocab);
        data_ = runOn(model_, cycle4());
        // A 4-cycle walked as an Eulerian circuit: 5 node positions (the start again at the
        // end) and <eos>.
        QCOMPARE(data_.tokens->positions.size(), size_t(6));
        QCOMPARE(data_.result->layers.size(), size_t(2));
    }

    void stripHoverWritesTheNodeOfTheCell() {
        Inspection ins;
        ins.setData(data_);
        SequenceStrip strip(&ins);
        strip.resize(500, 160);
        strip.show();
        QVERIFY(QTest::qWaitForWindowExposed(&strip));
        const int position = 2;
        const QRect cell = strip.cellRect(position, 0);
        QVERIFY(strip.strip()->viewport()->rect().contains(cell.center()));
        QTest::mouseMove(strip.strip()->viewport(), cell.center());
        QTRY_COMPARE(ins.hover().position, position);
        QCOMPARE(ins.hover().slot, 0);
        // The token in that cell is the index of walk node 2 (the tokenizer's provenance).
        QCOMPARE(ins.hover().node, data_.tokens->path[position]);
        QCOMPARE(ins.hover().node, data_.tokens->sources[position][0].node);

        // A click selects the position and makes it the query.
        QTest::mouseClick(strip.strip()->viewport(), Qt::LeftButton, {}, cell.center());
        QCOMPARE(ins.query(), position);
        QCOMPARE(ins.selected().position, position);
    }

    void stripHighlightsEveryVisitOfAHoveredNodeAndEdge() {
        Inspection ins;
        ins.setData(data_);
        SequenceStrip strip(&ins);
        strip.resize(500, 160);
        strip.show();
        QVERIFY(QTest::qWaitForWindowExposed(&strip));
        // The circuit starts and ends at the same node: two visits.
        const NodeId start = data_.tokens->path.front();
        QCOMPARE(data_.tokens->path.back(), start);
        Pointed p;
        p.node = start;
        ins.setHover(p);
        const std::vector<int> bothEnds = {0, int(data_.tokens->path.size()) - 1};
        QCOMPARE(strip.highlightedPositions(), bothEnds);
        // The highlight is drawn: a visited cell differs from the same kind of cell elsewhere.
        const QImage image = strip.strip()->viewport()->grab().toImage();
        QVERIFY(image.pixel(strip.cellRect(0, 0).topLeft() + QPoint(4, 4)) !=
                image.pixel(strip.cellRect(1, 0).topLeft() + QPoint(4, 4)));
        // An edge: the stacked position arriving along it (step k arrives at position k + 1).
        Pointed e;
        e.edge = data_.tokens->steps[1].edge;
        ins.setHover(e);
        QCOMPARE(strip.highlightedPositions(), std::vector<int>{2});
        ins.setHover({});
        QVERIFY(strip.highlightedPositions().empty());
    }

    void stripPlayWalksTheHoverAlongTheSequence() {
        Inspection ins;
        ins.setData(data_);
        SequenceStrip strip(&ins);
        strip.setPlayInterval(5);
        QSignalSpy hovers(&ins, &Inspection::hoverChanged);
        strip.playButton()->click();
        QVERIFY(strip.isPlaying());
        QTRY_VERIFY(!strip.isPlaying());
        // One hover per position, then cleared at the end.
        QCOMPARE(hovers.count(), int(data_.tokens->positions.size()) + 1);
        QVERIFY(ins.hover().empty());
    }

    void matrixColoursFollowTheValuesAndClickSetsTheQuery() {
        Inspection ins;
        ins.setData(data_);
        ins.setAggregation(analysis::HeadAggregation::Single);
        ins.setLayerHead(1, 0);
        AttentionMatrixView view(&ins);
        view.resize(520, 480);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const auto& a = ins.attention();
        const int S = int(ins.attentionSize());
        QCOMPARE(S, 6);
        const auto hi = int(std::max_element(a.begin(), a.end()) - a.begin());
        const auto lo = int(std::min_element(a.begin(), a.end()) - a.begin());
        QVERIFY(a[hi] > a[lo]);
        const QImage image = view.canvas()->grab().toImage();
        image.save(outputPath("attention-matrix-tiny.png"));
        const QPointF hiCell = view.cellCenter(hi / S, hi % S), loCell = view.cellCenter(lo / S, lo % S);
        QVERIFY(brightness(image, hiCell) > brightness(image, loCell));
        // The maximum takes the top of the map (viridis yellow #fde725).
        QCOMPARE(QColor(image.pixel(hiCell.toPoint())), QColor(0xfd, 0xe7, 0x25));
        // Every cell in a row is ordered like its values.
        const int row = 3;
        for (int c = 1; c < S; ++c) {
            const float v0 = a[size_t(row * S + c - 1)], v1 = a[size_t(row * S + c)];
            if (std::abs(v0 - v1) < 0.02f * a[hi]) continue;  // same colour entry
            QCOMPARE(v1 > v0, brightness(image, view.cellCenter(row, c)) > brightness(image, view.cellCenter(row, c - 1)));
        }

        QTest::mouseClick(view.canvas(), Qt::LeftButton, {}, view.cellCenter(4, 1).toPoint());
        QCOMPARE(ins.query(), ins.attentionPositions()[4]);

        // Hovering a cell names the key position, with its value in the status line.
        QTest::mouseMove(view.canvas(), view.cellCenter(2, 5).toPoint());
        QTRY_COMPARE(ins.hover().position, ins.attentionPositions()[5]);
        QVERIFY2(view.statusText().contains(QString::number(double(a[2 * S + 5]), 'f', 4)), qPrintable(view.statusText()));

        // Zooming keeps the cell under the cursor under it.
        const QPointF anchor = view.cellCenter(1, 1);
        view.zoomBy(3.0, anchor);
        QVERIFY((view.cellCenter(1, 1) - anchor).manhattanLength() < 1e-6);
    }

    void headGridClickSelectsLayerAndHead() {
        Inspection ins;
        ins.setData(data_);
        HeadGrid grid(&ins);
        grid.resize(360, 300);
        grid.show();
        QVERIFY(QTest::qWaitForWindowExposed(&grid));
        QCOMPARE(grid.rowCount(), model_->config.numLayers);
        QCOMPARE(grid.columnCount(), model_->config.numHeads);
        QCOMPARE(ins.aggregation(), analysis::HeadAggregation::Mean);
        QTest::mouseClick(grid.canvas(), Qt::LeftButton, {}, grid.cellRect(1, 1).center());
        QCOMPARE(ins.aggregation(), analysis::HeadAggregation::Single);
        QCOMPARE(ins.layer(), 1);
        QCOMPARE(ins.head(), 1);
        QTest::mouseClick(grid.canvas(), Qt::LeftButton, {}, grid.cellRect(0, 1).center());
        QCOMPARE(ins.layer(), 0);
        QCOMPARE(ins.head(), 1);

        // Confidence of layer 1 head 0: the mean row maximum of its captured matrix.
        grid.metricBox()->setCurrentIndex(grid.metricBox()->findData(int(analysis::HeadMetric::Confidence)));
        QCOMPARE(grid.metric(), analysis::HeadMetric::Confidence);
        const Tensor& att = data_.result->layers[1].attention;  // [H, S, S]
        const int64_t S = att.dim(1);
        double sum = 0;
        for (int64_t r = 0; r < S; ++r) {
            float best = 0;
            for (int64_t c = 0; c < S; ++c) best = std::max(best, att.data()[r * S + c]);
            sum += best;
        }
        QVERIFY(std::abs(grid.metricValue(1, 0) - sum / double(S)) < 1e-6);
        QCOMPARE(grid.thumbnail(1, 0).size(), QSize(int(S), int(S)));
        grid.grab().save(outputPath("head-grid-tiny.png"));
    }

    void predictionPanelShowsTheArgmaxTokenOfThePosition() {
        Inspection ins;
        ins.setData(data_);
        PredictionPanel panel(&ins);
        panel.resize(360, 260);
        const int position = 3;
        ins.setSelected(ins.pointedAtPosition(position));
        QCOMPARE(panel.shownPosition(), position);
        const Tensor& logits = data_.result->logits;  // [S, next_n, vocab]
        QCOMPARE(logits.rank(), size_t(3));
        const int64_t slotCount = logits.dim(1), V = logits.dim(2);
        QCOMPARE(panel.sections().size(), size_t(slotCount));
        for (int64_t slot = 0; slot < slotCount; ++slot) {
            const float* row = logits.data() + (position * slotCount + slot) * V;
            const auto best = int32_t(std::max_element(row, row + V) - row);
            double z = 0;
            for (int64_t i = 0; i < V; ++i) z += std::exp(double(row[i] - row[best]));
            const auto& bars = panel.sections()[size_t(slot)].bars;
            QCOMPARE(bars.size(), size_t(PredictionPanel::kTopTokens));
            QCOMPARE(bars[0].label, QString::fromStdString(*model_->vocab.findToken(best)));
            QVERIFY(std::abs(bars[0].value - 1.0 / z) < 1e-5);
            QVERIFY(bars[0].value >= bars[1].value);
        }
        QVERIFY(panel.headerText().contains(QStringLiteral("tiny-pretrain")));
        QVERIFY(panel.headerText().contains(QStringLiteral("6 positions")));
        // A hover overrides the selection.
        ins.setHover(ins.pointedAtPosition(1));
        QCOMPARE(panel.shownPosition(), 1);
        panel.grab().save(outputPath("prediction-tiny.png"));
    }

    void screenshotsOfTheDemoModel() {
        // The shipped triangle-count model on a shipped random graph: a longer sequence and a
        // regression head, to look at.
        const std::filesystem::path models = GTS_FIXTURES_DIR "/../../resources/models/triangles";
        const std::filesystem::path graphFile = GTS_FIXTURES_DIR "/../../resources/graphs/random-triangles-1.graphml";
        if (!std::filesystem::exists(models / "model.safetensors") || !std::filesystem::exists(graphFile))
            QSKIP("the triangles demo model is not in resources/models");
        auto m = model::loadGraphGptModel(models);
        Inspection ins;
        ins.setData(runOn(m, io::readGraphs(graphFile).at(0)));
        ins.setAggregation(analysis::HeadAggregation::Single);
        ins.setLayerHead(2, 1);
        ins.setQuery(5);

        SequenceStrip strip(&ins);
        strip.resize(900, 150);
        AttentionMatrixView matrix(&ins);
        matrix.resize(640, 600);
        HeadGrid grid(&ins);
        grid.resize(420, 330);
        PredictionPanel panel(&ins);
        panel.resize(360, 120);
        for (QWidget* w : std::initializer_list<QWidget*>{&strip, &matrix, &grid, &panel}) w->show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        Pointed hover = ins.pointedAtPosition(7);
        ins.setHover(hover);
        strip.grab().save(outputPath("sequence-strip-triangles.png"));
        matrix.grab().save(outputPath("attention-matrix-triangles.png"));
        grid.grab().save(outputPath("head-grid-triangles.png"));
        panel.grab().save(outputPath("prediction-triangles.png"));
        QCOMPARE(panel.sections().size(), size_t(1));
        QCOMPARE(panel.sections()[0].bars[0].value, double(ins.data().result->logits.data()[0]));
    }
};

QTEST_MAIN(TestViews)
#include "test_views.moc"
