#pragma once
// Token colours by what a token stands for, shared by the views that draw tokens: light tints
// (node index/attribute blue, edge type/attribute orange, special grey; ColorBrewer Blues and
// Oranges, the scheme of TokenTableView) that keep black text readable on light and dark
// palettes alike.

#include <QColor>
#include <QString>

#include "tokenize/TokenSequence.h"

namespace gts {

inline QColor tokenRoleColor(TokenRole role) {
    switch (role) {
        case TokenRole::NodeIndex: return QColor(0xC6, 0xDB, 0xEF);
        case TokenRole::NodeAttr: return QColor(0xE5, 0xEE, 0xF7);
        case TokenRole::EdgeType: return QColor(0xFD, 0xD0, 0xA2);
        case TokenRole::EdgeAttr: return QColor(0xFE, 0xE6, 0xCE);
        case TokenRole::NewNode:
        case TokenRole::Eos: return QColor(0xDA, 0xDA, 0xDA);
    }
    return QColor(0xDA, 0xDA, 0xDA);
}

/// Text drawn on a tokenRoleColor cell.
inline QColor tokenTextColor() { return QColor(0x20, 0x20, 0x20); }

inline const char* tokenRoleName(TokenRole role) {
    switch (role) {
        case TokenRole::NodeIndex: return "node index";
        case TokenRole::NodeAttr: return "node attribute";
        case TokenRole::EdgeType: return "edge type";
        case TokenRole::EdgeAttr: return "edge attribute";
        case TokenRole::NewNode: return "<new> (edge position)";
        case TokenRole::Eos: return "end of sequence";
    }
    return "";
}

/// A short form of a token for a small cell: the part after the last '#' of attribute tokens
/// ("molecule#node#0#5" -> "5"), special tokens without brackets and "edge_" ("<edge_bi>" ->
/// "bi", "<eos>" -> "eos"), the token itself otherwise.
inline QString shortTokenText(const std::string& token) {
    if (token.size() > 2 && token.front() == '<' && token.back() == '>') {
        std::string inner = token.substr(1, token.size() - 2);
        if (inner.rfind("edge_", 0) == 0) inner = inner.substr(5);
        return QString::fromStdString(inner);
    }
    const auto hash = token.rfind('#');
    if (hash == std::string::npos || hash + 1 >= token.size()) return QString::fromStdString(token);
    return QString::fromStdString(token.substr(hash + 1));
}

}  // namespace gts
