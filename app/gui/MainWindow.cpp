// oneTBB before any Qt header: Qt's `emit` macro breaks tbb/profiling.h.
#include <tbb/task_arena.h>

#include "MainWindow.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QRegularExpression>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QInputDialog>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QScrollArea>
#include <QSettings>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaObject>
#include <QPointer>
#include <QProgressBar>
#include <QStackedWidget>
#include <QGuiApplication>
#include <QScreen>
#include <QLineEdit>
#include <QActionGroup>
#include <QPalette>
#include <QContextMenuEvent>
#include <QStatusBar>
#include <QUndoStack>
#include <QStyle>
#include <QToolBar>
#include <QThread>
#include <string_view>
#include <thread>
#include <QTimer>
#include <QToolButton>
#include <QElapsedTimer>
#include <QSignalBlocker>
#include <QSpinBox>
#include <chrono>

#include "AttentionMatrixView.h"
#include "DataExport.h"
#include "NotesView.h"
#include "RingView.h"
#include "ExportDialog.h"
#include "GraphBrowser.h"
#include "GraphEdits.h"
#include "GraphCanvas.h"
#include "GraphSummaryView.h"
#include "HeadAnalysisView.h"
#include "HeadGrid.h"
#include "PredictionPanel.h"
#include "PruningView.h"
#include "SequenceStrip.h"
#include "Inspection.h"
#include "ResourcePaths.h"
#include "TokenTableView.h"
#include "analysis/NodeLevel.h"
#include "graph/AttrNames.h"
#include "graph/GraphSummary.h"
#include "io/Molecule.h"
#include "io/GraphIO.h"
#include "jobs/JobRunner.h"
#include "layout/Layout.h"
#include "model/Backend.h"
#include "model/Run.h"
#include "store/Session.h"

namespace gts {

namespace {
constexpr int kMaxRecentFiles = 10;
constexpr char kOpenLayoutJob[] = "layout";
constexpr char kEditLayoutJob[] = "layout-edit";
/// Graph files up to this size are read on the UI thread (a few ms); larger ones by a job.
constexpr qint64 kReadInPlaceBytes = 256 * 1024;
const char* kGraphFilter =
    "Graphs and sessions (*.gml *.graphml *.xml *.gexf *.json *.edges *.edgelist *.csv *.tsv *.txt *.smi "
    "*.smiles *.sdf *.sd *.mol *.gz *.gtscope);;Sessions (*.gtscope);;All files (*)";
const char* kSessionFilter = "GTScope sessions (*.gtscope)";
/// Autosave at most this often (store::AutosaveThrottle), checked every kAutosaveCheckMs.
constexpr double kAutosaveIntervalSeconds = 60.0;
constexpr int kAutosaveCheckMs = 5000;

bool isSessionFile(const QString& path) { return path.endsWith(QLatin1String(".gtscope"), Qt::CaseInsensitive); }

double monotonicSeconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/// A model folder holds config.json; a weights file is read with the config beside it.
bool looksLikeModel(const QString& path) {
    const QFileInfo info(path);
    if (info.isDir()) return QFileInfo::exists(path + QStringLiteral("/config.json"));
    const QString suffix = info.suffix().toLower();
    return suffix == QLatin1String("safetensors") || suffix == QLatin1String("pt") ||
           suffix == QLatin1String("bin");
}

QString modelName(const QString& path) {
    const QFileInfo info(path);
    return info.isDir() ? info.fileName() : info.dir().dirName();
}
}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(tr("GTScope"));
    setAcceptDrops(true);
    inspection_ = new Inspection(this);
    undo_ = new QUndoStack(this);
    connect(undo_, &QUndoStack::indexChanged, this, [this] { updateGraphStatus(); });
    editor_ = new GraphEditor(this, undo_, this);
    // Jobs post their results to the UI thread through the event loop.
    jobs_ = std::make_unique<jobs::JobRunner>([this](std::function<void()> fn) {
        QMetaObject::invokeMethod(this, std::move(fn), Qt::QueuedConnection);
    });
    summary_ = new GraphSummaryView(this);
    summary_->setObjectName(QStringLiteral("graphSummary"));
    auto* dock = new QDockWidget(tr("Graph"), this);
    dock->setObjectName(QStringLiteral("graphDock"));
    dock->setWidget(summary_);
    addDockWidget(Qt::RightDockWidgetArea, dock);
    tokens_ = new TokenTableView(this);
    tokens_->setObjectName(QStringLiteral("tokenTable"));
    auto* tokenDock = new QDockWidget(tr("Tokens"), this);
    tokenDock->setObjectName(QStringLiteral("tokenDock"));
    tokenDock->setWidget(tokens_);
    addDockWidget(Qt::BottomDockWidgetArea, tokenDock);
    connect(tokens_, &TokenTableView::sequenceChanged, this, &MainWindow::rerun);

    // The linked views: each reads the Inspection and writes hover/selection into it.
    auto addView = [this](QWidget* view, const QString& title, const char* name, Qt::DockWidgetArea area) {
        view->setObjectName(QString::fromLatin1(name));
        auto* d = new QDockWidget(title, this);
        d->setObjectName(QString::fromLatin1(name) + QStringLiteral("Dock"));
        d->setWidget(view);
        addDockWidget(area, d);
        return d;
    };
    sequence_ = new SequenceStrip(inspection_, this);
    auto* sequenceDock = addView(sequence_, tr("Sequence"), "sequenceStrip", Qt::BottomDockWidgetArea);
    tabifyDockWidget(tokenDock, sequenceDock);
    sequenceDock->raise();
    browser_ = new GraphBrowser(this);
    browser_->loadShippedGraphs(resourceDir());
    auto* browserDock = addView(browser_, tr("Graphs"), "graphBrowser", Qt::RightDockWidgetArea);
    tabifyDockWidget(dock, browserDock);
    connect(browser_, &GraphBrowser::openRequested, this, [this](const QString& p) { openGraph(p); });

