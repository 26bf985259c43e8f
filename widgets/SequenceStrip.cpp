#include "SequenceStrip.h"

#include <QHBoxLayout>
#include <QHelpEvent>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QStyle>
#include <QTimer>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>
#include <algorithm>

#include "ColorMaps.h"
#include "TokenColors.h"

namespace gts {

namespace {

constexpr int kMinCellWidth = 26;
constexpr int kAttentionRowHeight = 10;
constexpr int kRowGap = 3;
constexpr int kDefaultPlayIntervalMs = 450;

}  // namespace

/// The painted strip inside SequenceStrip; paints only the positions in view.
class SequenceStripCanvas : public QAbstractScrollArea {
public:
    SequenceStripCanvas(SequenceStrip* owner, Inspection* inspection)
        : QAbstractScrollArea(owner), owner_(owner), inspection_(inspection) {
        setMouseTracking(true);
        viewport()->setMouseTracking(true);
        setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
        setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
        setFrameShape(QFrame::NoFrame);
        relayout();
    }

    int positionCount() const {
        const auto& t = inspection_->data().tokens;
        return t ? static_cast<int>(t->positions.size()) : 0;
    }

    /// Recomputes the cell geometry from the font and the sequence.
    void relayout() {
        const QFontMetrics fm(font());
        cellHeight_ = fm.height() + 4;
        cellWidth_ = std::max(kMinCellWidth, fm.horizontalAdvance(QStringLiteral("0000")) + 6);
        headerHeight_ = fm.height() + 4;
        maxSlots_ = 1;
        if (const auto& t = inspection_->data().tokens)
            for (const auto& p : t->positions) maxSlots_ = std::max(maxSlots_, static_cast<int>(p.size()));
        updateScrollBars();
        viewport()->update();
    }

    bool hasAttentionRow() const { return !inspection_->attention().empty(); }

    int contentWidth() const { return positionCount() * cellWidth_; }
    int contentHeight() const {
        return headerHeight_ + maxSlots_ * cellHeight_ + (hasAttentionRow() ? kRowGap + kAttentionRowHeight : 0) + kRowGap;
    }

    QSize sizeHint() const override { return {600, contentHeight() + horizontalScrollBar()->sizeHint().height()}; }
    QSize minimumSizeHint() const override { return {120, headerHeight_ + cellHeight_ + 4}; }

    void updateScrollBars() {
        horizontalScrollBar()->setRange(0, std::max(0, contentWidth() - viewport()->width()));
        horizontalScrollBar()->setPageStep(viewport()->width());
        horizontalScrollBar()->setSingleStep(cellWidth_);
        verticalScrollBar()->setRange(0, std::max(0, contentHeight() - viewport()->height()));
        verticalScrollBar()->setPageStep(viewport()->height());
        verticalScrollBar()->setSingleStep(cellHeight_);
        updateGeometry();
    }

    QRect cellRect(int position, int slot) const {
        const int x = position * cellWidth_ - horizontalScrollBar()->value();
        const int y0 = headerHeight_ - verticalScrollBar()->value();
        if (slot < 0) return {x, y0, cellWidth_, maxSlots_ * cellHeight_};
        return {x, y0 + slot * cellHeight_, cellWidth_, cellHeight_};
    }

    QRect attentionRect(int position) const {
        const QRect c = cellRect(position, -1);
        return {c.x(), c.bottom() + 1 + kRowGap, cellWidth_, kAttentionRowHeight};
    }

    /// The (position, slot) under a viewport point; slot -1 over the header or attention row.
    std::pair<int, int> cellAt(QPoint p) const {
        const int x = p.x() + horizontalScrollBar()->value();
        const int y = p.y() + verticalScrollBar()->value() - headerHeight_;
        if (x < 0) return {-1, -1};
        const int position = x / cellWidth_;
        if (position >= positionCount()) return {-1, -1};
        int slot = y >= 0 ? y / cellHeight_ : -1;
        const auto& t = inspection_->data().tokens;
        if (slot >= static_cast<int>(t->positions[static_cast<size_t>(position)].size())) slot = -1;
        return {position, slot};
    }

    void ensureVisible(int position) {
        if (position < 0) return;
        const int x = position * cellWidth_;
        QScrollBar* h = horizontalScrollBar();
        if (x < h->value()) h->setValue(x);
        else if (x + cellWidth_ > h->value() + viewport()->width())
            h->setValue(x + cellWidth_ - viewport()->width());
    }

