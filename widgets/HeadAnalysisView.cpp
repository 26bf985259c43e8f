#include "HeadAnalysisView.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QPushButton>
#include <QTableWidget>
#include <QToolTip>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <thread>
#include <numeric>

#include "ColorMaps.h"
#include "analysis/NodeLevel.h"
#include "analysis/Saliency.h"
#include "jobs/JobRunner.h"

namespace gts {

namespace {

/// A table cell that sorts by its number.
QTableWidgetItem* numberItem(double value, int decimals) {
    auto* item = new QTableWidgetItem;
    item->setData(Qt::DisplayRole, std::round(value * std::pow(10.0, decimals)) / std::pow(10.0, decimals));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    item->setFlags(item->flags() & ~Qt::ItemIsEditable);
    return item;
}

double named(const analysis::HeadStats& s, const QString& name) {
    if (name == QLatin1String("hop_1_lift"))
        return s.hopChance.size() > 1 && s.hopChance[1] > 0 ? s.hopProfile[1] / s.hopChance[1] : 0.0;
    for (const auto& [n, v] : analysis::namedValues(s))
        if (name == QLatin1String(n.c_str())) return v;
    return 0.0;
}

}  // namespace

double spearman(const std::vector<double>& x, const std::vector<double>& y) {
    const size_t n = x.size();
    if (n < 3 || y.size() != n) return std::nan("");
    auto ranks = [n](const std::vector<double>& v) {
        std::vector<size_t> order(n);
        std::iota(order.begin(), order.end(), size_t{0});
        std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return v[a] < v[b]; });
        std::vector<double> r(n);
        for (size_t i = 0; i < n;) {
            size_t j = i;
            while (j + 1 < n && v[order[j + 1]] == v[order[i]]) ++j;
            for (size_t k = i; k <= j; ++k) r[order[k]] = 0.5 * double(i + j);
            i = j + 1;
        }
        return r;
    };
    const auto rx = ranks(x), ry = ranks(y);
    const double mx = std::accumulate(rx.begin(), rx.end(), 0.0) / double(n);
    const double my = std::accumulate(ry.begin(), ry.end(), 0.0) / double(n);
    double sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < n; ++i) {
        sxy += (rx[i] - mx) * (ry[i] - my);
        sxx += (rx[i] - mx) * (rx[i] - mx);
        syy += (ry[i] - my) * (ry[i] - my);
    }
    return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : std::nan("");
}

const std::vector<std::pair<QString, QString>>& HeadAnalysisView::columns() {
    static const std::vector<std::pair<QString, QString>> c = {
        {"entropy", QObject::tr("entropy")},
        {"confidence", QObject::tr("confidence")},
        {"self_mass", QObject::tr("self")},
        {"sink_mass", QObject::tr("sink")},
        {"seq_distance", QObject::tr("seq dist")},
        {"same_node_mass", QObject::tr("same node")},
        {"hop_0", QObject::tr("hop 0")},
        {"hop_1", QObject::tr("hop 1")},
        {"hop_1_lift", QObject::tr("hop 1 ×chance")},
        {"mean_hops", QObject::tr("mean hops")},
    };
    return c;
}