    // The right-hand column (prediction, attention matrix) runs the full height of the window.
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    prediction_ = new PredictionPanel(inspection_, this);
    // Pre-trained models list 13 slots of tokens: the panel scrolls rather than being clipped.
    auto* predictionScroll = new QScrollArea(this);
    predictionScroll->setWidget(prediction_);
    predictionScroll->setWidgetResizable(true);
    predictionScroll->setFrameShape(QFrame::NoFrame);
    auto* predictionDock = addView(predictionScroll, tr("Prediction"), "predictionPanel", Qt::RightDockWidgetArea);
    prediction_->setObjectName(QStringLiteral("predictionView"));
    tabifyDockWidget(dock, predictionDock);  // the graph summary is a tab beside the prediction
    predictionDock->raise();
    matrix_ = new AttentionMatrixView(inspection_, this);
    auto* matrixDock = addView(matrix_, tr("Attention matrix"), "attentionMatrix", Qt::RightDockWidgetArea);
    heads_ = new HeadGrid(inspection_, this);
    auto* headDock = addView(heads_, tr("Heads"), "headGrid", Qt::RightDockWidgetArea);
    tabifyDockWidget(matrixDock, headDock);
    matrixDock->raise();
    // The interpretability views are wide: tabs of the bottom area, beside the sequence.
    analysis_ = new HeadAnalysisView(inspection_, jobs_.get(), this);
    auto* analysisDock = addView(analysis_, tr("Head analysis"), "headAnalysis", Qt::BottomDockWidgetArea);
    tabifyDockWidget(tokenDock, analysisDock);
    pruning_ = new PruningView(inspection_, jobs_.get(), this);
    auto* pruningDock = addView(pruning_, tr("Pruning"), "pruningView", Qt::BottomDockWidgetArea);
    tabifyDockWidget(tokenDock, pruningDock);
    notes_ = new NotesView(inspection_, this);
    auto* notesDock = addView(notes_, tr("Notes"), "notesView", Qt::BottomDockWidgetArea);
    tabifyDockWidget(tokenDock, notesDock);
    ring_ = new RingView(inspection_, jobs_.get(), this);
    auto* ringDock = addView(ring_, tr("Ring attention"), "ringView", Qt::BottomDockWidgetArea);
    tabifyDockWidget(tokenDock, ringDock);
    sequenceDock->raise();
    placeholder_ = new QLabel(tr("Open a graph (File ▸ Open, Ctrl+O) or drop a file here."), this);
    placeholder_->setAlignment(Qt::AlignCenter);
    placeholder_->setWordWrap(true);
    canvas_ = new GraphCanvas(inspection_, this);
    canvas_->setObjectName(QStringLiteral("graphCanvas"));
    canvas_->installEventFilter(this);  // right-click: the edit menu
    central_ = new QStackedWidget(this);
    central_->addWidget(placeholder_);
    central_->addWidget(canvas_);
    setCentralWidget(central_);
    statusGraph_ = new QLabel(tr("No graph"), this);
    statusModel_ = new QLabel(tr("No model"), this);
    statusRun_ = new QLabel(this);
    progress_ = new QProgressBar(this);
    progress_->setRange(0, 100);
    progress_->setMaximumWidth(160);
    progress_->setVisible(false);
    cancel_ = new QToolButton(this);
    cancel_->setText(tr("Cancel"));
    cancel_->setToolTip(tr("Stop the running job"));
    cancel_->setVisible(false);
    jobPoll_ = new QTimer(this);
    jobPoll_->setInterval(150);
    connect(jobPoll_, &QTimer::timeout, this, &MainWindow::jobEnded);
    connect(cancel_, &QToolButton::clicked, this, [this] {
        jobs_->cancelAll();
        jobEnded();
        statusBar()->showMessage(tr("Cancelled"), 3000);
    });
    statusBar()->addPermanentWidget(statusGraph_);
    statusBar()->addPermanentWidget(statusModel_);
    statusBar()->addPermanentWidget(statusRun_);
    statusBar()->addPermanentWidget(progress_);
    statusBar()->addPermanentWidget(cancel_);
    createActions();
    setExportHandler([this] {
        ExportDialog dialog(inspection_, this);
        FigureContext context;
        context.matrixMap = matrix_->colorMap();
        context.headMetric = heads_->metric();
        context.pruned = pruning_->result();
        dialog.setContext(std::move(context));
        if (dialog.exec() == QDialog::Accepted)
            statusBar()->showMessage(tr("Exported %1").arg(dialog.path()), 5000);
    }, tr("Export a view (graph, attention matrix, head grid, sequence, pruning) as SVG, PDF or PNG"));
    setSaveHandler([this] {
        if (sessionPath_.isEmpty()) saveAsAction_->trigger();
        else saveSession(sessionPath_);
    }, tr("Save the graph, model reference, run, layout and view as a session (*.gtscope)"));
    autosave_ = std::make_unique<store::AutosaveThrottle>(kAutosaveIntervalSeconds);
    connect(inspection_, &Inspection::dataChanged, this, &MainWindow::markSessionDirty);
    connect(notes_, &NotesView::notesChanged, this, [this] {
        markSessionDirty();
        std::vector<std::pair<NodeId, QString>> onNodes;
        for (const Note& n : notes_->notes())
            if (n.kind == Note::Kind::Node) onNodes.emplace_back(NodeId(n.index), n.text);
        canvas_->setNodeNotes(std::move(onNodes));
    });
    connect(inspection_, &Inspection::selectionChanged, this, &MainWindow::markSessionDirty);
    autosaveTimer_ = new QTimer(this);
    autosaveTimer_->setInterval(kAutosaveCheckMs);
    connect(autosaveTimer_, &QTimer::timeout, this, [this] {
        // Only a session that has a file autosaves, beside it (never over the user's file).
        if (sessionPath_.isEmpty() || !graph_ || !autosave_->due(monotonicSeconds())) return;
        writeSession(QString::fromStdString(store::autosavePath(sessionPath_.toStdString()).string()), true);
    });
    autosaveTimer_->start();

    QSettings settings;
    const QString savedTheme = settings.value(QStringLiteral("view/theme"), QStringLiteral("system")).toString();
    if (savedTheme != QLatin1String("system")) applyTheme(savedTheme);
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    if (!settings.contains(QStringLiteral("window/geometry"))) {
        // First start: most of the screen, the canvas getting the largest share.
        const QRect screen = QGuiApplication::primaryScreen() ? QGuiApplication::primaryScreen()->availableGeometry()
                                                              : QRect(0, 0, 1600, 1000);
        resize(std::min(1560, screen.width() * 9 / 10), std::min(980, screen.height() * 9 / 10));
        resizeDocks({predictionDock}, {420}, Qt::Horizontal);
        resizeDocks({sequenceDock}, {300}, Qt::Vertical);
        resizeDocks({predictionDock, matrixDock}, {380, 480}, Qt::Vertical);
    }
}

MainWindow::~MainWindow() {
    jobs_.reset();  // cancels and joins the workers before the views go
}