    /// Attention received by every position from the current query (or, with no query, its
    /// mean over all queries), normalized to the row's maximum; empty without attention.
    std::vector<float> attentionRow() const {
        const auto& a = inspection_->attention();
        const int64_t S = inspection_->attentionSize();
        const auto& positions = inspection_->attentionPositions();
        std::vector<float> row(static_cast<size_t>(positionCount()), -1.0f);  // -1: pruned
        if (a.empty() || S <= 0) return {};
        std::vector<float> weight(static_cast<size_t>(S), 0.0f);
        const int query = inspection_->query();
        // A layer over the capture budget holds only a block of rows (Inspection): a query's
        // row is there; the mean over all queries is not.
        const int64_t first = inspection_->attentionFirstRow(), rows = inspection_->attentionRowCount();
        if (query >= 0) {
            const auto it = std::find(positions.begin(), positions.end(), query);
            if (it == positions.end()) return row;
            const int64_t r = int64_t(it - positions.begin()) - first;
            if (r < 0 || r >= rows) return {};
            std::copy_n(a.begin() + static_cast<ptrdiff_t>(r * S), S, weight.begin());
        } else if (inspection_->attentionDeferred()) {
            return {};
        } else {
            for (int64_t r = 0; r < S; ++r)
                for (int64_t k = 0; k < S; ++k) weight[static_cast<size_t>(k)] += a[static_cast<size_t>(r * S + k)] / static_cast<float>(S);
        }
        const float peak = std::max(1e-12f, *std::max_element(weight.begin(), weight.end()));
        for (size_t k = 0; k < weight.size(); ++k) {
            const auto pos = static_cast<size_t>(positions[k]);
            if (pos < row.size()) row[pos] = weight[k] / peak;
        }
        return row;
    }

protected:
    void resizeEvent(QResizeEvent* e) override {
        QAbstractScrollArea::resizeEvent(e);
        updateScrollBars();
    }

    void scrollContentsBy(int, int) override { viewport()->update(); }

    void changeEvent(QEvent* e) override {
        QAbstractScrollArea::changeEvent(e);
        if (e->type() == QEvent::FontChange) relayout();
    }

    void wheelEvent(QWheelEvent* e) override {
        // A vertical wheel scrolls along the sequence: the strip is long and short.
        const QPoint d = e->angleDelta();
        const int delta = d.x() != 0 ? d.x() : d.y();
        horizontalScrollBar()->setValue(horizontalScrollBar()->value() - delta * cellWidth_ / 40);
        e->accept();
    }

    void paintEvent(QPaintEvent*) override {
        QPainter p(viewport());
        const QPalette& pal = palette();
        p.fillRect(viewport()->rect(), pal.base());
        const auto& tokens = inspection_->data().tokens;
        if (!tokens || tokens->positions.empty()) {
            p.setPen(pal.color(QPalette::PlaceholderText));
            p.drawText(viewport()->rect(), Qt::AlignCenter, QObject::tr("No token sequence"));
            return;
        }
        const int first = std::max(0, horizontalScrollBar()->value() / cellWidth_);
        const int last = std::min(positionCount() - 1,
                                  (horizontalScrollBar()->value() + viewport()->width()) / cellWidth_);
        const QFontMetrics fm(font());

        // Position numbers: every position when they fit, else every k-th.
        const int labelWidth = fm.horizontalAdvance(QString::number(std::max(0, positionCount() - 1))) + 6;
        int every = 1;
        while (every * cellWidth_ < labelWidth) every *= 2;
        const int headerY = -verticalScrollBar()->value();
        p.setPen(pal.color(QPalette::Text));
        for (int pos = first; pos <= last; ++pos) {
            if (pos % every) continue;
            const QRect c = cellRect(pos, -1);
            p.drawText(QRect(c.x(), headerY, std::max(cellWidth_, labelWidth), headerHeight_),
                       Qt::AlignLeft | Qt::AlignVCenter, QString::number(pos));
        }

        const std::vector<int>& highlighted = owner_->highlighted_;
        const Pointed& hover = inspection_->hover();
        const Pointed& selected = inspection_->selected();
        const QColor highlight = pal.color(QPalette::Highlight);
        for (int pos = first; pos <= last; ++pos) {
            const auto& cells = tokens->positions[static_cast<size_t>(pos)];
            const auto& sources = tokens->sources[static_cast<size_t>(pos)];
            for (int s = 0; s < static_cast<int>(cells.size()); ++s) {
                const QRect r = cellRect(pos, s).adjusted(0, 0, -1, -1);
                p.fillRect(r, tokenRoleColor(sources[static_cast<size_t>(s)].role));
                p.setPen(tokenTextColor());
                p.drawText(r.adjusted(2, 0, -2, 0), Qt::AlignCenter,
                           fm.elidedText(shortTokenText(cells[static_cast<size_t>(s)]), Qt::ElideRight, r.width() - 4));
            }
            if (std::binary_search(highlighted.begin(), highlighted.end(), pos)) {
                QColor fill = highlight;
                fill.setAlpha(70);
                const QRect col = cellRect(pos, -1).adjusted(0, 0, -1, -1);
                p.fillRect(col, fill);
                p.setPen(QPen(highlight, 2));
                p.drawRect(col.adjusted(1, 1, -1, -1));
            }
            if (selected.position == pos) {
                p.setPen(QPen(pal.color(QPalette::Text), 2, Qt::DashLine));
                p.drawRect(cellRect(pos, -1).adjusted(1, 1, -2, -2));
            }
        }
        if (hover.position >= first && hover.position <= last) {
            p.setPen(QPen(pal.color(QPalette::Text), 2));
            p.drawRect(cellRect(hover.position, hover.slot).adjusted(1, 1, -2, -2));
        }

        if (hasAttentionRow()) {
            const std::vector<float> row = attentionRow();
            for (int pos = first; pos <= last && pos < static_cast<int>(row.size()); ++pos) {
                const QRect r = attentionRect(pos).adjusted(0, 0, -1, 0);
                if (row[static_cast<size_t>(pos)] < 0.0f) p.fillRect(r, QBrush(pal.color(QPalette::Mid), Qt::BDiagPattern));
                else p.fillRect(r, colormaps::color(colormaps::ColorMap::Viridis, row[static_cast<size_t>(pos)]));
            }
            if (inspection_->query() >= first && inspection_->query() <= last) {
                p.setPen(QPen(pal.color(QPalette::Text), 1));
                p.drawRect(attentionRect(inspection_->query()).adjusted(0, 0, -1, -1));
            }
        }
    }

