// QtTest: what-if edits of the graph. The edits on their own (checked against RDKit's reading
// of the molecule they should give), then in the window: an edit re-tokenizes and re-runs the
// demo model and changes its prediction; undo brings the graph and prediction back exactly.

#include <QApplication>
#include <QContextMenuEvent>
#include <QGuiApplication>
#include <QTimer>
#include <QMenu>
#include <QScreen>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
#include <QUndoStack>
#include <QtTest>

#include "GraphCanvas.h"
#include "GraphEdits.h"
#include "Inspection.h"
#include "MainWindow.h"
#include "ResourcePaths.h"
#include "graph/AttrNames.h"
#include "io/Molecule.h"
#include "io/OgbFeatures.h"
#include "jobs/JobRunner.h"
#include <QFile>
#include <QTextStream>
#include <QTemporaryDir>

using gts::MainWindow;
using gts::NodeId;
namespace edits = gts::edits;

namespace {

std::string smilesOf(const gts::Graph& g) { return gts::io::graphToSmiles(g); }
/// RDKit's canonical SMILES of a molecule typed by hand.
std::string canonical(const char* smiles) {
    gts::Graph g = gts::io::moleculeFromSmiles(smiles);
    g.graphAttrs().remove(gts::attr::kSmiles);
    return gts::io::graphToSmiles(g);
}
int64_t atomFeature(const gts::Graph& g, NodeId v, int k) {
    return g.nodeAttrs().find(gts::attr::kFeat)->intAt(v, uint32_t(k));
}
/// The token of column `col` of node v's (or edge e's) attribute, at its first appearance.
QString attrToken(const gts::TokenSequence& tokens, gts::TokenRole role, uint32_t element, int col) {
    for (size_t p = 0; p < tokens.positions.size(); ++p)
        for (size_t k = 0; k < tokens.sources[p].size(); ++k) {
            const gts::TokenSource& s = tokens.sources[p][k];
            const uint32_t which = role == gts::TokenRole::NodeAttr ? s.node : s.edge;
            if (s.role == role && which == element && s.col == col)
                return QString::fromStdString(tokens.positions[p][k]);
        }
    return {};
}
bool sameGraph(const gts::Graph& a, const gts::Graph& b) {
    if (a.nodeCount() != b.nodeCount() || a.edgeCount() != b.edgeCount()) return false;
    for (gts::EdgeId e = 0; e < a.edgeCount(); ++e)
        if (a.edge(e).src != b.edge(e).src || a.edge(e).dst != b.edge(e).dst) return false;
    const auto* fa = a.nodeAttrs().find(gts::attr::kFeat);
    const auto* fb = b.nodeAttrs().find(gts::attr::kFeat);
    const auto* ea = a.edgeAttrs().find(gts::attr::kFeat);
    const auto* eb = b.edgeAttrs().find(gts::attr::kFeat);
    return (!fa && !fb) || (fa && fb && fa->ints == fb->ints && ea && eb && ea->ints == eb->ints);
}

}  // namespace

class TestEdits : public QObject {
    Q_OBJECT

    std::unique_ptr<MainWindow> window_;
    const gts::Graph* original_ = nullptr;

    /// Waits for the run an edit (or undo/redo) started to finish.
    static bool waitForRun(MainWindow& w, QSignalSpy& ran) {
        const bool ok = QTest::qWaitFor([&] { return ran.count() >= 1 && w.jobRunner()->active() == 0; }, 30000);
        ran.clear();
        return ok;
    }
    static float prediction(const MainWindow& w) { return w.inspection()->data().result->logits.data()[0]; }

