#pragma once
// Engine ▸ Ring Attention: the shown graph's layer replayed on N simulated devices passing
// key/value blocks round a ring (analysis/RingAttention.h), for teaching how Ring Attention and
// TokenRing spread a long sequence over GPUs. A timeline shows each device's compute, idle
// (causal) and send steps; a schedule grid shows which key/value block each device holds at
// each step; the summary compares the ring's output with one-piece softmax attention.

#include <QWidget>
#include <memory>
#include <optional>

#include "Inspection.h"
#include "analysis/RingAttention.h"

class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace gts {

namespace jobs {
class JobRunner;
}

/// The timeline: a row per device, bars for compute (blue), send (orange) and idle steps
/// (grey outline), time along x; below, the N × N schedule coloured by block.
class RingTimeline : public QWidget {
    Q_OBJECT
public:
    explicit RingTimeline(QWidget* parent = nullptr);
    void setResult(std::shared_ptr<const analysis::RingResult> result, bool causal);
    const analysis::RingResult* result() const { return result_.get(); }
    QSize sizeHint() const override { return {640, 360}; }
    /// Colour of block b of n (the schedule's cells; Okabe–Ito order, then hue steps).
    static QColor blockColor(int block, int blocks);

protected:
    void paintEvent(QPaintEvent*) override;

private:
    std::shared_ptr<const analysis::RingResult> result_;
    bool causal_ = false;
};

class RingView : public QWidget {
    Q_OBJECT
public:
    RingView(Inspection* inspection, jobs::JobRunner* jobs, QWidget* parent = nullptr);

    QSpinBox* layerBox() const { return layer_; }
    QSpinBox* devicesBox() const { return devices_; }
    QCheckBox* overlapBox() const { return overlap_; }
    QDoubleSpinBox* linkBox() const { return link_; }
    RingTimeline* timeline() const { return timeline_; }
    /// Runs the layer of the current graph on the chosen devices (the Run button).
    void start();
    QString summaryText() const;
    /// max |ring − one-piece attention| of the last run.
    double lastDifference() const { return lastDifference_; }

signals:
    void ringReady();

private:
    void onDataChanged();

    Inspection* inspection_;
    jobs::JobRunner* jobs_;
    QSpinBox* layer_ = nullptr;
    QSpinBox* devices_ = nullptr;
    QCheckBox* overlap_ = nullptr;
    QDoubleSpinBox* link_ = nullptr;
    QPushButton* run_ = nullptr;
    QLabel* summary_ = nullptr;
    RingTimeline* timeline_ = nullptr;
    double lastDifference_ = -1;
};

}  // namespace gts