void MainWindow::createActions() {
    // A SMILES box: type a molecule, press Enter, and it is opened (and run by the model).
    QToolBar* bar = addToolBar(tr("Molecule"));
    bar->setObjectName(QStringLiteral("moleculeToolBar"));
    bar->addWidget(new QLabel(tr(" SMILES "), bar));
    smilesBox_ = new QLineEdit(bar);
    smilesBox_->setObjectName(QStringLiteral("smilesBox"));
    smilesBox_->setPlaceholderText(tr("type a molecule, e.g. CC(=O)Oc1ccccc1C(=O)O, and press Enter"));
    smilesBox_->setClearButtonEnabled(true);
    smilesBox_->setMinimumWidth(420);
    bar->addWidget(smilesBox_);
    connect(smilesBox_, &QLineEdit::returnPressed, this, [this] {
        if (!smilesBox_->text().trimmed().isEmpty()) openSmiles(smilesBox_->text());
    });

    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open Graph…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open Graph"), QString(),
                                                          tr(kGraphFilter));
        if (!path.isEmpty()) openGraph(path);
    });
    open->setShortcut(QKeySequence::Open);
    QAction* openModelAction = file->addAction(tr("Open &Model…"), this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(
            this, tr("Open Model Folder (config.json + weights + vocab)"), resourceDir() + QStringLiteral("/models"));
        if (!dir.isEmpty()) openModel(dir);
    });
    openModelAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    recentMenu_ = file->addMenu(tr("Open &Recent"));
    updateRecentMenu();
    file->addSeparator();
    // Present (with their shortcuts) but disabled until a session writer and an exporter are
    // wired in through setSaveHandler / setExportHandler.
    saveAction_ = file->addAction(tr("&Save Session…"));
    saveAction_->setShortcut(QKeySequence::Save);
    saveAction_->setEnabled(false);
    saveAction_->setToolTip(tr("No session writer in this window"));
    saveAsAction_ = file->addAction(tr("Save Session &As…"), this, [this] {
        QString path = QFileDialog::getSaveFileName(this, tr("Save Session"), sessionPath_, tr(kSessionFilter));
        if (path.isEmpty()) return;
        if (!isSessionFile(path)) path += QStringLiteral(".gtscope");
        saveSession(path);
    });
    saveAsAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    file->addAction(tr("Open &Session…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open Session"), QString(), tr(kSessionFilter));
        if (!path.isEmpty()) openSession(path);
    });
    exportAction_ = file->addAction(tr("&Export…"));
    exportAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    exportAction_->setEnabled(false);
    exportAction_->setToolTip(tr("Exporting figures is not available in this build yet"));
    file->addAction(tr("Export &Data…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export Data"), QString(), dataExportFilter());
        if (path.isEmpty()) return;
        try {
            exportInspectionData(*inspection_, path);
            statusBar()->showMessage(tr("Exported %1").arg(path), 5000);
        } catch (const std::exception& e) {
            QMessageBox::warning(this, tr("Could not export data"), QString::fromStdString(e.what()));
        }
    });
    file->setToolTipsVisible(true);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = undo_->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = undo_->createRedoAction(this, tr("&Redo"));
    redo->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z));
    edit->addAction(undo);
    edit->addAction(redo);
    edit->addSeparator();
    edit->addAction(tr("Right-click the graph to edit it"))->setEnabled(false);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (QDockWidget* d : findChildren<QDockWidget*>()) view->addAction(d->toggleViewAction());
    view->addSeparator();
    QMenu* theme = view->addMenu(tr("&Theme"));
    auto* themes = new QActionGroup(this);
    const QString current = QSettings().value(QStringLiteral("view/theme"), QStringLiteral("system")).toString();
    for (const auto& [id, label] : {std::pair{QStringLiteral("system"), tr("&System")},
                                    std::pair{QStringLiteral("light"), tr("&Light")},
                                    std::pair{QStringLiteral("dark"), tr("&Dark")}}) {
        QAction* a = theme->addAction(label, this, [this, id = id] { applyTheme(id); });
        a->setCheckable(true);
        a->setChecked(id == current);
        themes->addAction(a);
    }

    createEngineMenu(menuBar()->addMenu(tr("E&ngine")));
    createDemoMenu(menuBar()->addMenu(tr("&Demos")));

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About GTScope"), this, [this] {
        QMessageBox::about(this, tr("About GTScope"),
                           tr("GTScope %1 — look inside graph transformers.")
                               .arg(QApplication::applicationVersion()));
    });
}

bool MainWindow::openGraph(const QString& path, bool quiet) {
    // Sessions come through every way a file is opened (dialog, drop, recent, command line).
    if (isSessionFile(path)) return openSession(path, quiet);
    // "file.sdf#3" names a record; the size that matters is the file's.
    QString file = path;
    static const QRegularExpression record(QStringLiteral("#\\d+$"));
    if (!QFileInfo::exists(file)) file.remove(record);
    const QFileInfo info(file);
    auto fail = [this, path, quiet](const QString& error) {
        lastError_ = error;
        statusBar()->showMessage(tr("Could not open %1: %2").arg(path, lastError_), 10000);
        if (!quiet) QMessageBox::warning(this, tr("Could not open graph"), lastError_);
        emit graphOpened(false);
    };
    if (!info.exists()) {
        fail(tr("no such file: %1").arg(file));
        return false;
    }
    if (info.isFile() && info.size() <= kReadInPlaceBytes) {
        // Small files (every shipped graph) are read at once: the graph is there on return.
        try {
            auto g = std::make_shared<Graph>(io::readGraph(path.toStdString()));
            showGraph(std::move(g), QFileInfo(path).fileName(), path);
            addRecent(path);
            listRecords(path);
            emit graphOpened(true);
            return true;
        } catch (const std::exception& e) {
            fail(QString::fromStdString(e.what()));
            return false;
        }
    }
    // Large files and folders are read and summarized by a job; the window stays live.
    struct Opened {
        std::shared_ptr<Graph> graph;
        GraphSummary summary;
    };
    jobStarted(tr("Opening %1").arg(QFileInfo(path).fileName()));
    statusBar()->showMessage(tr("Opening %1…").arg(path));
    jobs_->submit<std::shared_ptr<Opened>>(
        "open",
        [p = path.toStdString()](jobs::JobContext& context) {
            auto o = std::make_shared<Opened>();
            o->graph = std::make_shared<Graph>(io::readGraph(p));
            context.throwIfCancelled();
            o->summary = summarize(*o->graph);
            return o;
        },
        [this, path](std::shared_ptr<Opened> o) {
            jobEnded();
            statusBar()->clearMessage();
            showGraph(std::move(o->graph), QFileInfo(path).fileName(), path, &o->summary);
            addRecent(path);
            listRecords(path);
            emit graphOpened(true);
        },
        [this, fail](const std::string& error) {
            jobEnded();
            fail(QString::fromStdString(error));
        });
    return true;
}

bool MainWindow::openSmiles(const QString& smiles) {
    try {
        auto g = std::make_shared<Graph>(io::moleculeFromSmiles(smiles.trimmed().toStdString()));
        if (g->name().empty()) g->setName(smiles.trimmed().toStdString());
        showGraph(std::move(g), smiles.trimmed(), QString());
        return true;
    } catch (const std::exception& e) {
        lastError_ = QString::fromStdString(e.what());
        statusBar()->showMessage(tr("Not a molecule: %1").arg(lastError_), 10000);
        return false;
    }
}

void MainWindow::showGraph(std::shared_ptr<Graph> g, const QString& label, const QString& path,
                           const GraphSummary* summary) {
    undo_->clear();  // edits belong to the graph they were made on
    ++openSerial_;
    // Another graph is another document: notes and the session file stay with the old one.
    notes_->setNotes({});
    sessionPath_.clear();
    setWindowFilePath(QString());
    restore_.reset();
    summary_->showSummary(summary ? *summary : summarize(*g));
    graph_ = std::move(g);
    graphPath_ = path;
    tokens_->setGraph(graph_.get());  // re-tokenizes, then rerun() runs the model
    startLayout(kOpenLayoutJob);
    lastError_.clear();
    graphLabel_ = label;
    updateGraphStatus();
    setWindowTitle(tr("%1 — GTScope").arg(label));
    updateSessionTitle();
    central_->setCurrentWidget(canvas_);
}

void MainWindow::replaceGraph(std::shared_ptr<Graph> g, std::shared_ptr<const NodeLayout> layout) {
    summary_->showSummary(summarize(*g));
    graph_ = std::move(g);
    editLayout_ = std::move(layout);
    editLayoutGraph_ = graph_.get();
    updateGraphStatus();
    tokens_->setGraph(graph_.get());  // re-tokenizes, then rerun() runs the model
    // An edited graph's layout is its own job: the job still laying out the graph the edit was
    // made on finishes, and undo gets that layout back (GraphEditor::layoutArrived).
    if (!editLayout_) startLayout(kEditLayoutJob);
}

