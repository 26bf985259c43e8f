#pragma once
// The token colours of core/scene/TokenColors.h as QColor, for the Qt views that draw tokens.

#include <QColor>
#include <QString>

#include "scene/TokenColors.h"
#include "tokenize/TokenSequence.h"

namespace gts {

inline QColor tokenRoleColor(TokenRole role) { return QColor::fromRgb(scene::tokenRoleRgb(role)); }

/// Text drawn on a tokenRoleColor cell.
inline QColor tokenTextColor() { return QColor::fromRgb(scene::kTokenTextRgb); }

inline const char* tokenRoleName(TokenRole role) { return scene::tokenRoleName(role); }

/// scene::shortTokenText as a QString.
inline QString shortTokenText(const std::string& token) {
    return QString::fromStdString(scene::shortTokenText(token));
}

}  // namespace gts
