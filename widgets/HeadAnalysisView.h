#pragma once
// What each head does: a sortable table of per-head metrics (attention-based, and causal
// importance once ablated), a scatter of an attention metric against causal importance (the
// two can disagree: DARTS-GT's point), and input saliency (rollout, flow) drawn on the graph.
// Everything slow runs as a job; the results live in the Inspection, so the head grid can
// colour by them too.

#include <QWidget>
#include <vector>

#include "Inspection.h"

class QComboBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace gts {

namespace jobs {
class JobRunner;
}
class MetricScatter;

class HeadAnalysisView : public QWidget {
    Q_OBJECT
public:
    HeadAnalysisView(Inspection* inspection, jobs::JobRunner* jobs, QWidget* parent = nullptr);

    QTableWidget* table() const { return table_; }
    MetricScatter* scatter() const { return scatter_; }
    QPushButton* ablateButton() const { return ablate_; }
    QComboBox* saliencyBox() const { return saliency_; }
    QComboBox* scatterMetricBox() const { return scatterMetric_; }
    /// Starts ablation of every head and layer of the current graph (the Ablate button).
    void startAblation();
    void startNodeAblation();
    /// Draws rollout ("rollout") or flow ("flow") saliency on the graph; "" clears it.
    void showSaliency(const QString& method);
    QString statusText() const;
    /// The head card: the current head's pattern, its metrics and ablation effect.
    QString cardText() const;

    /// The columns of the table, by metric name (namedValues), in order.
    static const std::vector<std::pair<QString, QString>>& columns();

signals:
    /// Head statistics for the current data are in the Inspection.
    void statsReady();
    void ablationReady();
    void saliencyReady();

private:
    void onDataChanged();
    void computeStats();
    void fillTable();
    void syncSelection();
    void updateCard();

    Inspection* inspection_;
    jobs::JobRunner* jobs_;
    QTableWidget* table_ = nullptr;
    MetricScatter* scatter_ = nullptr;
    QComboBox* scatterMetric_ = nullptr;
    QComboBox* saliency_ = nullptr;
    QPushButton* ablate_ = nullptr;
    QLabel* status_ = nullptr;
    QLabel* cardImage_ = nullptr;
    QLabel* cardText_ = nullptr;
    bool filling_ = false;
};

/// Attention metric (x) against causal importance (y), one point per head; Spearman's rank
/// correlation in the corner; click a point to select that head.
class MetricScatter : public QWidget {
    Q_OBJECT
public:
    explicit MetricScatter(Inspection* inspection, QWidget* parent = nullptr);
    struct Point {
        int layer = 0, head = 0;
        double x = 0.0, y = 0.0;
    };
    void setPoints(std::vector<Point> points, const QString& xLabel, const QString& yLabel);
    const std::vector<Point>& points() const { return points_; }
    /// Spearman's rank correlation of x and y (NaN with fewer than 3 points or a constant).
    double rankCorrelation() const { return rho_; }
    /// Where a point is drawn (tests click it).
    QPointF pointPosition(size_t index) const;

protected:
    void paintEvent(QPaintEvent*) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    QSize sizeHint() const override { return {360, 240}; }

private:
    QRectF plotRect() const;
    int pointAt(const QPointF& p) const;

    Inspection* inspection_;
    std::vector<Point> points_;
    QString xLabel_, yLabel_;
    double xMin_ = 0, xMax_ = 1, yMin_ = 0, yMax_ = 1;
    double rho_ = 0.0;
    int hovered_ = -1;
};

/// Spearman's rank correlation (average ranks for ties): Pearson's r of the ranks.
double spearman(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace gts
