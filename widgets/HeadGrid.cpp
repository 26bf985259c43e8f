#include "HeadGrid.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHelpEvent>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QVBoxLayout>
#include <algorithm>

#include "ColorMaps.h"

namespace gts {

namespace {

/// Thumbnails have at most this many pixels a side; larger matrices are block-averaged.
constexpr int kThumbnailResolution = 64;
constexpr int kFrameWidth = 4;
constexpr int kMinCell = 28;
constexpr int kMaxCell = 140;
constexpr int kCellGap = 4;

}  // namespace

class HeadGridCanvas : public QWidget {
public:
    explicit HeadGridCanvas(HeadGrid* grid) : QWidget(grid), grid_(grid) {
        setMouseTracking(true);
        setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    }

    QSize sizeHint() const override {
        return {margin().x() + std::max(1, grid_->columnCount()) * 72, margin().y() + std::max(1, grid_->rowCount()) * 72};
    }
    QSize minimumSizeHint() const override { return {120, 80}; }

    QPoint margin() const {
        const QFontMetrics fm(font());
        return {fm.horizontalAdvance(QStringLiteral("L00")) + 8, fm.height() + 6};
    }

    int cellSize() const {
        const int rows = grid_->rowCount(), columns = grid_->columnCount();
        if (rows == 0 || columns == 0) return kMinCell;
        const QPoint m = margin();
        const int fit = std::min((width() - m.x()) / columns, (height() - m.y()) / rows);
        return std::clamp(fit, kMinCell, kMaxCell);
    }

    /// The whole cell (frame included).
    QRect cellRect(int row, int head) const {
        const int c = cellSize();
        const QPoint m = margin();
        return {m.x() + head * c, m.y() + row * c, c - kCellGap, c - kCellGap};
    }

    std::pair<int, int> cellAt(QPoint p) const {
        for (int r = 0; r < grid_->rowCount(); ++r)
            for (int h = 0; h < grid_->columnCount(); ++h)
                if (cellRect(r, h).contains(p)) return {r, h};
        return {-1, -1};
    }

protected:
    void paintEvent(QPaintEvent* e) override {
        QPainter p(this);
        const QPalette& pal = palette();
        p.fillRect(rect(), pal.window());
        const auto& result = grid_->inspection_->data().result;
        if (grid_->rowCount() == 0) {
            p.setPen(pal.color(QPalette::PlaceholderText));
            p.drawText(rect(), Qt::AlignCenter, QObject::tr("No attention captured: run the model"));
            return;
        }
        const QFontMetrics fm(font());
        const QPoint m = margin();
        p.setPen(pal.color(QPalette::Text));
        for (int h = 0; h < grid_->columnCount(); ++h) {
            const QRect c = cellRect(0, h);
            p.drawText(QRect(c.left(), 0, c.width(), m.y()), Qt::AlignCenter, QObject::tr("H%1").arg(h));
        }
        const Inspection* ins = grid_->inspection_;
        const bool single = ins->aggregation() == analysis::HeadAggregation::Single;
        for (int r = 0; r < grid_->rowCount(); ++r) {
            const int layer = result->layers[static_cast<size_t>(r)].layer;
            const QRect first = cellRect(r, 0);
            p.setPen(pal.color(QPalette::Text));
            p.drawText(QRect(0, first.top(), m.x() - 4, first.height()), Qt::AlignRight | Qt::AlignVCenter,
                       QObject::tr("L%1").arg(layer));
            for (int h = 0; h < grid_->columnCount(); ++h) {
                const QRect cell = cellRect(r, h);
                if (!cell.intersects(e->rect())) continue;
                // The frame shows the metric; without one, a neutral frame.
                QColor frame = pal.color(QPalette::Mid);
                if (!grid_->metricValues_.empty()) {
                    const double span = grid_->metricMax_ - grid_->metricMin_;
                    const double t = span > 0 ? (grid_->metricValue(r, h) - grid_->metricMin_) / span : 0.5;
                    frame = colormaps::color(colormaps::ColorMap::Cividis, float(t));
                }
                p.fillRect(cell, frame);
                const QRect inner = cell.adjusted(kFrameWidth, kFrameWidth, -kFrameWidth, -kFrameWidth);
                p.setRenderHint(QPainter::SmoothPixmapTransform, false);
                p.drawImage(inner, grid_->thumbnail(r, h));
                const bool current = layer == ins->layer() && (!single || h == ins->head());
                if (current) {
                    // Outside the metric frame, in the text colour: never mistaken for a frame.
                    p.setPen(QPen(pal.color(QPalette::Text), single ? 2.5 : 1.5, single ? Qt::SolidLine : Qt::DashLine));
                    p.setBrush(Qt::NoBrush);
                    p.drawRect(QRectF(cell).adjusted(-2.5, -2.5, 1.5, 1.5));
                }
            }
        }
    }

