#include "scene/Compose.h"

#include <algorithm>

namespace gts::scene {

namespace {

void shift(Point& p, float dx, float dy) {
    p.x += dx;
    p.y += dy;
}

void shift(RectF& r, float dx, float dy) {
    r.x += dx;
    r.y += dy;
}

struct Mover {
    float dx, dy;
    void operator()(Line& l) const {
        shift(l.a, dx, dy);
        shift(l.b, dx, dy);
    }
    void operator()(Polyline& p) const {
        for (Point& q : p.points) shift(q, dx, dy);
    }
    void operator()(Circle& c) const { shift(c.center, dx, dy); }
    void operator()(Rect& r) const { shift(r.rect, dx, dy); }
    void operator()(Path& p) const {
        for (auto& s : p.segments) {
            const int points = s.op == Path::Op::CubicTo ? 3 : s.op == Path::Op::Close ? 0 : 1;
            for (int i = 0; i < points; ++i) shift(s.p[i], dx, dy);
        }
    }
    void operator()(Text& t) const { shift(t.pos, dx, dy); }
    void operator()(Image& i) const { shift(i.rect, dx, dy); }
    void operator()(Group& g) const { translate(g, dx, dy); }
};

void prefixIds(Group& g, const std::string& prefix) {
    if (!g.id.empty()) g.id = prefix + g.id;
    for (Item& item : g.items)
        if (auto* child = std::get_if<Group>(&item.value)) prefixIds(*child, prefix);
}

}  // namespace

void translate(Group& group, float dx, float dy) {
    if (group.clip) shift(*group.clip, dx, dy);
    const Mover mover{dx, dy};
    for (Item& item : group.items) std::visit(mover, item.value);
}

Scene compose(std::vector<Panel> panels, std::optional<Color> background) {
    Scene out;
    out.background = background;
    for (Panel& p : panels) {
        Group panel;
        panel.klass = "panel";
        panel.id = p.name;
        panel.data.emplace_back("view", p.name);
        for (Group& layer : p.scene.layers) {
            translate(layer, p.x, p.y);
            prefixIds(layer, p.name + "-");
            panel.items.emplace_back();
            panel.items.back().value = std::move(layer);
        }
        out.width = std::max(out.width, p.x + p.scene.width);
        out.height = std::max(out.height, p.y + p.scene.height);
        out.layers.push_back(std::move(panel));
    }
    return out;
}

Scene composeRows(std::vector<std::vector<std::pair<std::string, Scene>>> rows, float gap,
                  std::optional<Color> background) {
    std::vector<Panel> panels;
    float y = 0;
    for (auto& row : rows) {
        float x = 0, rowHeight = 0;
        for (auto& [name, scene] : row) {
            const float w = scene.width, h = scene.height;
            panels.push_back({std::move(scene), name, x, y});
            x += w + gap;
            rowHeight = std::max(rowHeight, h);
        }
        if (!row.empty()) y += rowHeight + gap;
    }
    return compose(std::move(panels), background);
}

}  // namespace gts::scene
