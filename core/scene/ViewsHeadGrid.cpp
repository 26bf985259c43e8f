// buildHeadGrid: every layer × head as a thumbnail, with the encodings of widgets/HeadGrid.cpp.

#include <algorithm>
#include <stdexcept>

#include "scene/FigureParts.h"
#include "scene/Views.h"

namespace gts::scene {

namespace {

constexpr float kMargin = 16.0f;
constexpr float kCellGap = 4.0f;
constexpr float kFrameWidth = 4.0f;
constexpr float kHeaderHeight = 14.0f;
constexpr float kLabelFont = 9.0f;
constexpr float kColorBarGap = 12.0f;
constexpr float kColorBarWidth = 10.0f;
constexpr float kColorBarLabelRoom = 44.0f;

}  // namespace

std::vector<float> attentionThumbnail(const float* plane, int64_t size, int resolution, int* nOut) {
    const int n = int(std::min<int64_t>(size, resolution));
    if (nOut) *nOut = n;
    std::vector<float> cells(size_t(n) * size_t(n), 0.0f);
    for (int i = 0; i < n; ++i) {
        const int64_t r0 = i * size / n, r1 = (i + 1) * size / n;
        for (int j = 0; j < n; ++j) {
            const int64_t c0 = j * size / n, c1 = (j + 1) * size / n;
            double sum = 0.0;
            for (int64_t r = r0; r < r1; ++r)
                for (int64_t c = c0; c < c1; ++c) sum += plane[r * size + c];
            cells[size_t(i) * size_t(n) + size_t(j)] = float(sum / double((r1 - r0) * (c1 - c0)));
        }
    }
    return cells;
}

Scene buildHeadGrid(const HeadGridFigureInput& in, Theme theme, float cellSize) {
    if (!in.result) throw std::invalid_argument("head grid figure: no run result");
    std::vector<size_t> rows;  // indices into result->layers with attention
    int heads = 0;
    for (size_t i = 0; i < in.result->layers.size(); ++i) {
        const Tensor& a = in.result->layers[i].attention;
        if (a.rank() != 3 || a.dim(1) != a.dim(2) || a.dim(1) <= 0) continue;
        rows.push_back(i);
        heads = std::max(heads, int(a.dim(0)));
    }
    if (rows.empty())
        throw std::invalid_argument("head grid figure: no layer has attention captured");
    if (in.metric) {
        if (in.metric->size() != in.result->layers.size())
            throw std::invalid_argument("head grid figure: the metric has " +
                                        std::to_string(in.metric->size()) + " rows for " +
                                        std::to_string(in.result->layers.size()) + " layers");
        for (size_t r : rows)
            if (int((*in.metric)[r].size()) < int(in.result->layers[r].attention.dim(0)))
                throw std::invalid_argument("head grid figure: the metric of layer " +
                                            std::to_string(in.result->layers[r].layer) +
                                            " lacks heads");
    }
    const ThemeColors colors = themeColors(theme);
    double lo = 0.0, hi = 0.0;
    bool first = true;
    if (in.metric)
        for (size_t r : rows)
            for (int h = 0; h < int(in.result->layers[r].attention.dim(0)); ++h) {
                const double v = (*in.metric)[r][size_t(h)];
                lo = first ? v : std::min(lo, v);
                hi = first ? v : std::max(hi, v);
                first = false;
            }

    const float labelWidth =
        textWidth("L" + std::to_string(in.result->layers[rows.back()].layer), kLabelFont) + 8;
    const float pitch = cellSize + kCellGap;
    const float x0 = kMargin + labelWidth, y0 = kMargin + kHeaderHeight;
    Scene s;
    // Layers are filled side by side through references: no reallocation may move them.
    s.layers.reserve(8);
    s.width = x0 + float(heads) * pitch +
              (in.metric ? kColorBarGap + kColorBarWidth + kColorBarLabelRoom : 0.0f) + kMargin;
    s.height = y0 + float(rows.size()) * pitch + kMargin;
    s.background = colors.background;
    auto cellRect = [&](size_t row, int head) {
        return RectF{x0 + float(head) * pitch, y0 + float(row) * pitch, cellSize, cellSize};
    };

    Group& columnLabels = s.addLayer("column-labels", "column-labels");
    for (int h = 0; h < heads; ++h) {
        const RectF c = cellRect(0, h);
        columnLabels.add(makeText({c.x + c.w / 2, kMargin + kHeaderHeight / 2},
                                  "H" + std::to_string(h), kLabelFont, colors.text, Anchor::Middle,
                                  Baseline::Middle));
    }
    Group& rowLabels = s.addLayer("row-labels", "row-labels");
    Group& cells = s.addLayer("heads", "heads");
    Group& current = s.addLayer("current", "current");
    for (size_t row = 0; row < rows.size(); ++row) {
        const model::LayerCapture& capture = in.result->layers[rows[row]];
        const RectF firstCell = cellRect(row, 0);
        rowLabels.add(makeText({x0 - 4, firstCell.y + firstCell.h / 2},
                               "L" + std::to_string(capture.layer), kLabelFont, colors.text,
                               Anchor::End, Baseline::Middle));
        const int64_t S = capture.attention.dim(1);
        for (int h = 0; h < int(capture.attention.dim(0)); ++h) {
            const RectF c = cellRect(row, h);
            Group& g = cells.addGroup("head");
            g.data.push_back({"layer", std::to_string(capture.layer)});
            g.data.push_back({"head", std::to_string(h)});
            // The frame shows the metric; without one, a neutral frame (HeadGrid).
            Color frame = midColor(theme);
            if (in.metric) {
                const double v = (*in.metric)[rows[row]][size_t(h)];
                const double span = hi - lo;
                const double t = span > 0 ? (v - lo) / span : 0.5;
                frame =
                    Color::rgb(colormaps::argb(colormaps::ColorMap::Cividis, float(t)) & 0xffffff);
                g.data.push_back({"metric", formatG3(v)});
            }
            g.add(Rect{c, frame, std::nullopt});
            int n = 0;
            const std::vector<float> thumb = attentionThumbnail(
                capture.attention.data() + size_t(h) * size_t(S * S), S, kThumbnailResolution, &n);
            float peak = 0.0f;
            for (float v : thumb) peak = std::max(peak, v);
            const float scale = peak > 0.0f ? 1.0f / peak : 0.0f;
            Image image;
            image.rect = {c.x + kFrameWidth, c.y + kFrameWidth, c.w - 2 * kFrameWidth,
                          c.h - 2 * kFrameWidth};
            image.cols = image.rows = n;
            image.argb.reserve(thumb.size());
            for (float v : thumb)
                image.argb.push_back(colormaps::argb(colormaps::ColorMap::Viridis, v * scale));
            g.add(std::move(image));
            const bool single = in.currentHead >= 0;
            if (capture.layer == in.currentLayer && (!single || h == in.currentHead)) {
                // Outside the metric frame, in the text colour: never mistaken for a frame.
                current.add(
                    Rect{{c.x - 2.5f, c.y - 2.5f, c.w + 4.0f, c.h + 4.0f},
                         std::nullopt,
                         Stroke{colors.text, single ? 2.5f : 1.5f,
                                single ? std::vector<float>{} : std::vector<float>{4.5f, 3.0f}}});
            }
        }
    }
    if (in.metric) {
        Group& bar = s.addLayer("colorbar-layer");
        addVerticalColorBar(
            bar,
            {x0 + float(heads) * pitch + kColorBarGap - kCellGap, y0, kColorBarWidth,
             std::min(float(rows.size()) * pitch - kCellGap, 240.0f)},
            colormaps::ColorMap::Cividis, lo, hi, in.metricName, theme);
    }
    return s;
}

}  // namespace gts::scene