    void mouseMoveEvent(QMouseEvent* e) override {
        const auto [position, slot] = cellAt(e->position().toPoint());
        if (position < 0) return clearOwnHover();
        Pointed p = inspection_->pointedAtPosition(position);
        p.slot = slot;
        ownHover_ = p;
        inspection_->setHover(p);
    }

    void leaveEvent(QEvent*) override { clearOwnHover(); }

    void mousePressEvent(QMouseEvent* e) override {
        if (e->button() != Qt::LeftButton) return;
        const auto [position, slot] = cellAt(e->position().toPoint());
        if (position < 0) return;
        Pointed p = inspection_->pointedAtPosition(position);
        p.slot = slot;
        inspection_->setSelected(p);
        inspection_->setQuery(position);
    }

    bool viewportEvent(QEvent* e) override {
        if (e->type() == QEvent::ToolTip) {
            auto* help = static_cast<QHelpEvent*>(e);
            const auto [position, slot] = cellAt(help->pos());
            const auto& tokens = inspection_->data().tokens;
            if (position < 0 || !tokens) {
                QToolTip::hideText();
                return true;
            }
            QString text = QObject::tr("position %1").arg(position);
            if (slot >= 0) {
                const TokenSource& src = tokens->sources[static_cast<size_t>(position)][static_cast<size_t>(slot)];
                text += QObject::tr(", slot %1: %2\n%3")
                            .arg(slot)
                            .arg(QString::fromStdString(tokens->positions[static_cast<size_t>(position)][static_cast<size_t>(slot)]),
                                 QString::fromLatin1(tokenRoleName(src.role)));
                if (src.node != kNoIndex && inspection_->data().graph)
                    text += QObject::tr(" of node %1").arg(QString::fromStdString(inspection_->data().graph->nodeKey(src.node)));
                if (src.edge != kNoIndex) text += QObject::tr(" of edge %1").arg(src.edge);
            }
            QToolTip::showText(help->globalPos(), text, viewport());
            return true;
        }
        return QAbstractScrollArea::viewportEvent(e);
    }

public:
    Pointed ownHover_;  ///< the last hover this strip set (empty: none)

private:
    void clearOwnHover() {
        if (!ownHover_.empty() && inspection_->hover() == ownHover_) inspection_->setHover({});
        ownHover_ = {};
    }

