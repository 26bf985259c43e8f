// buildPruning: the survivors stack with the encodings of widgets/PruningView.cpp (SurvivorStrip).

#include <algorithm>
#include <stdexcept>

#include "scene/FigureParts.h"
#include "scene/TokenColors.h"
#include "scene/Views.h"

namespace gts::scene {

namespace {

constexpr float kMargin = 16.0f;
constexpr float kCellWidth = 12.0f;  // SurvivorStrip's kCellW
constexpr float kMinCellWidth = 2.0f;
constexpr float kCellHeight = 18.0f;  // kCellH
constexpr float kRowGap = 3.0f;
constexpr float kLabelWidth = 70.0f;  // kLabelW
constexpr float kFont = 9.0f;
constexpr float kTitleHeight = 18.0f;

}  // namespace

Scene buildPruning(const PruningFigureInput& in, Theme theme, float maxWidth) {
    if (!in.dropped || in.dropped->empty())
        throw std::invalid_argument("pruning figure: no layers");
    const size_t S = in.positions;
    if (S == 0) throw std::invalid_argument("pruning figure: no positions");
    if (in.tokens && in.tokens->positions.size() != S)
        throw std::invalid_argument(
            "pruning figure: " + std::to_string(in.tokens->positions.size()) +
            " token positions for " + std::to_string(S) + " positions");
    const ThemeColors colors = themeColors(theme);
    const Color mid = midColor(theme);
    const float cell =
        std::clamp((maxWidth - 2 * kMargin - kLabelWidth) / float(S), kMinCellWidth, kCellWidth);
    const size_t layers = in.dropped->size();
    const float top = kMargin + (in.title.empty() ? 0.0f : kTitleHeight);

    Scene s;
    // Layers are filled side by side through references: no reallocation may move them.
    s.layers.reserve(8);
    s.width = 2 * kMargin + kLabelWidth + float(S) * cell;
    s.height = top + float(layers) * (kCellHeight + kRowGap) + kMargin;
    s.background = colors.background;
    if (!in.title.empty()) {
        Group& title = s.addLayer("title", "title");
        Text t = makeText({kMargin, kMargin + 11}, in.title, 11, colors.text);
        t.bold = true;
        title.add(t);
        // Room for the title in a wider substitute font (renderers without Helvetica): 15 %.
        s.width = std::max(s.width, 2 * kMargin + 1.15f * textWidth(in.title, 11, true));
    }
    Group& labels = s.addLayer("labels", "labels");
    Group& rows = s.addLayer("rows", "rows");
    std::vector<uint8_t> now(S, 1);
    for (size_t l = 0; l < layers; ++l) {
        for (int32_t p : (*in.dropped)[l]) {
            if (p < 0 || size_t(p) >= S)
                throw std::invalid_argument("pruning figure: layer " + std::to_string(l) +
                                            " drops position " + std::to_string(p) + " of " +
                                            std::to_string(S));
            now[size_t(p)] = 0;
        }
        const auto kept = size_t(std::count(now.begin(), now.end(), uint8_t(1)));
        const float y = top + float(l) * (kCellHeight + kRowGap);
        // "L3 · 17": the layer and how many positions it runs on (SurvivorStrip).
        labels.add(makeText({kMargin + 2, y + kCellHeight / 2},
                            "L" + std::to_string(l) + " \xC2\xB7 " + std::to_string(kept), kFont,
                            colors.text, Anchor::Start, Baseline::Middle));
        Group& row = rows.addGroup("layer");
        row.data.push_back({"layer", std::to_string(l)});
        row.data.push_back({"kept", std::to_string(kept)});
        for (size_t p = 0; p < S; ++p) {
            const RectF r{kMargin + kLabelWidth + float(p) * cell, y,
                          std::max(cell - 1.0f, cell * 0.85f), kCellHeight};
            Group& g = row.addGroup(now[p] ? "kept" : "pruned");
            g.data.push_back({"position", std::to_string(p)});
            if (now[p]) {
                TokenRole role = TokenRole::Eos;
                if (in.tokens && !in.tokens->sources[p].empty())
                    role = in.tokens->sources[p].front().role;
                g.add(Rect{r, Color::rgb(tokenRoleRgb(role)), std::nullopt});
            } else {
                g.add(Rect{r, colors.background, std::nullopt});
                g.add(Line{{r.x, r.y}, {r.x + r.w, r.y + r.h}, Stroke{mid, 0.75f, {}}});
            }
        }
    }
    return s;
}

}  // namespace gts::scene
