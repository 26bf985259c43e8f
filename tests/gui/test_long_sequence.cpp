// QtTest: the views on a run whose attention maps were over the capture budget (issue 9).
// The engine keeps each layer's queries and keys instead of its maps; the attention matrix
// shows a block of rows around the query, the graph and the sequence strip show the query's
// row, all recomputed on demand and equal to what a full capture shows.

#include <QtTest>
#include <chrono>
#include <random>

#include "AttentionMatrixView.h"
#include "DataExport.h"
#include "io/GraphIO.h"
#include "tensor/Npy.h"
#include "Inspection.h"
#include "SequenceStrip.h"
#include "model/ModelFolder.h"

using namespace gts;

namespace {

constexpr int kPositions = 300;  // more than a row block (Inspection::kDeferredRowBlock)

/// A path graph whose positions stand for its nodes in order (position p: node p, arriving
/// along edge p - 1), with one token per position.
std::pair<std::shared_ptr<const Graph>, std::shared_ptr<const TokenSequence>> pathOf(int n) {
    auto g = std::make_shared<Graph>(false);
    g->addNodes(size_t(n));
    for (int v = 1; v < n; ++v) g->addEdge(NodeId(v - 1), NodeId(v));
    auto t = std::make_shared<TokenSequence>();
    for (int p = 0; p < n; ++p) {
        PositionSource src;
        src.kind = PositionKind::Node;
        src.node = NodeId(p);
        if (p > 0) {
            src.edge = EdgeId(p - 1);
            src.edgeOrigin = EdgeOrigin::Original;
        }
        t->positionSources.push_back(src);
        t->positions.push_back({std::to_string(p % 64)});
        t->sources.push_back({TokenSource{}});
        t->path.push_back(NodeId(p));
    }
    return {g, t};
}

InspectionData runOn(const std::shared_ptr<const model::GraphGptModel>& m, size_t budget) {
    std::mt19937 rng(7);
    std::uniform_int_distribution<int32_t> id(4, m->config.vocabSize - 1);
    model::SequenceInput input;
    for (int p = 0; p < kPositions; ++p) {
        std::vector<int32_t> slot(size_t(m->config.stackedFeat));
        for (auto& s : slot) s = id(rng);
        input.ids.push_back(slot);
    }
    model::RunOptions options;
    options.captureAttention = true;
    options.attentionBudgetBytes = budget;
    InspectionData d;
    std::tie(d.graph, d.tokens) = pathOf(kPositions);
    d.result = std::make_shared<const model::RunResult>(model::runGraphGpt(*m, {input}, options).at(0));
    d.model = m;
    return d;
}

}  // namespace