QString MainWindow::graphStatusText() const { return statusGraph_->text(); }

QString MainWindow::runStatusText() const { return statusRun_->text(); }

void MainWindow::updateGraphStatus() {
    if (!graph_) return;
    // Back at the saved (opened) state after undos, the graph is no longer "edited". During an
    // undo the stack's index moves after the command ran, so indexChanged calls this again.
    const QString text = undo_->isClean() ? tr("%1 — %2 nodes, %3 edges") : tr("%1 (edited) — %2 nodes, %3 edges");
    statusGraph_->setText(text.arg(graphLabel_).arg(graph_->nodeCount()).arg(graph_->edgeCount()));
}

void MainWindow::pushEdit(const QString& text, std::shared_ptr<Graph> after,
                          std::shared_ptr<const NodeLayout> afterLayout) {
    editor_->push(text, std::move(after), std::move(afterLayout));
}

bool MainWindow::eventFilter(QObject* watched, QEvent* event) {
    if (watched == canvas_ && event->type() == QEvent::ContextMenu) {
        const auto* e = static_cast<QContextMenuEvent*>(event);
        std::unique_ptr<QMenu> menu(editor_->createContextMenu(canvas_->pick(e->pos()), canvas_->layoutPos(e->pos()), this));
        menu->exec(e->globalPos());
        return true;
    }
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::listRecords(const QString& path) {
    const io::GraphPath gp = io::parseGraphPath(path.toStdString());
    const QString file = QString::fromStdString(gp.file.string());
    if (file == recordsFile_) return;  // another record of the listed file
    recordsFile_ = file;
    browser_->setFileRecords(file, {});
    const auto format = io::formatFromPath(gp.file);
    const bool multi = format && (*format == io::Format::Smiles || *format == io::Format::Sdf ||
                                  *format == io::Format::GraphMl || *format == io::Format::OgbFolder);
    if (!multi) return;
    const std::string source = gp.file.string();
    jobs_->submit<std::vector<GraphBrowser::Entry>>(
        "records",
        [source, file](jobs::JobContext& context) {
            io::ReadOptions options;
            std::vector<io::ParseError> skipped;
            std::vector<size_t> indices;
            options.skipped = &skipped;
            options.recordIndices = &indices;
            const auto graphs = io::readGraphs(source, options);
            context.throwIfCancelled();
            std::vector<GraphBrowser::Entry> entries;
            if (graphs.size() < 2) return entries;
            entries.reserve(graphs.size());
            for (size_t i = 0; i < graphs.size(); ++i) {
                GraphBrowser::Entry e;
                e.path = file + QStringLiteral("#") + QString::number(indices[i]);
                e.name = QString::fromStdString(graphs[i].name());
                const AttrColumn* smiles = graphs[i].graphAttrs().find(attr::kSmiles);
                e.detail = smiles && smiles->kind == AttrKind::String && smiles->has(0)
                               ? QString::fromStdString(smiles->stringAt(0))
                               : QObject::tr("%1 nodes, %2 edges").arg(graphs[i].nodeCount()).arg(graphs[i].edgeCount());
                entries.push_back(std::move(e));
            }
            return entries;
        },
        [this, file](std::vector<GraphBrowser::Entry> entries) {
            if (file == recordsFile_) browser_->setFileRecords(file, entries);
        },
        [](const std::string&) {});  // the open record is shown; a listing failure is not an error
}

void MainWindow::addRecent(const QString& path) {
    QSettings settings;
    QStringList recent = settings.value(QStringLiteral("recentFiles")).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecentFiles) recent.removeLast();
    settings.setValue(QStringLiteral("recentFiles"), recent);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu() {
    recentMenu_->clear();
    const QStringList recent = QSettings().value(QStringLiteral("recentFiles")).toStringList();
    for (const QString& path : recent)
        recentMenu_->addAction(path, this, [this, path] { openGraph(path); });
    recentMenu_->setEnabled(!recent.isEmpty());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    for (const QUrl& url : event->mimeData()->urls()) {
        if (!url.isLocalFile()) continue;
        const QString path = url.toLocalFile();
        if (looksLikeModel(path)) openModel(path);
        else openGraph(path);
    }
}

void MainWindow::openModel(const QString& path, bool quiet) {
    jobStarted(tr("Loading model %1").arg(modelName(path)));
    const std::string file = path.toStdString();
    if (model::isNodeLevelModelPath(file)) {
        openNodeLevelModel(path, quiet);
        return;
    }
    jobs_->submit<std::shared_ptr<const model::GraphGptModel>>(
        "model", [file](jobs::JobContext&) { return model::loadGraphGptModel(file); },
        [this, path](std::shared_ptr<const model::GraphGptModel> m) {
            jobEnded();
            model_ = std::move(m);
            nodeModel_.reset();
            modelPath_ = path;
            const auto& c = model_->config;
            statusModel_->setText(tr("%1 — %2 layers × %3 heads · %4")
                                      .arg(modelName(path))
                                      .arg(c.numLayers)
                                      .arg(c.numHeads)
                                      .arg(backendText()));
            statusModel_->setToolTip(path);
            emit modelLoaded(true);
            // A session being restored keeps the tokenization it was saved with (its layout
            // choice included), so its tokens and cached run still match.
            const bool restoring = restore_ && restore_->waitingForModel && restore_->state->modelPath == path;
            if (restoring) restore_->waitingForModel = false;
            const bool ownOptions = restoring && restore_->state->hasTokenizeOptions;
            tokens_->setBaseOptions(ownOptions ? restore_->state->tokenize : model_->tokenization);  // re-tokenizes, then reruns
        },
        [this, path, quiet](const std::string& error) {
            jobEnded();
            lastError_ = QString::fromStdString(error);
            statusBar()->showMessage(tr("Could not open model %1: %2").arg(path, lastError_), 10000);
            if (!quiet) QMessageBox::warning(this, tr("Could not open model"), lastError_);
            if (restore_ && restore_->state->modelPath == path) restore_.reset();  // the restored run stays shown
            emit modelLoaded(false);
        });
}

void MainWindow::rerun() {
    // Only the newest request may deliver: a run that finished before a later edit or undo
    // (its result already queued) must not show a graph that is gone.
    const uint64_t generation = ++runGeneration_;
    const auto& seq = tokens_->sequence();
    InspectionData data;
    data.graph = graph_;
    data.graphPath = graphPath_;
    data.openSerial = openSerial_;
    data.model = model_;
    data.modelPath = modelPath_;
    if (seq) data.tokens = std::make_shared<const TokenSequence>(*seq);
    if (graph_ == inspection_->data().graph) data.layout = inspection_->data().layout;
    else if (editLayoutGraph_ == graph_.get()) data.layout = editLayout_;
    else if (graph_ && laidOutGraph_.lock() == graph_) data.layout = laidOut_;
    if (graph_ && (nodeModel_ || (restore_ && restore_->nodeLevel))) {
        // A node-level model's tokens are the graph's nodes, whatever the tokenizer made.
        data.tokens = std::make_shared<const TokenSequence>(analysis::nodeTokenSequence(*graph_));
        data.nodeTokens = true;
        data.nodeModel = nodeModel_;
    }
    if (restore_ && showRestoredRun(data)) return;
    if (nodeModel_ && graph_) {
        runNodeLevel(std::move(data), generation);
        return;
    }
    if (!graph_ || !model_ || !seq) {
        jobs_->cancel("run");
        inspection_->setData(std::move(data));
        return;
    }
    if (!model_->hasVocab) {
        statusRun_->setText(tr("model has no vocab: cannot run on graphs"));
        inspection_->setData(std::move(data));
        return;
    }
    model::SequenceInput input;
    try {
        input.ids = seq->ids(model_->vocab);
    } catch (const std::exception& e) {
        statusRun_->setText(tr("graph does not fit the model"));
        statusBar()->showMessage(tr("This graph's tokens are not in the model's vocab: %1")
                                     .arg(QString::fromStdString(e.what())), 10000);
        inspection_->setData(std::move(data));
        return;
    }
    jobStarted(tr("Running %1").arg(modelName(modelPath_)));
    auto model = model_;
    QPointer<QProgressBar> bar = progress_;
    const model::Backend backend = backend_;
    const size_t budget = attentionBudgetBytes();
    ++runJobsStarted_;
    jobs_->submit<std::shared_ptr<const EngineRun>>(
        "run",
        [model, input, backend, budget](jobs::JobContext& context) {
            model::RunOptions options;
            options.captureAttention = true;
            // Layers whose maps would pass the budget keep queries and keys; the views
            // recompute the rows they show (Inspection).
            options.attentionBudgetBytes = budget;
            options.cancel = &context.cancelFlag();
            // One core stays with the UI thread, so the window never stutters during a run.
            options.threads = std::max(1, int(std::thread::hardware_concurrency()) - 1);
            options.progress = [&context](int64_t done, int64_t total) {
                context.progress(double(done) / double(std::max<int64_t>(1, total)), "layer");
            };
            auto ran = model::runModel(*model, {input}, options, backend);
            auto out = std::make_shared<EngineRun>();
            out->result = std::make_shared<const model::RunResult>(std::move(ran.results.front()));
            out->ran = ran.ran;
            out->fallbackReason = std::move(ran.fallbackReason);
            return std::shared_ptr<const EngineRun>(std::move(out));
        },
        [this, data, generation](std::shared_ptr<const EngineRun> run) mutable {
            jobEnded();
            if (generation != runGeneration_ || data.graph != graph_) return;
            lastBackend_ = run->ran;
            if (!run->fallbackReason.empty())
                statusBar()->showMessage(tr("Auto backend ran on the CPU: %1")
                                             .arg(QString::fromStdString(run->fallbackReason)), 10000);
            data.result = run->result;
            if (data.graph == inspection_->data().graph && inspection_->data().layout)
                data.layout = inspection_->data().layout;
            else if (!data.layout && laidOutGraph_.lock() == data.graph)
                data.layout = laidOut_;
            statusRun_->setText(tr("ran in %1 ms on the %2")
                                    .arg(data.result->milliseconds, 0, 'f', 1)
                                    .arg(lastBackend_ == model::Backend::Gpu ? tr("GPU") : tr("CPU")));
            inspection_->setData(std::move(data));
            emit runFinished();
        },
        [this](const std::string& error) {
            jobEnded();
            statusRun_->setText(tr("run failed"));
            statusBar()->showMessage(tr("Run failed: %1").arg(QString::fromStdString(error)), 10000);
        },
        [bar](double fraction, const std::string&) {
            if (bar) bar->setValue(int(fraction * 100));
        });
}

void MainWindow::openNodeLevelModel(const QString& path, bool quiet) {
    const std::string file = path.toStdString();
    jobs_->submit<std::shared_ptr<const model::NodeLevelModel>>(
        "model", [file](jobs::JobContext&) { return model::loadNodeLevelModel(file); },
        [this, path](std::shared_ptr<const model::NodeLevelModel> m) {
            jobEnded();
            nodeModel_ = std::move(m);
            model_.reset();
            modelPath_ = path;
            const auto& s = nodeModel_->summary();
            statusModel_->setText(tr("%1 — %2, %3 layers × %4 heads over %5 · CPU")
                                      .arg(modelName(path), QString::fromStdString(s.familyName))
                                      .arg(s.numLayers)
                                      .arg(s.numHeads)
                                      .arg(QString::fromStdString(s.attention)));
            statusModel_->setToolTip(path);
            emit modelLoaded(true);
            // A session being restored shows its saved run (rerun -> showRestoredRun).
            if (restore_ && restore_->waitingForModel && restore_->state->modelPath == path)
                restore_->waitingForModel = false;
            rerun();
        },
        [this, path, quiet](const std::string& error) {
            jobEnded();
            lastError_ = QString::fromStdString(error);
            statusBar()->showMessage(tr("Could not open model %1: %2").arg(path, lastError_), 10000);
            if (!quiet) QMessageBox::warning(this, tr("Could not open model"), lastError_);
            if (restore_ && restore_->state->modelPath == path) restore_.reset();  // the restored run stays shown
            emit modelLoaded(false);
        });
}

void MainWindow::runNodeLevel(InspectionData data, uint64_t generation) {
    // The tokens of a node-level model are the graph's nodes; attention is drawn on them.
    if (!data.nodeTokens) data.tokens = std::make_shared<const TokenSequence>(analysis::nodeTokenSequence(*graph_));
    data.nodeTokens = true;
    data.nodeModel = nodeModel_;
    jobStarted(tr("Running %1").arg(modelName(modelPath_)));
    auto model = nodeModel_;
    auto graph = graph_;
    ++runJobsStarted_;
    jobs_->submit<std::shared_ptr<const model::RunResult>>(
        "run",
        [model, graph](jobs::JobContext& context) {
            model::NodeRunOptions options;
            options.captureAttention = options.captureNodeStates = true;
            options.cancel = &context.cancelFlag();
            const auto started = std::chrono::steady_clock::now();
            const model::NodeRunResult run = model->run(*graph, options);
            auto out = std::make_shared<model::RunResult>(
                analysis::nodeRunResult(run, model->summary(), graph->nodeCount()));
            out->milliseconds = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
            return std::shared_ptr<const model::RunResult>(std::move(out));
        },
        [this, data, generation](std::shared_ptr<const model::RunResult> result) mutable {
            jobEnded();
            if (generation != runGeneration_ || data.graph != graph_) return;
            lastBackend_ = model::Backend::Cpu;
            data.result = std::move(result);
            if (data.graph == inspection_->data().graph && inspection_->data().layout)
                data.layout = inspection_->data().layout;
            else if (!data.layout && laidOutGraph_.lock() == data.graph)
                data.layout = laidOut_;
            statusRun_->setText(tr("ran in %1 ms on the CPU (node-level)").arg(data.result->milliseconds, 0, 'f', 1));
            inspection_->setData(std::move(data));
            emit runFinished();
        },
        [this](const std::string& error) {
            jobEnded();
            statusRun_->setText(tr("run failed"));
            statusBar()->showMessage(tr("Run failed: %1").arg(QString::fromStdString(error)), 10000);
        });
}

void MainWindow::startLayout(const char* key) {
    inspection_->setLayout(nullptr);
    if (std::string_view(key) == kOpenLayoutJob) jobs_->cancel(kEditLayoutJob);  // a new graph: edits' layouts are moot
    std::shared_ptr<const Graph> graph = graph_;
    if (!graph) return;
    jobStarted(tr("Laying out"));
    jobs_->submit<std::shared_ptr<const NodeLayout>>(
        key,
        [graph](jobs::JobContext& context) {
            // One core is left to the UI thread (as for engine runs): ForceAtlas2's parallel
            // loops on every core starved the event loop past 50 ms on a 2-core machine.
            tbb::task_arena arena(std::max(1, int(std::thread::hardware_concurrency()) - 1));
            layout::Layout l;
            arena.execute([&] {
                l = layout::computeLayout(*graph, layout::LayoutMethod::Auto, {}, &context.cancelFlag(),
                                          [&context](double f) { context.progress(f, "layout"); });
            });
            auto out = std::make_shared<NodeLayout>();
            out->x = l.x;
            out->y = l.y;
            out->method = QString::fromStdString(l.method);
            return std::shared_ptr<const NodeLayout>(std::move(out));
        },
        [this, graph](std::shared_ptr<const NodeLayout> l) {
            jobEnded();
            editor_->layoutArrived(graph, l);  // an edit made meanwhile keeps it for undo
            if (graph != graph_) return;
            // Kept for the run of this graph when the Inspection still shows the previous one
            // (the layout finished first).
            laidOut_ = l;
            laidOutGraph_ = graph;
            if (inspection_->data().graph == graph) inspection_->setLayout(std::move(l));
        },
        [this](const std::string& error) {
            jobEnded();
            statusBar()->showMessage(tr("Layout failed: %1").arg(QString::fromStdString(error)), 10000);
        });
}

void MainWindow::applyTheme(const QString& theme) {
    QSettings().setValue(QStringLiteral("view/theme"), theme);
    static const QPalette systemPalette = QApplication::palette();
    static const QString systemStyle = QApplication::style()->name();
    if (theme == QLatin1String("system")) {
        QApplication::setStyle(systemStyle);
        QApplication::setPalette(systemPalette);
        return;
    }
    // Fusion honours a palette fully on every platform.
    QApplication::setStyle(QStringLiteral("Fusion"));
    QPalette p;
    if (theme == QLatin1String("dark")) {
        const QColor window(45, 45, 48), base(30, 30, 32), text(225, 225, 225), mid(70, 70, 74);
        p.setColor(QPalette::Window, window);
        p.setColor(QPalette::WindowText, text);
        p.setColor(QPalette::Base, base);
        p.setColor(QPalette::AlternateBase, window);
        p.setColor(QPalette::ToolTipBase, base);
        p.setColor(QPalette::ToolTipText, text);
        p.setColor(QPalette::Text, text);
        p.setColor(QPalette::Button, window);
        p.setColor(QPalette::ButtonText, text);
        p.setColor(QPalette::Mid, mid);
        p.setColor(QPalette::Highlight, QColor(38, 110, 200));
        p.setColor(QPalette::HighlightedText, Qt::white);
        p.setColor(QPalette::Link, QColor(110, 170, 255));
        p.setColor(QPalette::PlaceholderText, QColor(140, 140, 140));
        p.setColor(QPalette::Disabled, QPalette::Text, QColor(120, 120, 120));
        p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(120, 120, 120));
        p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(120, 120, 120));
    } else {
        p = QApplication::style()->standardPalette();
    }
    QApplication::setPalette(p);
}

