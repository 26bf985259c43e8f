#include "GraphSummaryView.h"

#include <QHeaderView>

namespace gts {

GraphSummaryView::GraphSummaryView(QWidget* parent) : QTreeWidget(parent) {
    setColumnCount(2);
    setHeaderLabels({tr("Property"), tr("Value")});
    header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    setRootIsDecorated(true);
    setAlternatingRowColors(true);
    setUniformRowHeights(true);
}

void GraphSummaryView::clearSummary() { clear(); }

void GraphSummaryView::showSummary(const GraphSummary& s) {
    clear();
    auto row = [this](const QString& name, const QString& value) {
        auto* item = new QTreeWidgetItem(this, {name, value});
        item->setToolTip(1, value);
        return item;
    };
    row(tr("Name"), QString::fromStdString(s.name));
    row(tr("Nodes"), QString::number(s.nodes));
    row(tr("Edges"), QString::number(s.edges));
    row(tr("Directed"), s.directed ? tr("yes") : tr("no"));
    row(tr("Components"), tr("%1 (largest %2 nodes)").arg(s.components).arg(s.largestComponent));
    row(tr("Isolated nodes"), QString::number(s.isolatedNodes));
    row(tr("Self loops"), QString::number(s.selfLoops));
    row(tr("Multi-edges"), s.multiEdges ? tr("yes") : tr("no"));
    for (const char* scope : {"graph", "node", "edge"}) {
        QTreeWidgetItem* group = nullptr;
        for (const AttrSummary& a : s.attributes) {
            if (a.scope != scope) continue;
            if (!group) group = row(tr("%1 attributes").arg(QString::fromLatin1(scope)), QString());
            QString type = QString::fromLatin1(attrKindName(a.kind));
            if (a.width != 1) type += QStringLiteral("[%1]").arg(a.width);
            auto* item = new QTreeWidgetItem(
                group, {QString::fromStdString(a.name),
                        tr("%1, %2/%3 set, e.g. %4")
                            .arg(type)
                            .arg(a.present)
                            .arg(a.size)
                            .arg(QString::fromStdString(a.example))});
            item->setToolTip(1, item->text(1));
        }
        if (group) group->setExpanded(true);
    }
}

QString GraphSummaryView::valueOf(const QString& rowName) const {
    for (int i = 0; i < topLevelItemCount(); ++i)
        if (topLevelItem(i)->text(0) == rowName) return topLevelItem(i)->text(1);
    return {};
}

}  // namespace gts
