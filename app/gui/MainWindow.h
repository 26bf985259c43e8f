#pragma once

#include <QMainWindow>
#include <QStringList>
#include <functional>
#include <memory>

#include "graph/Graph.h"
#include "graph/GraphSummary.h"
#include "Inspection.h"
#include "model/Backend.h"
#include "model/NodeModel.h"
#include "model/ModelFolder.h"
#include "SessionIO.h"
#include "store/Session.h"
#include <optional>

class QAction;
class QActionGroup;
class QLabel;
class QLineEdit;
class QMenu;
class QStackedWidget;
class QUndoStack;
class QProgressBar;
class QTimer;
class QToolButton;

namespace gts {

namespace jobs {
class JobRunner;
}
class AttentionMatrixView;
class GraphBrowser;
class GraphCanvas;
class GraphEditor;
class GraphSummaryView;
class HeadAnalysisView;
class HeadGrid;
class Inspection;
class PredictionPanel;
class PruningView;
class NotesView;
class RingView;
class SequenceStrip;
class TokenTableView;

/// The GTScope main window: opens graphs and models, runs the model on the graph in the
/// background whenever either (or the walk) changes, and shows the result in linked views.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Opens a graph file ("file.sdf#3" picks a record). A small file is read at once; a large
    /// file or a folder is read by a background job (true means started; graphOpened says how
    /// it ended). On failure shows the error in the status bar and a message box (unless
    /// `quiet`), keeps the current graph, and returns false (read at once) or emits
    /// graphOpened(false).
    bool openGraph(const QString& path, bool quiet = false);
    const Graph* graph() const { return graph_.get(); }
    std::shared_ptr<const Graph> sharedGraph() const { return graph_; }
    /// Loads a model folder (or weights file) in the background; the graph is re-run with it
    /// when it arrives. Errors go to the status bar and a message box (unless `quiet`).
    void openModel(const QString& path, bool quiet = false);
    /// Opens a molecule typed as SMILES (the toolbar box). False, with lastError(), when RDKit
    /// cannot read it.
    bool openSmiles(const QString& smiles);
    /// Swaps in an edited graph (undo/redo apply these), keeping `layout` when given.
    void replaceGraph(std::shared_ptr<Graph> g, std::shared_ptr<const NodeLayout> layout);
    /// Applies an edit as one undoable step.
    void pushEdit(const QString& text, std::shared_ptr<Graph> after,
                  std::shared_ptr<const NodeLayout> afterLayout);
    QUndoStack* undoStack() const { return undo_; }
    /// The what-if edits (the canvas's right-click menu); each is one step on undoStack().
    GraphEditor* graphEditor() const { return editor_; }
    const model::GraphGptModel* model() const { return model_.get(); }
    /// The node-level model when one is open (then model() is null).
    const model::NodeLevelModel* nodeLevelModel() const { return nodeModel_.get(); }
    Inspection* inspection() const { return inspection_; }
    jobs::JobRunner* jobRunner() const { return jobs_.get(); }
    /// Opens the shipped demo: molecule-tpsa on aspirin when present, else caffeine alone.
    void openDemo();
    /// "system", "light" or "dark" (remembered).
    void applyTheme(const QString& theme);
    GraphSummaryView* summaryView() const { return summary_; }
    TokenTableView* tokenView() const { return tokens_; }
    GraphCanvas* canvas() const { return canvas_; }
    GraphBrowser* browser() const { return browser_; }
    SequenceStrip* sequenceView() const { return sequence_; }
    AttentionMatrixView* matrixView() const { return matrix_; }
    HeadGrid* headGrid() const { return heads_; }
    PredictionPanel* predictionView() const { return prediction_; }
    HeadAnalysisView* headAnalysisView() const { return analysis_; }
    PruningView* pruningView() const { return pruning_; }
    NotesView* notesView() const { return notes_; }
    RingView* ringView() const { return ring_; }
    QString lastError() const { return lastError_; }
    /// File ▸ Save Session (Ctrl+S) and File ▸ Export (Ctrl+E): disabled, with a tooltip saying
    /// so, until a handler is set; an empty handler disables them again.
    QAction* saveAction() const { return saveAction_; }
    QAction* exportAction() const { return exportAction_; }
    void setSaveHandler(std::function<void()> handler, const QString& toolTip = {});
    void setExportHandler(std::function<void()> handler, const QString& toolTip = {});
    /// The status bar's graph text (name, counts, "(edited)").
    QString graphStatusText() const;
    /// Engine ▸ Backend: where runs go (remembered); re-runs the current graph.
    void setBackend(model::Backend backend);
    model::Backend backend() const { return backend_; }
    /// Where the last delivered run ran (Cpu or Gpu).
    model::Backend lastRunBackend() const { return lastBackend_; }
    QString runStatusText() const;
    /// Engine ▸ Attention Capture Budget (QSettings engine/attentionBudgetMB, 1 GB by default).
    size_t attentionBudgetBytes() const;