void MainWindow::jobStarted(const QString& what) {
    progress_->setValue(0);
    progress_->setFormat(what + QStringLiteral(" %p%"));
    progress_->setToolTip(what);
    progress_->setVisible(true);
    cancel_->setVisible(true);
    jobPoll_->start();
}

void MainWindow::jobEnded() {
    // Cancelled (stale) jobs deliver nothing, so the bar follows the runner, not a count.
    if (jobs_->active() > 0) return;
    progress_->setVisible(false);
    cancel_->setVisible(false);
    jobPoll_->stop();
}

size_t MainWindow::attentionBudgetBytes() const {
    // 1 GB by default: every map of the shipped demos, and the whole of a 4,096-position run of
    // a 4-layer, 4-head model; a 16,384-position run keeps rows on demand instead.
    const qlonglong mb = QSettings().value(QStringLiteral("engine/attentionBudgetMB"), 1024).toLongLong();
    return size_t(std::clamp<qlonglong>(mb, 16, qlonglong(1) << 20)) << 20;
}

QString MainWindow::backendText() const {
    const int threads = std::max(1, int(std::thread::hardware_concurrency()) - 1);
    const QString cpu = tr("CPU, %n thread(s)", nullptr, threads);
    switch (backend_) {
    case model::Backend::Gpu: return tr("GPU (OpenGL compute)");
    case model::Backend::Auto: return tr("auto: GPU if available, else %1").arg(cpu);
    case model::Backend::Cpu: break;
    }
    return cpu;
}

