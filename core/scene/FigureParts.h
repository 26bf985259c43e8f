#pragma once
// Small pieces shared by the figure builders (Views*.cpp): numbers as the screen prints them,
// text items, and a vertical colour bar as AttentionMatrixView and HeadGrid draw theirs.

#include <cstdio>
#include <string>

#include "scene/ColorMaps.h"
#include "scene/Views.h"

namespace gts::scene {

/// printf "%.3g", as the views' QString::number(v, 'g', 3).
inline std::string formatG3(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", v);
    return buf;
}

/// `text` shortened with an ellipsis to at most `width` points at `size` (empty when not even
/// one character and the ellipsis fit).
inline std::string elided(const std::string& text, float width, float size) {
    if (textWidth(text, size) <= width) return text;
    const std::string ellipsis = "\xE2\x80\xA6";
    std::string s = text;
    while (!s.empty() && textWidth(s + ellipsis, size) > width) {
        // Drop a whole UTF-8 character: its continuation bytes, then its lead (or ASCII) byte.
        while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80) s.pop_back();
        if (!s.empty()) s.pop_back();
    }
    return s.empty() ? std::string() : s + ellipsis;
}

inline Text makeText(Point pos, std::string text, float size, Color color,
                     Anchor anchor = Anchor::Start, Baseline baseline = Baseline::Alphabetic) {
    Text t;
    t.pos = pos;
    t.text = std::move(text);
    t.size = size;
    t.color = color;
    t.anchor = anchor;
    t.baseline = baseline;
    return t;
}

/// A vertical colour bar at (x, y), w × h: `map` from `low` (bottom) to `high` (top) as a
/// 256-row image, framed in the mid colour, the range printed to its right and `label` rotated
/// along it. Added as a group of class "colorbar" with data-min/data-max.
inline void addVerticalColorBar(Group& layer, RectF r, colormaps::ColorMap map, double low,
                                double high, const std::string& label, Theme theme) {
    const ThemeColors colors = themeColors(theme);
    Group& bar = layer.addGroup("colorbar");
    bar.data.push_back({"min", formatG3(low)});
    bar.data.push_back({"max", formatG3(high)});
    Image gradient;
    gradient.rect = r;
    gradient.cols = 1;
    gradient.rows = 256;
    for (int i = 0; i < 256; ++i)
        gradient.argb.push_back(colormaps::argb(map, float(255 - i) / 255.0f));
    bar.add(gradient);
    bar.add(Rect{r, std::nullopt, Stroke{midColor(theme), 0.5f, {}}});
    bar.add(makeText({r.x + r.w + 3, r.y + 7}, formatG3(high), 7, colors.text));
    bar.add(makeText({r.x + r.w + 3, r.y + r.h}, formatG3(low), 7, colors.text));
    if (!label.empty()) {
        Text t = makeText({r.x + r.w + 14, r.y + r.h / 2}, label, 8, colors.text, Anchor::Middle);
        t.rotation = 90.0f;
        bar.add(t);
    }
}

}  // namespace gts::scene