    /// Opens a session file (*.gtscope; openGraph forwards them here): graph, tokens, the cached
    /// run, layout, selection and layer/head shown with no engine run, the model loaded beside
    /// them (a later edit runs it). A missing model or one whose fingerprint changed is a
    /// warning (status bar; a message box for a missing one unless `quiet`) and the rest still
    /// shows. A file that is not a session, is corrupt or newer: an error, and the window keeps
    /// what it had. Emits sessionOpened.
    bool openSession(const QString& path, bool quiet = false);
    /// Writes the window to `path` on a background job (the file appears whole or not at all);
    /// the window then belongs to that session (title, Save, autosave). Emits sessionSaved.
    /// False when there is nothing to save (no graph).
    bool saveSession(const QString& path);
    QString sessionPath() const { return sessionPath_; }
    /// Warnings of the last session opened (model missing or changed, tokens re-made).
    QStringList sessionWarnings() const { return sessionWarnings_; }
    /// Engine runs submitted since the window was made (a restored session starts none).
    uint64_t runJobsStarted() const { return runJobsStarted_; }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

signals:
    /// A run finished and its result is in the Inspection (tests wait for it).
    void runFinished();
    /// A graph was opened (or could not be: `ok` false).
    void graphOpened(bool ok);
    /// A model finished loading (or failed: `ok` false).
    void modelLoaded(bool ok);
    /// A session file was opened and shown (or could not be: `ok` false).
    void sessionOpened(bool ok);
    /// A session save finished (`ok` false: the message is in lastError()).
    void sessionSaved(bool ok);

private:
    void createActions();
    void createDemoMenu(QMenu* menu);
    void createEngineMenu(QMenu* menu);
    /// The status bar's backend words ("CPU, 1 thread", "GPU (OpenGL compute)", ...).
    QString backendText() const;
    /// A run's result with the backend it ran on.
    struct EngineRun {
        std::shared_ptr<const model::RunResult> result;
        model::Backend ran = model::Backend::Cpu;
        std::string fallbackReason;
    };
    /// Tokenizes (TokenTableView) and runs the model on the current graph as the "run" job.
    void rerun();
    /// Shows a graph read or typed: summary, tokens (then the run), layout, title.
    void showGraph(std::shared_ptr<Graph> g, const QString& label, const QString& path,
                   const GraphSummary* summary = nullptr);
    /// Lists the records of a multi-record file in the graph browser (a background job).
    void listRecords(const QString& path);
    /// Computes the graph's layout as the "layout" job (Auto: RDKit depiction for molecules,
    /// else ForceAtlas2).
    void startLayout(const char* key);
    void jobStarted(const QString& what);
    void jobEnded();
    void updateRecentMenu();
    /// "name — n nodes, m edges", with "(edited)" unless the undo stack is clean.
    void updateGraphStatus();
    void addRecent(const QString& path);
    void bindAction(QAction* action, std::function<void()> handler, const QString& toolTip);

    std::shared_ptr<Graph> graph_;
    std::shared_ptr<const model::GraphGptModel> model_;
    QString modelPath_;
    Inspection* inspection_ = nullptr;
    std::unique_ptr<jobs::JobRunner> jobs_;
    QLabel* statusModel_ = nullptr;
    QLabel* statusRun_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QToolButton* cancel_ = nullptr;
    QTimer* jobPoll_ = nullptr;
    QString graphPath_;
    QString graphLabel_;
    uint64_t runGeneration_ = 0;
    uint64_t openSerial_ = 0;
    QString lastError_;
    GraphSummaryView* summary_ = nullptr;
    TokenTableView* tokens_ = nullptr;
    SequenceStrip* sequence_ = nullptr;
    GraphCanvas* canvas_ = nullptr;
    GraphBrowser* browser_ = nullptr;
    QString recordsFile_;
    QLineEdit* smilesBox_ = nullptr;
    QUndoStack* undo_ = nullptr;
    GraphEditor* editor_ = nullptr;
    std::shared_ptr<const NodeLayout> editLayout_;
    const Graph* editLayoutGraph_ = nullptr;
    /// The last layout job's result and the graph it is for.
    std::shared_ptr<const NodeLayout> laidOut_;
    std::weak_ptr<const Graph> laidOutGraph_;
    QStackedWidget* central_ = nullptr;
    AttentionMatrixView* matrix_ = nullptr;
    HeadGrid* heads_ = nullptr;
    PredictionPanel* prediction_ = nullptr;
    HeadAnalysisView* analysis_ = nullptr;
    PruningView* pruning_ = nullptr;
    NotesView* notes_ = nullptr;
    RingView* ring_ = nullptr;
    QMenu* recentMenu_ = nullptr;
    QAction* saveAction_ = nullptr;
    QAction* exportAction_ = nullptr;
    QActionGroup* backendActions_ = nullptr;
    model::Backend backend_ = model::Backend::Cpu;
    model::Backend lastBackend_ = model::Backend::Cpu;
    QLabel* statusGraph_ = nullptr;
    QLabel* placeholder_ = nullptr;

    /// A session being restored: its cached run is shown for the tokens it was made from,
    /// instead of a run, until the session's model has arrived (or cannot).
    struct PendingRestore {
        std::shared_ptr<const SessionState> state;
        const Graph* graph = nullptr;  ///< the graph made from the session (an edit ends the restore)
        bool waitingForModel = false;
        bool viewApplied = false;
        /// The session's run is a node-level model's: its tokens are the graph's nodes.
        bool nodeLevel = false;
    };
    /// Shows the restored run for `data` when the current tokens are the stored ones; true
    /// when it did (no run needed).
    bool showRestoredRun(InspectionData& data);
    void writeSession(const QString& path, bool autosave);
    /// A node-level model (Graph Transformer family): loaded and run by their own functions,
    /// shown through node tokens (analysis/NodeLevel.h).
    void openNodeLevelModel(const QString& path, bool quiet);
    void runNodeLevel(InspectionData data, uint64_t generation);
    std::shared_ptr<const model::NodeLevelModel> nodeModel_;
    void updateSessionTitle();
    void markSessionDirty();
    std::optional<PendingRestore> restore_;
    QString sessionPath_;
    QStringList sessionWarnings_;
    uint64_t runJobsStarted_ = 0;
    std::unique_ptr<store::AutosaveThrottle> autosave_;
    QTimer* autosaveTimer_ = nullptr;
    QAction* saveAsAction_ = nullptr;
};

}  // namespace gts
