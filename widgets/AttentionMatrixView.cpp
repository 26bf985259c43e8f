#include "AttentionMatrixView.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "TokenColors.h"

namespace gts {

namespace {

constexpr int kColorBarWidth = 14;
constexpr int kColorBarGap = 8;
constexpr int kAxisGap = 4;
constexpr double kMaxCellSize = 80.0;
constexpr double kWheelZoomPerStep = 1.25;
constexpr int kDragThreshold = 4;

}  // namespace

/// The painted part of AttentionMatrixView: axes, heatmap, colour bar.
class AttentionMatrixCanvas : public QWidget {
public:
    explicit AttentionMatrixCanvas(AttentionMatrixView* view) : QWidget(view), view_(view) {
        setMouseTracking(true);
        setMinimumSize(160, 120);
        setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    }

    QSize sizeHint() const override { return {420, 380}; }

    /// Room for the row labels (left) and column labels (top).
    int labelExtent() const {
        const QFontMetrics fm(font());
        int widest = fm.horizontalAdvance(QStringLiteral("0000"));
        const auto& positions = view_->inspection_->attentionPositions();
        if (showsTokenLabels())
            for (int32_t p : positions) widest = std::max(widest, fm.horizontalAdvance(view_->positionLabel(p)));
        return std::min(widest, fm.horizontalAdvance(QLatin1Char('M')) * 12) + kAxisGap * 2;
    }
    bool showsTokenLabels() const { return view_->cellSize_ >= QFontMetrics(font()).height() - 2; }

    QRect matrixArea() const {
        const QFontMetrics fm(font());
        const int label = labelExtent();
        const int barLabel = fm.horizontalAdvance(QStringLiteral("0.000")) + 4;
        return QRect(label, label, std::max(1, width() - label - kColorBarGap - kColorBarWidth - barLabel - 4),
                     std::max(1, height() - label - 4));
    }

    /// The matrix cell (row, column) under a canvas point, or (-1, -1).
    std::pair<int, int> cellAt(QPointF p) const {
        if (view_->size_ <= 0 || !matrixArea().contains(p.toPoint())) return {-1, -1};
        const double c = (p.x() - view_->origin_.x()) / view_->cellSize_;
        const double r = (p.y() - view_->origin_.y()) / view_->cellSize_;
        if (c < 0 || r < 0 || c >= double(view_->size_) || r >= double(view_->rows_)) return {-1, -1};
        return {int(r), int(c)};
    }

protected:
    void resizeEvent(QResizeEvent*) override {
        if (view_->fitted_) view_->fit();
    }

    void paintEvent(QPaintEvent*) override;

    void wheelEvent(QWheelEvent* e) override {
        const double steps = e->angleDelta().y() / 120.0;
        if (steps != 0.0) view_->zoomBy(std::pow(kWheelZoomPerStep, steps), e->position());
        e->accept();
    }

    void mousePressEvent(QMouseEvent* e) override {
        if (e->button() != Qt::LeftButton) return;
        pressAt_ = e->position();
        pressOrigin_ = view_->origin_;
        dragging_ = false;
    }

    void mouseMoveEvent(QMouseEvent* e) override {
        if (e->buttons() & Qt::LeftButton) {
            const QPointF d = e->position() - pressAt_;
            if (dragging_ || d.manhattanLength() > kDragThreshold) {
                dragging_ = true;
                view_->origin_ = pressOrigin_ + d;
                view_->fitted_ = false;
                update();
                return;
            }
        }
        hoverAt(e->position());
    }

    void mouseReleaseEvent(QMouseEvent* e) override {
        if (e->button() != Qt::LeftButton) return;
        if (dragging_) {
            dragging_ = false;
            return;
        }
        const auto [row, column] = cellAt(e->position());
        if (row < 0) return;
        const auto& positions = view_->inspection_->attentionPositions();
        const int query = positions[static_cast<size_t>(view_->firstRow_ + row)];
        view_->inspection_->setQuery(query);
        view_->inspection_->setSelected(view_->inspection_->pointedAtPosition(query));
        (void)column;
    }

