#include "GraphBrowser.h"

#include <QFile>
#include <QFileInfo>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QMap>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <functional>

namespace gts {

namespace {
constexpr int kPathRole = Qt::UserRole + 1;

QTreeWidgetItem* entryItem(const GraphBrowser::Entry& e) {
    auto* item = new QTreeWidgetItem({e.name, e.detail});
    item->setData(0, kPathRole, e.path);
    item->setToolTip(0, e.path);
    item->setToolTip(1, e.detail);
    return item;
}
}  // namespace

GraphBrowser::GraphBrowser(QWidget* parent) : QWidget(parent) {
    filter_ = new QLineEdit(this);
    filter_->setPlaceholderText(tr("Filter graphs (name, SMILES, description)"));
    filter_->setClearButtonEnabled(true);
    tree_ = new QTreeWidget(this);
    tree_->setHeaderLabels({tr("Graph"), tr("Details")});
    tree_->setRootIsDecorated(true);
    tree_->setUniformRowHeights(true);
    tree_->header()->setStretchLastSection(true);
    shipped_ = new QTreeWidgetItem(tree_, {tr("Demo graphs")});
    records_ = new QTreeWidgetItem(tree_, {tr("Records of the open file")});
    records_->setHidden(true);
    auto* box = new QVBoxLayout(this);
    box->setContentsMargins(4, 4, 4, 4);
    box->addWidget(filter_);
    box->addWidget(tree_);
    connect(filter_, &QLineEdit::textChanged, this, &GraphBrowser::applyFilter);
    connect(tree_, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) {
        const QString path = item->data(0, kPathRole).toString();
        if (!path.isEmpty()) emit openRequested(path);
    });
}

void GraphBrowser::loadShippedGraphs(const QString& resourceDir) {
    qDeleteAll(shipped_->takeChildren());
    shippedCount_ = 0;
    QFile file(resourceDir + QStringLiteral("/graphs/index.json"));
    if (!file.open(QIODevice::ReadOnly)) return;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll());
    const QJsonArray list = doc.isArray() ? doc.array() : doc.object().value(QStringLiteral("graphs")).toArray();
    QMap<QString, QTreeWidgetItem*> groups;
    for (const QJsonValue& v : list) {
        const QJsonObject g = v.toObject();
        Entry e;
        e.path = resourceDir + QStringLiteral("/graphs/") + g.value(QStringLiteral("file")).toString();
        e.name = g.value(QStringLiteral("name")).toString();
        e.detail = g.value(QStringLiteral("description")).toString();
        e.group = g.value(QStringLiteral("kind")).toString();
        QTreeWidgetItem*& group = groups[e.group];
        if (!group) {
            group = new QTreeWidgetItem(shipped_, {e.group.isEmpty() ? tr("other") : e.group});
            group->setExpanded(true);
        }
        group->addChild(entryItem(e));
        ++shippedCount_;
    }
    shipped_->setExpanded(true);
    applyFilter();
}

void GraphBrowser::setFileRecords(const QString& file, const std::vector<Entry>& records) {
    qDeleteAll(records_->takeChildren());
    recordCount_ = int(records.size());
    records_->setHidden(records.empty());
    records_->setText(0, tr("Records of %1 (%2)").arg(QFileInfo(file).fileName()).arg(records.size()));
    QList<QTreeWidgetItem*> items;
    items.reserve(int(records.size()));
    for (const Entry& e : records) items << entryItem(e);
    records_->addChildren(items);
    records_->setExpanded(true);
    applyFilter();
}

void GraphBrowser::applyFilter() {
    const QString text = filter_->text().trimmed();
    auto match = [&](QTreeWidgetItem* item) {
        return text.isEmpty() || item->text(0).contains(text, Qt::CaseInsensitive) ||
               item->text(1).contains(text, Qt::CaseInsensitive);
    };
    // Leaves are entries; groups stay visible while any child does.
    std::function<bool(QTreeWidgetItem*)> visit = [&](QTreeWidgetItem* item) -> bool {
        if (item->childCount() == 0) {
            const bool show = match(item);
            item->setHidden(!show);
            return show;
        }
        bool any = false;
        for (int i = 0; i < item->childCount(); ++i) any = visit(item->child(i)) || any;
        item->setHidden(!any && item != shipped_);
        return any;
    };
    visit(shipped_);
    if (recordCount_ > 0) visit(records_);
}

}  // namespace gts
