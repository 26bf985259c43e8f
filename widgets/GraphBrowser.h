#pragma once

#include <QString>
#include <QWidget>
#include <vector>

class QLineEdit;
class QTreeWidget;
class QTreeWidgetItem;

namespace gts {

/// Browses graphs to open: the shipped demo graphs (resources/graphs/index.json) and the
/// records of the open multi-record file (SMILES, SDF, GraphML with several graphs, OGB
/// folders). A filter box narrows both; activating an entry asks to open it.
class GraphBrowser : public QWidget {
    Q_OBJECT
public:
    struct Entry {
        QString path;         ///< what to open ("file#N" for a record)
        QString name;
        QString detail;       ///< one line: a description, or the SMILES / size
        QString group;        ///< index kind ("molecule", "network", ...) for shipped graphs
    };

    explicit GraphBrowser(QWidget* parent = nullptr);

    /// Reads resources/graphs/index.json ({"graphs": [...]} or a list) under `resourceDir`.
    void loadShippedGraphs(const QString& resourceDir);
    /// Shows the records of `file` (replacing the previous file's); empty clears them.
    void setFileRecords(const QString& file, const std::vector<Entry>& records);
    QTreeWidget* tree() const { return tree_; }
    /// Top-level items: "Demo graphs" and the open file's records.
    int shippedCount() const { return shippedCount_; }
    int recordCount() const { return recordCount_; }

signals:
    void openRequested(const QString& path);

private:
    void applyFilter();

    QLineEdit* filter_ = nullptr;
    QTreeWidget* tree_ = nullptr;
    QTreeWidgetItem* shipped_ = nullptr;
    QTreeWidgetItem* records_ = nullptr;
    int shippedCount_ = 0;
    int recordCount_ = 0;
};

}  // namespace gts
