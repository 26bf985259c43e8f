// QtTest: the figures of the sequence views match the screen views over the same run (the tiny
// pre-trained fixture model on a 4-cycle): the attention matrix, head grid, token strip and
// pruning survivors have the same cells in the same colours as the widgets paint them, and each
// figure exports to SVG, PDF and PNG (PNG of the size its DPI asks for, its pixels the figure's
// colours).

#include <QtTest>
#include <cmath>
#include <filesystem>

#include "AttentionMatrixView.h"
#include "HeadGrid.h"
#include "Inspection.h"
#include "PruningView.h"
#include "ScenePainter.h"
#include "SequenceStrip.h"
#include "TokenColors.h"
#include "analysis/HeadMetrics.h"
#include "analysis/Pruning.h"
#include "model/ModelFolder.h"
#include "scene/PdfWriter.h"
#include "scene/SvgWriter.h"
#include "scene/Views.h"

using namespace gts;

namespace {

Graph cycle4() {
    Graph g(false);
    g.addNodes(4);
    g.addEdge(0, 1);
    g.addEdge(1, 2);
    g.addEdge(2, 3);
    g.addEdge(3, 0);
    return g;
}

const scene::Group* layer(const scene::Scene& s, const std::string& id) {
    for (const auto& l : s.layers)
        if (l.id == id) return &l;
    return nullptr;
}

std::string dataOf(const scene::Group& g, const std::string& name) {
    for (const auto& [k, v] : g.data)
        if (k == name) return v;
    return {};
}

/// Groups of class `klass` anywhere under `g`, in drawing order.
void collect(const scene::Group& g, const std::string& klass,
             std::vector<const scene::Group*>& out) {
    for (const auto& item : g.items)
        if (const auto* child = std::get_if<scene::Group>(&item.value)) {
            if (child->klass == klass) out.push_back(child);
            collect(*child, klass, out);
        }
}

QColor fillOf(const scene::Group& g) {
    for (const auto& item : g.items)
        if (const auto* r = std::get_if<scene::Rect>(&item.value); r && r->fill)
            return QColor(r->fill->r, r->fill->g, r->fill->b);
    return {};
}

const scene::Rect* firstRect(const scene::Group& g) {
    for (const auto& item : g.items)
        if (const auto* r = std::get_if<scene::Rect>(&item.value)) return r;
    return nullptr;
}

QString out(const char* name) {
    return QStringLiteral(GTS_TEST_OUTPUT_DIR "/figures-%1").arg(QLatin1String(name));
}

}  // namespace

class TestFigures : public QObject {
    Q_OBJECT
    std::shared_ptr<const model::GraphGptModel> model_;
    InspectionData data_;

    /// SVG, PDF and PNG (at 144 dpi: 2 px per point) of `s`; the PNG's size checked.
    void exportAll(const scene::Scene& s, const char* name) {
        const std::filesystem::path base = out(name).toStdString();
        scene::writeSvg(s, base.string() + ".svg");
        scene::writePdf(s, base.string() + ".pdf");
        writePng(s, base.string() + ".png", 144);
        QVERIFY(std::filesystem::file_size(base.string() + ".svg") > 500);
        QVERIFY(std::filesystem::file_size(base.string() + ".pdf") > 500);
        const QImage png(QString::fromStdString(base.string() + ".png"));
        QCOMPARE(png.width(), int(std::lround(s.width * 2)));
        QCOMPARE(png.height(), int(std::lround(s.height * 2)));
    }

private slots:
    void initTestCase() {
        model_ = model::loadGraphGptModel(GTS_FIXTURES_DIR "/model-folder/tiny-pretrain");
        data_.graph = std::make_shared<const Graph>(cycle4());
        auto tokens =
            std::make_shared<TokenSequence>(tokenize(*data_.graph, model_->tokenization, 0));
        model::SequenceInput input;
        input.ids = tokens->ids(model_->vocab);
        model::RunOptions options;
        options.captureAttention = true;
        data_.result = std::make_shared<const model::RunResult>(
            model::runGraphGpt(*model_, {input}, options).at(0));
        data_.tokens = std::move(tokens);
        data_.model = model_;
        std::filesystem::create_directories(GTS_TEST_OUTPUT_DIR);
    }

    void attentionMatrixHasTheScreensCellColours() {
        Inspection ins;
        ins.setData(data_);
        ins.setAggregation(analysis::HeadAggregation::Single);
        ins.setLayerHead(1, 1);
        AttentionMatrixView view(&ins);
        view.resize(520, 480);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const QImage screen = view.canvas()->grab().toImage();
        scene::MatrixFigureInput in;
        in.matrix = &ins.attention();
        in.size = ins.attentionSize();
        in.positions = ins.attentionPositions();
        in.tokens = data_.tokens.get();
        const scene::Scene s = scene::buildAttentionMatrix(in, scene::Theme::Paper, 240);
        std::vector<const scene::Group*> cells;
        collect(*layer(s, "heatmap"), "cell", cells);
        QCOMPARE(int64_t(cells.size()), in.size * in.size);
        const QImage png = renderScene(s, 144);
        for (const scene::Group* cell : cells) {
            const int r = std::stoi(dataOf(*cell, "row")), c = std::stoi(dataOf(*cell, "col"));
            const QColor onScreen = screen.pixelColor(view.cellCenter(r, c).toPoint());
            QCOMPARE(fillOf(*cell).name(), onScreen.name());
            // The PNG of the figure shows that colour at the cell's centre.
            const scene::RectF rect = firstRect(*cell)->rect;
            const QPoint px(int(2 * (rect.x + 0.4f * rect.w)), int(2 * (rect.y + 0.4f * rect.h)));
            QCOMPARE(png.pixelColor(px).name(), onScreen.name());
        }
        // Token labels "position: short token" as the screen's axes write them.
        const scene::Group* rows = layer(s, "row-labels");
        QVERIFY(rows);
        const auto& first = std::get<scene::Text>(rows->items.front().value);
        const int p0 = ins.attentionPositions().front();
        QCOMPARE(QString::fromStdString(first.text),
                 QStringLiteral("%1: %2").arg(p0).arg(
                     shortTokenText(data_.tokens->positions[size_t(p0)][0])));
        exportAll(s, "matrix");
    }

