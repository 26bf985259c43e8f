// buildSequence: the token strip with the encodings of widgets/SequenceStrip.cpp.

#include <algorithm>
#include <stdexcept>

#include "scene/FigureParts.h"
#include "scene/TokenColors.h"
#include "scene/Views.h"

namespace gts::scene {

namespace {

constexpr float kMargin = 16.0f;
constexpr float kFont = 8.0f;
constexpr float kMinCellWidth = 26.0f;
constexpr float kCellHeight = kFont * 1.2f + 4.0f;  // the screen's font height + 4
constexpr float kHeaderHeight = kCellHeight;
constexpr float kAttentionRowHeight = 10.0f;
constexpr float kRowGap = 3.0f;
constexpr float kBlockGap = 10.0f;
constexpr float kLegendHeight = 16.0f;

const char* roleId(TokenRole role) {
    switch (role) {
        case TokenRole::NodeIndex:
            return "node-index";
        case TokenRole::NodeAttr:
            return "node-attr";
        case TokenRole::EdgeType:
            return "edge-type";
        case TokenRole::EdgeAttr:
            return "edge-attr";
        case TokenRole::NewNode:
            return "new-node";
        case TokenRole::Eos:
            return "eos";
    }
    return "eos";
}

}  // namespace

std::vector<float> attentionReceived(const std::vector<float>& matrix, int64_t size,
                                     const std::vector<int32_t>& positions, int query,
                                     size_t positionCount) {
    if (size <= 0 || int64_t(matrix.size()) != size * size || int64_t(positions.size()) != size)
        throw std::invalid_argument("attention received: the matrix does not match its positions");
    std::vector<float> row(positionCount, -1.0f);
    std::vector<double> weight(size_t(size), 0.0);
    if (query >= 0) {
        const auto it = std::find(positions.begin(), positions.end(), query);
        if (it == positions.end()) return row;
        const auto r = size_t(it - positions.begin());
        for (int64_t k = 0; k < size; ++k) weight[size_t(k)] = matrix[r * size_t(size) + size_t(k)];
    } else {
        for (int64_t r = 0; r < size; ++r)
            for (int64_t k = 0; k < size; ++k)
                weight[size_t(k)] += double(matrix[size_t(r * size + k)]) / double(size);
    }
    const double peak = std::max(1e-12, *std::max_element(weight.begin(), weight.end()));
    for (size_t k = 0; k < weight.size(); ++k)
        if (positions[k] >= 0 && size_t(positions[k]) < positionCount)
            row[size_t(positions[k])] = float(weight[k] / peak);
    return row;
}

Scene buildSequence(const SequenceFigureInput& in, Theme theme, float width) {
    if (!in.tokens) throw std::invalid_argument("sequence figure: no token sequence");
    const TokenSequence& seq = *in.tokens;
    const size_t count = seq.positions.size();
    if (seq.sources.size() != count)
        throw std::invalid_argument("sequence figure: tokens without provenance");
    if (in.attention && in.attention->size() != count)
        throw std::invalid_argument("sequence figure: " + std::to_string(in.attention->size()) +
                                    " attention values for " + std::to_string(count) +
                                    " positions");
    const ThemeColors colors = themeColors(theme);
    size_t slots = 1;
    for (const auto& p : seq.positions) slots = std::max(slots, p.size());
    const float cellWidth = std::max(kMinCellWidth, textWidth("0000", kFont) + 6);
    const size_t perRow = std::max<size_t>(1, size_t((width - 2 * kMargin) / cellWidth));
    const size_t blocks = std::max<size_t>(1, (count + perRow - 1) / perRow);
    const float stripHeight = float(slots) * kCellHeight;
    const float blockHeight = kHeaderHeight + stripHeight +
                              (in.attention ? kRowGap + kAttentionRowHeight : 0.0f) + kBlockGap;

    Scene s;
    // Layers are filled side by side through references: no reallocation may move them.
    s.layers.reserve(8);
    s.width = 2 * kMargin + float(std::min(perRow, std::max<size_t>(count, 1))) * cellWidth;
    s.height = kMargin + float(blocks) * blockHeight + kLegendHeight + kMargin;
    s.background = colors.background;

    // Position numbers: every position when they fit, else every k-th (SequenceStrip).
    const float labelWidth = textWidth(std::to_string(count ? count - 1 : 0), kFont) + 6;
    size_t every = 1;
    while (float(every) * cellWidth < labelWidth) every *= 2;

    Group& numbers = s.addLayer("position-numbers", "position-numbers");
    Group& strip = s.addLayer("strip", "strip");
    Group& attention = s.addLayer("attention", "attention");
    bool present[6] = {};
    for (size_t p = 0; p < count; ++p) {
        const float x = kMargin + float(p % perRow) * cellWidth;
        const float top = kMargin + float(p / perRow) * blockHeight;
        if (p % every == 0)
            numbers.add(makeText({x, top + kHeaderHeight / 2}, std::to_string(p), kFont,
                                 colors.text, Anchor::Start, Baseline::Middle));
        Group& column = strip.addGroup("position");
        column.data.push_back({"position", std::to_string(p)});
        const auto& tokens = seq.positions[p];
        for (size_t t = 0; t < tokens.size(); ++t) {
            const TokenRole role =
                t < seq.sources[p].size() ? seq.sources[p][t].role : TokenRole::Eos;
            present[size_t(role)] = true;
            Group& cell = column.addGroup("token");
            cell.data.push_back({"role", roleId(role)});
            // One point of the next cell's background shows between cells (the screen's 1 px).
            const RectF r{x, top + kHeaderHeight + float(t) * kCellHeight, cellWidth - 1,
                          kCellHeight - 1};
            cell.add(Rect{r, Color::rgb(tokenRoleRgb(role)), std::nullopt});
            const std::string text = elided(shortTokenText(tokens[t]), r.w - 4, kFont);
            if (!text.empty())
                cell.add(makeText({r.x + r.w / 2, r.y + r.h / 2}, text, kFont,
                                  Color::rgb(kTokenTextRgb), Anchor::Middle, Baseline::Middle));
        }
        if (in.attention) {
            const RectF r{x, top + kHeaderHeight + stripHeight + kRowGap, cellWidth - 1,
                          kAttentionRowHeight};
            const float v = (*in.attention)[p];
            Group& g = attention.addGroup("received");
            g.data.push_back({"position", std::to_string(p)});
            if (v < 0.0f) {
                // Absent from the layer (pruned): hatched in the mid colour.
                g.data.push_back({"value", "pruned"});
                g.add(Rect{r, std::nullopt, Stroke{midColor(theme), 0.5f, {}}});
                g.add(Line{{r.x, r.y + r.h}, {r.x + r.w, r.y}, Stroke{midColor(theme), 0.5f, {}}});
            } else {
                g.data.push_back({"value", formatG3(v)});
                g.add(Rect{r,
                           Color::rgb(colormaps::argb(colormaps::ColorMap::Viridis, v) & 0xffffff),
                           std::nullopt});
            }
            if (int(p) == in.query) g.add(Rect{r, std::nullopt, Stroke{colors.text, 1.0f, {}}});
        }
    }

    Group& legend = s.addLayer("legend", "legend");
    float lx = kMargin;
    const float ly = kMargin + float(blocks) * blockHeight;
    for (TokenRole role : {TokenRole::NodeIndex, TokenRole::NodeAttr, TokenRole::EdgeType,
                           TokenRole::EdgeAttr, TokenRole::NewNode, TokenRole::Eos}) {
        // NewNode and Eos share a colour: one swatch for both.
        if (!present[size_t(role)] ||
            (role == TokenRole::Eos && present[size_t(TokenRole::NewNode)]))
            continue;
        Group& item = legend.addGroup("legend-item");
        item.data.push_back({"role", roleId(role)});
        item.add(Rect{
            {lx, ly, 10, 10}, Color::rgb(tokenRoleRgb(role)), Stroke{midColor(theme), 0.5f, {}}});
        const std::string name = tokenRoleName(role);
        item.add(
            makeText({lx + 14, ly + 5}, name, kFont, colors.text, Anchor::Start, Baseline::Middle));
        lx += 14 + textWidth(name, kFont) + 12;
    }
    s.width = std::max(s.width, lx + kMargin);
    if (in.attention) {
        // The attention row's key on a line of its own below the role swatches.
        const std::string key = "row below the tokens: " + in.attentionName + " (viridis, / max)";
        legend.add(makeText({kMargin, ly + kLegendHeight + 5}, key, kFont, colors.text,
                            Anchor::Start, Baseline::Middle));
        s.height += kLegendHeight;
        // Renderers without Helvetica substitute wider sans fonts: 15 % of room for the key.
        s.width = std::max(s.width, kMargin + 1.15f * textWidth(key, kFont) + kMargin);
    }
    return s;
}

}  // namespace gts::scene
