#pragma once

#include <QAbstractScrollArea>
#include <QWidget>
#include <vector>

#include "Inspection.h"

class QLabel;
class QTimer;
class QToolButton;

namespace gts {

class SequenceStripCanvas;

/// The token sequence as a horizontal strip: one column per position (one cell per token of a
/// stacked position), cells coloured by what the token stands for, position numbers above,
/// and under the strip the current query's attention as a heat row. Hover and click write into
/// the Inspection; a hover from another view highlights every position of the hovered node or
/// edge. The play button walks the hover along the sequence (for teaching).
class SequenceStrip : public QWidget {
    Q_OBJECT
public:
    explicit SequenceStrip(Inspection* inspection, QWidget* parent = nullptr);

    /// The painted strip (hover and click it in tests).
    QAbstractScrollArea* strip() const;
    /// The rectangle of a token cell in strip()->viewport() coordinates (slot -1: the column).
    QRect cellRect(int position, int slot) const;
    /// Scrolls so that `position` is visible.
    void ensureVisible(int position);
    /// Positions drawn highlighted for the current hover (sorted).
    const std::vector<int>& highlightedPositions() const { return highlighted_; }
    QToolButton* playButton() const { return play_; }
    /// Play speed: milliseconds per position.
    void setPlayInterval(int ms);
    bool isPlaying() const;
    /// The heat row under the strip: attention to each position from the query (or the mean
    /// over queries), scaled to its maximum, -1 for pruned positions; empty when none is shown.
    std::vector<float> attentionShown() const;

private:
    friend class SequenceStripCanvas;
    void onDataChanged();
    void onHoverChanged();
    void setPlaying(bool on);
    void playStep();
    void updateSummary();

    Inspection* inspection_;
    SequenceStripCanvas* canvas_ = nullptr;
    QToolButton* play_ = nullptr;
    QLabel* summary_ = nullptr;
    QTimer* timer_ = nullptr;
    int playPosition_ = -1;
    std::vector<int> highlighted_;
};

}  // namespace gts
