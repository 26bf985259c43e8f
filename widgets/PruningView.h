#pragma once
// Token pruning of the current graph: choose Zero-TPrune or random, a keep ratio and the
// pruning layers; see which tokens survive each layer (a stack of sequence strips, pruned
// tokens greyed, like a Sankey of survivors), the FLOPs saved and the output change, the same
// survival drawn on the graph, and a sweep curve of output change against FLOPs saved for both
// methods.

#include <QWidget>
#include <memory>
#include <optional>
#include <vector>

#include "Inspection.h"
#include "analysis/Pruning.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QCheckBox;

namespace gts {

namespace jobs {
class JobRunner;
}
class MaskGrid;
class SurvivorStrip;
class SweepPlot;

class PruningView : public QWidget {
    Q_OBJECT
public:
    PruningView(Inspection* inspection, jobs::JobRunner* jobs, QWidget* parent = nullptr);

    /// Prunes the current graph with the chosen settings (the Prune button).
    void startPrune();
    /// Sweeps keep ratios 0.9 … 0.3 for both methods on the current graph (the Sweep button).
    void startSweep();
    const std::shared_ptr<const analysis::PruneResult>& result() const { return result_; }
    const std::vector<analysis::SweepPoint>& sweep() const { return sweep_; }
    QComboBox* methodBox() const { return method_; }
    QDoubleSpinBox* keepBox() const { return keep_; }
    QCheckBox* showOnGraphBox() const { return onGraph_; }
    SurvivorStrip* survivors() const { return survivors_; }
    SweepPlot* sweepPlot() const { return plot_; }
    QString summaryText() const;
    MaskGrid* maskGrid() const { return masks_; }
    /// Runs the model with the heads and layers switched off in maskGrid() (the Run button).
    void startMaskedRun();
    QString maskText() const;

signals:
    void maskedRunReady();
    void pruneReady();
    void sweepReady();

private:
    void onDataChanged();
    void startNodeMaskedRun();
    QString measureName() const;
    void showOnGraph();
    std::optional<model::SequenceInput> currentInput(QString* why) const;

    Inspection* inspection_;
    jobs::JobRunner* jobs_;
    QComboBox* method_ = nullptr;
    QDoubleSpinBox* keep_ = nullptr;
    QSpinBox* firstLayer_ = nullptr;
    QSpinBox* lastLayer_ = nullptr;
    QPushButton* prune_ = nullptr;
    QPushButton* sweepButton_ = nullptr;
    QCheckBox* onGraph_ = nullptr;
    QLabel* summary_ = nullptr;
    SurvivorStrip* survivors_ = nullptr;
    SweepPlot* plot_ = nullptr;
    MaskGrid* masks_ = nullptr;
    QPushButton* runMasked_ = nullptr;
    QLabel* maskSummary_ = nullptr;
    std::shared_ptr<const analysis::PruneResult> result_;
    std::vector<analysis::SweepPoint> sweep_;
};

/// Rows = layers, columns = positions: a cell per position coloured by its token kind while it
/// is present in that layer, greyed after it was pruned. Hover highlights the position.
class SurvivorStrip : public QWidget {
    Q_OBJECT
public:
    explicit SurvivorStrip(Inspection* inspection, QWidget* parent = nullptr);
    void setResult(std::shared_ptr<const analysis::PruneResult> result);
    /// Whether original position `position` is present in layer `layer`.
    bool present(int layer, int position) const;
    QRect cellRect(int layer, int position) const;

protected:
    void paintEvent(QPaintEvent*) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent*) override;
    QSize sizeHint() const override;

private:
    Inspection* inspection_;
    std::shared_ptr<const analysis::PruneResult> result_;
    std::vector<std::vector<uint8_t>> present_;  ///< [layer][position]
};

/// Heads (columns) and layers (rows) switched on or off by a click; a click on a layer's label
/// skips the whole layer.
class MaskGrid : public QWidget {
    Q_OBJECT
public:
    explicit MaskGrid(QWidget* parent = nullptr);
    void setShape(int layers, int heads);
    const std::vector<std::vector<bool>>& headMask() const { return heads_; }
    const std::vector<bool>& skipLayers() const { return layers_; }
    void setHeadOff(int layer, int head, bool off);
    void setLayerSkipped(int layer, bool skipped);
    void clear();
    int offCount() const;
    QRect cellRect(int layer, int head) const;
    QRect layerLabelRect(int layer) const;

signals:
    void changed();

protected:
    void paintEvent(QPaintEvent*) override;
    void mousePressEvent(QMouseEvent* event) override;
    QSize sizeHint() const override;

private:
    std::vector<std::vector<bool>> heads_;
    std::vector<bool> layers_;
};

/// Output change (y) against FLOPs saved (x) for Zero-TPrune and random pruning.
class SweepPlot : public QWidget {
    Q_OBJECT
public:
    explicit SweepPlot(QWidget* parent = nullptr);
    void setPoints(std::vector<analysis::SweepPoint> points, const QString& measure);

protected:
    void paintEvent(QPaintEvent*) override;
    QSize sizeHint() const override { return {360, 200}; }

private:
    std::vector<analysis::SweepPoint> points_;
    QString measure_;
};

}  // namespace gts