    SequenceStrip* owner_;
    Inspection* inspection_;
    int cellWidth_ = kMinCellWidth;
    int cellHeight_ = 18;
    int headerHeight_ = 18;
    int maxSlots_ = 1;
};

SequenceStrip::SequenceStrip(Inspection* inspection, QWidget* parent)
    : QWidget(parent), inspection_(inspection) {
    play_ = new QToolButton(this);
    play_->setCheckable(true);
    play_->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    play_->setToolTip(tr("Walk the sequence: step the hover along the positions"));
    summary_ = new QLabel(this);
    summary_->setTextFormat(Qt::PlainText);
    timer_ = new QTimer(this);
    timer_->setInterval(kDefaultPlayIntervalMs);
    canvas_ = new SequenceStripCanvas(this, inspection_);

    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(play_);
    bar->addWidget(summary_, 1);
    auto* box = new QVBoxLayout(this);
    box->setContentsMargins(4, 4, 4, 4);
    box->setSpacing(2);
    box->addLayout(bar);
    box->addWidget(canvas_, 1);

    connect(play_, &QToolButton::toggled, this, [this](bool on) { setPlaying(on); });
    connect(timer_, &QTimer::timeout, this, [this] { playStep(); });
    connect(inspection_, &Inspection::dataChanged, this, [this] { onDataChanged(); });
    connect(inspection_, &Inspection::hoverChanged, this, [this] { onHoverChanged(); });
    connect(inspection_, &Inspection::selectionChanged, this, [this] {
        canvas_->relayout();  // the attention row may appear or go
        updateSummary();
    });
    onDataChanged();
}

QAbstractScrollArea* SequenceStrip::strip() const { return canvas_; }

QRect SequenceStrip::cellRect(int position, int slot) const { return canvas_->cellRect(position, slot); }

void SequenceStrip::ensureVisible(int position) { canvas_->ensureVisible(position); }

void SequenceStrip::setPlayInterval(int ms) { timer_->setInterval(std::max(1, ms)); }

bool SequenceStrip::isPlaying() const { return timer_->isActive(); }

void SequenceStrip::onDataChanged() {
    setPlaying(false);
    canvas_->ownHover_ = {};
    canvas_->relayout();
    play_->setEnabled(canvas_->positionCount() > 0);
    onHoverChanged();
    updateSummary();
}

void SequenceStrip::onHoverChanged() {
    const Pointed& h = inspection_->hover();
    std::vector<int> positions = inspection_->positionsOfNode(h.node);
    const std::vector<int> ofEdge = inspection_->positionsOfEdge(h.edge);
    positions.insert(positions.end(), ofEdge.begin(), ofEdge.end());
    if (h.position >= 0 && h.position < canvas_->positionCount()) positions.push_back(h.position);
    std::sort(positions.begin(), positions.end());
    positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
    highlighted_ = std::move(positions);
    // A hover from another view brings its first position into view.
    if (!(h == canvas_->ownHover_) && !highlighted_.empty() && !isPlaying()) {
        const bool anyVisible = std::any_of(highlighted_.begin(), highlighted_.end(), [&](int pos) {
            const QRect r = canvas_->cellRect(pos, -1);
            return r.right() >= 0 && r.left() < canvas_->viewport()->width();
        });
        if (!anyVisible) canvas_->ensureVisible(highlighted_.front());
    }
    canvas_->viewport()->update();
}

void SequenceStrip::setPlaying(bool on) {
    if (on && canvas_->positionCount() == 0) on = false;
    if (on == timer_->isActive()) {
        if (play_->isChecked() != on) play_->setChecked(on);
        return;
    }
    if (on) {
        playPosition_ = -1;
        timer_->start();
    } else {
        timer_->stop();
        if (!canvas_->ownHover_.empty() && inspection_->hover() == canvas_->ownHover_) inspection_->setHover({});
        canvas_->ownHover_ = {};
    }
    const QSignalBlocker block(play_);
    play_->setChecked(on);
    play_->setIcon(style()->standardIcon(on ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
}

void SequenceStrip::playStep() {
    ++playPosition_;
    if (playPosition_ >= canvas_->positionCount()) {
        setPlaying(false);
        return;
    }
    const Pointed p = inspection_->pointedAtPosition(playPosition_);
    canvas_->ownHover_ = p;
    canvas_->ensureVisible(playPosition_);
    inspection_->setHover(p);
}

void SequenceStrip::updateSummary() {
    const auto& tokens = inspection_->data().tokens;
    if (!tokens) {
        summary_->clear();
        return;
    }
    QString text = tr("%1 positions, %2 tokens, %3 layout")
                       .arg(tokens->positions.size())
                       .arg(tokens->tokenCount())
                       .arg(QString::fromLatin1(tokenLayoutName(tokens->options.layout)));
    if (canvas_->hasAttentionRow())
        text += inspection_->query() >= 0
                    ? tr("  ·  heat row: attention of position %1").arg(inspection_->query())
                    : tr("  ·  heat row: mean attention received");
    summary_->setText(text);
}

std::vector<float> SequenceStrip::attentionShown() const { return canvas_->attentionRow(); }

}  // namespace gts
