#pragma once
// Token colours by what a token stands for, shared by the screen views (widgets/TokenColors.h)
// and the figures: light tints (node index/attribute blue, edge type/attribute orange, special
// grey; ColorBrewer Blues and Oranges, the scheme of TokenTableView) that keep dark text
// readable on light and dark palettes alike.

#include <cstdint>
#include <string>

#include "tokenize/TokenSequence.h"

namespace gts::scene {

/// 0xRRGGBB of a token role's cell.
inline uint32_t tokenRoleRgb(TokenRole role) {
    switch (role) {
        case TokenRole::NodeIndex:
            return 0xC6DBEF;
        case TokenRole::NodeAttr:
            return 0xE5EEF7;
        case TokenRole::EdgeType:
            return 0xFDD0A2;
        case TokenRole::EdgeAttr:
            return 0xFEE6CE;
        case TokenRole::NewNode:
        case TokenRole::Eos:
            return 0xDADADA;
    }
    return 0xDADADA;
}

/// Text drawn on a tokenRoleRgb cell.
inline constexpr uint32_t kTokenTextRgb = 0x202020;

/// What a role stands for, for legends.
inline const char* tokenRoleName(TokenRole role) {
    switch (role) {
        case TokenRole::NodeIndex:
            return "node index";
        case TokenRole::NodeAttr:
            return "node attribute";
        case TokenRole::EdgeType:
            return "edge type";
        case TokenRole::EdgeAttr:
            return "edge attribute";
        case TokenRole::NewNode:
            return "<new> (edge position)";
        case TokenRole::Eos:
            return "end of sequence";
    }
    return "";
}

/// A short form of a token for a small cell: the part after the last '#' of attribute tokens
/// ("molecule#node#0#5" -> "5"), special tokens without brackets and "edge_" ("<edge_bi>" ->
/// "bi", "<eos>" -> "eos"), the token itself otherwise.
inline std::string shortTokenText(const std::string& token) {
    if (token.size() > 2 && token.front() == '<' && token.back() == '>') {
        std::string inner = token.substr(1, token.size() - 2);
        if (inner.rfind("edge_", 0) == 0) inner = inner.substr(5);
        return inner;
    }
    const auto hash = token.rfind('#');
    if (hash == std::string::npos || hash + 1 >= token.size()) return token;
    return token.substr(hash + 1);
}

}  // namespace gts::scene
