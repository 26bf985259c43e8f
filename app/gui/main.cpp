// gtscope: the desktop application.

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>

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
    return app.exec();
}
