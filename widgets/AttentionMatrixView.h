#pragma once

#include <QImage>
#include <QWidget>

#include "ColorMaps.h"
#include "Inspection.h"

class QComboBox;
class QLabel;

namespace gts {

class AttentionMatrixCanvas;

/// The attention matrix of the current layer / head / aggregation as a heatmap (rows are
/// queries, columns keys), coloured by a colour-vision-safe map over [0, the matrix maximum]
/// with a colour bar. Wheel zooms around the cursor, drag pans, double-click fits. Hover shows
/// the value and both tokens; click makes the row's position the query. The query row and the
/// hovered position's row and column are highlighted, from this view or any other.
class AttentionMatrixView : public QWidget {
    Q_OBJECT
public:
    explicit AttentionMatrixView(Inspection* inspection, QWidget* parent = nullptr);

    /// The painted heatmap (hover and click it in tests).
    QWidget* canvas() const;
    /// The centre of matrix cell (row, column) in canvas() coordinates.
    QPointF cellCenter(int row, int column) const;
    /// Pixels per cell; zoom keeps the point under `anchor` (canvas coordinates) fixed.
    double cellSize() const { return cellSize_; }
    void zoomBy(double factor, QPointF anchor);
    /// Fits the whole matrix in the canvas.
    void fit();
    void setColorMap(colormaps::ColorMap map);
    colormaps::ColorMap colorMap() const { return map_; }
    /// The status line: what the mouse is over.
    QString statusText() const;
    /// The value range the colours span.
    float maximum() const { return maximum_; }

private:
    friend class AttentionMatrixCanvas;
    void rebuild();
    QRectF matrixRect() const;
    QString positionLabel(int position) const;
    void updateTitle();

    Inspection* inspection_;
    AttentionMatrixCanvas* canvas_ = nullptr;
    QLabel* title_ = nullptr;
    QLabel* status_ = nullptr;
    QComboBox* colorMap_ = nullptr;
    colormaps::ColorMap map_ = colormaps::ColorMap::Viridis;
    QImage image_;        ///< one pixel per cell
    int64_t size_ = 0;      ///< columns (keys): the layer's positions
    int64_t rows_ = 0;      ///< rows shown: all of them, or a block of a layer over the budget
    int64_t firstRow_ = 0;  ///< the layer row of the image's first row
    float maximum_ = 0.0f;
    double cellSize_ = 1.0;
    QPointF origin_;      ///< canvas position of the matrix's top-left corner
    bool fitted_ = false; ///< follow the canvas size until the user zooms or pans
    int hoverRow_ = -1, hoverColumn_ = -1;
    Pointed ownHover_;
};

}  // namespace gts