void MainWindow::setBackend(model::Backend backend) {
    backend_ = backend;
    QSettings().setValue(QStringLiteral("engine/backend"), QString::fromLatin1(model::backendName(backend)));
    for (QAction* a : backendActions_->actions())
        a->setChecked(a->data().toString() == QLatin1String(model::backendName(backend)));
    if (model_) {
        const auto& c = model_->config;
        statusModel_->setText(tr("%1 — %2 layers × %3 heads · %4")
                                  .arg(modelName(modelPath_))
                                  .arg(c.numLayers)
                                  .arg(c.numHeads)
                                  .arg(backendText()));
    }
    rerun();
}

void MainWindow::createEngineMenu(QMenu* menu) {
    // The backend of every run: CPU (Eigen + oneTBB), GPU (OpenGL 4.3 compute through a
    // headless EGL context, any vendor), or auto (GPU when a context can be made, else CPU with
    // the reason in the status bar). Remembered across starts.
    QMenu* sub = menu->addMenu(tr("&Backend"));
    backendActions_ = new QActionGroup(this);
    const auto saved = model::parseBackend(
        QSettings().value(QStringLiteral("engine/backend"), QStringLiteral("cpu")).toString().toStdString());
    backend_ = saved.value_or(model::Backend::Cpu);
    for (const auto& [b, label] : {std::pair{model::Backend::Cpu, tr("&CPU (Eigen + oneTBB)")},
                                   std::pair{model::Backend::Gpu, tr("&GPU (OpenGL compute)")},
                                   std::pair{model::Backend::Auto, tr("&Auto (GPU when available)")}}) {
        QAction* a = sub->addAction(label, this, [this, b = b] { setBackend(b); });
        a->setCheckable(true);
        a->setData(QString::fromLatin1(model::backendName(b)));
        a->setChecked(b == backend_);
        a->setObjectName(QStringLiteral("backend-") + QString::fromLatin1(model::backendName(b)));
        backendActions_->addAction(a);
    }
    menu->addAction(tr("Attention &Capture Budget…"), this, [this] {
        bool ok = false;
        const int mb = QInputDialog::getInt(
            this, tr("Attention capture budget"),
            tr("Memory for attention maps kept for the views (MB). Layers over it keep their queries and "
               "keys instead, and the views recompute the rows they show."),
            int(attentionBudgetBytes() >> 20), 16, 1 << 20, 64, &ok);
        if (!ok) return;
        QSettings().setValue(QStringLiteral("engine/attentionBudgetMB"), mb);
        rerun();
    });
    menu->addSeparator();
    menu->addAction(tr("&Ring Attention Lesson"), this, [this] {
        // The layer replayed on simulated devices in a ring (RingView, a bottom tab).
        if (auto* dock = findChild<QDockWidget*>(QStringLiteral("ringViewDock"))) {
            dock->show();
            dock->raise();
        }
    });
    // Whether this machine can run the GPU backend is asked when the menu opens (it makes a
    // GL context once per process), not at start-up.
    connect(sub, &QMenu::aboutToShow, this, [this, sub] {
        const QString reason = QString::fromStdString(model::gpuUnavailableReason());
        for (QAction* a : backendActions_->actions())
            if (a->data().toString() == QLatin1String("gpu"))
                a->setToolTip(reason.isEmpty() ? QString::fromStdString(model::gpuDescription())
                                               : tr("Not available here: %1").arg(reason));
        sub->setToolTipsVisible(true);
    });
}

