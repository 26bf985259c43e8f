#pragma once

#include <QString>
#include <QWidget>
#include <utility>
#include <vector>

#include "Inspection.h"

namespace gts {

/// What a fine-tuned model predicts, as its model card (MODEL_CARD.md or README.md in the model
/// folder) says in its first paragraph: a bold target followed by "(abbreviation, unit)" gives
/// name and unit ("**topological polar surface area** (TPSA, Å²)"); `task` is that paragraph's
/// first sentence without markup. Fields are empty where the card is absent or says nothing.
struct ModelTarget {
    QString name, abbreviation, unit, task;
    static ModelTarget fromCard(const QString& cardText);
    static ModelTarget fromModelFolder(const QString& folder);
};

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
    /// The current model's target (from its card).
    const ModelTarget& target() const { return target_; }
    /// Fine-tuned models: the score head on every remaining position (RunResult::tokenLogits),
    /// the regression value or the probability of the predicted class, in result.positions order.
    /// Node-level node tasks: one value per remaining node (the probability of the node's own
    /// predicted class, the first label's probability, or the first output).
    const std::vector<double>& tokenSeries() const { return tokenSeries_; }
    QString tokenSeriesTitle() const { return tokenSeriesTitle_; }
    /// Index into tokenSeries() of the hovered (else selected) position, -1 when none.
    int tokenSeriesMarked() const { return tokenSeriesMarked_; }

    /// The k most probable vocabulary ids of (row of result.logits, slot) with their softmax
    /// probabilities, most probable first. Empty for a non-pre-training result.
    static std::vector<std::pair<int32_t, float>> topTokens(const model::RunResult& result, int row, int slot, int k);

    QSize sizeHint() const override;
    /// The whole content's height: in a scroll area the panel scrolls instead of clipping.
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent*) override;
    /// The wrapped task sentence makes the height follow the width.
    void resizeEvent(QResizeEvent* event) override;

private:
    void refresh();
    /// refresh() for a node-level model's run.
    void refreshNodeLevel();
    int contentHeight() const;
    /// The model card's task sentence wrapped to the panel's width, px.
    int taskHeight() const;
    /// The per-position chart of tokenSeries() from height y down.
    void paintTokenSeries(class QPainter& p, int y);

    Inspection* inspection_;
    QString header_;
    std::vector<PredictionSection> sections_;
    int position_ = -1;
    ModelTarget target_;
    const void* targetModel_ = nullptr;  ///< the model target_ was read for
    std::vector<double> tokenSeries_;
    std::vector<int32_t> tokenSeriesPositions_;
    QString tokenSeriesTitle_;
    int tokenSeriesMarked_ = -1;
    bool nodeSeries_ = false;  ///< tokenSeries_ holds one value per node (node-level models)
};

}  // namespace gts
