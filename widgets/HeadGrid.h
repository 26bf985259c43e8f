#pragma once

#include <QImage>
#include <QWidget>
#include <vector>

#include "Inspection.h"
#include "analysis/HeadMetrics.h"

class QComboBox;
class QLabel;

namespace gts {

class HeadGridCanvas;

/// Every captured layer x head as a thumbnail of its attention matrix (the overview), the
/// current head outlined, each cell framed in the colour of a chosen per-head metric. Click
/// selects that layer and head everywhere (aggregation: single head).
class HeadGrid : public QWidget {
    Q_OBJECT
public:
    explicit HeadGrid(Inspection* inspection, QWidget* parent = nullptr);

    QWidget* canvas() const;
    QComboBox* metricBox() const { return metric_; }
    void setMetric(analysis::HeadMetric metric);
    /// Colours by a metric of the Inspection's head statistics (a namedValues name or
    /// "hop_1_lift") or by ablation ("causal"); empty until those are computed.
    void setNamedMetric(const QString& key);
    const QString& namedMetric() const { return namedMetric_; }
    analysis::HeadMetric metric() const { return metricKind_; }
    /// Layers (captured) and heads in the grid.
    int rowCount() const;
    int columnCount() const;
    /// The thumbnail rectangle of grid cell (row = captured layer index, head) in canvas().
    QRect cellRect(int row, int head) const;
    /// The metric of a cell (0 with HeadMetric::None).
    double metricValue(int row, int head) const;
    /// The thumbnail of a cell, rendered on first use.
    const QImage& thumbnail(int row, int head) const;

private:
    friend class HeadGridCanvas;
    void onDataChanged();
    void updateLegend();

    Inspection* inspection_;
    HeadGridCanvas* canvas_ = nullptr;
    QComboBox* metric_ = nullptr;
    QLabel* legend_ = nullptr;
    analysis::HeadMetric metricKind_ = analysis::HeadMetric::Entropy;
    QString namedMetric_;
    std::vector<std::vector<double>> metricValues_;  ///< [row][head], for metricKind_
    double metricMin_ = 0.0, metricMax_ = 0.0;
    mutable std::vector<std::vector<QImage>> thumbnails_;  ///< [row][head], null until drawn
};

}  // namespace gts