    /// The demo window (molecule-tpsa on aspirin), opened once.
    MainWindow* demo() {
        if (window_) return window_.get();
        const QString res = gts::resourceDir();
        if (!QFileInfo::exists(res + QStringLiteral("/models/molecule-tpsa/config.json")))
            return nullptr;
        window_ = std::make_unique<MainWindow>();
        window_->resize(1200, 800);
        window_->show();
        if (!QTest::qWaitForWindowExposed(window_.get())) return nullptr;
        QSignalSpy ran(window_.get(), &MainWindow::runFinished);
        window_->openModel(res + QStringLiteral("/models/molecule-tpsa"), true);
        if (!window_->openGraph(res + QStringLiteral("/graphs/aspirin.smi"), true)) return nullptr;
        // The run with the model and the layout both arrive.
        const bool ready = QTest::qWaitFor([&] {
            const auto& d = window_->inspection()->data();
            return d.result && d.layout && window_->jobRunner()->active() == 0;
        }, 30000);
        return ready ? window_.get() : nullptr;
    }

private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName(QStringLiteral("GTScopeTests"));
        QSettings().clear();
    }
    void cleanupTestCase() { window_.reset(); }

    // --- the edits alone: each against the molecule RDKit reads from the SMILES it should be.
    void addNodeBondsAMethylAndTakesAHydrogen() {
        const gts::Graph ethane = gts::io::moleculeFromSmiles("CC");
        auto propane = edits::addNode(ethane, 0);
        QCOMPARE(propane->nodeCount(), size_t(3));
        QCOMPARE(propane->edgeCount(), size_t(2));
        QCOMPARE(smilesOf(*propane), canonical("CCC"));
        // The middle carbon gave a hydrogen to the new bond (3 → 2) and keeps degree 4; the new
        // atom is a CH3: exactly the features RDKit gives propane's atoms.
        const gts::Graph expected = gts::io::moleculeFromSmiles("CCC");
        for (int k = 0; k < gts::ogb::kAtomFeatureCount; ++k) {
            QCOMPARE(atomFeature(*propane, 0, k), atomFeature(expected, 1, k));
            QCOMPARE(atomFeature(*propane, 2, k), atomFeature(expected, 0, k));
        }
        QCOMPARE(QString::fromStdString(propane->nodeAttrs().find(gts::attr::kSymbol)->stringAt(2)), QStringLiteral("C"));
        // The graph's SMILES follows the edit.
        QCOMPARE(propane->graphAttrs().find(gts::attr::kSmiles)->stringAt(0), canonical("CCC"));
    }

    void bondTypesRemovalsAndRingClosure() {
        const gts::Graph ethane = gts::io::moleculeFromSmiles("CC");
        QCOMPARE(smilesOf(*edits::setBondType(ethane, 0, gts::BondType::Double)), canonical("C=C"));
        QCOMPARE(smilesOf(*edits::setBondType(ethane, 0, gts::BondType::Triple)), canonical("C#C"));
        QCOMPARE(edits::setBondType(ethane, 0, gts::BondType::Double)->edgeAttrs().find("feat")->intAt(0, 0),
                 int64_t(1));
        const gts::Graph propane = gts::io::moleculeFromSmiles("CCC");
        std::vector<uint32_t> map;
        auto two = edits::removeNode(propane, 1, &map);
        QCOMPARE(smilesOf(*two), canonical("C.C"));  // each end gets its hydrogen back
        QCOMPARE(map[1], gts::kNoIndex);
        QCOMPARE(map[2], 1u);
        QCOMPARE(smilesOf(*edits::removeEdge(gts::io::moleculeFromSmiles("CCO"), 1)), canonical("CC.O"));
        const gts::Graph butane = gts::io::moleculeFromSmiles("CCCC");
        QCOMPARE(smilesOf(*edits::addEdge(butane, 0, 3)), canonical("C1CCC1"));
        QCOMPARE(smilesOf(*edits::setElement(gts::io::moleculeFromSmiles("CCO"), 2, 16, QStringLiteral("S"))),
                 canonical("CCS"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, edits::removeEdge(butane, 3));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, edits::addNode(butane, 4));
    }

    void newNodesAreLaidOutBesideTheirNeighbour() {
        // A path 0 - 1 along x: a node added on 1 goes on along x, one edge length away.
        const gts::Graph path = gts::io::moleculeFromSmiles("CC");
        auto layout = std::make_shared<gts::NodeLayout>();
        layout->x = {0.0f, 1.5f};
        layout->y = {0.0f, 0.0f};
        auto after = edits::appendNodeLayout(layout, path, 1, std::nullopt);
        QVERIFY(after);
        QCOMPARE(after->x.size(), size_t(3));
        QCOMPARE(after->x[0], 0.0f);
        QCOMPARE(after->x[1], 1.5f);
        QCOMPARE(after->x[2], 3.0f);
        QCOMPARE(after->y[2], 0.0f);
        auto clicked = edits::appendNodeLayout(layout, path, gts::kNoIndex, QPointF(-2.0, 4.0));
        QCOMPARE(clicked->x[2], -2.0f);
        QCOMPARE(clicked->y[2], 4.0f);
        QVERIFY(!edits::appendNodeLayout(nullptr, path, 1, std::nullopt));
    }

    // --- in the window, with the demo model.
    void addNodeReRunsAndUndoRestoresExactly() {
        MainWindow* w = demo();
        if (!w) QSKIP("the molecule-tpsa demo is not shipped in this tree");
        gts::GraphEditor* editor = w->graphEditor();
        QSignalSpy ran(w, &MainWindow::runFinished);
        const gts::Graph before = *w->graph();
        const float original = prediction(*w);
        const auto beforeLayout = w->inspection()->data().layout;
        QVERIFY(beforeLayout);

        // A methyl on the acetyl's methyl carbon (atom 0 of CC(=O)O...): ethyl ester.
        QVERIFY(editor->addNode(0));
        QVERIFY(waitForRun(*w, ran));
        QCOMPARE(w->graph()->nodeCount(), before.nodeCount() + 1);
        QCOMPARE(w->graph()->edgeCount(), before.edgeCount() + 1);
        QCOMPARE(w->inspection()->data().graph.get(), w->graph());
        const float edited = prediction(*w);
        QVERIFY2(std::abs(edited - original) > 1e-4f, "a new atom changes the prediction");
        QVERIFY(editor->validityWarning().isEmpty());
        // The layout was carried over, not recomputed: old atoms stay where they were.
        const auto layout = w->inspection()->data().layout;
        QVERIFY(layout);
        QCOMPARE(layout->x.size(), before.nodeCount() + 1);
        for (NodeId v = 0; v < before.nodeCount(); ++v) {
            QCOMPARE(layout->x[v], beforeLayout->x[v]);
            QCOMPARE(layout->y[v], beforeLayout->y[v]);
        }
        QCOMPARE(w->undoStack()->count(), 1);
        QVERIFY(w->undoStack()->undoText().contains(QStringLiteral("Add carbon")));

        w->undoStack()->undo();
        QVERIFY(waitForRun(*w, ran));
        QVERIFY(sameGraph(*w->graph(), before));
        QCOMPARE(prediction(*w), original);  // exactly: the same tokens through the same model
        QCOMPARE(w->inspection()->data().layout->x, beforeLayout->x);

        w->undoStack()->redo();
        QVERIFY(waitForRun(*w, ran));
        QCOMPARE(w->graph()->nodeCount(), before.nodeCount() + 1);
        QCOMPARE(prediction(*w), edited);
        w->undoStack()->undo();
        QVERIFY(waitForRun(*w, ran));
        QCOMPARE(prediction(*w), original);
    }

    void undosInOneTurnShowTheLastGraph() {
        MainWindow* w = demo();
        if (!w) QSKIP("the molecule-tpsa demo is not shipped in this tree");
        gts::GraphEditor* editor = w->graphEditor();
        QSignalSpy ran(w, &MainWindow::runFinished);
        const gts::Graph before = *w->graph();
        const float original = prediction(*w);
        QVERIFY(!w->graphStatusText().contains(QStringLiteral("(edited)")));
        QVERIFY(editor->addNode(0));
        QVERIFY(waitForRun(*w, ran));
        QVERIFY(editor->removeEdge(0));
        QVERIFY(waitForRun(*w, ran));
        QVERIFY(w->graphStatusText().contains(QStringLiteral("(edited)")));
        // Both undos before the event loop runs again: only the last graph's run may show.
        w->undoStack()->undo();
        w->undoStack()->undo();
        QVERIFY(waitForRun(*w, ran));
        QTest::qWait(100);  // anything stale still queued would arrive now
        QCOMPARE(w->inspection()->data().graph.get(), w->graph());
        QVERIFY(sameGraph(*w->graph(), before));
        QCOMPARE(prediction(*w), original);
        QVERIFY2(!w->graphStatusText().contains(QStringLiteral("(edited)")), qPrintable(w->graphStatusText()));
        // Redo, redo, undo in one turn: the graph with the added atom.
        w->undoStack()->redo();
        w->undoStack()->redo();
        w->undoStack()->undo();
        QVERIFY(waitForRun(*w, ran));
        QTest::qWait(100);
        QCOMPARE(w->inspection()->data().graph.get(), w->graph());
        QCOMPARE(w->graph()->nodeCount(), before.nodeCount() + 1);
        QCOMPARE(w->inspection()->data().result->positions.size(), w->inspection()->data().tokens->positions.size());
        QVERIFY(w->graphStatusText().contains(QStringLiteral("(edited)")));
        w->undoStack()->undo();
        QVERIFY(waitForRun(*w, ran));
        QCOMPARE(prediction(*w), original);
    }

    void anEditKeepsTheUsersViewANewGraphIsFitted() {
        MainWindow* w = demo();
        if (!w) QSKIP("the molecule-tpsa demo is not shipped in this tree");
        QSignalSpy ran(w, &MainWindow::runFinished);
        gts::GraphCanvas* canvas = w->canvas();
        QTest::qWait(50);
        const double fittedZoom = canvas->zoom();
        canvas->zoomAt(QPointF(canvas->width() / 2.0, canvas->height() / 2.0), 2.0);
        QTest::qWait(50);
        const double zoomed = canvas->zoom();
        QVERIFY(std::abs(zoomed - 2 * fittedZoom) < 1e-6 * zoomed);
        QVERIFY(w->graphEditor()->addNode(0));
        QVERIFY(waitForRun(*w, ran));
        QTest::qWait(100);  // paint: a pending fit would happen here
        QCOMPARE(canvas->zoom(), zoomed);
        w->undoStack()->undo();
        QVERIFY(waitForRun(*w, ran));
        QTest::qWait(100);
        QCOMPARE(canvas->zoom(), zoomed);
        // Another graph: fitted again.
        QVERIFY(w->openSmiles(QStringLiteral("CCO")));
        QVERIFY(waitForRun(*w, ran));
        QTRY_VERIFY_WITH_TIMEOUT(w->jobRunner()->active() == 0 && w->inspection()->data().layout, 20000);
        QTest::qWait(100);
        QVERIFY(std::abs(canvas->zoom() - zoomed) > 1e-6 * zoomed);
        // Back to the demo for the other cases.
        window_.reset();
    }

    void removeAndAddEdgesAreOneStepEach() {
        MainWindow* w = demo();
        if (!w) QSKIP("the molecule-tpsa demo is not shipped in this tree");
        gts::GraphEditor* editor = w->graphEditor();
        QSignalSpy ran(w, &MainWindow::runFinished);
        const gts::Graph before = *w->graph();
        const float original = prediction(*w);
        const int steps = w->undoStack()->index();
        // Bond 0 is the acetyl's C-C; removing it leaves a methane beside the rest.
        QVERIFY(editor->removeEdge(0));
        QVERIFY(waitForRun(*w, ran));
        QCOMPARE(w->graph()->edgeCount(), before.edgeCount() - 1);
        QCOMPARE(w->graph()->nodeCount(), before.nodeCount());
        QVERIFY(std::abs(prediction(*w) - original) > 1e-4f);
        QVERIFY(editor->removeNode(0));  // the methane itself
        QVERIFY(waitForRun(*w, ran));
        QCOMPARE(w->graph()->nodeCount(), before.nodeCount() - 1);
        QCOMPARE(w->undoStack()->index() - steps, 2);
        QCOMPARE(w->inspection()->data().layout->x.size(), before.nodeCount() - 1);
        w->undoStack()->undo();
        QVERIFY(waitForRun(*w, ran));
        w->undoStack()->undo();
        QVERIFY(waitForRun(*w, ran));
        QVERIFY(sameGraph(*w->graph(), before));
        QCOMPARE(prediction(*w), original);
        QVERIFY(!editor->removeEdge(gts::EdgeId(before.edgeCount())));  // out of range: nothing
        QCOMPARE(w->undoStack()->index(), steps);
    }

    void oxygenToNitrogenChangesItsAttributeToken() {
        MainWindow* w = demo();
        if (!w) QSKIP("the molecule-tpsa demo is not shipped in this tree");
        QSignalSpy ran(w, &MainWindow::runFinished);
        NodeId oxygen = gts::kNoIndex;
        for (NodeId v = 0; v < w->graph()->nodeCount() && oxygen == gts::kNoIndex; ++v)
            if (atomFeature(*w->graph(), v, gts::ogb::kAtomicNum) == 7) oxygen = v;
        QVERIFY(oxygen != gts::kNoIndex);
        const auto& tokensBefore = *w->inspection()->data().tokens;
        QCOMPARE(attrToken(tokensBefore, gts::TokenRole::NodeAttr, oxygen, 0), QStringLiteral("molecule#node#0#7"));
        const float original = prediction(*w);
        QVERIFY(w->graphEditor()->setElement(oxygen, 7));
        QVERIFY(waitForRun(*w, ran));
        const auto& tokens = *w->inspection()->data().tokens;
        QCOMPARE(attrToken(tokens, gts::TokenRole::NodeAttr, oxygen, 0), QStringLiteral("molecule#node#0#6"));
        QCOMPARE(QString::fromStdString(w->graph()->nodeAttrs().find(gts::attr::kSymbol)->stringAt(oxygen)),
                 QStringLiteral("N"));
        QVERIFY(std::abs(prediction(*w) - original) > 1e-4f);
        w->undoStack()->undo();
        QVERIFY(waitForRun(*w, ran));
        QCOMPARE(attrToken(*w->inspection()->data().tokens, gts::TokenRole::NodeAttr, oxygen, 0),
                 QStringLiteral("molecule#node#0#7"));
        QCOMPARE(prediction(*w), original);
    }

    void bondTypeChangesItsEdgeToken() {
        MainWindow* w = demo();
        if (!w) QSKIP("the molecule-tpsa demo is not shipped in this tree");
        QSignalSpy ran(w, &MainWindow::runFinished);
        // The acetyl's C=O: bond 1 of CC(=O)O..., a double bond (OGB bond type 1).
        QCOMPARE(w->graph()->edgeAttrs().find("feat")->intAt(1, 0), int64_t(1));
        QVERIFY(w->graphEditor()->setBondType(1, gts::BondType::Single));
        QVERIFY(waitForRun(*w, ran));
        QCOMPARE(attrToken(*w->inspection()->data().tokens, gts::TokenRole::EdgeAttr, 1, 0),
                 QStringLiteral("molecule#edge#0#0"));
        // C-OH now: the oxygen took a hydrogen back, so RDKit accepts the molecule.
        QVERIFY(w->graphEditor()->validityWarning().isEmpty());
        w->undoStack()->undo();
        QVERIFY(waitForRun(*w, ran));
        QCOMPARE(attrToken(*w->inspection()->data().tokens, gts::TokenRole::EdgeAttr, 1, 0),
                 QStringLiteral("molecule#edge#0#1"));
    }

    void anOverfullAtomStillRunsWithAWarning() {
        MainWindow* w = demo();
        if (!w) QSKIP("the molecule-tpsa demo is not shipped in this tree");
        QSignalSpy ran(w, &MainWindow::runFinished);
        // Atom 1 is the acetyl's carbonyl carbon (no hydrogens): a fifth bond is too many.
        QCOMPARE(atomFeature(*w->graph(), 1, gts::ogb::kTotalNumHs), int64_t(0));
        QVERIFY(w->graphEditor()->addNode(1));
        QVERIFY(waitForRun(*w, ran));
        QVERIFY(!w->graphEditor()->validityWarning().isEmpty());
        QVERIFY(w->statusBar()->currentMessage().contains(QStringLiteral("RDKit rejects")));
        QVERIFY(w->inspection()->data().result);
        QCOMPARE(w->inspection()->data().graph->nodeCount(), size_t(14));
        w->undoStack()->undo();
        QVERIFY(waitForRun(*w, ran));
        QVERIFY(w->graphEditor()->validityWarning().isEmpty());
        QVERIFY(w->statusBar()->currentMessage().isEmpty());
    }

    void contextMenusNameTheirEdits() {
        MainWindow* w = demo();
        if (!w) QSKIP("the molecule-tpsa demo is not shipped in this tree");
        gts::GraphEditor* editor = w->graphEditor();
        auto texts = [](QMenu* menu) {
            QStringList out;
            for (QAction* a : menu->actions()) {
                out << a->text();
                if (a->menu())
                    for (QAction* b : a->menu()->actions()) out << QStringLiteral("> ") + b->text();
            }
            return out;
        };
        gts::Pointed atom;
        atom.node = 3;  // the ester oxygen
        std::unique_ptr<QMenu> menu(editor->createContextMenu(atom, {}, w));
        QStringList t = texts(menu.get());
        QVERIFY2(t.contains(QStringLiteral("Add carbon bonded here")), qPrintable(t.join('|')));
        QVERIFY(t.contains(QStringLiteral("Remove atom and its bonds")));
        QVERIFY(t.contains(QStringLiteral("Change element to")));
        QVERIFY(t.contains(QStringLiteral("> Cl")));
        gts::Pointed bond;
        bond.edge = 1;
        menu.reset(editor->createContextMenu(bond, {}, w));
        t = texts(menu.get());
        QVERIFY2(t.contains(QStringLiteral("> Aromatic")) && t.contains(QStringLiteral("Remove bond")), qPrintable(t.join('|')));
        menu.reset(editor->createContextMenu(gts::Pointed{}, {}, w));
        QVERIFY(texts(menu.get()).contains(QStringLiteral("Add carbon here (unbonded)")));

        // Triggering a menu entry is the same undoable edit.
        QSignalSpy ran(w, &MainWindow::runFinished);
        const size_t edges = w->graph()->edgeCount();
        menu.reset(editor->createContextMenu(bond, {}, w));
        for (QAction* a : menu->actions())
            if (a->text() == QStringLiteral("Remove bond")) a->trigger();
        QVERIFY(waitForRun(*w, ran));
        QCOMPARE(w->graph()->edgeCount(), edges - 1);
        w->undoStack()->undo();
        QVERIFY(waitForRun(*w, ran));
        QCOMPARE(w->graph()->edgeCount(), edges);

        // What a user sees: the menu open over a node of the canvas (saved for a look).
        gts::GraphCanvas* canvas = w->canvas();
        const QPointF at = canvas->nodeScreenPos(3);
        QCOMPARE(canvas->pick(at).node, NodeId(3));
        menu.reset(editor->createContextMenu(canvas->pick(at), canvas->layoutPos(at), w));
        menu->popup(canvas->mapToGlobal(at.toPoint()));
        QVERIFY(QTest::qWaitForWindowExposed(menu.get()));
        QTest::qWait(200);
        const QPixmap shot = QGuiApplication::primaryScreen()->grabWindow(0, w->x(), w->y(), w->width(),
                                                                           w->height() + 40);
        QVERIFY(shot.save(QStringLiteral(GTS_TEST_OUTPUT_DIR "/edit-context-menu.png")));
        menu->close();

        // A real right-click on the canvas opens the editor's menu for the atom under it.
        QString opened;
        QTimer::singleShot(300, [&opened] {
            if (QWidget* popup = QApplication::activePopupWidget()) {
                opened = popup->objectName() + QLatin1Char('|') + popup->actions().value(0)->text();
                popup->close();
            }
        });
        QContextMenuEvent click(QContextMenuEvent::Mouse, at.toPoint(), canvas->mapToGlobal(at.toPoint()));
        QApplication::sendEvent(canvas, &click);
        QCOMPARE(opened, QStringLiteral("graphEditMenu|Atom O 3"));
    }

    void anEditBeforeTheFirstLayoutKeepsItForUndo() {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        // A ring of 3,000 nodes with chords: its force layout takes long enough that the edit
        // below comes while it runs.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("ring.edges"));
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            QTextStream out(&f);
            constexpr int kNodes = 3000;
            for (int v = 0; v < kNodes; ++v) out << v << ' ' << (v + 1) % kNodes << '\n' << v << ' ' << (v * 7 + 13) % kNodes << '\n';
        }
        QVERIFY(w.openGraph(path, true));
        const size_t edges = w.graph()->edgeCount();
        // In the same turn, before the layout job delivers: an edit.
        QVERIFY(!w.graphEditor()->currentLayout());
        QVERIFY(w.jobRunner()->running("layout"));
        QVERIFY(w.graphEditor()->addEdge(0, 1500));
        QTRY_VERIFY_WITH_TIMEOUT(w.inspection()->data().layout && w.jobRunner()->active() == 0, 60000);
        QCOMPARE(w.graph()->edgeCount(), edges + 1);
        // Undo restores the opened graph with the layout computed for it, at once and with no
        // new layout job; redo the same for the edited graph.
        w.undoStack()->undo();
        QCOMPARE(w.graph()->edgeCount(), edges);
        auto layout = w.graphEditor()->currentLayout();
        QVERIFY(layout);
        QCOMPARE(layout->x.size(), size_t(3000));
        QVERIFY(!w.jobRunner()->running("layout") && !w.jobRunner()->running("layout-edit"));
        w.undoStack()->redo();
        layout = w.graphEditor()->currentLayout();
        QVERIFY(layout);
        QCOMPARE(layout->x.size(), size_t(3000));
        QVERIFY(!w.jobRunner()->running("layout") && !w.jobRunner()->running("layout-edit"));
        QTRY_VERIFY_WITH_TIMEOUT(w.inspection()->data().layout && w.inspection()->data().graph.get() == w.graph(), 20000);
    }

    void addNodeOnAPlainGraphGoesWhereClicked() {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openGraph(QStringLiteral(GTS_FIXTURES_DIR "/gui/triangle-tail.edges"), true));
        QTRY_VERIFY_WITH_TIMEOUT(w.inspection()->data().layout && w.jobRunner()->active() == 0, 20000);
        const auto before = w.inspection()->data().layout;
        QVERIFY(w.graphEditor()->addNode(gts::kNoIndex, QPointF(7.0, -3.0)));
        QTRY_VERIFY_WITH_TIMEOUT(w.inspection()->data().graph.get() == w.graph(), 20000);
        QCOMPARE(w.graph()->nodeCount(), size_t(5));
        QCOMPARE(w.graph()->edgeCount(), size_t(4));  // isolated
        QCOMPARE(QString::fromStdString(w.graph()->nodeKey(4)).isEmpty(), false);
        const auto layout = w.inspection()->data().layout;
        QVERIFY(layout);
        QCOMPARE(layout->x[4], 7.0f);
        QCOMPARE(layout->y[4], -3.0f);
        for (NodeId v = 0; v < 4; ++v) QCOMPARE(layout->x[v], before->x[v]);
        // No molecule: no element or bond-type entries.
        gts::Pointed node;
        node.node = 0;
        std::unique_ptr<QMenu> menu(w.graphEditor()->createContextMenu(node, {}, &w));
        QStringList t;
        for (QAction* a : menu->actions()) t << a->text();
        QVERIFY2(t.contains(QStringLiteral("Add node connected here")) && !t.contains(QStringLiteral("Change element to")),
                 qPrintable(t.join('|')));
        QVERIFY(!w.graphEditor()->setElement(0, 7));
        w.undoStack()->undo();
        QTRY_COMPARE_WITH_TIMEOUT(w.inspection()->data().graph->nodeCount(), size_t(4), 20000);
    }
};

QTEST_MAIN(TestEdits)
#include "test_edits.moc"
