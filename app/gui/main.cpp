// gtscope: the desktop application.

#include <QApplication>
#include <QCommandLineParser>
#include <QDateTime>
#include <QFileInfo>
#include <QPixmap>
#include <QScreen>
#include <QTimer>
#include <cstdio>

#include "MainWindow.h"
#include "jobs/JobRunner.h"
#include "ResourcePaths.h"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("GTScope"));
    QApplication::setOrganizationName(QStringLiteral("GTScope"));
    QApplication::setApplicationVersion(QStringLiteral(GTS_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Look inside graph transformers."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QStringLiteral("Save a PNG of the window once it has shown its graph, then quit."),
        QStringLiteral("file.png"));
    parser.addOption(screenshot);
    const QCommandLineOption printResourceDir(
        QStringLiteral("print-resource-dir"),
        QStringLiteral("Print the folder the demo models and graphs are read from, then quit."));
    parser.addOption(printResourceDir);
    parser.addPositionalArgument(QStringLiteral("graph"),
                                 QStringLiteral("A graph file (FILE#N for record N) or a session (*.gtscope) to open."));
    parser.process(app);
    if (parser.isSet(printResourceDir)) {
        const QString dir = gts::resourceDir();
        std::printf("%s\n", dir.toLocal8Bit().constData());
        return dir.isEmpty() ? 1 : 0;
    }

    gts::MainWindow window;
    window.show();
    const QStringList args = parser.positionalArguments();
    if (!args.isEmpty()) {
        window.openGraph(args.first());
    } else {
        // First start shows the shipped demo, so there is something to look at offline.
        window.openDemo();
    }
    if (parser.isSet(screenshot)) {
        // Waits until the background jobs (model loading, the run) are done, then saves.
        const QString out = parser.value(screenshot);
        auto* poll = new QTimer(&window);
        QObject::connect(poll, &QTimer::timeout, &window, [&window, out, poll, started = QDateTime::currentMSecsSinceEpoch()] {
            const bool idle = window.jobRunner()->active() == 0;
            const bool late = QDateTime::currentMSecsSinceEpoch() - started > 30000;
            if (!idle && !late) return;
            poll->stop();
            QTimer::singleShot(300, &window, [&window, out] {
                // What the screen shows (GL canvas and its painted labels included), falling
                // back to rendering the widgets when the platform cannot grab the screen.
                QPixmap shot = window.screen() ? window.screen()->grabWindow(window.winId()) : QPixmap();
                if (shot.isNull()) shot = window.grab();
                const bool ok = shot.save(out);
                QApplication::exit(ok ? 0 : 1);
            });
        });
        poll->start(100);
    }
    return app.exec();
}