    void headGridHasTheScreensFramesAndThumbnails() {
        Inspection ins;
        ins.setData(data_);
        HeadGrid grid(&ins);
        grid.resize(600, 400);
        grid.show();
        QVERIFY(QTest::qWaitForWindowExposed(&grid));
        QCOMPARE(grid.metric(), analysis::HeadMetric::Entropy);
        const QImage screen = grid.canvas()->grab().toImage();
        const auto metric = analysis::headMetrics(*data_.result, analysis::HeadMetric::Entropy);
        scene::HeadGridFigureInput in;
        in.result = data_.result.get();
        in.metric = &metric;
        in.metricName = "entropy";
        const scene::Scene s = scene::buildHeadGrid(in, scene::Theme::Paper);
        std::vector<const scene::Group*> heads;
        collect(*layer(s, "heads"), "head", heads);
        QCOMPARE(int(heads.size()), grid.rowCount() * grid.columnCount());
        for (const scene::Group* head : heads) {
            const int row = std::stoi(dataOf(*head, "layer")), h = std::stoi(dataOf(*head, "head"));
            // The frame: a pixel inside the 4 px metric frame of the screen's cell.
            const QRect cell = grid.cellRect(row, h);
            QCOMPARE(fillOf(*head).name(), screen.pixelColor(cell.topLeft() + QPoint(1, 1)).name());
            // The thumbnail: the same block means in the same colours, pixel for pixel.
            const QImage& thumb = grid.thumbnail(row, h);
            const auto& image = std::get<scene::Image>(head->items[1].value);
            QCOMPARE(image.cols, thumb.width());
            for (int y = 0; y < thumb.height(); ++y)
                for (int x = 0; x < thumb.width(); ++x)
                    QCOMPARE(image.argb[size_t(y * image.cols + x)], uint32_t(thumb.pixel(x, y)));
        }
        exportAll(s, "heads");
    }

    void sequenceHasTheScreensTokenColours() {
        Inspection ins;
        ins.setData(data_);
        SequenceStrip strip(&ins);
        strip.resize(700, 400);
        strip.show();
        QVERIFY(QTest::qWaitForWindowExposed(&strip));
        const QImage screen = strip.strip()->viewport()->grab().toImage();
        scene::SequenceFigureInput in;
        in.tokens = data_.tokens.get();
        const scene::Scene s = scene::buildSequence(in, scene::Theme::Paper);
        std::vector<const scene::Group*> columns;
        collect(*layer(s, "strip"), "position", columns);
        QCOMPARE(columns.size(), data_.tokens->positions.size());
        int compared = 0;
        for (const scene::Group* column : columns) {
            const int p = std::stoi(dataOf(*column, "position"));
            std::vector<const scene::Group*> cells;
            collect(*column, "token", cells);
            QCOMPARE(cells.size(), data_.tokens->positions[size_t(p)].size());
            for (size_t slot = 0; slot < cells.size(); ++slot) {
                const QRect r = strip.cellRect(p, int(slot));
                if (!strip.strip()->viewport()->rect().contains(r.topLeft() + QPoint(1, 1)))
                    continue;
                QCOMPARE(fillOf(*cells[slot]).name(),
                         screen.pixelColor(r.topLeft() + QPoint(1, 1)).name());
                ++compared;
            }
        }
        QVERIFY(compared > 0);
        exportAll(s, "sequence");
    }

    void pruningHasTheScreensSurvivors() {
        Inspection ins;
        ins.setData(data_);
        analysis::PruneOptions po;
        po.schedule.keepRatio = 0.5;
        model::SequenceInput input;
        input.ids = data_.tokens->ids(model_->vocab);
        auto pruned =
            std::make_shared<const analysis::PruneResult>(analysis::prune(*model_, input, po));
        SurvivorStrip strip(&ins);
        strip.setResult(pruned);
        strip.show();
        QVERIFY(QTest::qWaitForWindowExposed(&strip));
        const QImage screen = strip.grab().toImage();
        scene::PruningFigureInput in;
        in.positions = data_.tokens->positions.size();
        in.dropped = &pruned->dropped;
        in.tokens = data_.tokens.get();
        const scene::Scene s = scene::buildPruning(in, scene::Theme::Paper);
        std::vector<const scene::Group*> rows;
        collect(*layer(s, "rows"), "layer", rows);
        QCOMPARE(rows.size(), pruned->dropped.size());
        int prunedCells = 0;
        for (const scene::Group* row : rows) {
            const int l = std::stoi(dataOf(*row, "layer"));
            for (const auto& item : row->items) {
                const auto& cell = std::get<scene::Group>(item.value);
                const int p = std::stoi(dataOf(cell, "position"));
                QCOMPARE(cell.klass == "kept", strip.present(l, p));
                if (cell.klass == "kept") {
                    QCOMPARE(
                        fillOf(cell).name(),
                        screen.pixelColor(strip.cellRect(l, p).topLeft() + QPoint(1, 4)).name());
                } else {
                    ++prunedCells;
                }
            }
        }
        QVERIFY(prunedCells > 0);
        exportAll(s, "pruning");
    }
};

QTEST_MAIN(TestFigures)
#include "test_figures.moc"