void MainWindow::createDemoMenu(QMenu* menu) {
    const QString res = resourceDir();
    const QDir models(res + QStringLiteral("/models"));
    // The graph index says which shipped graphs suit which model.
    QJsonArray index;
    QFile indexFile(res + QStringLiteral("/graphs/index.json"));
    if (indexFile.open(QIODevice::ReadOnly)) {
        const QJsonDocument doc = QJsonDocument::fromJson(indexFile.readAll());
        index = doc.isArray() ? doc.array() : doc.object().value(QStringLiteral("graphs")).toArray();
    }
    const QStringList names = models.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (const QString& name : names) {
        const QString folder = models.filePath(name);
        if (!QFileInfo::exists(folder + QStringLiteral("/config.json"))) continue;
        QMenu* sub = menu->addMenu(name);
        sub->addAction(tr("Open model"), this, [this, folder] { openModel(folder); });
        sub->addSeparator();
        for (const QJsonValue& v : index) {
            const QJsonObject g = v.toObject();
            if (!g.value(QStringLiteral("models")).toArray().contains(QJsonValue(name))) continue;
            const QString file = res + QStringLiteral("/graphs/") + g.value(QStringLiteral("file")).toString();
            const QString label = g.value(QStringLiteral("name")).toString();
            QAction* a = sub->addAction(label, this, [this, folder, file] {
                if (openGraph(file)) openModel(folder);
            });
            a->setToolTip(g.value(QStringLiteral("description")).toString());
        }
    }
    if (menu->isEmpty()) menu->addAction(tr("No demo models found"))->setEnabled(false);
}

void MainWindow::openDemo() {
    const QString res = resourceDir();
    if (res.isEmpty()) return;
    const QString model = res + QStringLiteral("/models/molecule-tpsa");
    const QString aspirin = res + QStringLiteral("/graphs/aspirin.smi");
    if (QFileInfo::exists(model + QStringLiteral("/config.json")) && QFileInfo::exists(aspirin)) {
        if (openGraph(aspirin, /*quiet=*/true)) openModel(model, /*quiet=*/true);
        return;
    }
    const QString demo = res + QStringLiteral("/graphs/caffeine.smi");
    if (QFileInfo::exists(demo)) openGraph(demo, /*quiet=*/true);
}

void MainWindow::setSaveHandler(std::function<void()> handler, const QString& toolTip) {
    bindAction(saveAction_, std::move(handler), toolTip);
}

void MainWindow::setExportHandler(std::function<void()> handler, const QString& toolTip) {
    bindAction(exportAction_, std::move(handler), toolTip);
}

void MainWindow::bindAction(QAction* action, std::function<void()> handler, const QString& toolTip) {
    disconnect(action, &QAction::triggered, nullptr, nullptr);
    action->setEnabled(static_cast<bool>(handler));
    action->setToolTip(toolTip);
    if (handler) connect(action, &QAction::triggered, this, [handler = std::move(handler)] { handler(); });
}

bool MainWindow::openSession(const QString& path, bool quiet) {
    auto fail = [this, path, quiet](const QString& error) {
        lastError_ = error;
        statusBar()->showMessage(tr("Could not open session %1: %2").arg(path, error), 15000);
        if (!quiet) QMessageBox::warning(this, tr("Could not open session"), error);
        emit sessionOpened(false);
        return false;
    };
    if (!QFileInfo(path).isFile()) return fail(tr("no such file: %1").arg(path));
    // Read whole before anything in the window changes: a file that cannot be read leaves the
    // window as it was.
    store::OpenReport report;
    std::shared_ptr<SessionState> state;
    QElapsedTimer clock;
    clock.start();
    try {
        const store::Session session = store::openSession(path.toStdString(), &report);
        state = std::make_shared<SessionState>(fromStoredSession(session, path.toStdString()));
    } catch (const std::exception& e) {
        return fail(QString::fromStdString(e.what()));
    }
    const qint64 readMs = clock.elapsed();

    jobs_->cancel("run");
    jobs_->cancel("model");
    jobs_->cancel(kOpenLayoutJob);
    jobs_->cancel(kEditLayoutJob);
    undo_->clear();
    ++openSerial_;
    sessionWarnings_.clear();
    for (const auto& w : report.warnings) sessionWarnings_ << QString::fromStdString(w);
    auto graph = std::make_shared<Graph>(*state->graph);
    summary_->showSummary(summarize(*graph));
    graph_ = std::move(graph);
    graphPath_ = state->graphPath;
    graphLabel_ = state->graphLabel.isEmpty() ? QFileInfo(path).completeBaseName() : state->graphLabel;
    editLayout_.reset();
    editLayoutGraph_ = nullptr;
    model_.reset();
    nodeModel_.reset();
    modelPath_ = state->modelPath;
    const bool modelThere = !modelPath_.isEmpty() && QFileInfo::exists(modelPath_);
    statusModel_->setText(modelPath_.isEmpty() ? tr("No model")
                          : modelThere         ? tr("Loading %1…").arg(modelName(modelPath_))
                                               : tr("%1 (missing)").arg(modelName(modelPath_)));
    statusModel_->setToolTip(modelPath_);
    if (!state->windowState.isEmpty()) restoreState(state->windowState);
    std::vector<Note> notes;
    int unknownNotes = 0;
    for (const auto& a : state->annotations) {
        if (auto n = fromAnnotation(a)) notes.push_back(std::move(*n));
        else ++unknownNotes;
    }
    notes_->setNotes(std::move(notes));
    if (unknownNotes > 0)
        sessionWarnings_ << tr("%n note(s) pinned to something this version does not know were left out", nullptr,
                               unknownNotes);
    restore_ = PendingRestore{state, graph_.get(), modelThere, false, state->nodeLevel};
    if (state->layout) {
        laidOut_ = state->layout;
        laidOutGraph_ = graph_;
    } else {
        startLayout(kOpenLayoutJob);
    }
    sessionPath_ = path;
    lastError_.clear();
    central_->setCurrentWidget(canvas_);
    updateGraphStatus();
    updateSessionTitle();
    addRecent(path);
    if (modelThere) openModel(modelPath_, /*quiet=*/true);
    {
        // One tokenization with the stored seed and settings; its sequenceChanged shows the
        // cached run (rerun -> showRestoredRun) when the tokens are the stored ones.
        const QSignalBlocker blockTokens(tokens_);
        const QSignalBlocker blockSeed(tokens_->seedBox());
        tokens_->setGraph(graph_.get());
        tokens_->seedBox()->setValue(int(std::min<uint64_t>(state->seed, uint64_t(tokens_->seedBox()->maximum()))));
    }
    // Without stored options the model's apply: its arrival tokenizes (openModel).
    if (state->hasTokenizeOptions || !modelThere) tokens_->setBaseOptions(state->tokenize);
    if (!modelThere && !modelPath_.isEmpty()) {
        const QString missing = tr("The session's model is missing: %1. The graph and the saved attention are "
                                   "shown; open a model to run edits.").arg(modelPath_);
        if (!sessionWarnings_.contains(missing)) sessionWarnings_.prepend(missing);
        if (!quiet) QMessageBox::warning(this, tr("Model missing"), missing);
    }
    const QString autosave = QString::fromStdString(store::autosavePath(path.toStdString()).string());
    if (QFileInfo::exists(autosave) && QFileInfo(autosave).lastModified() > QFileInfo(path).lastModified())
        sessionWarnings_ << tr("An autosave newer than this session exists: %1 (open it to recover)").arg(autosave);
    statusBar()->showMessage(sessionWarnings_.isEmpty()
                                 ? tr("Opened session %1 (%2 ms)").arg(QFileInfo(path).fileName()).arg(readMs)
                                 : sessionWarnings_.join(QStringLiteral(" · ")),
                             sessionWarnings_.isEmpty() ? 5000 : 30000);
    emit sessionOpened(true);
    return true;
}

