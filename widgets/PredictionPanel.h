#pragma once

#include <QString>
#include <QWidget>
#include <utility>
#include <vector>

#include "Inspection.h"

namespace gts {

/// One bar of the panel: a class, a token or a value.
struct PredictionBar {
    QString label;
    double value = 0.0;
};

/// A group of bars under a title. Probability sections draw bars over [0, 1]; value sections
/// show numbers only.
struct PredictionSection {
    QString title;
    std::vector<PredictionBar> bars;
    bool probabilities = true;
};

/// What the model said: the regression value, class probabilities, or, for a pre-trained
/// model, the top tokens it predicts for each slot of the hovered (else selected, else query)
/// position; with the model's name, the number of positions and the run time.
class PredictionPanel : public QWidget {
    Q_OBJECT
public:
    static constexpr int kTopTokens = 5;

    explicit PredictionPanel(Inspection* inspection, QWidget* parent = nullptr);

    QString headerText() const { return header_; }
    const std::vector<PredictionSection>& sections() const { return sections_; }
    /// The position whose token predictions are shown (-1: none).
    int shownPosition() const { return position_; }

    /// The k most probable vocabulary ids of (row of result.logits, slot) with their softmax
    /// probabilities, most probable first. Empty for a non-pre-training result.
    static std::vector<std::pair<int32_t, float>> topTokens(const model::RunResult& result, int row, int slot, int k);

    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent*) override;

private:
    void refresh();
    int contentHeight() const;

    Inspection* inspection_;
    QString header_;
    std::vector<PredictionSection> sections_;
    int position_ = -1;
};

}  // namespace gts
