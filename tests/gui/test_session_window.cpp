// QtTest: sessions in the window (File ▸ Save Session / Open). Saving the demo with a chosen
// layer, head, query and selection and opening the file in a new window shows the same graph,
// tokens, attention (bit for bit), layout and view with no engine run; a session whose model is
// gone still shows its attention and says the model is missing; a corrupt or foreign file is
// refused with a message and the window keeps what it had.

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QSpinBox>
#include <QtTest>
#include <cstring>

#include "Inspection.h"
#include "GraphCanvas.h"
#include "MainWindow.h"
#include "NotesView.h"
#include "TokenTableView.h"
#include "jobs/JobRunner.h"
#include "model/Run.h"
#include "ResourcePaths.h"

using gts::MainWindow;

namespace {

/// Opens the demo in `w` and waits until its run and layout are shown.
bool openDemoAndWait(MainWindow& w) {
    QSignalSpy ran(&w, &MainWindow::runFinished);
    w.openDemo();
    if (!ran.wait(30000)) return false;
    QDeadlineTimer deadline(30000);
    while (!(w.inspection()->data().layout && w.jobRunner()->active() == 0) && !deadline.hasExpired())
        QTest::qWait(20);
    return w.inspection()->data().layout && w.inspection()->data().result != nullptr;
}

bool sameFloats(const gts::Tensor& a, const gts::Tensor& b) {
    return a.shape() == b.shape() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

/// Copies a folder's files (a model folder is flat).
bool copyFolder(const QString& from, const QString& to) {
    if (!QDir().mkpath(to)) return false;
    for (const QString& name : QDir(from).entryList(QDir::Files))
        if (!QFile::copy(from + QLatin1Char('/') + name, to + QLatin1Char('/') + name)) return false;
    return true;
}

}  // namespace

class TestSessionWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QCoreApplication::setOrganizationName(QStringLiteral("GTScopeTests"));
        QSettings().clear();
    }

    void savingAndReopeningRestoresTheViewWithoutARun() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("aspirin.gtscope"));
        std::shared_ptr<const gts::model::RunResult> savedRun;
        std::shared_ptr<const gts::NodeLayout> savedLayout;
        std::vector<std::vector<std::string>> savedTokens;
        size_t nodes = 0, edges = 0;
        gts::Pointed picked;
        {
            MainWindow w;
            w.resize(1400, 900);
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            QVERIFY(openDemoAndWait(w));
            gts::Inspection* ins = w.inspection();
            const int S = int(ins->data().tokens->positions.size());
            ins->setLayerHead(1, 2);
            ins->setAggregation(gts::analysis::HeadAggregation::Single);
            ins->setQuery(S - 3);
            ins->setThreshold(0.125f);
            picked.position = 5;
            picked.slot = 0;
            picked.node = ins->data().tokens->positionSources[5].node;
            ins->setSelected(picked);
            picked = ins->selected();
            savedRun = ins->data().result;
            savedLayout = ins->data().layout;
            savedTokens = ins->data().tokens->positions;
            nodes = w.graph()->nodeCount();
            edges = w.graph()->edgeCount();

            // Notes on the selected node and (nothing selected) on the shown head.
            gts::NotesView* notes = w.notesView();
            gts::Note onNode = notes->noteForSelection();
            QCOMPARE(onNode.kind, gts::Note::Kind::Node);
            QCOMPARE(onNode.index, int(picked.node));
            onNode.text = QStringLiteral("ring closure\nsecond line");
            notes->addNote(onNode);
            gts::Note onHead;
            onHead.kind = gts::Note::Kind::Head;
            onHead.index = 1;
            onHead.head = 2;
            onHead.text = QStringLiteral("attends to the carboxyl group");
            notes->addNote(onHead);
            QCOMPARE(w.canvas()->nodeNotes().size(), size_t{1});

            QSignalSpy saved(&w, &MainWindow::sessionSaved);
            QVERIFY(w.saveSession(path));
            QVERIFY(saved.wait(30000));
            QCOMPARE(saved.first().first().toBool(), true);
            QVERIFY(QFileInfo::exists(path));
            QCOMPARE(w.sessionPath(), path);
            QVERIFY(w.windowTitle().contains(QStringLiteral("aspirin")));
        }

        MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QSignalSpy opened(&w, &MainWindow::sessionOpened);
        QSignalSpy modelLoaded(&w, &MainWindow::modelLoaded);
        // The way a file from the command line, a drop or File ▸ Open comes in.
        QVERIFY(w.openGraph(path, /*quiet=*/true));
        QCOMPARE(opened.count(), 1);
        QCOMPARE(opened.first().first().toBool(), true);
        QTRY_VERIFY_WITH_TIMEOUT(w.inspection()->data().result != nullptr, 10000);
        // The model loads beside the restored view and the view stays the saved run.
        QTRY_VERIFY_WITH_TIMEOUT(modelLoaded.count() > 0, 30000);
        QCOMPARE(modelLoaded.first().first().toBool(), true);
        QTRY_VERIFY_WITH_TIMEOUT(w.jobRunner()->active() == 0, 30000);
        QTest::qWait(200);
        QCOMPARE(w.runJobsStarted(), uint64_t{0});
        QVERIFY2(w.sessionWarnings().isEmpty(), qPrintable(w.sessionWarnings().join(QStringLiteral("; "))));

        const gts::InspectionData& d = w.inspection()->data();
        QCOMPARE(w.graph()->nodeCount(), nodes);
        QCOMPARE(w.graph()->edgeCount(), edges);
        QVERIFY(d.tokens);
        QVERIFY(d.tokens->positions == savedTokens);
        QVERIFY(d.result);
        QCOMPARE(d.result->layers.size(), savedRun->layers.size());
        for (size_t l = 0; l < savedRun->layers.size(); ++l)
            QVERIFY2(sameFloats(d.result->layers[l].attention, savedRun->layers[l].attention),
                     qPrintable(QStringLiteral("layer %1's attention differs").arg(l)));
        QVERIFY(sameFloats(d.result->logits, savedRun->logits));
        QVERIFY(d.layout);
        QVERIFY(d.layout->x == savedLayout->x && d.layout->y == savedLayout->y);
        gts::Inspection* ins = w.inspection();
        QCOMPARE(ins->layer(), 1);
        QCOMPARE(ins->head(), 2);
        QCOMPARE(ins->aggregation(), gts::analysis::HeadAggregation::Single);
        QCOMPARE(ins->query(), int(savedTokens.size()) - 3);
        QCOMPARE(ins->threshold(), 0.125f);
        QCOMPARE(ins->selected().position, picked.position);
        QCOMPARE(ins->selected().node, picked.node);
        QCOMPARE(w.sessionPath(), path);
        const auto& notes = w.notesView()->notes();
        QCOMPARE(notes.size(), size_t{2});
        QCOMPARE(notes[0].kind, gts::Note::Kind::Node);
        QCOMPARE(notes[0].index, int(picked.node));
        QCOMPARE(notes[0].text, QStringLiteral("ring closure\nsecond line"));
        QCOMPARE(notes[1].kind, gts::Note::Kind::Head);
        QCOMPARE(notes[1].index, 1);
        QCOMPARE(notes[1].head, 2);
        QCOMPARE(w.canvas()->nodeNotes().size(), size_t{1});
        QCOMPARE(w.canvas()->nodeNotes().front().first, picked.node);
        // Choosing a head note shows that head alone.
        w.inspection()->setLayerHead(0, 0);
        w.notesView()->showTarget(1);
        QCOMPARE(w.inspection()->layer(), 1);
        QCOMPARE(w.inspection()->head(), 2);
        QCOMPARE(w.inspection()->aggregation(), gts::analysis::HeadAggregation::Single);

        // A new seed changes the tokens: the model runs again as usual.
        QSignalSpy ran(&w, &MainWindow::runFinished);
        w.tokenView()->seedBox()->setValue(w.tokenView()->seedBox()->value() + 1);
        QVERIFY(ran.wait(30000));
        QCOMPARE(w.runJobsStarted(), uint64_t{1});
    }

    void aSessionWhoseModelIsGoneStillShowsItsAttention() {
        QTemporaryDir dir;
        const QString modelCopy = dir.filePath(QStringLiteral("model"));
        QVERIFY(copyFolder(gts::resourceDir() + QStringLiteral("/models/molecule-tpsa"), modelCopy));
        const QString path = dir.filePath(QStringLiteral("gone.gtscope"));
        std::shared_ptr<const gts::model::RunResult> savedRun;
        {
            MainWindow w;
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            QVERIFY(openDemoAndWait(w));
            QSignalSpy ran(&w, &MainWindow::runFinished);
            w.openModel(modelCopy, /*quiet=*/true);
            QVERIFY(ran.wait(30000));
            QTRY_VERIFY_WITH_TIMEOUT(w.jobRunner()->active() == 0, 30000);
            savedRun = w.inspection()->data().result;
            QSignalSpy saved(&w, &MainWindow::sessionSaved);
            QVERIFY(w.saveSession(path));
            QVERIFY(saved.wait(30000));
        }
        // A model changed since the save (one byte more in its config): a warning says so, and
        // the saved attention is what shows.
        {
            QFile config(modelCopy + QStringLiteral("/config.json"));
            QVERIFY(config.open(QIODevice::Append));
            config.write("\n");
        }
        {
            MainWindow w;
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            QVERIFY(w.openSession(path, /*quiet=*/true));
            QVERIFY2(w.sessionWarnings().join(QLatin1Char(' ')).contains(QStringLiteral("changed")),
                     qPrintable(w.sessionWarnings().join(QStringLiteral("; "))));
            QTRY_VERIFY_WITH_TIMEOUT(w.inspection()->data().result != nullptr && w.jobRunner()->active() == 0, 30000);
            QVERIFY(sameFloats(w.inspection()->data().result->layers.back().attention,
                               savedRun->layers.back().attention));
        }
        QVERIFY(QDir(modelCopy).removeRecursively());

        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openSession(path, /*quiet=*/true));
        QTRY_VERIFY_WITH_TIMEOUT(w.inspection()->data().result != nullptr, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(w.jobRunner()->active() == 0, 30000);
        QVERIFY(!w.model());
        QCOMPARE(w.runJobsStarted(), uint64_t{0});
        QVERIFY2(w.sessionWarnings().join(QLatin1Char(' ')).contains(QStringLiteral("missing")),
                 qPrintable(w.sessionWarnings().join(QStringLiteral("; "))));
        QVERIFY(sameFloats(w.inspection()->data().result->layers.back().attention, savedRun->layers.back().attention));
        QVERIFY(w.inspection()->graphAttention().maxNode > 0);
    }

    /// A node-level model's session (the shipped Graph Transformer on caffeine): saved from the
    /// window and reopened, it shows the saved attention over the nodes with no run; a session
    /// `gtscope-cli session create` wrote for the same model opens the same way; with the model
    /// gone the saved attention still shows on the nodes.
    void aNodeLevelSessionReopensWithoutARun() {
        QTemporaryDir dir;
        const QString res = gts::resourceDir();
        const QString modelCopy = dir.filePath(QStringLiteral("gt"));
        QVERIFY(copyFolder(res + QStringLiteral("/models/molecule-tpsa-gt"), modelCopy));
        const QString path = dir.filePath(QStringLiteral("caffeine-gt.gtscope"));
        std::shared_ptr<const gts::model::RunResult> savedRun;
        {
            MainWindow w;
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            QVERIFY(w.openGraph(res + QStringLiteral("/graphs/caffeine.smi"), /*quiet=*/true));
            QSignalSpy ran(&w, &MainWindow::runFinished);
            w.openModel(modelCopy, /*quiet=*/true);
            QVERIFY(ran.wait(30000));
            QTRY_VERIFY_WITH_TIMEOUT(w.inspection()->data().layout && w.jobRunner()->active() == 0, 30000);
            QVERIFY(w.inspection()->data().nodeTokens);
            w.inspection()->setLayerHead(2, 1);
            savedRun = w.inspection()->data().result;
            QSignalSpy saved(&w, &MainWindow::sessionSaved);
            QVERIFY(w.saveSession(path));
            QVERIFY(saved.wait(30000));
        }
        auto reopen = [&](const QString& file, bool modelThere, const std::shared_ptr<const gts::model::RunResult>& expected) {
            MainWindow w;
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            QSignalSpy modelLoaded(&w, &MainWindow::modelLoaded);
            QVERIFY(w.openSession(file, /*quiet=*/true));
            if (modelThere) QTRY_VERIFY_WITH_TIMEOUT(modelLoaded.count() > 0, 30000);
            QTRY_VERIFY_WITH_TIMEOUT(w.inspection()->data().result != nullptr && w.jobRunner()->active() == 0, 30000);
            QTest::qWait(200);
            QCOMPARE(w.runJobsStarted(), uint64_t{0});
            const gts::InspectionData& d = w.inspection()->data();
            QVERIFY(d.nodeTokens);
            QCOMPARE(d.tokens->positions.size(), w.graph()->nodeCount());
            QCOMPARE(bool(w.nodeLevelModel()), modelThere);
            QCOMPARE(d.result->layers.size(), expected->layers.size());
            for (size_t l = 0; l < expected->layers.size(); ++l)
                QVERIFY(sameFloats(d.result->layers[l].attention, expected->layers[l].attention));
            QVERIFY(sameFloats(d.result->logits, expected->logits));
            QVERIFY(w.inspection()->graphAttention().maxEdge > 0);  // drawn on the bonds
            if (modelThere) {
                QVERIFY2(w.sessionWarnings().isEmpty(), qPrintable(w.sessionWarnings().join(QStringLiteral("; "))));
                // The restored run is live: an ablation runs on the loaded model.
                QCOMPARE(w.inspection()->modelLayers(), 4);
            }
        };
        reopen(path, true, savedRun);

        const QString cliPath = dir.filePath(QStringLiteral("cli-gt.gtscope"));
        QProcess cli;
        cli.start(QStringLiteral(GTS_CLI_PATH), {QStringLiteral("session"), QStringLiteral("create"), modelCopy,
                                                 res + QStringLiteral("/graphs/caffeine.smi"), QStringLiteral("-o"), cliPath});
        QVERIFY(cli.waitForFinished(60000));
        QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
        // The CLI ran the same model on the same graph: the same attention within the engine's
        // run-to-run tolerance (oneTBB may sum in another order).
        {
            MainWindow w;
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            QVERIFY(w.openSession(cliPath, /*quiet=*/true));
            QTRY_VERIFY_WITH_TIMEOUT(w.inspection()->data().result != nullptr && w.jobRunner()->active() == 0, 30000);
            QTest::qWait(200);
            QCOMPARE(w.runJobsStarted(), uint64_t{0});
            const auto& shown = w.inspection()->data().result->layers.back().attention;
            const auto& saved = savedRun->layers.back().attention;
            QCOMPARE(shown.shape(), saved.shape());
            for (size_t i = 0; i < shown.size(); ++i) QVERIFY(std::abs(shown.data()[i] - saved.data()[i]) < 1e-5f);
        }

        QVERIFY(QDir(modelCopy).removeRecursively());
        reopen(path, false, savedRun);
    }

    /// `gtscope-cli session create --seed 3` writes the seed and options the window tokenizes
    /// with, so its session opens with the CLI's run and none of its own.
    /// A node classifier (community-gps): its predicted classes fill the nodes; turning that off
    /// is part of the saved view, and the reopened session (model there) has the classes back
    /// from the saved run with the toggle as it was.
    void aNodeClassifierSessionKeepsItsClassesToggle() {
        QTemporaryDir dir;
        const QString res = gts::resourceDir();
        const QString model = res + QStringLiteral("/models/community-gps");
        const QString graph = res + QStringLiteral("/graphs/communities-gps.graphml");
        if (!QFileInfo::exists(model + QStringLiteral("/config.json")) || !QFileInfo::exists(graph))
            QSKIP("the community-gps demo is not shipped in this tree");
        const QString path = dir.filePath(QStringLiteral("communities.gtscope"));
        std::vector<int32_t> classes;
        {
            MainWindow w;
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            QVERIFY(w.openGraph(graph, /*quiet=*/true));
            QSignalSpy ran(&w, &MainWindow::runFinished);
            w.openModel(model, /*quiet=*/true);
            QVERIFY(ran.wait(30000));
            QTRY_VERIFY_WITH_TIMEOUT(w.inspection()->data().layout && w.jobRunner()->active() == 0, 30000);
            classes = w.inspection()->nodeClasses();
            QCOMPARE(classes.size(), w.graph()->nodeCount());
            QVERIFY(w.inspection()->predictionFillShown());
            w.inspection()->setPredictionFillShown(false);
            QSignalSpy saved(&w, &MainWindow::sessionSaved);
            QVERIFY(w.saveSession(path));
            QVERIFY(saved.wait(30000));
        }
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QSignalSpy modelLoaded(&w, &MainWindow::modelLoaded);
        QVERIFY(w.openSession(path, /*quiet=*/true));
        QTRY_VERIFY_WITH_TIMEOUT(modelLoaded.count() > 0, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(w.inspection()->data().result != nullptr && w.jobRunner()->active() == 0, 30000);
        QCOMPARE(w.runJobsStarted(), uint64_t{0});
        QVERIFY(w.inspection()->nodeClasses() == classes);
        QVERIFY(!w.inspection()->predictionFillShown());
    }

    void aSessionFromTheCliOpensWithoutARun() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("caffeine.gtscope"));
        const QString res = gts::resourceDir();
        QProcess cli;
        cli.start(QStringLiteral(GTS_CLI_PATH),
                  {QStringLiteral("session"), QStringLiteral("create"), res + QStringLiteral("/models/molecule-tpsa"),
                   res + QStringLiteral("/graphs/caffeine.smi"), QStringLiteral("-o"), path, QStringLiteral("--seed"),
                   QStringLiteral("3")});
        QVERIFY(cli.waitForFinished(60000));
        QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());

        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QSignalSpy modelLoaded(&w, &MainWindow::modelLoaded);
        QVERIFY(w.openSession(path, /*quiet=*/true));
        QTRY_VERIFY_WITH_TIMEOUT(modelLoaded.count() > 0, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(w.inspection()->data().result != nullptr && w.jobRunner()->active() == 0, 30000);
        QTest::qWait(200);
        QCOMPARE(w.runJobsStarted(), uint64_t{0});
        QVERIFY2(w.sessionWarnings().isEmpty(), qPrintable(w.sessionWarnings().join(QStringLiteral("; "))));
        QCOMPARE(w.tokenView()->seedBox()->value(), 3);
        QCOMPARE(w.inspection()->data().result->layers.size(), size_t{4});
    }

    void notesRoundTripAsAnnotationsAndUnknownOnesAreLeftOut() {
        for (const gts::Note& n : {gts::Note{gts::Note::Kind::Node, 3, 0, QStringLiteral("a")},
                                   gts::Note{gts::Note::Kind::Edge, 0, 0, QStringLiteral("b")},
                                   gts::Note{gts::Note::Kind::Position, 17, 0, QStringLiteral("c")},
                                   gts::Note{gts::Note::Kind::Head, 2, 5, QStringLiteral("d")}}) {
            const auto back = gts::fromAnnotation(gts::toAnnotation(n));
            QVERIFY(back);
            QVERIFY(*back == n);
        }
        QCOMPARE(gts::toAnnotation({gts::Note::Kind::Head, 2, 5, {}}).targetJson, std::string(R"({"head":5,"layer":2})"));
        QVERIFY(!gts::fromAnnotation({"cluster", R"({"cluster":1})", "x"}));
        QVERIFY(!gts::fromAnnotation({"node", R"({"node":-1})", "x"}));
        QVERIFY(!gts::fromAnnotation({"node", "not json", "x"}));
        QVERIFY(!gts::fromAnnotation({"head", R"({"layer":1})", "x"}));
    }

    void aCorruptOrForeignFileIsRefusedAndTheWindowKeepsItsGraph() {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(openDemoAndWait(w));
        const size_t nodes = w.graph()->nodeCount();
        const auto run = w.inspection()->data().result;

        QTemporaryDir dir;
        const QString garbage = dir.filePath(QStringLiteral("garbage.gtscope"));
        {
            QFile f(garbage);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray(4096, 'x'));
        }
        QSignalSpy opened(&w, &MainWindow::sessionOpened);
        QVERIFY(!w.openSession(garbage, /*quiet=*/true));
        QCOMPARE(opened.count(), 1);
        QCOMPARE(opened.first().first().toBool(), false);
        QVERIFY(!w.lastError().isEmpty());
        QCOMPARE(w.graph()->nodeCount(), nodes);
        QCOMPARE(w.inspection()->data().result, run);
        QVERIFY(w.sessionPath().isEmpty());

        // A session whose first page is damaged (a torn copy): refused the same way.
        const QString path = dir.filePath(QStringLiteral("torn.gtscope"));
        QSignalSpy saved(&w, &MainWindow::sessionSaved);
        QVERIFY(w.saveSession(path));
        QVERIFY(saved.wait(30000));
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadWrite));
            f.seek(0);
            f.write(QByteArray(100, '\0'));
        }
        QVERIFY(!w.openSession(path, /*quiet=*/true));
        QVERIFY(!w.lastError().isEmpty());
        QCOMPARE(w.graph()->nodeCount(), nodes);
        QCOMPARE(w.inspection()->data().result, run);
    }
};

QTEST_MAIN(TestSessionWindow)
#include "test_session_window.moc"
