#include "PruningView.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <thread>

#include "ColorMaps.h"
#include "TokenColors.h"
#include "analysis/NodeLevel.h"
#include "analysis/Ablation.h"
#include "jobs/JobRunner.h"

namespace gts {

namespace {
constexpr int kCellW = 12, kCellH = 18, kLabelW = 70;
// Okabe–Ito blue and vermillion: distinguishable for colour-blind readers.
const QColor kZeroTPruneColor(0x00, 0x72, 0xB2);
const QColor kRandomColor(0xD5, 0x5E, 0x00);
}  // namespace

PruningView::PruningView(Inspection* inspection, jobs::JobRunner* jobs, QWidget* parent)
    : QWidget(parent), inspection_(inspection), jobs_(jobs) {
    method_ = new QComboBox(this);
    method_->addItem(tr("Zero-TPrune"), int(analysis::PruneMethod::ZeroTPrune));
    method_->addItem(tr("random"), int(analysis::PruneMethod::Random));
    keep_ = new QDoubleSpinBox(this);
    keep_->setRange(0.05, 1.0);
    keep_->setSingleStep(0.05);
    keep_->setValue(0.7);
    keep_->setToolTip(tr("Fraction of the positions left after the last pruning layer"));
    firstLayer_ = new QSpinBox(this);
    lastLayer_ = new QSpinBox(this);
    firstLayer_->setToolTip(tr("Layer l prunes before it runs, by the attention of layer l − 1"));
    prune_ = new QPushButton(tr("Prune"), this);
    sweepButton_ = new QPushButton(tr("Sweep"), this);
    sweepButton_->setToolTip(tr("Both methods at keep 0.9 … 0.3 on this graph (random: 5 seeds)"));
    onGraph_ = new QCheckBox(tr("survival on graph"), this);
    onGraph_->setToolTip(tr("Draw on the graph how long each node's and edge's tokens survive"));
    summary_ = new QLabel(this);
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* controls = new QHBoxLayout;
    controls->addWidget(method_);
    controls->addWidget(new QLabel(tr("keep"), this));
    controls->addWidget(keep_);
    controls->addWidget(new QLabel(tr("layers"), this));
    controls->addWidget(firstLayer_);
    controls->addWidget(new QLabel(QStringLiteral("–"), this));
    controls->addWidget(lastLayer_);
    controls->addWidget(prune_);
    controls->addWidget(sweepButton_);
    controls->addWidget(onGraph_);
    controls->addStretch(1);

    masks_ = new MaskGrid(this);
    masks_->setToolTip(tr("Click a head to switch it off (its output zeroed), a layer label to skip the layer"));
    runMasked_ = new QPushButton(tr("Run masked"), this);
    auto* clearMasks = new QPushButton(tr("All on"), this);
    maskSummary_ = new QLabel(tr("Switch heads or layers off and run to see the output and FLOPs."), this);
    maskSummary_->setWordWrap(true);
    maskSummary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* maskButtons = new QVBoxLayout;
    maskButtons->addWidget(new QLabel(tr("Heads and layers"), this));
    maskButtons->addWidget(runMasked_);
    maskButtons->addWidget(clearMasks);
    maskButtons->addStretch(1);
    auto* maskRow = new QHBoxLayout;
    maskRow->addLayout(maskButtons);
    maskRow->addWidget(masks_);
    maskRow->addWidget(maskSummary_, 1);
    connect(runMasked_, &QPushButton::clicked, this, &PruningView::startMaskedRun);
    connect(clearMasks, &QPushButton::clicked, masks_, &MaskGrid::clear);

    survivors_ = new SurvivorStrip(inspection, this);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(survivors_);
    scroll->setWidgetResizable(false);
    scroll->setFrameShape(QFrame::NoFrame);
    plot_ = new SweepPlot(this);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(controls);
    layout->addWidget(summary_);
    auto* body = new QHBoxLayout;
    body->addWidget(scroll, 1);
    body->addWidget(plot_, 1);
    layout->addLayout(body, 1);
    layout->addLayout(maskRow);

    connect(prune_, &QPushButton::clicked, this, &PruningView::startPrune);
    connect(sweepButton_, &QPushButton::clicked, this, &PruningView::startSweep);
    connect(onGraph_, &QCheckBox::toggled, this, &PruningView::showOnGraph);
    connect(inspection_, &Inspection::dataChanged, this, &PruningView::onDataChanged);
    onDataChanged();
}

QString PruningView::summaryText() const { return summary_->text(); }

QString PruningView::measureName() const {
    const InspectionData& d = inspection_->data();
    if (d.model) return QString::fromLatin1(analysis::outputMeasureName(analysis::outputMeasure(*d.model)));
    if (d.nodeModel) return QString::fromLatin1(analysis::outputMeasureName(analysis::nodeOutputMeasure(d.nodeModel->summary())));
    return {};
}
QString PruningView::maskText() const { return maskSummary_->text(); }

void PruningView::startMaskedRun() {
    if (inspection_->data().nodeModel) {
        startNodeMaskedRun();
        return;
    }
    QString why;
    const auto input = currentInput(&why);
    if (!input) {
        maskSummary_->setText(why);
        return;
    }
    auto m = inspection_->data().model;
    auto tokens = inspection_->data().tokens;
    const auto heads = masks_->headMask();
    const auto layers = masks_->skipLayers();
    const int off = masks_->offCount();
    struct Masked {
        model::RunResult full, masked;
        double flopsFull = 0, flopsMasked = 0, change = 0;
    };
    maskSummary_->setText(tr("Running…"));
    jobs_->submit<std::shared_ptr<const Masked>>(
        "masked-run",
        [m, in = *input, heads, layers](jobs::JobContext& c) {
            auto r = std::make_shared<Masked>();
            model::RunOptions o;
            o.cancel = &c.cancelFlag();
            o.threads = std::max(1, int(std::thread::hardware_concurrency()) - 1);
            r->full = model::runGraphGpt(*m, {in}, o).front();
            o.headMask = heads;
            o.skipLayers = layers;
            r->masked = model::runGraphGpt(*m, {in}, o).front();
            const auto S = static_cast<int64_t>(in.ids.size());
            r->flopsFull = model::graphGptFlops(*m, S);
            r->flopsMasked = analysis::maskedFlops(*m, S, heads, layers);
            r->change = analysis::outputChange(*m, r->full, r->masked);
            return std::shared_ptr<const Masked>(r);
        },
        [this, tokens, off](std::shared_ptr<const Masked> r) {
            if (inspection_->data().tokens != tokens) return;
            auto output = [](const model::RunResult& x) {
                QStringList v;
                if (x.logits.rank() == 1)
                    for (size_t i = 0; i < x.logits.size(); ++i) v << QString::number(x.logits.data()[i], 'g', 5);
                return v.join(QStringLiteral(", "));
            };
            QString text = tr("%1 switched off: FLOPs %2% of the full model; output change (%3) %4")
                               .arg(off)
                               .arg(100.0 * r->flopsMasked / r->flopsFull, 0, 'f', 1)
                               .arg(measureName())
                               .arg(r->change, 0, 'g', 4);
            if (!output(r->full).isEmpty()) text += tr("; prediction %1 → %2").arg(output(r->full), output(r->masked));
            maskSummary_->setText(text);
            emit maskedRunReady();
        },
        [this](const std::string& message) { maskSummary_->setText(tr("Masked run failed: %1").arg(QString::fromStdString(message))); });
}

void PruningView::startNodeMaskedRun() {
    const InspectionData& d = inspection_->data();
    if (!d.graph) {
        maskSummary_->setText(tr("Open a graph to run the model on."));
        return;
    }
    const auto& skipped = masks_->skipLayers();
    if (std::find(skipped.begin(), skipped.end(), true) != skipped.end()) {
        maskSummary_->setText(tr("A node-level layer cannot be skipped (its FFN and norms still run): switch its heads off instead."));
        return;
    }
    auto m = d.nodeModel;
    auto graph = d.graph;
    auto tokens = d.tokens;
    const auto heads = masks_->headMask();
    const int off = masks_->offCount();
    maskSummary_->setText(tr("Running…"));
    jobs_->submit<std::shared_ptr<const analysis::NodeMaskedRun>>(
        "masked-run",
        [m, graph, heads](jobs::JobContext& c) {
            return std::shared_ptr<const analysis::NodeMaskedRun>(
                std::make_shared<analysis::NodeMaskedRun>(analysis::runNodesMasked(*m, *graph, heads, &c.cancelFlag())));
        },
        [this, tokens, off](std::shared_ptr<const analysis::NodeMaskedRun> r) {
            if (inspection_->data().tokens != tokens) return;
            QString text = tr("%1 switched off: output change (%2) %3 (a masked head's work is still done in this "
                              "engine; FLOPs are not estimated for head masks of node-level models)")
                               .arg(off)
                               .arg(measureName())
                               .arg(r->change, 0, 'g', 4);
            if (r->full.logits.rank() == 1 && r->full.logits.size() <= 8) {
                QStringList a, b;
                for (size_t i = 0; i < r->full.logits.size(); ++i) {
                    a << QString::number(r->full.logits.data()[i], 'g', 5);
                    b << QString::number(r->masked.logits.data()[i], 'g', 5);
                }
                text += tr("; %1 %2 → %3")
                            .arg(inspection_->data().nodeModel && inspection_->data().nodeModel->summary().nodeTask
                                     ? tr("mean output over nodes")
                                     : tr("prediction"),
                                 a.join(QStringLiteral(", ")), b.join(QStringLiteral(", ")));
            }
            maskSummary_->setText(text);
            emit maskedRunReady();
        },
        [this](const std::string& message) { maskSummary_->setText(tr("Masked run failed: %1").arg(QString::fromStdString(message))); });
}

void PruningView::onDataChanged() {
    jobs_->cancel("prune");
    jobs_->cancel("sweep");
    const bool haveModel = inspection_->data().model || inspection_->data().nodeModel;
    const int L = inspection_->modelLayers();
    firstLayer_->setRange(1, std::max(1, L - 1));
    lastLayer_->setRange(1, std::max(1, L - 1));
    if (firstLayer_->value() > L - 1) firstLayer_->setValue(1);
    lastLayer_->setValue(std::max(1, L - 1));
    masks_->setShape(L, inspection_->modelHeads());
    runMasked_->setEnabled(haveModel);
    maskSummary_->setText(tr("Switch heads or layers off and run to see the output and FLOPs."));
    jobs_->cancel("masked-run");
    const bool usable = L >= 2;
    prune_->setEnabled(usable);
    sweepButton_->setEnabled(usable);
    sweepButton_->setText(tr("Sweep"));
    result_.reset();
    sweep_.clear();
    survivors_->setResult(nullptr);
    plot_->setPoints({}, {});
    {
        const QSignalBlocker block(onGraph_);
        onGraph_->setChecked(false);
    }
    summary_->setText(!haveModel ? tr("Open a model to prune its tokens.")
                         : usable ? tr("Prune tokens of this graph and compare the output.")
                                  : tr("Pruning needs at least two layers."));
}

std::optional<model::SequenceInput> PruningView::currentInput(QString* why) const {
    const InspectionData& d = inspection_->data();
    if (!d.model || !d.tokens || !d.model->hasVocab) {
        *why = tr("Pruning needs a model with a vocabulary and a graph.");
        return std::nullopt;
    }
    model::SequenceInput input;
    try {
        input.ids = d.tokens->ids(d.model->vocab);
    } catch (const std::exception& e) {
        *why = QString::fromUtf8(e.what());
        return std::nullopt;
    }
    return input;
}

void PruningView::startPrune() {
    const InspectionData& d = inspection_->data();
    const auto nodeModel = d.nodeModel;
    const auto graph = d.graph;
    QString why;
    const auto input = nodeModel ? std::optional<model::SequenceInput>() : currentInput(&why);
    if (!input && !(nodeModel && graph)) {
        summary_->setText(nodeModel ? tr("Open a graph to prune its nodes.") : why);
        return;
    }
    auto m = d.model;
    auto tokens = d.tokens;
    analysis::PruneOptions o;
    o.method = analysis::PruneMethod(method_->currentData().toInt());
    o.schedule.keepRatio = keep_->value();
    o.schedule.firstLayer = firstLayer_->value();
    o.schedule.lastLayer = std::max(firstLayer_->value(), lastLayer_->value());
    o.threads = std::max(1, int(std::thread::hardware_concurrency()) - 1);
    summary_->setText(tr("Pruning…"));
    jobs_->submit<std::shared_ptr<const analysis::PruneResult>>(
        "prune",
        [m, nodeModel, graph, in = input.value_or(model::SequenceInput{}), o](jobs::JobContext& c) mutable {
            o.cancel = &c.cancelFlag();
            return std::shared_ptr<const analysis::PruneResult>(std::make_shared<analysis::PruneResult>(
                nodeModel ? analysis::pruneNodes(*nodeModel, *graph, o) : analysis::prune(*m, in, o)));
        },
        [this, tokens, o](std::shared_ptr<const analysis::PruneResult> r) {
            if (inspection_->data().tokens != tokens) return;
            result_ = r;
            survivors_->setResult(r);
            const auto measure = measureName();
            auto output = [](const model::RunResult& x) {
                QStringList v;
                if (x.logits.rank() == 1)
                    for (size_t i = 0; i < x.logits.size(); ++i) v << QString::number(x.logits.data()[i], 'g', 5);
                return v.join(QStringLiteral(", "));
            };
            QString text = tr("%1, keep %2: %3 → %4 %5; FLOPs %6% of the full run; output change (%7) %8")
                               .arg(QString::fromLatin1(analysis::pruneMethodName(o.method)))
                               .arg(o.schedule.keepRatio, 0, 'f', 2)
                               .arg(r->layerPositions.empty() ? 0 : r->full.positions.size())
                               .arg(r->layerPositions.empty() ? 0 : r->layerPositions.back())
                               .arg(inspection_->data().nodeTokens ? tr("nodes") : tr("positions"))
                               .arg(100.0 * r->flopsPruned / r->flopsFull, 0, 'f', 1)
                               .arg(measure)
                               .arg(r->change, 0, 'g', 4);
            const QString full = output(r->full), pruned = output(r->pruned);
            const bool perNode = inspection_->data().nodeModel && inspection_->data().nodeModel->summary().nodeTask;
            if (!full.isEmpty())
                text += (perNode ? tr("; mean output over the remaining nodes %1 → %2") : tr("; prediction %1 → %2"))
                            .arg(full, pruned);
            summary_->setText(text);
            showOnGraph();
            emit pruneReady();
        },
        [this](const std::string& message) { summary_->setText(tr("Pruning failed: %1").arg(QString::fromStdString(message))); });
}

void PruningView::startSweep() {
    const InspectionData& d = inspection_->data();
    const auto nodeModel = d.nodeModel;
    const auto graph = d.graph;
    QString why;
    const auto input = nodeModel ? std::optional<model::SequenceInput>() : currentInput(&why);
    if (!input && !(nodeModel && graph)) {
        summary_->setText(nodeModel ? tr("Open a graph to prune its nodes.") : why);
        return;
    }
    auto m = d.model;
    auto tokens = d.tokens;
    analysis::SweepOptions o;
    o.keepRatios = {0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3};
    o.schedule.firstLayer = firstLayer_->value();
    o.schedule.lastLayer = std::max(firstLayer_->value(), lastLayer_->value());
    o.randomSeeds = 5;
    o.threads = std::max(1, int(std::thread::hardware_concurrency()) - 1);
    sweepButton_->setEnabled(false);
    jobs_->submit<std::vector<analysis::SweepPoint>>(
        "sweep",
        [m, nodeModel, graph, in = input.value_or(model::SequenceInput{}), o](jobs::JobContext& c) mutable {
            o.cancel = &c.cancelFlag();
            o.progress = [&c](int64_t done, int64_t total) { c.progress(double(done) / double(total), "sweep"); };
            return nodeModel ? analysis::pruneNodesSweep(*nodeModel, {graph.get()}, o) : analysis::pruneSweep(*m, {in}, o);
        },
        [this, tokens](std::vector<analysis::SweepPoint> points) {
            sweepButton_->setEnabled(true);
            sweepButton_->setText(tr("Sweep"));
            if (inspection_->data().tokens != tokens) return;
            sweep_ = points;
            plot_->setPoints(std::move(points),
                             measureName());
            QString text = summary_->text();
            if (text.startsWith(tr("Sweeping"))) text.clear();
            summary_->setText(text.isEmpty() ? tr("Sweep: output change against FLOPs saved on this graph (random: mean of 5 seeds).")
                                             : text);
            emit sweepReady();
        },
        [this](const std::string& message) {
            sweepButton_->setEnabled(true);
            sweepButton_->setText(tr("Sweep"));
            summary_->setText(tr("Sweep failed: %1").arg(QString::fromStdString(message)));
        },
        [this](double fraction, const std::string&) { sweepButton_->setText(tr("Sweep %1%").arg(int(fraction * 100))); });
}

void PruningView::showOnGraph() {
    const InspectionData& d = inspection_->data();
    if (!onGraph_->isChecked() || !result_ || !d.graph || !d.tokens) {
        if (inspection_->graphOverlayName().startsWith(tr("survival"))) inspection_->clearGraphOverlay();
        return;
    }
    // Survival of a position: the fraction of layers it runs in; a node or an edge takes the
    // best of its positions (it is still seen while any of its tokens is).
    const int L = int(result_->keep.size());
    const size_t S = d.tokens->positionSources.size();
    std::vector<float> survival(S, 1.0f);
    for (int l = 0; l < L; ++l)
        for (int32_t p : result_->dropped[size_t(l)])
            if (size_t(p) < S) survival[size_t(p)] = float(l) / float(L);
    analysis::GraphAttention g;
    g.node.assign(d.graph->nodeCount(), 0.0f);
    g.edge.assign(d.graph->edgeCount(), 0.0f);
    for (size_t p = 0; p < S; ++p) {
        const PositionSource& src = d.tokens->positionSources[p];
        if (src.node != kNoIndex && src.node < g.node.size()) g.node[src.node] = std::max(g.node[src.node], survival[p]);
        if (src.edgeOrigin != EdgeOrigin::Jump && src.edge != kNoIndex && src.edge < g.edge.size())
            g.edge[src.edge] = std::max(g.edge[src.edge], survival[p]);
    }
    inspection_->setGraphOverlay(tr("survival (fraction of layers a token runs in)"), std::move(g));
}

// --- SurvivorStrip ---------------------------------------------------------------------------

SurvivorStrip::SurvivorStrip(Inspection* inspection, QWidget* parent) : QWidget(parent), inspection_(inspection) {
    setMouseTracking(true);
    connect(inspection_, &Inspection::hoverChanged, this, qOverload<>(&QWidget::update));
    connect(inspection_, &Inspection::selectionChanged, this, qOverload<>(&QWidget::update));
}

void SurvivorStrip::setResult(std::shared_ptr<const analysis::PruneResult> result) {
    result_ = std::move(result);
    present_.clear();
    if (result_) {
        const size_t S = result_->full.positions.size();
        std::vector<uint8_t> now(S, 1);
        for (size_t l = 0; l < result_->dropped.size(); ++l) {
            for (int32_t p : result_->dropped[l])
                if (size_t(p) < S) now[size_t(p)] = 0;
            present_.push_back(now);
        }
    }
    resize(sizeHint());
    update();
}

bool SurvivorStrip::present(int layer, int position) const {
    return layer >= 0 && size_t(layer) < present_.size() && position >= 0 &&
           size_t(position) < present_[size_t(layer)].size() && present_[size_t(layer)][size_t(position)];
}

QSize SurvivorStrip::sizeHint() const {
    const int S = present_.empty() ? 0 : int(present_.front().size());
    return {kLabelW + S * kCellW + 8, int(present_.size()) * (kCellH + 3) + 8};
}

QRect SurvivorStrip::cellRect(int layer, int position) const {
    return {kLabelW + position * kCellW, 4 + layer * (kCellH + 3), kCellW - 1, kCellH};
}

void SurvivorStrip::paintEvent(QPaintEvent*) {
    QPainter p(this);
    const QPalette pal = palette();
    p.fillRect(rect(), pal.color(QPalette::Base));
    if (present_.empty()) return;
    const InspectionData& d = inspection_->data();
    const int hoverPosition = inspection_->hover().position;
    for (size_t l = 0; l < present_.size(); ++l) {
        const int count = int(std::count(present_[l].begin(), present_[l].end(), uint8_t(1)));
        p.setPen(pal.color(QPalette::Text));
        p.drawText(QRect(2, cellRect(int(l), 0).top(), kLabelW - 6, kCellH), Qt::AlignVCenter | Qt::AlignLeft,
                   tr("L%1 · %2").arg(l).arg(count));
        for (size_t s = 0; s < present_[l].size(); ++s) {
            const QRect c = cellRect(int(l), int(s));
            if (present_[l][s]) {
                TokenRole role = TokenRole::Eos;
                if (d.tokens && s < d.tokens->sources.size() && !d.tokens->sources[s].empty())
                    role = d.tokens->sources[s].front().role;
                p.fillRect(c, tokenRoleColor(role));
            } else {
                p.fillRect(c, pal.color(QPalette::Window));
                p.setPen(pal.color(QPalette::Mid));
                p.drawLine(c.topLeft(), c.bottomRight());
            }
            if (int(s) == hoverPosition) {
                p.setPen(QPen(pal.color(QPalette::Highlight), 2));
                p.drawRect(c.adjusted(0, 0, -1, -1));
            }
        }
    }
}

void SurvivorStrip::mouseMoveEvent(QMouseEvent* event) {
    const int position = (int(event->position().x()) - kLabelW) / kCellW;
    if (present_.empty() || event->position().x() < kLabelW || position >= int(present_.front().size())) {
        inspection_->setHover({});
        return;
    }
    inspection_->setHover(inspection_->pointedAtPosition(position));
}

void SurvivorStrip::leaveEvent(QEvent*) { inspection_->setHover({}); }

// --- MaskGrid ------------------------------------------------------------------------------

namespace {
constexpr int kMaskCell = 18, kMaskLabelW = 34;
}

MaskGrid::MaskGrid(QWidget* parent) : QWidget(parent) {}

void MaskGrid::setShape(int layers, int heads) {
    heads_.assign(size_t(std::max(0, layers)), std::vector<bool>(size_t(std::max(0, heads)), false));
    layers_.assign(size_t(std::max(0, layers)), false);
    updateGeometry();
    update();
}

void MaskGrid::setHeadOff(int layer, int head, bool off) {
    if (layer < 0 || size_t(layer) >= heads_.size() || head < 0 || size_t(head) >= heads_[size_t(layer)].size()) return;
    heads_[size_t(layer)][size_t(head)] = off;
    update();
    emit changed();
}

void MaskGrid::setLayerSkipped(int layer, bool skipped) {
    if (layer < 0 || size_t(layer) >= layers_.size()) return;
    layers_[size_t(layer)] = skipped;
    update();
    emit changed();
}

void MaskGrid::clear() {
    for (auto& row : heads_) std::fill(row.begin(), row.end(), false);
    std::fill(layers_.begin(), layers_.end(), false);
    update();
    emit changed();
}

int MaskGrid::offCount() const {
    int n = 0;
    for (size_t l = 0; l < heads_.size(); ++l)
        n += layers_[l] ? int(heads_[l].size()) : int(std::count(heads_[l].begin(), heads_[l].end(), true));
    return n;
}

QRect MaskGrid::cellRect(int layer, int head) const {
    return {kMaskLabelW + head * kMaskCell, 2 + layer * kMaskCell, kMaskCell - 2, kMaskCell - 2};
}

QRect MaskGrid::layerLabelRect(int layer) const { return {0, 2 + layer * kMaskCell, kMaskLabelW - 4, kMaskCell - 2}; }

QSize MaskGrid::sizeHint() const {
    const int heads = heads_.empty() ? 0 : int(heads_.front().size());
    return {kMaskLabelW + heads * kMaskCell + 4, int(heads_.size()) * kMaskCell + 6};
}

void MaskGrid::paintEvent(QPaintEvent*) {
    QPainter p(this);
    const QPalette pal = palette();
    for (size_t l = 0; l < heads_.size(); ++l) {
        const QRect label = layerLabelRect(int(l));
        p.setPen(layers_[l] ? pal.color(QPalette::Mid) : pal.color(QPalette::Text));
        QFont f = font();
        f.setStrikeOut(layers_[l]);
        p.setFont(f);
        p.drawText(label, Qt::AlignVCenter | Qt::AlignRight, tr("L%1").arg(l));
        for (size_t h = 0; h < heads_[l].size(); ++h) {
            const QRect c = cellRect(int(l), int(h));
            const bool off = layers_[l] || heads_[l][h];
            p.fillRect(c, off ? pal.color(QPalette::Window) : pal.color(QPalette::Highlight));
            p.setPen(pal.color(QPalette::Mid));
            p.drawRect(c.adjusted(0, 0, -1, -1));
            if (off) p.drawLine(c.topLeft(), c.bottomRight());
        }
    }
}

void MaskGrid::mousePressEvent(QMouseEvent* event) {
    const QPoint at = event->position().toPoint();
    for (size_t l = 0; l < heads_.size(); ++l) {
        if (layerLabelRect(int(l)).contains(at)) {
            setLayerSkipped(int(l), !layers_[l]);
            return;
        }
        for (size_t h = 0; h < heads_[l].size(); ++h)
            if (cellRect(int(l), int(h)).contains(at)) {
                setHeadOff(int(l), int(h), !heads_[l][h]);
                return;
            }
    }
}

// --- SweepPlot -----------------------------------------------------------------------------

SweepPlot::SweepPlot(QWidget* parent) : QWidget(parent) { setMinimumHeight(150); }

void SweepPlot::setPoints(std::vector<analysis::SweepPoint> points, const QString& measure) {
    points_ = std::move(points);
    measure_ = measure;
    update();
}

void SweepPlot::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    p.fillRect(rect(), pal.color(QPalette::Base));
    const QFontMetrics fm(font());
    const QRectF r(fm.horizontalAdvance(QStringLiteral("0.000")) + 12, 8,
                   width() - fm.horizontalAdvance(QStringLiteral("0.000")) - 22, height() - 2.6 * fm.height() - 8);
    p.setPen(pal.color(QPalette::Mid));
    p.drawRect(r);
    p.setPen(pal.color(QPalette::Text));
    if (points_.empty()) {
        p.drawText(rect(), Qt::AlignCenter, tr("Sweep to see output change against FLOPs saved."));
        return;
    }
    double xMax = 0.0, yMax = 0.0;
    for (const auto& pt : points_) {
        xMax = std::max(xMax, 1.0 - pt.flopsRatio);
        yMax = std::max(yMax, pt.meanChange);
    }
    xMax = xMax > 0 ? xMax * 1.05 : 1.0;
    yMax = yMax > 0 ? yMax * 1.1 : 1.0;
    auto at = [&](const analysis::SweepPoint& pt) {
        return QPointF(r.left() + (1.0 - pt.flopsRatio) / xMax * r.width(), r.bottom() - pt.meanChange / yMax * r.height());
    };
    p.drawText(QRectF(0, r.top() - 2, r.left() - 4, fm.height()), Qt::AlignRight, QString::number(yMax, 'g', 3));
    p.drawText(QRectF(0, r.bottom() - fm.height() + 2, r.left() - 4, fm.height()), Qt::AlignRight, QStringLiteral("0"));
    p.drawText(QRectF(r.left(), r.bottom() + 2, 60, fm.height()), Qt::AlignLeft, QStringLiteral("0%"));
    p.drawText(QRectF(r.right() - 60, r.bottom() + 2, 60, fm.height()), Qt::AlignRight, QStringLiteral("%1%").arg(100.0 * xMax, 0, 'f', 0));
    p.drawText(QRectF(r.left(), r.bottom() + 2 + fm.height(), r.width(), fm.height()), Qt::AlignHCenter,
               tr("FLOPs saved → ; output change (%1) ↑").arg(measure_));
    int legendY = int(r.top()) + 4;
    for (const auto method : {analysis::PruneMethod::ZeroTPrune, analysis::PruneMethod::Random}) {
        const QColor color = method == analysis::PruneMethod::ZeroTPrune ? kZeroTPruneColor : kRandomColor;
        QPainterPath path;
        bool first = true;
        std::vector<analysis::SweepPoint> line;
        for (const auto& pt : points_)
            if (pt.method == method) line.push_back(pt);
        std::sort(line.begin(), line.end(), [](const auto& a, const auto& b) { return a.flopsRatio > b.flopsRatio; });
        for (const auto& pt : line) {
            if (first) path.moveTo(at(pt));
            else path.lineTo(at(pt));
            first = false;
        }
        p.setPen(QPen(color, 2.0, method == analysis::PruneMethod::Random ? Qt::DashLine : Qt::SolidLine));
        p.setBrush(Qt::NoBrush);
        p.drawPath(path);
        p.setBrush(color);
        for (const auto& pt : line) p.drawEllipse(at(pt), 3.5, 3.5);
        p.drawLine(QPointF(r.left() + 8, legendY + fm.height() / 2), QPointF(r.left() + 30, legendY + fm.height() / 2));
        p.setPen(pal.color(QPalette::Text));
        p.drawText(QPointF(r.left() + 36, legendY + fm.ascent()), QString::fromLatin1(analysis::pruneMethodName(method)));
        legendY += fm.height() + 2;
    }
}

}  // namespace gts