    void mouseDoubleClickEvent(QMouseEvent*) override { view_->fit(); }

    void leaveEvent(QEvent*) override {
        view_->hoverRow_ = view_->hoverColumn_ = -1;
        Inspection* ins = view_->inspection_;
        if (!view_->ownHover_.empty() && ins->hover() == view_->ownHover_) ins->setHover({});
        view_->ownHover_ = {};
        view_->status_->setText(view_->statusText());
        update();
    }

private:
    void hoverAt(QPointF p) {
        const auto [row, column] = cellAt(p);
        if (row == view_->hoverRow_ && column == view_->hoverColumn_) return;
        view_->hoverRow_ = row;
        view_->hoverColumn_ = column;
        Inspection* ins = view_->inspection_;
        if (row < 0) {
            if (!view_->ownHover_.empty() && ins->hover() == view_->ownHover_) ins->setHover({});
            view_->ownHover_ = {};
        } else {
            // The hover names the key: what the query attends to is what the other views show.
            view_->ownHover_ = ins->pointedAtPosition(ins->attentionPositions()[static_cast<size_t>(column)]);
            ins->setHover(view_->ownHover_);
        }
        view_->status_->setText(view_->statusText());
        update();
    }

    AttentionMatrixView* view_;
    QPointF pressAt_, pressOrigin_;
    bool dragging_ = false;
};

void AttentionMatrixCanvas::paintEvent(QPaintEvent*) {
    QPainter p(this);
    const QPalette& pal = palette();
    p.fillRect(rect(), pal.window());
    const QFontMetrics fm(font());
    const AttentionMatrixView& v = *view_;
    if (v.size_ <= 0 || v.image_.isNull()) {
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(rect(), Qt::AlignCenter, QObject::tr("No attention captured: run the model"));
        return;
    }
    const QRect area = matrixArea();
    const double cs = v.cellSize_;
    const int S = static_cast<int>(v.size_);
    const int R = static_cast<int>(v.rows_);
    const int firstRow = std::clamp(int(std::floor((area.top() - v.origin_.y()) / cs)), 0, R - 1);
    const int lastRow = std::clamp(int(std::ceil((area.bottom() - v.origin_.y()) / cs)), 0, R - 1);
    const int firstCol = std::clamp(int(std::floor((area.left() - v.origin_.x()) / cs)), 0, S - 1);
    const int lastCol = std::clamp(int(std::ceil((area.right() - v.origin_.x()) / cs)), 0, S - 1);
    auto cellRect = [&](int r, int c) { return QRectF(v.origin_.x() + c * cs, v.origin_.y() + r * cs, cs, cs); };

    // Heatmap: only the visible block of the one-pixel-per-cell image, scaled without smoothing.
    p.save();
    p.setClipRect(area);
    const QRectF source(firstCol, firstRow, lastCol - firstCol + 1, lastRow - firstRow + 1);
    const QRectF target = cellRect(firstRow, firstCol).united(cellRect(lastRow, lastCol));
    p.setRenderHint(QPainter::SmoothPixmapTransform, false);
    p.drawImage(target, v.image_, source);

    const auto& positions = v.inspection_->attentionPositions();
    auto columnOf = [&](int position) {
        const auto it = std::find(positions.begin(), positions.end(), position);
        return it == positions.end() ? -1 : int(it - positions.begin());
    };
    // Image rows are layer rows from firstRow_ (a block when the layer is over the budget).
    auto rowOf = [&](int position) {
        const int r = columnOf(position) - int(v.firstRow_);
        return r >= 0 && r < R ? r : -1;
    };
    const QColor highlight = pal.color(QPalette::Highlight);
    const QRectF matrix(v.origin_, QSizeF(S * cs, R * cs));
    // The hovered position (from any view): its row and column as bands.
    const Pointed& hover = v.inspection_->hover();
    int crossRow = -1, crossCol = -1;
    if (v.hoverRow_ >= 0) {
        crossRow = v.hoverRow_;
        crossCol = v.hoverColumn_;
    } else if (hover.position >= 0) {
        crossRow = rowOf(hover.position);
        crossCol = columnOf(hover.position);
    }
    p.setPen(QPen(highlight, std::max(1.0, std::min(2.0, cs / 4))));
    p.setBrush(Qt::NoBrush);
    if (crossRow >= 0) p.drawRect(QRectF(matrix.left(), v.origin_.y() + crossRow * cs, matrix.width(), cs));
    if (crossCol >= 0) p.drawRect(QRectF(v.origin_.x() + crossCol * cs, matrix.top(), cs, matrix.height()));
    // The query row: outlined in the text colour, dashed.
    const int queryRow = v.inspection_->query() >= 0 ? rowOf(v.inspection_->query()) : -1;
    if (queryRow >= 0) {
        p.setPen(QPen(pal.color(QPalette::Text), 1.5, Qt::DashLine));
        p.drawRect(QRectF(matrix.left(), v.origin_.y() + queryRow * cs, matrix.width(), cs));
    }
    if (v.hoverRow_ >= 0) {
        p.setPen(QPen(pal.color(QPalette::Text), 2));
        p.drawRect(cellRect(v.hoverRow_, v.hoverColumn_));
    }
    p.restore();

    // Axes: token labels when a cell is as tall as the text, else every k-th position number.
    p.setPen(pal.color(QPalette::Text));
    const bool tokens = showsTokenLabels();
    int every = 1;
    if (!tokens)
        while (every * cs < fm.height() * 1.5) every *= 2;
    const int extent = labelExtent();
    for (int r = firstRow; r <= lastRow; ++r) {
        if (r % every) continue;
        const QRectF c = cellRect(r, 0);
        const auto layerRow = static_cast<size_t>(v.firstRow_ + r);
        const QString text = tokens ? v.positionLabel(positions[layerRow]) : QString::number(positions[layerRow]);
        QFont f = font();
        f.setBold(r == queryRow || r == crossRow);
        p.setFont(f);
        p.drawText(QRectF(0, c.center().y() - fm.height(), area.left() - kAxisGap, 2 * fm.height()),
                   Qt::AlignRight | Qt::AlignVCenter, fm.elidedText(text, Qt::ElideRight, extent - kAxisGap));
    }
    for (int c = firstCol; c <= lastCol; ++c) {
        if (c % every) continue;
        const QRectF cell = cellRect(0, c);
        const QString text = tokens ? v.positionLabel(positions[static_cast<size_t>(c)])
                                    : QString::number(positions[static_cast<size_t>(c)]);
        QFont f = font();
        f.setBold(c == crossCol);
        p.setFont(f);
        p.save();
        p.translate(cell.center().x(), area.top() - kAxisGap);
        p.rotate(-90);
        p.drawText(QRectF(0, -fm.height(), extent - kAxisGap, 2 * fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                   fm.elidedText(text, Qt::ElideRight, extent - kAxisGap));
        p.restore();
    }
    p.setFont(font());

    // Colour bar with its range.
    const QRect bar(area.right() + kColorBarGap, area.top(), kColorBarWidth, std::min(area.height(), 240));
    for (int y = 0; y < bar.height(); ++y) {
        const float t = 1.0f - float(y) / float(std::max(1, bar.height() - 1));
        p.fillRect(QRect(bar.left(), bar.top() + y, bar.width(), 1), colormaps::color(v.map_, t));
    }
    p.setPen(pal.color(QPalette::Mid));
    p.drawRect(bar.adjusted(0, 0, -1, -1));
    p.setPen(pal.color(QPalette::Text));
    p.drawText(QPoint(bar.right() + 4, bar.top() + fm.ascent()), QString::number(double(v.maximum_), 'g', 3));
    p.drawText(QPoint(bar.right() + 4, bar.bottom()), QStringLiteral("0"));
}

AttentionMatrixView::AttentionMatrixView(Inspection* inspection, QWidget* parent)
    : QWidget(parent), inspection_(inspection) {
    title_ = new QLabel(this);
    colorMap_ = new QComboBox(this);
    colorMap_->addItem(tr("viridis"), int(colormaps::ColorMap::Viridis));
    colorMap_->addItem(tr("cividis"), int(colormaps::ColorMap::Cividis));
    colorMap_->setToolTip(tr("Colour map (both are readable with colour-vision deficiency)"));
    status_ = new QLabel(this);
    status_->setTextFormat(Qt::PlainText);
    canvas_ = new AttentionMatrixCanvas(this);
    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(title_, 1);
    bar->addWidget(colorMap_);
    auto* box = new QVBoxLayout(this);
    box->setContentsMargins(4, 4, 4, 4);
    box->setSpacing(2);
    box->addLayout(bar);
    box->addWidget(canvas_, 1);
    box->addWidget(status_);
    connect(colorMap_, &QComboBox::currentIndexChanged, this,
            [this] { setColorMap(colormaps::ColorMap(colorMap_->currentData().toInt())); });
    connect(inspection_, &Inspection::dataChanged, this, [this] {
        fitted_ = true;
        rebuild();
    });
    connect(inspection_, &Inspection::selectionChanged, this, [this] { rebuild(); });
    connect(inspection_, &Inspection::hoverChanged, this, [this] { canvas_->update(); });
    fitted_ = true;
    rebuild();
}

QWidget* AttentionMatrixView::canvas() const { return canvas_; }

QPointF AttentionMatrixView::cellCenter(int row, int column) const {
    return origin_ + QPointF((column + 0.5) * cellSize_, (row + 0.5) * cellSize_);
}

void AttentionMatrixView::setColorMap(colormaps::ColorMap map) {
    if (map == map_ && !image_.isNull()) return;
    map_ = map;
    const int index = colorMap_->findData(int(map));
    if (index >= 0 && index != colorMap_->currentIndex()) colorMap_->setCurrentIndex(index);
    rebuild();
}

void AttentionMatrixView::rebuild() {
    const std::vector<float>& a = inspection_->attention();
    const int64_t S = inspection_->attentionSize();
    const int64_t R = inspection_->attentionRowCount();
    const bool sizeChanged = S != size_ || R != rows_;
    size_ = S;
    rows_ = R;
    firstRow_ = inspection_->attentionFirstRow();
    maximum_ = 0.0f;
    if (S <= 0 || R <= 0 || a.size() != static_cast<size_t>(R * S)) {
        image_ = QImage();
    } else {
        for (float x : a) maximum_ = std::max(maximum_, x);
        const float scale = maximum_ > 0.0f ? 1.0f / maximum_ : 0.0f;
        image_ = QImage(int(S), int(R), QImage::Format_RGB32);
        for (int r = 0; r < int(R); ++r) {
            auto* line = reinterpret_cast<uint32_t*>(image_.scanLine(r));
            for (int c = 0; c < int(S); ++c)
                line[c] = colormaps::argb(map_, a[static_cast<size_t>(r) * static_cast<size_t>(S) + static_cast<size_t>(c)] * scale);
        }
    }
    if (sizeChanged || fitted_) fit();
    updateTitle();
    status_->setText(statusText());
    canvas_->update();
}

void AttentionMatrixView::fit() {
    fitted_ = true;
    if (size_ <= 0 || rows_ <= 0) return;
    // Twice: whether token labels show depends on the cell size, and the labels take room.
    for (int pass = 0; pass < 2; ++pass) {
        const QRect area = canvas_->matrixArea();
        cellSize_ = std::clamp(std::min(area.width() / double(size_), area.height() / double(rows_)), 1e-3, kMaxCellSize);
        origin_ = area.topLeft();
        if (rows_ < size_) {
            // A block of rows of a long layer: its rows fill the height, and the columns of the
            // same positions (the diagonal, where the query is) are centred; pan for the rest.
            cellSize_ = std::clamp(area.height() / double(rows_), 1e-3, kMaxCellSize);
            origin_.setX(area.center().x() - (double(firstRow_) + double(rows_) / 2.0) * cellSize_);
        }
    }
    canvas_->update();
}

void AttentionMatrixView::zoomBy(double factor, QPointF anchor) {
    if (size_ <= 0) return;
    const QRect area = canvas_->matrixArea();
    const double fitSize = std::min(area.width() / double(size_), area.height() / double(std::max<int64_t>(1, rows_)));
    const double next = std::clamp(cellSize_ * factor, fitSize, std::max(fitSize, kMaxCellSize));
    // Keep the matrix point under the anchor where it is.
    origin_ = anchor - (anchor - origin_) * (next / cellSize_);
    cellSize_ = next;
    fitted_ = false;
    canvas_->update();
}

QString AttentionMatrixView::positionLabel(int position) const {
    const auto& tokens = inspection_->data().tokens;
    if (!tokens || position < 0 || position >= int(tokens->positions.size()) ||
        tokens->positions[static_cast<size_t>(position)].empty())
        return QString::number(position);
    return QStringLiteral("%1: %2").arg(position).arg(shortTokenText(tokens->positions[static_cast<size_t>(position)][0]));
}

QString AttentionMatrixView::statusText() const {
    if (size_ <= 0) return {};
    if (hoverRow_ < 0) {
        if (rows_ < size_)
            return tr("Rows %1–%2 of %3 around the query, recomputed: this layer's %3 x %3 map was over the "
                      "capture budget. Colours span 0 to %4. Click a token to move the rows.")
                .arg(firstRow_)
                .arg(firstRow_ + rows_ - 1)
                .arg(size_)
                .arg(double(maximum_), 0, 'g', 3);
        return tr("%1 x %2 positions; colours span 0 to %3. Wheel: zoom, drag: pan, double-click: fit, click: query")
            .arg(size_)
            .arg(size_)
            .arg(double(maximum_), 0, 'g', 3);
    }
    const auto& positions = inspection_->attentionPositions();
    const int q = positions[static_cast<size_t>(firstRow_ + hoverRow_)], k = positions[static_cast<size_t>(hoverColumn_)];
    const float value = inspection_->attention()[static_cast<size_t>(hoverRow_) * static_cast<size_t>(size_) +
                                                 static_cast<size_t>(hoverColumn_)];
    auto tokensOf = [&](int position) {
        const auto& t = inspection_->data().tokens;
        if (!t || position >= int(t->positions.size())) return QString();
        QStringList parts;
        for (const auto& s : t->positions[static_cast<size_t>(position)]) parts << QString::fromStdString(s);
        return parts.join(QLatin1Char(' '));
    };
    return tr("query %1 [%2] -> key %3 [%4]: %5")
        .arg(q)
        .arg(tokensOf(q))
        .arg(k)
        .arg(tokensOf(k))
        .arg(double(value), 0, 'f', 4);
}

void AttentionMatrixView::updateTitle() {
    if (size_ <= 0) {
        title_->setText(tr("Attention"));
        return;
    }
    const auto agg = inspection_->aggregation();
    const QString which = agg == analysis::HeadAggregation::Single
                              ? tr("head %1").arg(inspection_->head())
                              : tr("%1 over heads").arg(QString::fromLatin1(analysis::headAggregationName(agg)));
    title_->setText(tr("Layer %1, %2").arg(inspection_->layer()).arg(which));
}

}  // namespace gts