    void mousePressEvent(QMouseEvent* e) override {
        if (e->button() != Qt::LeftButton) return;
        const auto [row, head] = cellAt(e->position().toPoint());
        if (row < 0) return;
        Inspection* ins = grid_->inspection_;
        ins->setAggregation(analysis::HeadAggregation::Single);
        ins->setLayerHead(ins->data().result->layers[static_cast<size_t>(row)].layer, head);
    }

    bool event(QEvent* e) override {
        if (e->type() == QEvent::ToolTip) {
            auto* help = static_cast<QHelpEvent*>(e);
            const auto [row, head] = cellAt(help->pos());
            if (row < 0) {
                QToolTip::hideText();
                return true;
            }
            QString text = QObject::tr("layer %1, head %2")
                               .arg(grid_->inspection_->data().result->layers[static_cast<size_t>(row)].layer)
                               .arg(head);
            if (!grid_->metricValues_.empty())
                text += QStringLiteral("\n%1: %2")
                            .arg(grid_->namedMetric_.isEmpty()
                                     ? QString::fromLatin1(analysis::headMetricName(grid_->metricKind_))
                                     : grid_->metric_->currentText())
                            .arg(grid_->metricValue(row, head), 0, 'g', 4);
            QToolTip::showText(help->globalPos(), text, this);
            return true;
        }
        return QWidget::event(e);
    }

private:
    HeadGrid* grid_;
};

HeadGrid::HeadGrid(Inspection* inspection, QWidget* parent) : QWidget(parent), inspection_(inspection) {
    metric_ = new QComboBox(this);
    metric_->addItem(tr("no metric"), int(analysis::HeadMetric::None));
    metric_->addItem(tr("entropy (spread)"), int(analysis::HeadMetric::Entropy));
    metric_->addItem(tr("confidence (mean max)"), int(analysis::HeadMetric::Confidence));
    metric_->addItem(tr("self mass (diagonal)"), int(analysis::HeadMetric::SelfMass));
    // From the head statistics and ablation in the Inspection (computed by jobs).
    metric_->addItem(tr("sink mass (no-op heads)"), QStringLiteral("sink_mass"));
    metric_->addItem(tr("sequence distance"), QStringLiteral("seq_distance"));
    metric_->addItem(tr("same-node mass"), QStringLiteral("same_node_mass"));
    metric_->addItem(tr("1-hop preference (× chance)"), QStringLiteral("hop_1_lift"));
    metric_->addItem(tr("mean hop distance"), QStringLiteral("mean_hops"));
    metric_->addItem(tr("causal Δ (ablation)"), QStringLiteral("causal"));
    metric_->setCurrentIndex(metric_->findData(int(metricKind_)));
    metric_->setToolTip(tr("Colour of each head's frame (cividis: dark = low, yellow = high)"));
    legend_ = new QLabel(this);
    legend_->setTextFormat(Qt::PlainText);
    canvas_ = new HeadGridCanvas(this);
    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(new QLabel(tr("Frame"), this));
    bar->addWidget(metric_);
    bar->addWidget(legend_, 1);
    auto* box = new QVBoxLayout(this);
    box->setContentsMargins(4, 4, 4, 4);
    box->setSpacing(2);
    box->addLayout(bar);
    box->addWidget(canvas_, 1);
    connect(metric_, &QComboBox::currentIndexChanged, this, [this] {
        const QVariant data = metric_->currentData();
        if (data.typeId() == QMetaType::QString) setNamedMetric(data.toString());
        else setMetric(analysis::HeadMetric(data.toInt()));
    });
    connect(inspection_, &Inspection::analysisChanged, this, [this] {
        if (!namedMetric_.isEmpty()) setNamedMetric(namedMetric_);
    });
    connect(inspection_, &Inspection::dataChanged, this, [this] { onDataChanged(); });
    connect(inspection_, &Inspection::selectionChanged, canvas_, qOverload<>(&QWidget::update));
    onDataChanged();
}

QWidget* HeadGrid::canvas() const { return canvas_; }

int HeadGrid::rowCount() const {
    const auto& result = inspection_->data().result;
    if (!result) return 0;
    for (const auto& c : result->layers)
        if (c.attention.rank() == 3) return static_cast<int>(result->layers.size());
    return 0;
}

int HeadGrid::columnCount() const {
    if (rowCount() == 0) return 0;
    int heads = 0;
    for (const auto& c : inspection_->data().result->layers)
        if (c.attention.rank() == 3) heads = std::max(heads, static_cast<int>(c.attention.dim(0)));
    return heads;
}

QRect HeadGrid::cellRect(int row, int head) const { return canvas_->cellRect(row, head); }

double HeadGrid::metricValue(int row, int head) const {
    if (row < 0 || row >= static_cast<int>(metricValues_.size())) return 0.0;
    const auto& values = metricValues_[static_cast<size_t>(row)];
    return head >= 0 && head < static_cast<int>(values.size()) ? values[static_cast<size_t>(head)] : 0.0;
}

const QImage& HeadGrid::thumbnail(int row, int head) const {
    static const QImage none;
    if (row < 0 || row >= static_cast<int>(thumbnails_.size()) || head < 0 ||
        head >= static_cast<int>(thumbnails_[static_cast<size_t>(row)].size()))
        return none;
    QImage& image = thumbnails_[static_cast<size_t>(row)][static_cast<size_t>(head)];
    if (!image.isNull()) return image;
    const Tensor& a = inspection_->data().result->layers[static_cast<size_t>(row)].attention;  // [H, S, S]
    if (a.rank() != 3 || head >= a.dim(0)) return none;
    const int64_t S = a.dim(1);
    const int n = static_cast<int>(std::min<int64_t>(S, kThumbnailResolution));
    const float* plane = a.data() + static_cast<size_t>(head) * static_cast<size_t>(S * S);
    // Block means: thumbnail pixel (i, j) averages rows [i S/n, (i+1) S/n) x the same columns.
    std::vector<float> cells(static_cast<size_t>(n) * static_cast<size_t>(n), 0.0f);
    float peak = 0.0f;
    for (int i = 0; i < n; ++i) {
        const int64_t r0 = i * S / n, r1 = (i + 1) * S / n;
        for (int j = 0; j < n; ++j) {
            const int64_t c0 = j * S / n, c1 = (j + 1) * S / n;
            float sum = 0.0f;
            for (int64_t r = r0; r < r1; ++r)
                for (int64_t c = c0; c < c1; ++c) sum += plane[r * S + c];
            const float mean = sum / static_cast<float>((r1 - r0) * (c1 - c0));
            cells[static_cast<size_t>(i * n + j)] = mean;
            peak = std::max(peak, mean);
        }
    }
    image = QImage(n, n, QImage::Format_RGB32);
    const float scale = peak > 0.0f ? 1.0f / peak : 0.0f;
    for (int i = 0; i < n; ++i) {
        auto* line = reinterpret_cast<uint32_t*>(image.scanLine(i));
        for (int j = 0; j < n; ++j)
            line[j] = colormaps::argb(colormaps::ColorMap::Viridis, cells[static_cast<size_t>(i * n + j)] * scale);
    }
    return image;
}

void HeadGrid::setNamedMetric(const QString& key) {
    namedMetric_ = key;
    metricKind_ = analysis::HeadMetric::None;
    const int index = metric_->findData(key);
    if (index != metric_->currentIndex()) metric_->setCurrentIndex(index);
    metricValues_.clear();
    metricMin_ = metricMax_ = 0.0;
    const auto& result = inspection_->data().result;
    const auto& stats = inspection_->headStats();
    const auto& ablation = inspection_->ablation();
    if (result && rowCount() > 0) {
        std::vector<int> rowOfLayer;
        for (size_t r = 0; r < result->layers.size(); ++r) {
            const int layer = result->layers[r].layer;
            if (layer >= int(rowOfLayer.size())) rowOfLayer.resize(size_t(layer) + 1, -1);
            rowOfLayer[size_t(layer)] = int(r);
        }
        auto put = [&](int layer, int head, double v) {
            if (layer < 0 || layer >= int(rowOfLayer.size()) || rowOfLayer[size_t(layer)] < 0) return;
            auto& row = metricValues_[size_t(rowOfLayer[size_t(layer)])];
            if (head >= 0 && size_t(head) < row.size()) row[size_t(head)] = v;
        };
        const bool available = key == QLatin1String("causal") ? bool(ablation) : bool(stats);
        if (available) {
            metricValues_.assign(result->layers.size(), std::vector<double>(size_t(columnCount()), 0.0));
            if (key == QLatin1String("causal")) {
                for (size_t l = 0; l < ablation->headChange.size(); ++l)
                    for (size_t h = 0; h < ablation->headChange[l].size(); ++h) put(int(l), int(h), ablation->headChange[l][h]);
            } else {
                for (const auto& s : stats->heads) {
                    double v = 0.0;
                    if (key == QLatin1String("hop_1_lift"))
                        v = s.hopChance.size() > 1 && s.hopChance[1] > 0 ? s.hopProfile[1] / s.hopChance[1] : 0.0;
                    else
                        for (const auto& [name, value] : analysis::namedValues(s))
                            if (key == QLatin1String(name.c_str())) v = value;
                    put(s.layer, s.head, v);
                }
            }
            bool first = true;
            for (const auto& row : metricValues_)
                for (double v : row) {
                    metricMin_ = first ? v : std::min(metricMin_, v);
                    metricMax_ = first ? v : std::max(metricMax_, v);
                    first = false;
                }
        }
    }
    updateLegend();
    canvas_->update();
}

void HeadGrid::setMetric(analysis::HeadMetric metric) {
    metricKind_ = metric;
    namedMetric_.clear();
    const int index = metric_->findData(int(metric));
    if (index != metric_->currentIndex()) metric_->setCurrentIndex(index);
    metricValues_.clear();
    metricMin_ = metricMax_ = 0.0;
    const auto& result = inspection_->data().result;
    if (result && rowCount() > 0 && metric != analysis::HeadMetric::None) {
        metricValues_ = analysis::headMetrics(*result, metric);
        bool first = true;
        for (const auto& row : metricValues_)
            for (double v : row) {
                metricMin_ = first ? v : std::min(metricMin_, v);
                metricMax_ = first ? v : std::max(metricMax_, v);
                first = false;
            }
    }
    updateLegend();
    canvas_->update();
}

void HeadGrid::onDataChanged() {
    thumbnails_.clear();
    const auto& result = inspection_->data().result;
    if (result && rowCount() > 0) {
        thumbnails_.resize(result->layers.size());
        for (size_t r = 0; r < result->layers.size(); ++r) {
            const Tensor& a = result->layers[r].attention;
            thumbnails_[r].resize(a.rank() == 3 ? static_cast<size_t>(a.dim(0)) : 0);
        }
    }
    if (namedMetric_.isEmpty()) setMetric(metricKind_);
    else setNamedMetric(namedMetric_);
    canvas_->updateGeometry();
}

void HeadGrid::updateLegend() {
    if (!namedMetric_.isEmpty()) {
        if (metricValues_.empty())
            legend_->setText(namedMetric_ == QLatin1String("causal") ? tr("ablate in Head analysis first")
                                                                    : tr("computing head statistics…"));
        else
            legend_->setText(tr("%1: dark %2 ... yellow %3").arg(metric_->currentText()).arg(metricMin_, 0, 'g', 3).arg(metricMax_, 0, 'g', 3));
        return;
    }
    if (metricKind_ == analysis::HeadMetric::None || metricValues_.empty()) {
        legend_->setText(rowCount() ? tr("%1 layers x %2 heads").arg(rowCount()).arg(columnCount()) : QString());
        return;
    }
    legend_->setText(tr("%1: dark %2 ... yellow %3")
                         .arg(QString::fromLatin1(analysis::headMetricName(metricKind_)))
                         .arg(metricMin_, 0, 'f', 3)
                         .arg(metricMax_, 0, 'f', 3));
}

}  // namespace gts
