#pragma once
// File ▸ Export (Ctrl+E): the current view as a figure — SVG or PDF (vector: text stays text)
// or PNG at a chosen DPI — drawn from the same core/scene figure the command line renders, with
// the canvas's current layer, head, aggregation, query, threshold, overlay and layout.

#include <QDialog>

#include "Inspection.h"
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
};

}  // namespace gts
