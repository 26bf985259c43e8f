#include "ExportDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>
#include <stdexcept>

#include "ScenePainter.h"
#include "graph/AttrNames.h"
#include "analysis/AttentionView.h"
#include "scene/PdfWriter.h"
#include "scene/SvgWriter.h"

namespace gts {

scene::Scene currentGraphFigure(const Inspection& inspection, scene::Theme theme, float size) {
    const InspectionData& d = inspection.data();
    if (!d.graph) throw std::runtime_error("there is no graph to export");
    if (!d.layout || d.layout->x.size() != d.graph->nodeCount())
        throw std::runtime_error("the graph is still being laid out; export when it is drawn");
    const Graph& g = *d.graph;
    scene::GraphFigureInput in;
    in.graph = &g;
    in.x = &d.layout->x;
    in.y = &d.layout->y;
    const analysis::GraphAttention& ga = inspection.graphAttention();
    if (ga.node.size() == g.nodeCount() && ga.edge.size() == g.edgeCount() && (ga.maxNode > 0 || ga.maxEdge > 0))
        in.attention = &ga;
    in.threshold = inspection.threshold();
    // The walk's extra steps, drawn as the canvas draws them (GraphCanvas: dashed companions).
    in.copiedEdges.assign(g.edgeCount(), false);
    if (d.tokens) {
        const auto& t = *d.tokens;
        for (size_t i = 0; i < t.steps.size() && i + 1 < t.path.size(); ++i) {
            const WalkStep& s = t.steps[i];
            if (s.kind == StepKind::EulerizationCopy && s.edge < in.copiedEdges.size()) in.copiedEdges[s.edge] = true;
            if (s.kind == StepKind::Jump && t.path[i] < g.nodeCount() && t.path[i + 1] < g.nodeCount())
                in.jumps.emplace_back(t.path[i], t.path[i + 1]);
        }
    }
    const AttrColumn* symbol = g.nodeAttrs().find(attr::kSymbol);
    if (symbol && symbol->kind == AttrKind::String) {
        in.nodeLabels.resize(g.nodeCount());
        for (size_t i = 0; i < g.nodeCount(); ++i)
            if (symbol->has(i)) in.nodeLabels[i] = symbol->stringAt(i);
    }
    if (inspection.predictionFillShown() && inspection.nodeClasses().size() == g.nodeCount())
        in.nodeClasses = inspection.nodeClasses();
    if (inspection.predictionFillShown() && inspection.nodeValues().size() == g.nodeCount()) {
        in.nodeValues = inspection.nodeValues();
        in.valueLegend = inspection.nodeValueName().toStdString();
    }
    if (!inspection.graphOverlayName().isEmpty()) {
        in.metricName = inspection.graphOverlayName().toStdString();
    } else {
        const auto agg = inspection.aggregation();
        in.metricName = "attention, layer " + std::to_string(inspection.layer()) + ", " +
                        (agg == analysis::HeadAggregation::Single
                             ? "head " + std::to_string(inspection.head())
                             : std::string(analysis::headAggregationName(agg)) + " of heads") +
                        (inspection.query() >= 0 ? ", query " + std::to_string(inspection.query()) : ", mean query");
    }
    return scene::buildGraphAttention(in, theme, size);
}

namespace {

std::string headText(const Inspection& inspection) {
    const auto agg = inspection.aggregation();
    return agg == analysis::HeadAggregation::Single ? "head " + std::to_string(inspection.head())
                                                    : std::string(analysis::headAggregationName(agg)) + " of heads";
}

const model::LayerCapture* captureOf(const model::RunResult& r, int layer) {
    for (const auto& c : r.layers)
        if (c.layer == layer) return &c;
    return nullptr;
}

/// The shown layer's whole matrix (what the matrix view and the sequence strip draw).
std::vector<float> shownMatrix(const Inspection& inspection, const model::LayerCapture** capture, int64_t* size) {
    const InspectionData& d = inspection.data();
    if (!d.result || !d.tokens) throw std::runtime_error("there is no run to draw yet");
    *capture = captureOf(*d.result, inspection.layer());
    if (!*capture) throw std::runtime_error("layer " + std::to_string(inspection.layer()) + " was not captured");
    if ((*capture)->attentionDeferred)
        throw std::runtime_error("layer " + std::to_string(inspection.layer()) +
                                 "'s attention is over the capture budget, so there is no whole matrix to draw; "
                                 "raise Engine ▸ Attention Capture Budget, or use File ▸ Export Data");
    auto m = analysis::attentionMatrix(*d.result, inspection.layer(), inspection.head(), inspection.aggregation(), size);
    if (m.empty()) throw std::runtime_error("layer " + std::to_string(inspection.layer()) + " has no attention");
    return m;
}

}  // namespace

scene::Scene currentFigure(const Inspection& inspection, FigureView view, const FigureContext& context,
                           scene::Theme theme, float size) {
    const InspectionData& d = inspection.data();
    switch (view) {
    case FigureView::Graph: return currentGraphFigure(inspection, theme, size);
    case FigureView::AttentionMatrix: {
        const model::LayerCapture* capture = nullptr;
        int64_t n = 0;
        const auto matrix = shownMatrix(inspection, &capture, &n);
        scene::MatrixFigureInput in;
        in.matrix = &matrix;
        in.size = n;
        in.positions = capture->positions;
        in.tokens = d.tokens.get();
        in.map = context.matrixMap;
        in.query = inspection.query();
        in.title = "Layer " + std::to_string(inspection.layer()) + ", " + headText(inspection);
        return scene::buildAttentionMatrix(in, theme, size);
    }
    case FigureView::HeadGrid: {
        if (!d.result) throw std::runtime_error("there is no run to draw yet");
        scene::HeadGridFigureInput in;
        in.result = d.result.get();
        std::vector<std::vector<double>> values;
        if (context.headMetric != analysis::HeadMetric::None) {
            values = analysis::headMetrics(*d.result, context.headMetric);
            in.metric = &values;
            in.metricName = analysis::headMetricName(context.headMetric);
        }
        in.currentLayer = inspection.layer();
        in.currentHead = inspection.aggregation() == analysis::HeadAggregation::Single ? inspection.head() : -1;
        // The grid's cell scales with the figure: a 480-point figure gives the screen's 56.
        return scene::buildHeadGrid(in, theme, std::max(16.0f, size * 56.0f / 480.0f));
    }
    case FigureView::Sequence: {
        const model::LayerCapture* capture = nullptr;
        int64_t n = 0;
        const auto matrix = shownMatrix(inspection, &capture, &n);
        const int query = inspection.query();
        const auto received = scene::attentionReceived(matrix, n, capture->positions, query, d.tokens->positions.size());
        scene::SequenceFigureInput in;
        in.tokens = d.tokens.get();
        in.attention = &received;
        in.attentionName = "attention received, layer " + std::to_string(inspection.layer()) + ", " + headText(inspection) +
                           (query >= 0 ? ", from query " + std::to_string(query) : ", mean over queries");
        in.query = query;
        return scene::buildSequence(in, theme, size * 1.5f);
    }
    case FigureView::Pruning: {
        if (!context.pruned || !d.tokens) throw std::runtime_error("there is no pruning result yet: prune in the Pruning tab first");
        if (context.pruned->dropped.empty()) throw std::runtime_error("the pruning result has no layers");
        scene::PruningFigureInput in;
        in.positions = d.tokens->positions.size();
        in.dropped = &context.pruned->dropped;
        in.tokens = d.tokens.get();
        const auto& p = *context.pruned;
        char title[160];
        std::snprintf(title, sizeof title, "%.1f%% of the FLOPs, output change %.3g",
                      p.flopsFull > 0 ? 100.0 * p.flopsPruned / p.flopsFull : 100.0, p.change);
        in.title = title;
        return scene::buildPruning(in, theme, size * 2.0f);
    }
    case FigureView::GraphMatrixHeads: {
        // Graph and matrix side by side, the head grid below the graph.
        std::vector<scene::Scene> panels;
        panels.push_back(currentGraphFigure(inspection, theme, size));
        panels.push_back(currentFigure(inspection, FigureView::AttentionMatrix, context, theme, size));
        panels.push_back(currentFigure(inspection, FigureView::HeadGrid, context, theme, size));
        return scene::composeFigures(std::move(panels), {"graph", "matrix", "heads"}, 2, theme, 24.0f);
    }
    }
    throw std::runtime_error("unknown view");
}

void writeFigure(const scene::Scene& scene, const QString& path, double dpi) {
    const QString ext = QFileInfo(path).suffix().toLower();
    const std::filesystem::path file = path.toStdString();
    if (ext == QLatin1String("svg")) scene::writeSvg(scene, file);
    else if (ext == QLatin1String("pdf")) scene::writePdf(scene, file);
    else if (ext == QLatin1String("png")) writePng(scene, file, dpi);
    else throw std::runtime_error("cannot tell the figure format from '" + path.toStdString() + "': use .svg, .pdf or .png");
}

ExportDialog::ExportDialog(const Inspection* inspection, QWidget* parent) : QDialog(parent), inspection_(inspection) {
    setWindowTitle(tr("Export Figure"));
    view_ = new QComboBox(this);
    view_->addItem(tr("Graph with attention (as the canvas shows it)"), int(FigureView::Graph));
    view_->addItem(tr("Attention matrix (the shown layer and head)"), int(FigureView::AttentionMatrix));
    view_->addItem(tr("Head grid (layers × heads)"), int(FigureView::HeadGrid));
    view_->addItem(tr("Token sequence with attention received"), int(FigureView::Sequence));
    view_->addItem(tr("Pruning survivors (the last prune)"), int(FigureView::Pruning));
    view_->addItem(tr("Graph, matrix and head grid on one page"), int(FigureView::GraphMatrixHeads));
    path_ = new QLineEdit(this);
    QSettings settings;
    setView(FigureView(settings.value(QStringLiteral("export/view"), int(FigureView::Graph)).toInt()));
    if (view_->currentIndex() < 0) view_->setCurrentIndex(0);
    path_->setText(settings.value(QStringLiteral("export/path"), QStringLiteral("figure.svg")).toString());
    auto* browse = new QPushButton(tr("Browse…"), this);
    connect(browse, &QPushButton::clicked, this, &ExportDialog::browse);
    auto* pathRow = new QHBoxLayout;
    pathRow->addWidget(path_, 1);
    pathRow->addWidget(browse);
    theme_ = new QComboBox(this);
    theme_->addItem(tr("Paper (white, for publications)"), int(scene::Theme::Paper));
    theme_->addItem(tr("Dark (as the dark screen theme)"), int(scene::Theme::Dark));
    size_ = new QDoubleSpinBox(this);
    size_->setRange(72, 2000);
    size_->setDecimals(0);
    size_->setSuffix(tr(" pt"));
    size_->setValue(settings.value(QStringLiteral("export/size"), 480).toDouble());
    size_->setToolTip(tr("Width of the graph or matrix square in points (1/72 inch); the other views scale with it"));
    dpi_ = new QSpinBox(this);
    dpi_->setRange(36, 1200);
    dpi_->setSuffix(tr(" dpi"));
    dpi_->setValue(settings.value(QStringLiteral("export/dpi"), 300).toInt());
    hint_ = new QLabel(this);
    hint_->setWordWrap(true);
    auto* form = new QFormLayout;
    form->addRow(tr("View"), view_);
    form->addRow(tr("File"), pathRow);
    form->addRow(tr("Theme"), theme_);
    form->addRow(tr("Size"), size_);
    form->addRow(tr("PNG resolution"), dpi_);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    QPushButton* save = buttons->addButton(tr("Export"), QDialogButtonBox::AcceptRole);
    save->setDefault(true);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        if (exportNow()) accept();
        else QMessageBox::warning(this, tr("Could not export"), error_);
    });
    connect(path_, &QLineEdit::textChanged, this, &ExportDialog::updateHints);
    auto* box = new QVBoxLayout(this);
    box->addLayout(form);
    box->addWidget(hint_);
    box->addWidget(buttons);
    updateHints();
}