class TestLongSequence : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        model_ = model::loadGraphGptModel(GTS_FIXTURES_DIR "/model/finetune_regression_layerscale_bias");
        full_ = runOn(model_, 0);       // 0: no budget, every map kept
        deferred_ = runOn(model_, 1);   // every layer over the budget
        QVERIFY(!full_.result->layers.back().attentionDeferred);
        QVERIFY(deferred_.result->layers.back().attentionDeferred);
        QCOMPARE(deferred_.result->layers.back().attention.size(), size_t(0));
    }

    void matrixShowsABlockOfRowsAroundTheQuery() {
        Inspection full, deferred;
        full.setData(full_);
        deferred.setData(deferred_);
        const int layer = model_->config.numLayers - 1;
        for (Inspection* i : {&full, &deferred}) {
            i->setLayerHead(layer, 1);
            i->setAggregation(analysis::HeadAggregation::Single);
        }
        AttentionMatrixView view(&deferred);
        view.resize(600, 500);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QVERIFY(deferred.attentionDeferred());
        QCOMPARE(deferred.attentionRowCount(), Inspection::kDeferredRowBlock);
        QCOMPARE(deferred.attentionSize(), int64_t(kPositions));
        QVERIFY(view.statusText().startsWith(QStringLiteral("Rows 0–63 of 300")));
        // A query far along moves the block to it; its rows are the full map's rows.
        const int query = 200;
        deferred.setQuery(query);
        full.setQuery(query);
        const int64_t first = deferred.attentionFirstRow();
        QVERIFY(first <= query && query < first + deferred.attentionRowCount());
        const auto& a = deferred.attention();
        const auto& b = full.attention();
        const int64_t S = kPositions;
        QCOMPARE(int64_t(b.size()), S * S);
        float diff = 0.0f;
        for (int64_t r = 0; r < deferred.attentionRowCount(); ++r)
            for (int64_t k = 0; k < S; ++k)
                diff = std::max(diff, std::abs(a[size_t(r * S + k)] - b[size_t((first + r) * S + k)]));
        QVERIFY2(diff < 1e-5f, qPrintable(QString::number(diff)));
        QVERIFY(view.statusText().contains(QStringLiteral("over the capture budget")));
        // The matrix's colours: the query row's strongest key is the brightest viridis end.
        view.grab().save(QStringLiteral(GTS_TEST_OUTPUT_DIR "/matrix-deferred.png"));
    }

    void graphAndStripShowTheQueryRow() {
        Inspection full, deferred;
        full.setData(full_);
        deferred.setData(deferred_);
        // All queries: the mean over every row is not at hand for a deferred layer.
        QVERIFY(deferred.graphAttention().node.empty() || deferred.graphAttention().maxNode == 0.0f);
        const auto started = std::chrono::steady_clock::now();
        deferred.setQuery(250);
        const auto& g = deferred.graphAttention();
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
        qInfo("a deferred layer's row (mean over %d heads, %d positions) onto the graph: %.2f ms",
              model_->config.numHeads, kPositions, ms);
        full.setQuery(250);
        const auto& h = full.graphAttention();
        QCOMPARE(g.node.size(), h.node.size());
        QVERIFY(h.maxNode > 0.0f);
        for (size_t v = 0; v < h.node.size(); ++v) QVERIFY(std::abs(g.node[v] - h.node[v]) < 1e-5f);
        for (size_t e = 0; e < h.edge.size(); ++e) QVERIFY(std::abs(g.edge[e] - h.edge[e]) < 1e-5f);
        // The strip colours its cells by the same row.
        SequenceStrip strip(&deferred);
        strip.resize(800, 120);
        strip.show();
        QVERIFY(QTest::qWaitForWindowExposed(&strip));
        SequenceStrip reference(&full);
        const auto shown = strip.attentionShown(), expected = reference.attentionShown();
        QCOMPARE(shown.size(), size_t(kPositions));
        QCOMPARE(shown.size(), expected.size());
        for (size_t p = 0; p < shown.size(); ++p) QVERIFY(std::abs(shown[p] - expected[p]) < 1e-4f);
        QCOMPARE(*std::max_element(shown.begin(), shown.end()), 1.0f);  // scaled to the row's maximum
    }

    void exportDataWritesWhatTheViewsShow() {
        QTemporaryDir dir;
        Inspection full, deferred;
        full.setData(full_);
        deferred.setData(deferred_);
        full.setQuery(120);
        deferred.setQuery(120);
        // The graph with gts_attention as the canvas draws it (read back by our GraphML reader).
        const QString graphml = dir.filePath(QStringLiteral("path.graphml"));
        exportInspectionData(deferred, graphml);
        const Graph back = io::readGraph(graphml.toStdString());
        const AttrColumn* nodes = back.nodeAttrs().find("gts_attention");
        const AttrColumn* edges = back.edgeAttrs().find("gts_attention");
        QVERIFY(nodes && edges);
        const auto& shown = full.graphAttention();
        for (size_t v = 0; v < shown.node.size(); ++v) QVERIFY(std::abs(nodes->realAt(v) - shown.node[v]) < 1e-5);
        for (size_t e = 0; e < shown.edge.size(); ++e) QVERIFY(std::abs(edges->realAt(e) - shown.edge[e]) < 1e-5);
        QVERIFY(back.graphAttrs().find("gts_results"));
        // An overlay drawn instead of attention goes out under its own name as well.
        analysis::GraphAttention overlay;
        overlay.node.assign(full_.graph->nodeCount(), 0.5f);
        overlay.edge.assign(full_.graph->edgeCount(), 0.25f);
        full.setGraphOverlay(QStringLiteral("saliency (rollout)"), overlay);
        const QString gexf = dir.filePath(QStringLiteral("path.gexf"));
        exportInspectionData(full, gexf);
        const Graph withOverlay = io::readGraph(gexf.toStdString());
        QVERIFY(withOverlay.nodeAttrs().find("gts_attention"));
        const AttrColumn* sal = withOverlay.nodeAttrs().find("gts_saliency_rollout");
        QVERIFY(sal);
        QCOMPARE(sal->realAt(3), 0.5);
        // Attention tensors: every layer of the full capture as .npy.
        const QString npy = dir.filePath(QStringLiteral("attn.npy"));
        exportInspectionData(full, npy);
        const Tensor t = io::readNpy(npy.toStdString());
        QCOMPARE(t.dim(0), int64_t(full_.result->layers.size()));
        QCOMPARE(t.dim(2), int64_t(kPositions));
        const Tensor& last = full_.result->layers.back().attention;
        QCOMPARE(t.data()[t.size() - 1], last.data()[last.size() - 1]);
        // A run whose maps were over the budget has none to write: a message, no file.
        const QString refused = dir.filePath(QStringLiteral("deferred.npy"));
        bool threw = false;
        try {
            exportInspectionData(deferred, refused);
        } catch (const std::runtime_error& e) {
            threw = QString::fromUtf8(e.what()).contains(QStringLiteral("over the capture budget"));
        }
        QVERIFY(threw);
        QVERIFY(!QFileInfo::exists(refused));
    }

private:
    std::shared_ptr<const model::GraphGptModel> model_;
    InspectionData full_, deferred_;
};

QTEST_MAIN(TestLongSequence)
#include "test_long_sequence.moc"
