#pragma once

#include <QMainWindow>
#include <QStringList>
#include <memory>

#include "graph/Graph.h"

class QLabel;
class QMenu;

namespace gts {

class GraphSummaryView;
class TokenTableView;

/// The GTScope main window: opens graphs and shows what they hold. Views of the model, the
/// token sequence and attention join it as the engine lands.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Opens a graph file ("file.sdf#3" picks a record). On failure shows the error in the
    /// status bar and a message box (unless `quiet`), keeps the current graph, returns false.
    bool openGraph(const QString& path, bool quiet = false);
    const Graph* graph() const { return graph_.get(); }
    GraphSummaryView* summaryView() const { return summary_; }
    TokenTableView* tokenView() const { return tokens_; }
    QString lastError() const { return lastError_; }

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createActions();
    void updateRecentMenu();
    void addRecent(const QString& path);

    std::unique_ptr<Graph> graph_;
    QString graphPath_;
    QString lastError_;
    GraphSummaryView* summary_ = nullptr;
    TokenTableView* tokens_ = nullptr;
    QMenu* recentMenu_ = nullptr;
    QLabel* statusGraph_ = nullptr;
    QLabel* placeholder_ = nullptr;
};

}  // namespace gts