bool MainWindow::showRestoredRun(InspectionData& data) {
    const SessionState& state = *restore_->state;
    // An edit, another graph, or another model: the session's run no longer applies.
    if (graph_.get() != restore_->graph || ((model_ || nodeModel_) && modelPath_ != state.modelPath)) {
        restore_.reset();
        return false;
    }
    if (!data.tokens || data.tokens->positions != state.tokens || !state.result) {
        if (state.result) {
            sessionWarnings_ << tr("The tokens made now differ from the session's; the model runs again");
            statusBar()->showMessage(sessionWarnings_.last(), 15000);
        }
        restore_.reset();
        return false;
    }
    data.result = state.result;
    if (state.layout) data.layout = state.layout;
    inspection_->setData(std::move(data));
    if (!restore_->viewApplied) {
        restore_->viewApplied = true;
        inspection_->setLayerHead(state.layer, state.head);
        inspection_->setAggregation(state.aggregation);
        inspection_->setThreshold(state.threshold);
        inspection_->setPredictionFillShown(state.predictionFillShown);
        inspection_->setQuery(state.query);
        inspection_->setSelected(state.selected);
    }
    statusRun_->setText(tr("saved run (not re-run)"));
    if (!restore_->waitingForModel) restore_.reset();
    return true;
}

bool MainWindow::saveSession(const QString& path) {
    if (!graph_) {
        lastError_ = tr("there is no graph to save");
        statusBar()->showMessage(tr("Nothing to save: %1").arg(lastError_), 5000);
        return false;
    }
    writeSession(path, false);
    return true;
}

void MainWindow::writeSession(const QString& path, bool autosave) {
    // Gathered here (shared, immutable snapshots); serialized and written by a job, so a large
    // run never holds up the window.
    auto state = std::make_shared<SessionState>();
    const InspectionData& d = inspection_->data();
    state->graph = graph_;
    state->graphLabel = graphLabel_;
    state->graphPath = graphPath_;
    for (int i = 0; i < undo_->index(); ++i) state->edits << undo_->text(i);
    state->modelPath = modelPath_;
    if (!model_ && restore_) state->modelSha256 = restore_->state->modelSha256;
    if (const auto& seq = tokens_->sequence()) {
        state->tokenize = seq->options;
        state->tokens = seq->positions;
    }
    state->seed = uint64_t(tokens_->seedBox()->value());
    state->backend = model::backendName(backend_);
    // The run only when it is the run of these tokens (not one still being replaced).
    if (d.graph == graph_ && d.tokens && tokens_->sequence() && d.tokens->positions == tokens_->sequence()->positions)
        state->result = d.result;
    state->nodeLevel = nodeModel_ || (!model_ && restore_ && restore_->nodeLevel);
    if (state->nodeLevel && d.graph == graph_ && d.nodeTokens && d.tokens) {
        // A node-level run: its tokens are the nodes (the tokenizer's sequence is not what ran).
        state->tokens = d.tokens->positions;
        state->result = d.result;
    }
    state->layout = d.graph == graph_ ? d.layout : nullptr;
    if (!state->layout && laidOutGraph_.lock() == graph_) state->layout = laidOut_;
    state->layer = inspection_->layer();
    state->head = inspection_->head();
    state->aggregation = inspection_->aggregation();
    state->query = inspection_->query();
    state->threshold = inspection_->threshold();
    state->predictionFillShown = inspection_->predictionFillShown();
    state->selected = inspection_->selected();
    state->windowState = saveState();
    for (const Note& n : notes_->notes()) state->annotations.push_back(toAnnotation(n));
    const std::string file = path.toStdString();
    if (!autosave) jobStarted(tr("Saving %1").arg(QFileInfo(path).fileName()));
    jobs_->submit<double>(
        autosave ? "autosave" : "save",
        [state, file](jobs::JobContext&) {
            const auto started = std::chrono::steady_clock::now();
            store::saveSession(file, toStoredSession(*state));
            return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
        },
        [this, path, autosave](double ms) {
            jobEnded();
            if (autosave) return;
            // What was saved is the newest state: no autosave until the next change, and an
            // older autosave beside the file is no longer a recovery copy.
            autosave_ = std::make_unique<store::AutosaveThrottle>(kAutosaveIntervalSeconds);
            QFile::remove(QString::fromStdString(store::autosavePath(path.toStdString()).string()));
            sessionPath_ = path;
            updateSessionTitle();
            addRecent(path);
            statusBar()->showMessage(tr("Saved session %1 (%2 ms)").arg(path).arg(ms, 0, 'f', 0), 5000);
            emit sessionSaved(true);
        },
        [this, path, autosave](const std::string& error) {
            jobEnded();
            lastError_ = QString::fromStdString(error);
            statusBar()->showMessage(autosave ? tr("Autosave failed: %1").arg(lastError_)
                                              : tr("Could not save %1: %2").arg(path, lastError_),
                                     15000);
            if (!autosave) {
                QMessageBox::warning(this, tr("Could not save session"), lastError_);
                emit sessionSaved(false);
            }
        });
}

void MainWindow::updateSessionTitle() {
    if (sessionPath_.isEmpty()) return;
    setWindowFilePath(sessionPath_);
    setWindowTitle(tr("%1 — %2 — GTScope").arg(QFileInfo(sessionPath_).completeBaseName(), graphLabel_));
}

void MainWindow::markSessionDirty() {
    if (autosave_) autosave_->markDirty();
}

}  // namespace gts
