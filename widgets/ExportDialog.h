#pragma once
// File ▸ Export (Ctrl+E): a view as a figure — SVG or PDF (vector: text stays text) or PNG at a
// chosen DPI — drawn from the same core/scene figures the command line renders, with the
// window's current layer, head, aggregation, query, threshold, overlay and layout: the graph,
// the attention matrix, the head grid, the token sequence, the pruning survivors, or the graph,
// matrix and head grid on one page.

#include <QDialog>

#include <memory>

#include "Inspection.h"
#include "analysis/HeadMetrics.h"
#include "analysis/Pruning.h"
#include "scene/Scene.h"
#include "scene/Views.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace gts {

/// The graph as the canvas shows it, as a figure: the Inspection's layout, its attention (or
/// the overlay drawn in its place: saliency, pruning survival) with the canvas's threshold,
/// eulerization copies and jumps of the walk, element symbols on atoms, and a colour bar named
/// after what is drawn. Throws std::runtime_error when there is no graph or no layout yet.
scene::Scene currentGraphFigure(const Inspection& inspection, scene::Theme theme, float size = 480.0f);

enum class FigureView { Graph, AttentionMatrix, HeadGrid, Sequence, Pruning, GraphMatrixHeads };

/// What the other views show besides the Inspection (their own settings).
struct FigureContext {
    colormaps::ColorMap matrixMap = colormaps::ColorMap::Viridis;  ///< AttentionMatrixView's map
    analysis::HeadMetric headMetric = analysis::HeadMetric::None;  ///< HeadGrid's frame metric
    std::shared_ptr<const analysis::PruneResult> pruned;           ///< PruningView's last result
};

/// A view of the Inspection as a figure (`size`: the graph or matrix square in points, the
/// head grid's cell, the sequence's or survivors' width scale with it). Throws
/// std::runtime_error saying what is missing (no run, a layer over the capture budget, no
/// pruning result yet).
scene::Scene currentFigure(const Inspection& inspection, FigureView view, const FigureContext& context,
                           scene::Theme theme, float size = 480.0f);

/// Writes `scene` by the extension of `path`: .svg, .pdf, or .png at `dpi`. Whole or nothing;
/// throws with a message naming the file.
void writeFigure(const scene::Scene& scene, const QString& path, double dpi);

class ExportDialog : public QDialog {
    Q_OBJECT
public:
    explicit ExportDialog(const Inspection* inspection, QWidget* parent = nullptr);

    void setPath(const QString& path);
    QString path() const;
    void setTheme(scene::Theme theme);
    void setFigureSize(double points);
    void setDpi(int dpi);
    void setView(FigureView view);
    FigureView view() const;
    void setContext(FigureContext context) { context_ = std::move(context); }
    /// Writes the figure with the dialog's settings; false with error() on failure.
    bool exportNow();
    QString error() const { return error_; }

private:
    void browse();
    void updateHints();

    const Inspection* inspection_;
    QComboBox* view_ = nullptr;
    QLineEdit* path_ = nullptr;
    QComboBox* theme_ = nullptr;
    QDoubleSpinBox* size_ = nullptr;
    QSpinBox* dpi_ = nullptr;
    QLabel* hint_ = nullptr;
    QString error_;
    FigureContext context_;
};

}  // namespace gts
