#include "MainWindow.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>

#include "GraphSummaryView.h"
#include "TokenTableView.h"
#include "graph/GraphSummary.h"
#include "io/GraphIO.h"

namespace gts {

namespace {
constexpr int kMaxRecentFiles = 10;
const char* kGraphFilter =
    "Graphs (*.gml *.graphml *.xml *.gexf *.json *.edges *.edgelist *.csv *.tsv *.txt *.smi "
    "*.smiles *.sdf *.sd *.mol *.gz);;All files (*)";
}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(tr("GTScope"));
    setAcceptDrops(true);
    summary_ = new GraphSummaryView(this);
    summary_->setObjectName(QStringLiteral("graphSummary"));
    auto* dock = new QDockWidget(tr("Graph"), this);
    dock->setObjectName(QStringLiteral("graphDock"));
    dock->setWidget(summary_);
    addDockWidget(Qt::LeftDockWidgetArea, dock);
    summary_->setMinimumWidth(360);
    tokens_ = new TokenTableView(this);
    tokens_->setObjectName(QStringLiteral("tokenTable"));
    auto* tokenDock = new QDockWidget(tr("Tokens"), this);
    tokenDock->setObjectName(QStringLiteral("tokenDock"));
    tokenDock->setWidget(tokens_);
    addDockWidget(Qt::BottomDockWidgetArea, tokenDock);
    placeholder_ = new QLabel(tr("Open a graph (File ▸ Open, Ctrl+O) or drop a file here."), this);
    placeholder_->setAlignment(Qt::AlignCenter);
    placeholder_->setWordWrap(true);
    setCentralWidget(placeholder_);
    statusGraph_ = new QLabel(tr("No graph"), this);
    statusBar()->addPermanentWidget(statusGraph_);
    createActions();

    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    if (!settings.contains(QStringLiteral("window/geometry"))) resize(1280, 800);
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open Graph…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open Graph"), QString(),
                                                          tr(kGraphFilter));
        if (!path.isEmpty()) openGraph(path);
    });
    open->setShortcut(QKeySequence::Open);
    recentMenu_ = file->addMenu(tr("Open &Recent"));
    updateRecentMenu();
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About GTScope"), this, [this] {
        QMessageBox::about(this, tr("About GTScope"),
                           tr("GTScope %1 — look inside graph transformers.")
                               .arg(QApplication::applicationVersion()));
    });
}

bool MainWindow::openGraph(const QString& path, bool quiet) {
    try {
        auto g = std::make_unique<Graph>(io::readGraph(path.toStdString()));
        summary_->showSummary(summarize(*g));
        graph_ = std::move(g);
        tokens_->setGraph(graph_.get());
        graphPath_ = path;
        lastError_.clear();
        statusGraph_->setText(tr("%1 — %2 nodes, %3 edges")
                                  .arg(QFileInfo(path).fileName())
                                  .arg(graph_->nodeCount())
                                  .arg(graph_->edgeCount()));
        setWindowTitle(tr("%1 — GTScope").arg(QFileInfo(path).fileName()));
        placeholder_->setText(tr("%1 is open: its structure is in the Graph panel and its "
                                 "GraphGPT tokens in the Tokens panel (hover a token to see what "
                                 "it stands for).\nThe canvas and attention views come with the "
                                 "model engine.")
                                  .arg(QFileInfo(path).fileName()));
        addRecent(path);
        return true;
    } catch (const std::exception& e) {
        lastError_ = QString::fromStdString(e.what());
        statusBar()->showMessage(tr("Could not open %1: %2").arg(path, lastError_), 10000);
        if (!quiet) QMessageBox::warning(this, tr("Could not open graph"), lastError_);
        return false;
    }
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
    const auto urls = event->mimeData()->urls();
    if (!urls.isEmpty() && urls.first().isLocalFile()) openGraph(urls.first().toLocalFile());
}

}  // namespace gts
