// buildAttentionMatrix: the attention matrix figure with the encodings of
// widgets/AttentionMatrixView.cpp.

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "scene/FigureParts.h"
#include "scene/TokenColors.h"
#include "scene/Views.h"

namespace gts::scene {

namespace {

constexpr float kMargin = 16.0f;
constexpr float kAxisGap = 4.0f;
constexpr float kTitleHeight = 18.0f;
constexpr float kColorBarGap = 8.0f;
constexpr float kColorBarWidth = 10.0f;
constexpr float kColorBarMaxHeight = 240.0f;
constexpr float kColorBarLabelRoom = 44.0f;
/// The screen caps the label room at 12 'M' widths.
constexpr float kMaxLabelEms = 12.0f;

}  // namespace

Color midColor(Theme theme) {
    return themeColors(theme).plainEdge;
}

Scene buildAttentionMatrix(const MatrixFigureInput& in, Theme theme, float size) {
    if (!in.matrix || in.size <= 0)
        throw std::invalid_argument("attention matrix figure: no matrix");
    const int64_t S = in.size;
    if (int64_t(in.matrix->size()) != S * S)
        throw std::invalid_argument(
            "attention matrix figure: " + std::to_string(in.matrix->size()) + " values for a " +
            std::to_string(S) + " x " + std::to_string(S) + " matrix");
    if (!in.positions.empty() && int64_t(in.positions.size()) != S)
        throw std::invalid_argument(
            "attention matrix figure: " + std::to_string(in.positions.size()) +
            " positions for a matrix of size " + std::to_string(S));
    const ThemeColors colors = themeColors(theme);
    auto positionOf = [&](int64_t i) {
        return in.positions.empty() ? int32_t(i) : in.positions[size_t(i)];
    };
    auto labelOf = [&](int32_t position) {
        if (!in.tokens || position < 0 || size_t(position) >= in.tokens->positions.size() ||
            in.tokens->positions[size_t(position)].empty())
            return std::to_string(position);
        return std::to_string(position) + ": " +
               shortTokenText(in.tokens->positions[size_t(position)][0]);
    };

    const float cell = size / float(S);
    // Token labels when a cell is as tall as the text (the screen's "cell ≥ font height − 2").
    const bool tokenLabels = in.tokens && cell >= kAxisFont - 2.0f;
    int every = 1;
    if (!tokenLabels)
        while (float(every) * cell < kAxisFont * 1.5f) every *= 2;
    float widest = textWidth("0000", kAxisFont);
    for (int64_t i = 0; i < S; ++i)
        if (i % every == 0)
            widest = std::max(widest, textWidth(tokenLabels ? labelOf(positionOf(i))
                                                            : std::to_string(positionOf(i)),
                                                kAxisFont));
    const float extent = std::min(widest, textWidth("M", kAxisFont) * kMaxLabelEms) + 2 * kAxisGap;

    const float top = kMargin + (in.title.empty() ? 0.0f : kTitleHeight);
    const RectF matrix{kMargin + extent, top + extent, cell * float(S), cell * float(S)};
    Scene s;
    // Layers are filled side by side through references: no reallocation may move them.
    s.layers.reserve(8);
    s.width = matrix.x + matrix.w + kColorBarGap + kColorBarWidth + kColorBarLabelRoom + kMargin;
    s.height = matrix.y + matrix.h + kMargin;
    s.background = colors.background;

    if (!in.title.empty()) {
        Group& title = s.addLayer("title", "title");
        Text t = makeText({kMargin, kMargin + 11}, in.title, 11, colors.text);
        t.bold = true;
        title.add(t);
        // Room for the title in a wider substitute font (renderers without Helvetica): 15 %.
        s.width = std::max(s.width, 2 * kMargin + 1.15f * textWidth(in.title, 11, true));
    }

    float maximum = 0.0f;
    for (float v : *in.matrix) maximum = std::max(maximum, v);
    const float scale = maximum > 0.0f ? 1.0f / maximum : 0.0f;
    Group& heat = s.addLayer("heatmap", "heatmap");
    heat.data.push_back({"size", std::to_string(S)});
    heat.data.push_back({"max", formatG3(maximum)});
    if (S * S <= kMaxVectorCells) {
        for (int64_t r = 0; r < S; ++r)
            for (int64_t c = 0; c < S; ++c) {
                const float v = (*in.matrix)[size_t(r * S + c)];
                Group& g = heat.addGroup("cell");
                g.data.push_back({"row", std::to_string(r)});
                g.data.push_back({"col", std::to_string(c)});
                g.data.push_back({"value", formatG3(v)});
                // Each cell reaches half a point under its right and lower neighbours, which are
                // drawn later: no background seams between antialiased cells.
                const float w = cell + (c + 1 < S ? 0.5f : 0.0f),
                            h = cell + (r + 1 < S ? 0.5f : 0.0f);
                g.add(Rect{{matrix.x + float(c) * cell, matrix.y + float(r) * cell, w, h},
                           Color::rgb(colormaps::argb(in.map, v * scale) & 0xffffff),
                           std::nullopt});
            }
    } else {
        Image image;
        image.rect = matrix;
        image.cols = int(S);
        image.rows = int(S);
        image.argb.resize(size_t(S * S));
        for (size_t i = 0; i < image.argb.size(); ++i)
            image.argb[i] = colormaps::argb(in.map, (*in.matrix)[i] * scale);
        heat.add(std::move(image));
    }

    int queryRow = -1;
    for (int64_t i = 0; i < S && in.query >= 0; ++i)
        if (positionOf(i) == in.query) queryRow = int(i);
    if (queryRow >= 0) {
        Group& q = s.addLayer("query", "query");
        q.data.push_back({"position", std::to_string(in.query)});
        q.add(Rect{{matrix.x, matrix.y + float(queryRow) * cell, matrix.w, cell},
                   std::nullopt,
                   Stroke{colors.text, 1.5f, {4.5f, 3.0f}}});
    }

    Group& rows = s.addLayer("row-labels", "row-labels");
    Group& columns = s.addLayer("column-labels", "column-labels");
    for (int64_t i = 0; i < S; ++i) {
        if (i % every) continue;
        const int32_t position = positionOf(i);
        const std::string text = elided(tokenLabels ? labelOf(position) : std::to_string(position),
                                        extent - kAxisGap, kAxisFont);
        const float centre = float(i) * cell + cell / 2;
        Text r = makeText({matrix.x - kAxisGap, matrix.y + centre}, text, kAxisFont, colors.text,
                          Anchor::End, Baseline::Middle);
        r.bold = int(i) == queryRow;
        rows.add(r);
        Text c = makeText({matrix.x + centre, matrix.y - kAxisGap}, text, kAxisFont, colors.text,
                          Anchor::Start, Baseline::Middle);
        c.rotation = -90.0f;
        columns.add(c);
    }

    Group& bar = s.addLayer("colorbar-layer");
    addVerticalColorBar(bar,
                        {matrix.x + matrix.w + kColorBarGap, matrix.y, kColorBarWidth,
                         std::min(matrix.h, kColorBarMaxHeight)},
                        in.map, 0.0, double(maximum), "attention", theme);
    return s;
}

}  // namespace gts::scene
