// composeFigures: several view figures laid out in a grid as one figure.

#include <algorithm>
#include <stdexcept>

#include "scene/Views.h"

namespace gts::scene {

namespace {

struct Shift {
    float dx, dy;

    void point(Point& p) const {
        p.x += dx;
        p.y += dy;
    }
    void rect(RectF& r) const {
        r.x += dx;
        r.y += dy;
    }
    void operator()(Line& l) const {
        point(l.a);
        point(l.b);
    }
    void operator()(Polyline& p) const {
        for (Point& q : p.points) point(q);
    }
    void operator()(Circle& c) const { point(c.center); }
    void operator()(Rect& r) const { rect(r.rect); }
    void operator()(Path& p) const {
        for (auto& s : p.segments)
            for (Point& q : s.p) point(q);
    }
    void operator()(Text& t) const { point(t.pos); }
    void operator()(Image& i) const { rect(i.rect); }
    void operator()(Group& g) const {
        if (g.clip) rect(*g.clip);
        for (Item& item : g.items) std::visit(*this, item.value);
    }
};

/// Ids of `g` and its groups prefixed, so that panels drawn from the same view stay distinct.
void prefixIds(Group& g, const std::string& prefix) {
    if (!g.id.empty()) g.id = prefix + g.id;
    for (Item& item : g.items)
        if (auto* child = std::get_if<Group>(&item.value)) prefixIds(*child, prefix);
}

}  // namespace

Scene composeFigures(std::vector<Scene> panels, const std::vector<std::string>& names, int columns,
                     Theme theme, float gap) {
    if (panels.empty()) throw std::invalid_argument("composed figure: no panels");
    if (columns < 1)
        throw std::invalid_argument("composed figure: " + std::to_string(columns) + " columns");
    if (names.size() != panels.size())
        throw std::invalid_argument("composed figure: " + std::to_string(names.size()) +
                                    " names for " + std::to_string(panels.size()) + " panels");
    const size_t cols = std::min(panels.size(), size_t(columns));
    const size_t rows = (panels.size() + cols - 1) / cols;
    std::vector<float> colWidth(cols, 0.0f), rowHeight(rows, 0.0f);
    for (size_t i = 0; i < panels.size(); ++i) {
        colWidth[i % cols] = std::max(colWidth[i % cols], panels[i].width);
        rowHeight[i / cols] = std::max(rowHeight[i / cols], panels[i].height);
    }
    Scene s;
    s.background = themeColors(theme).background;
    for (float w : colWidth) s.width += w;
    for (float h : rowHeight) s.height += h;
    s.width += gap * float(cols - 1);
    s.height += gap * float(rows - 1);
    s.layers.reserve(panels.size());
    float y = 0.0f;
    for (size_t r = 0; r < rows; ++r) {
        float x = 0.0f;
        for (size_t c = 0; c < cols && r * cols + c < panels.size(); ++c) {
            const size_t i = r * cols + c;
            Group& panel = s.addLayer("panel", "panel-" + std::to_string(i));
            panel.data.push_back({"view", names[i]});
            // A panel with its own background (e.g. another theme) keeps it behind its layers.
            if (panels[i].background && panels[i].background != s.background)
                panel.add(Rect{
                    {0, 0, panels[i].width, panels[i].height}, panels[i].background, std::nullopt});
            for (Group& l : panels[i].layers) {
                prefixIds(l, "p" + std::to_string(i) + "-");
                panel.add(std::move(l));
            }
            Shift{x, y}(panel);
            x += colWidth[c] + gap;
        }
        y += rowHeight[r] + gap;
    }
    return s;
}

}  // namespace gts::scene
