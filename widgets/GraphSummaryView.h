#pragma once

#include <QTreeWidget>

#include "graph/GraphSummary.h"

namespace gts {

/// The graph panel: counts, structure and the attribute schema of the open graph.
class GraphSummaryView : public QTreeWidget {
    Q_OBJECT
public:
    explicit GraphSummaryView(QWidget* parent = nullptr);

    void showSummary(const GraphSummary& summary);
    void clearSummary();
    /// The value shown for a top-level row ("Nodes", "Edges", ...), for tests and tooltips.
    QString valueOf(const QString& row) const;
};

}  // namespace gts
