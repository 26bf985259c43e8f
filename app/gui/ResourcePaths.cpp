#include "ResourcePaths.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace gts {

QString resourceDir() {
    const QString appDir = QCoreApplication::applicationDirPath();
    const QStringList candidates = {
        appDir + QStringLiteral("/../share/gtscope"),
        QStringLiteral(GTS_SOURCE_RESOURCES),
    };
    for (const QString& c : candidates)
        if (QFileInfo(c + QStringLiteral("/graphs")).isDir()) return QDir(c).canonicalPath();
    return {};
}

}  // namespace gts