void ExportDialog::setPath(const QString& path) { path_->setText(path); }
QString ExportDialog::path() const { return path_->text(); }
void ExportDialog::setTheme(scene::Theme theme) { theme_->setCurrentIndex(theme_->findData(int(theme))); }
void ExportDialog::setFigureSize(double points) { size_->setValue(points); }
void ExportDialog::setDpi(int dpi) { dpi_->setValue(dpi); }
void ExportDialog::setView(FigureView view) { view_->setCurrentIndex(view_->findData(int(view))); }
FigureView ExportDialog::view() const { return FigureView(view_->currentData().toInt()); }

void ExportDialog::browse() {
    const QString chosen = QFileDialog::getSaveFileName(this, tr("Export Figure"), path_->text(),
                                                        tr("SVG (*.svg);;PDF (*.pdf);;PNG (*.png)"));
    if (!chosen.isEmpty()) path_->setText(chosen);
}

void ExportDialog::updateHints() {
    const QString ext = QFileInfo(path_->text()).suffix().toLower();
    dpi_->setEnabled(ext == QLatin1String("png"));
    if (ext == QLatin1String("svg") || ext == QLatin1String("pdf"))
        hint_->setText(tr("Vector figure: lines stay lines and text stays text."));
    else if (ext == QLatin1String("png"))
        hint_->setText(tr("Raster figure at the chosen resolution."));
    else
        hint_->setText(tr("Name the file .svg, .pdf or .png."));
}

bool ExportDialog::exportNow() {
    error_.clear();
    try {
        const scene::Scene s = currentFigure(*inspection_, view(), context_, scene::Theme(theme_->currentData().toInt()),
                                             float(size_->value()));
        writeFigure(s, path_->text(), dpi_->value());
    } catch (const std::exception& e) {
        error_ = QString::fromStdString(e.what());
        return false;
    }
    QSettings settings;
    settings.setValue(QStringLiteral("export/path"), path_->text());
    settings.setValue(QStringLiteral("export/size"), size_->value());
    settings.setValue(QStringLiteral("export/dpi"), dpi_->value());
    settings.setValue(QStringLiteral("export/view"), int(view()));
    return true;
}

}  // namespace gts
