// gtscope: the desktop application.

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QTimer>

#include "MainWindow.h"
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
    parser.addPositionalArgument(QStringLiteral("graph"),
                                 QStringLiteral("A graph file to open (FILE#N for record N)."));
    parser.process(app);

    gts::MainWindow window;
    window.show();
    const QStringList args = parser.positionalArguments();
    if (!args.isEmpty()) {
        window.openGraph(args.first());
    } else if (const QString res = gts::resourceDir(); !res.isEmpty()) {
        // First start shows the embedded demo, so there is something to look at offline.
        const QString demo = res + QStringLiteral("/graphs/caffeine.smi");
        if (QFileInfo::exists(demo)) window.openGraph(demo, /*quiet=*/true);
    }
    if (parser.isSet(screenshot)) {
        const QString out = parser.value(screenshot);
        QTimer::singleShot(300, &window, [&window, out] {
            const bool ok = window.grab().save(out);
            QApplication::exit(ok ? 0 : 1);
        });
    }
    return app.exec();
}