HeadAnalysisView::HeadAnalysisView(Inspection* inspection, jobs::JobRunner* jobs, QWidget* parent)
    : QWidget(parent), inspection_(inspection), jobs_(jobs) {
    auto* top = new QHBoxLayout;
    ablate_ = new QPushButton(tr("Ablate heads"), this);
    ablate_->setToolTip(tr("Zero each head (and skip each layer) in turn and measure how the output moves"));
    saliency_ = new QComboBox(this);
    saliency_->addItem(tr("attention on graph"), QString());
    saliency_->addItem(tr("saliency: rollout"), QStringLiteral("rollout"));
    saliency_->addItem(tr("saliency: flow"), QStringLiteral("flow"));
    saliency_->setToolTip(tr("Draw on the graph: the current attention, or input saliency (Abnar & Zuidema 2020)"));
    status_ = new QLabel(this);
    status_->setWordWrap(true);
    top->addWidget(ablate_);
    top->addWidget(saliency_);
    top->addStretch(1);

    table_ = new QTableWidget(this);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->setSortingEnabled(true);

    auto* scatterRow = new QHBoxLayout;
    scatterMetric_ = new QComboBox(this);
    for (const auto& [key, label] : columns()) scatterMetric_->addItem(label, key);
    scatterRow->addWidget(new QLabel(tr("Scatter:"), this));
    scatterRow->addWidget(scatterMetric_);
    scatterRow->addWidget(new QLabel(tr("against causal Δ"), this));
    scatterRow->addStretch(1);
    scatter_ = new MetricScatter(inspection, this);

    // The head card: pattern thumbnail, metrics, ablation effect of the current head.
    cardImage_ = new QLabel(this);
    cardImage_->setFixedSize(128, 128);
    cardImage_->setAlignment(Qt::AlignCenter);
    cardText_ = new QLabel(this);
    cardText_->setTextFormat(Qt::RichText);
    cardText_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    cardText_->setWordWrap(true);
    auto* card = new QHBoxLayout;
    card->addWidget(cardImage_, 0, Qt::AlignTop);
    card->addWidget(cardText_, 1);

    // The table and the scatter side by side: the view lives in a wide, short dock.
    auto* right = new QVBoxLayout;
    right->addLayout(card);
    right->addLayout(scatterRow);
    right->addWidget(scatter_, 1);
    auto* body = new QHBoxLayout;
    body->addWidget(table_, 3);
    body->addLayout(right, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(top);
    layout->addWidget(status_);
    layout->addLayout(body, 1);

    connect(ablate_, &QPushButton::clicked, this, &HeadAnalysisView::startAblation);
    connect(saliency_, &QComboBox::currentIndexChanged, this,
            [this] { showSaliency(saliency_->currentData().toString()); });
    connect(scatterMetric_, &QComboBox::currentIndexChanged, this, &HeadAnalysisView::fillTable);
    connect(inspection_, &Inspection::dataChanged, this, &HeadAnalysisView::onDataChanged);
    connect(inspection_, &Inspection::analysisChanged, this, &HeadAnalysisView::fillTable);
    connect(inspection_, &Inspection::selectionChanged, this, &HeadAnalysisView::updateCard);
    connect(inspection_, &Inspection::selectionChanged, this, &HeadAnalysisView::syncSelection);
    connect(table_, &QTableWidget::itemSelectionChanged, this, [this] {
        if (filling_) return;
        const auto rows = table_->selectionModel()->selectedRows();
        if (rows.isEmpty()) return;
        const QTableWidgetItem* item = table_->item(rows.front().row(), 0);
        if (!item) return;
        inspection_->setAggregation(analysis::HeadAggregation::Single);
        inspection_->setLayerHead(item->data(Qt::UserRole).toInt(), item->data(Qt::UserRole + 1).toInt());
    });
    onDataChanged();
}

QString HeadAnalysisView::statusText() const { return status_->text(); }

void HeadAnalysisView::onDataChanged() {
    // A new run: its analyses are gone (the Inspection cleared them); saliency follows.
    jobs_->cancel("ablate");
    if (saliency_->currentIndex() != 0) {
        const QSignalBlocker block(saliency_);
        saliency_->setCurrentIndex(0);
    }
    computeStats();
    fillTable();
}

void HeadAnalysisView::computeStats() {
    const InspectionData& d = inspection_->data();
    const bool haveModel = d.model || d.nodeModel;
    if (!d.result || !d.tokens || !d.graph || !haveModel || d.result->layers.empty()) {
        status_->setText(haveModel ? tr("No run with attention yet.") : tr("Open a model to analyse its heads."));
        return;
    }
    auto result = d.result;
    auto tokens = d.tokens;
    auto graph = d.graph;
    const bool causal = d.model && d.model->config.causalAttention;
    status_->setText(tr("Computing head metrics…"));
    jobs_->submit<std::shared_ptr<const analysis::RunHeadStats>>(
        "head-stats",
        [result, tokens, graph, causal, heads = inspection_->modelHeads()](jobs::JobContext& context) {
            analysis::HeadStatsOptions o;
            o.causal = causal;
            auto stats = std::make_shared<analysis::RunHeadStats>(analysis::computeHeadStats(*result, *tokens, *graph, o));
            context.throwIfCancelled();
            // Similar heads: JSD over all pairs, clustered into as many groups as a layer has heads.
            analysis::annotateSimilarity(*stats, analysis::headSimilarity(*result, false), heads);
            return std::shared_ptr<const analysis::RunHeadStats>(std::move(stats));
        },
        [this, result](std::shared_ptr<const analysis::RunHeadStats> stats) {
            if (inspection_->data().result != result) return;  // a newer run arrived
            status_->setText(tr("%1 heads. Sort by a column; click a row to show that head.")
                                 .arg(stats->heads.size()));
            inspection_->setHeadStats(std::move(stats));
            emit statsReady();
        },
        [this](const std::string& message) { status_->setText(tr("Head metrics failed: %1").arg(QString::fromStdString(message))); });
}

void HeadAnalysisView::startAblation() {
    const InspectionData& d = inspection_->data();
    if (d.nodeModel && d.graph) {
        startNodeAblation();
        return;
    }
    if (!d.model || !d.tokens || !d.model->hasVocab) {
        status_->setText(tr("Ablation needs a model with a vocabulary and a graph."));
        return;
    }
    model::SequenceInput input;
    try {
        input.ids = d.tokens->ids(d.model->vocab);
    } catch (const std::exception& e) {
        status_->setText(tr("Cannot ablate: %1").arg(QString::fromUtf8(e.what())));
        return;
    }
    auto m = d.model;
    auto result = d.result;
    ablate_->setEnabled(false);
    status_->setText(tr("Ablating %1 heads and %2 layers…").arg(m->config.numLayers * m->config.numHeads).arg(m->config.numLayers));
    jobs_->submit<std::shared_ptr<const analysis::Ablation>>(
        "ablate",
        [m, input](jobs::JobContext& c) {
            analysis::AblationOptions o;
            o.cancel = &c.cancelFlag();
            o.progress = [&c](int64_t done, int64_t total) { c.progress(double(done) / double(total), "ablation"); };
            o.threads = std::max(1, int(std::thread::hardware_concurrency()) - 1);
            return std::shared_ptr<const analysis::Ablation>(std::make_shared<analysis::Ablation>(analysis::ablate(*m, input, o)));
        },
        [this, result](std::shared_ptr<const analysis::Ablation> a) {
            ablate_->setEnabled(true);
            if (inspection_->data().result != result) return;
            status_->setText(tr("Ablated: causal Δ is the output change (%1) with that head zeroed.")
                                 .arg(QString::fromLatin1(analysis::outputMeasureName(a->measure))));
            inspection_->setAblation(std::move(a));
            emit ablationReady();
        },
        [this](const std::string& message) {
            ablate_->setEnabled(true);
            status_->setText(tr("Ablation failed: %1").arg(QString::fromStdString(message)));
        },
        [this](double fraction, const std::string&) { status_->setText(tr("Ablating… %1%").arg(int(fraction * 100))); });
}

void HeadAnalysisView::startNodeAblation() {
    const InspectionData& d = inspection_->data();
    auto m = d.nodeModel;
    auto graph = d.graph;
    auto result = d.result;
    const auto& s = m->summary();
    ablate_->setEnabled(false);
    status_->setText(tr("Ablating %1 heads and the attention of %2 layers…").arg(s.numLayers * s.numHeads).arg(s.numLayers));
    jobs_->submit<std::shared_ptr<const analysis::Ablation>>(
        "ablate",
        [m, graph](jobs::JobContext& c) {
            analysis::AblationOptions o;
            o.cancel = &c.cancelFlag();
            o.progress = [&c](int64_t done, int64_t total) { c.progress(double(done) / double(total), "ablation"); };
            o.threads = std::max(1, int(std::thread::hardware_concurrency()) - 1);
            return std::shared_ptr<const analysis::Ablation>(
                std::make_shared<analysis::Ablation>(analysis::ablateNodes(*m, *graph, o)));
        },
        [this, result](std::shared_ptr<const analysis::Ablation> a) {
            ablate_->setEnabled(true);
            if (inspection_->data().result != result) return;
            status_->setText(tr("Ablated: causal Δ is the output change (%1) with that head zeroed; a layer's Δ "
                                "zeroes all of its heads.")
                                 .arg(QString::fromLatin1(analysis::outputMeasureName(a->measure))));
            inspection_->setAblation(std::move(a));
            emit ablationReady();
        },
        [this](const std::string& message) {
            ablate_->setEnabled(true);
            status_->setText(tr("Ablation failed: %1").arg(QString::fromStdString(message)));
        },
        [this](double fraction, const std::string&) { status_->setText(tr("Ablating… %1%").arg(int(fraction * 100))); });
}

void HeadAnalysisView::showSaliency(const QString& method) {
    if (method.isEmpty()) {
        jobs_->cancel("saliency");
        inspection_->clearGraphOverlay();
        return;
    }
    const InspectionData& d = inspection_->data();
    if (!d.result || !d.graph || !d.tokens) return;
    auto result = d.result;
    auto graph = d.graph;
    auto tokens = d.tokens;
    const bool pooled = d.model && d.model->weights.head == model::HeadKind::Task;
    jobs_->submit<analysis::Saliency>(
        "saliency",
        [result, graph, tokens, method, pooled](jobs::JobContext&) {
            const auto target = pooled ? analysis::SaliencyTarget::LastPosition : analysis::SaliencyTarget::AllPositions;
            analysis::Saliency s = method == QLatin1String("flow") ? analysis::attentionFlow(*result, target)
                                                                  : analysis::attentionRollout(*result, target);
            analysis::saliencyOnGraph(s, *graph, *tokens);
            return s;
        },
        [this, result, method](analysis::Saliency s) {
            if (inspection_->data().result != result) return;
            analysis::GraphAttention g;
            g.node.assign(s.node.begin(), s.node.end());
            g.edge.assign(s.edge.begin(), s.edge.end());
            inspection_->setGraphOverlay(method == QLatin1String("flow") ? tr("saliency (attention flow)")
                                                                         : tr("saliency (attention rollout)"),
                                         std::move(g));
            status_->setText(tr("Saliency of each input for the %1, drawn on the graph.")
                                 .arg(inspection_->data().model && inspection_->data().model->weights.head == model::HeadKind::Task
                                          ? tr("prediction") : tr("outputs")));
            emit saliencyReady();
        },
        [this](const std::string& message) {
            status_->setText(tr("Saliency: %1").arg(QString::fromStdString(message)));
            const QSignalBlocker block(saliency_);
            saliency_->setCurrentIndex(0);
        });
}

void HeadAnalysisView::fillTable() {
    const auto& stats = inspection_->headStats();
    const auto& ablation = inspection_->ablation();
    filling_ = true;
    table_->setSortingEnabled(false);
    table_->clear();
    QStringList headers = {tr("head")};
    for (const auto& [key, label] : columns()) headers << label;
    headers << tr("cluster") << tr("most similar (JSD)") << tr("no-op") << tr("causal Δ");
    table_->setColumnCount(int(headers.size()));
    table_->setHorizontalHeaderLabels(headers);
    table_->setRowCount(stats ? int(stats->heads.size()) : 0);
    std::vector<MetricScatter::Point> points;
    const QString scatterKey = scatterMetric_->currentData().toString();
    if (stats) {
        for (size_t r = 0; r < stats->heads.size(); ++r) {
            const analysis::HeadStats& s = stats->heads[r];
            auto* name = new QTableWidgetItem(QStringLiteral("%1.%2").arg(s.layer).arg(s.head));
            name->setData(Qt::UserRole, s.layer);
            name->setData(Qt::UserRole + 1, s.head);
            name->setFlags(name->flags() & ~Qt::ItemIsEditable);
            name->setToolTip(tr("layer %1, head %2").arg(s.layer).arg(s.head));
            table_->setItem(int(r), 0, name);
            int col = 1;
            for (const auto& [key, label] : columns()) table_->setItem(int(r), col++, numberItem(named(s, key), key == "seq_distance" || key == "mean_hops" ? 2 : 3));
            auto* cluster = numberItem(s.cluster, 0);
            cluster->setToolTip(tr("heads in one cluster attend alike (average-linkage clustering by Jensen–Shannon divergence)"));
            table_->setItem(int(r), col++, cluster);
            auto* nearest = new QTableWidgetItem(s.nearestLayer >= 0 ? QStringLiteral("%1.%2 (%3)").arg(s.nearestLayer).arg(s.nearestHead).arg(s.nearestJsd, 0, 'f', 3) : QString());
            nearest->setData(Qt::UserRole, s.nearestJsd);
            nearest->setFlags(nearest->flags() & ~Qt::ItemIsEditable);
            table_->setItem(int(r), col++, nearest);
            auto* noop = new QTableWidgetItem(s.noOp ? tr("yes") : QString());
            noop->setToolTip(tr("sink mass %1 (≥ 0.5: the head mostly attends to sinks)").arg(s.sinkMass, 0, 'f', 3));
            table_->setItem(int(r), col++, noop);
            double causal = std::nan("");
            if (ablation && size_t(s.layer) < ablation->headChange.size() &&
                size_t(s.head) < ablation->headChange[size_t(s.layer)].size())
                causal = ablation->headChange[size_t(s.layer)][size_t(s.head)];
            table_->setItem(int(r), col++, std::isnan(causal) ? new QTableWidgetItem(QStringLiteral("–")) : numberItem(causal, 4));
            if (!std::isnan(causal)) points.push_back({s.layer, s.head, named(s, scatterKey), causal});
        }
    }
    table_->setSortingEnabled(true);
    filling_ = false;
    QString yLabel = tr("causal Δ");
    if (ablation) yLabel += QStringLiteral(" (%1)").arg(QString::fromLatin1(analysis::outputMeasureName(ablation->measure)));
    scatter_->setPoints(std::move(points), scatterMetric_->currentText(), yLabel);
    syncSelection();
}

void HeadAnalysisView::syncSelection() {
    if (filling_) return;
    filling_ = true;
    for (int r = 0; r < table_->rowCount(); ++r) {
        const QTableWidgetItem* item = table_->item(r, 0);
        if (item && item->data(Qt::UserRole).toInt() == inspection_->layer() &&
            item->data(Qt::UserRole + 1).toInt() == inspection_->head() &&
            inspection_->aggregation() == analysis::HeadAggregation::Single) {
            table_->selectRow(r);
            filling_ = false;
            scatter_->update();
            updateCard();
            return;
        }
    }
    table_->clearSelection();
    filling_ = false;
    scatter_->update();
    updateCard();
}

QString HeadAnalysisView::cardText() const { return cardText_->text(); }

void HeadAnalysisView::updateCard() {
    const auto& stats = inspection_->headStats();
    const bool single = inspection_->aggregation() == analysis::HeadAggregation::Single;
    const analysis::HeadStats* s = nullptr;
    if (stats && single)
        for (const auto& h : stats->heads)
            if (h.layer == inspection_->layer() && h.head == inspection_->head()) s = &h;
    if (!s) {
        cardImage_->clear();
        cardText_->setText(stats ? tr("Pick a head (a row, a point, or a head-grid cell) to see its card.") : QString());
        return;
    }
    // The pattern: the attention matrix, viridis scaled to its largest weight.
    const auto& a = inspection_->attention();
    const auto n = int(inspection_->attentionSize());
    if (n > 0 && a.size() == size_t(n) * size_t(n)) {
        QImage image(n, n, QImage::Format_RGB32);
        const float top = std::max(1e-12f, *std::max_element(a.begin(), a.end()));
        for (int i = 0; i < n; ++i) {
            auto* line = reinterpret_cast<uint32_t*>(image.scanLine(i));
            for (int j = 0; j < n; ++j)
                line[j] = colormaps::argb(colormaps::ColorMap::Viridis, a[size_t(i) * size_t(n) + size_t(j)] / top);
        }
        cardImage_->setPixmap(QPixmap::fromImage(image.scaled(cardImage_->size(), Qt::IgnoreAspectRatio, Qt::FastTransformation)));
    }
    QString text = tr("<b>Head %1.%2</b>").arg(s->layer).arg(s->head);
    if (s->noOp) text += tr(" — <i>no-op</i> (%1 of its attention on sinks)").arg(s->sinkMass, 0, 'f', 2);
    if (s->nearestLayer >= 0)
        text += tr("<br>most like head %1.%2 (JSD %3), cluster %4").arg(s->nearestLayer).arg(s->nearestHead).arg(s->nearestJsd, 0, 'f', 3).arg(s->cluster);
    text += tr("<br>entropy %1 · confidence %2 · self %3<br>sequence distance %4 · same node %5")
                .arg(s->entropy, 0, 'f', 3).arg(s->confidence, 0, 'f', 3).arg(s->selfMass, 0, 'f', 3)
                .arg(s->sequenceDistance, 0, 'f', 2).arg(s->sameNodeMass, 0, 'f', 3);
    if (s->hopChance.size() > 1 && s->hopChance[1] > 0)
        text += tr("<br>1 hop: %1 of its attention, %2× chance · mean hops %3")
                    .arg(s->hopProfile[1], 0, 'f', 3).arg(s->hopProfile[1] / s->hopChance[1], 0, 'f', 2).arg(s->meanHops, 0, 'f', 2);
    if (const auto& ab = inspection_->ablation();
        ab && size_t(s->layer) < ab->headChange.size() && size_t(s->head) < ab->headChange[size_t(s->layer)].size()) {
        const double causal = ab->headChange[size_t(s->layer)][size_t(s->head)];
        int rank = 1, total = 0;
        for (const auto& row : ab->headChange)
            for (double v : row) {
                ++total;
                rank += v > causal;
            }
        text += tr("<br>ablation: output change %1 (%2), rank %3 of %4")
                    .arg(causal, 0, 'g', 4).arg(QString::fromLatin1(analysis::outputMeasureName(ab->measure))).arg(rank).arg(total);
    } else {
        text += tr("<br><i>ablate to see its causal effect</i>");
    }
    cardText_->setText(text);
}

// --- MetricScatter ---------------------------------------------------------------------------

MetricScatter::MetricScatter(Inspection* inspection, QWidget* parent) : QWidget(parent), inspection_(inspection) {
    setMouseTracking(true);
    setMinimumHeight(160);
}

void MetricScatter::setPoints(std::vector<Point> points, const QString& xLabel, const QString& yLabel) {
    points_ = std::move(points);
    xLabel_ = xLabel;
    yLabel_ = yLabel;
    std::vector<double> xs, ys;
    for (const auto& p : points_) {
        xs.push_back(p.x);
        ys.push_back(p.y);
    }
    rho_ = spearman(xs, ys);
    auto range = [](const std::vector<double>& v, double& lo, double& hi) {
        if (v.empty()) {
            lo = 0;
            hi = 1;
            return;
        }
        lo = *std::min_element(v.begin(), v.end());
        hi = *std::max_element(v.begin(), v.end());
        const double pad = hi > lo ? 0.06 * (hi - lo) : std::max(1e-6, 0.1 * std::abs(hi));
        // Non-negative quantities (every metric here, and output changes) keep 0 as their floor.
        lo = lo >= 0.0 ? std::max(0.0, lo - pad) : lo - pad;
        hi += pad;
    };
    range(xs, xMin_, xMax_);
    range(ys, yMin_, yMax_);
    hovered_ = -1;
    update();
}

QRectF MetricScatter::plotRect() const {
    const QFontMetrics fm(font());
    return QRectF(fm.horizontalAdvance(QStringLiteral("0.0000")) + fm.height() + 8, 8,
                  width() - fm.horizontalAdvance(QStringLiteral("0.0000")) - fm.height() - 18,
                  height() - 2.6 * fm.height() - 8);
}

QPointF MetricScatter::pointPosition(size_t index) const {
    const QRectF r = plotRect();
    const Point& p = points_.at(index);
    return {r.left() + (p.x - xMin_) / (xMax_ - xMin_) * r.width(), r.bottom() - (p.y - yMin_) / (yMax_ - yMin_) * r.height()};
}

int MetricScatter::pointAt(const QPointF& pos) const {
    int best = -1;
    double bestDistance = 8.0;
    for (size_t i = 0; i < points_.size(); ++i) {
        const double d = QLineF(pos, pointPosition(i)).length();
        if (d < bestDistance) {
            bestDistance = d;
            best = int(i);
        }
    }
    return best;
}

void MetricScatter::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    p.fillRect(rect(), pal.color(QPalette::Base));
    const QRectF r = plotRect();
    const QFontMetrics fm(font());
    p.setPen(pal.color(QPalette::Mid));
    p.drawRect(r);
    p.setPen(pal.color(QPalette::Text));
    if (points_.empty()) {
        p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
                   tr("Ablate the heads to compare what they attend to with what the output depends on."));
        return;
    }
    // Axes: ends of each range, labels.
    p.drawText(QRectF(fm.height(), r.top() - 2, r.left() - 4 - fm.height(), fm.height()), Qt::AlignRight, QString::number(yMax_, 'g', 3));
    p.drawText(QRectF(fm.height(), r.bottom() - fm.height() + 2, r.left() - 4 - fm.height(), fm.height()), Qt::AlignRight, QString::number(yMin_, 'g', 3));
    p.drawText(QRectF(r.left(), r.bottom() + 2, 80, fm.height()), Qt::AlignLeft, QString::number(xMin_, 'g', 3));
    p.drawText(QRectF(r.right() - 80, r.bottom() + 2, 80, fm.height()), Qt::AlignRight, QString::number(xMax_, 'g', 3));
    p.drawText(QRectF(r.left(), r.bottom() + 2 + fm.height(), r.width(), fm.height()), Qt::AlignHCenter, xLabel_);
    p.save();
    p.translate(2, r.center().y());
    p.rotate(-90);
    p.drawText(QRectF(-r.height() / 2 - 40, 0, r.height() + 80, fm.height()), Qt::AlignHCenter, yLabel_);
    p.restore();
    const QString rho = std::isnan(rho_) ? tr("Spearman ρ: –") : tr("Spearman ρ = %1").arg(rho_, 0, 'f', 2);
    p.drawText(r.adjusted(6, 4, -6, -4), Qt::AlignTop | Qt::AlignRight, rho);

    int maxLayer = 0;
    for (const auto& pt : points_) maxLayer = std::max(maxLayer, pt.layer);
    for (size_t i = 0; i < points_.size(); ++i) {
        const Point& pt = points_[i];
        const QPointF c = pointPosition(i);
        const bool current = inspection_->aggregation() == analysis::HeadAggregation::Single &&
                             pt.layer == inspection_->layer() && pt.head == inspection_->head();
        // Colour by layer (viridis from first to last), the current head ringed.
        p.setBrush(colormaps::color(colormaps::ColorMap::Viridis, maxLayer > 0 ? float(pt.layer) / float(maxLayer) : 0.5f));
        p.setPen(QPen(pal.color(QPalette::Text), current ? 2.5 : 0.8));
        const double radius = current || int(i) == hovered_ ? 6.5 : 4.5;
        p.drawEllipse(c, radius, radius);
        if (current || int(i) == hovered_)
            p.drawText(c + QPointF(8, -6), QStringLiteral("%1.%2").arg(pt.layer).arg(pt.head));
    }
}

void MetricScatter::mouseMoveEvent(QMouseEvent* event) {
    const int i = pointAt(event->position());
    if (i != hovered_) {
        hovered_ = i;
        update();
    }
    if (i >= 0) {
        const Point& pt = points_[size_t(i)];
        QToolTip::showText(event->globalPosition().toPoint(),
                           tr("head %1.%2\n%3: %4\n%5: %6").arg(pt.layer).arg(pt.head).arg(xLabel_).arg(pt.x, 0, 'g', 4).arg(yLabel_).arg(pt.y, 0, 'g', 4),
                           this);
    }
}

void MetricScatter::mousePressEvent(QMouseEvent* event) {
    const int i = pointAt(event->position());
    if (i < 0) return;
    inspection_->setAggregation(analysis::HeadAggregation::Single);
    inspection_->setLayerHead(points_[size_t(i)].layer, points_[size_t(i)].head);
}

}  // namespace gts
