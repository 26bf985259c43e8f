#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

#include "scene/ColorMaps.h"
#include "scene/Views.h"

namespace gts::scene {

namespace {

Color mix(Color a, Color b, float t) {
    auto m = [t](uint8_t u, uint8_t v) { return uint8_t(std::lround(u * (1 - t) + v * t)); };
    return {m(a.r, b.r), m(a.g, b.g), m(a.b, b.b), 255};
}

Color viridis(float t, float alpha = 1.0f) {
    const uint32_t argb = colormaps::argb(colormaps::ColorMap::Viridis, t);
    return Color::rgb(argb & 0xffffff, uint8_t(std::lround(std::clamp(alpha, 0.0f, 1.0f) * 255)));
}

std::string tickText(float v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", double(v));
    return buf;
}

}  // namespace

const char* themeName(Theme theme) { return theme == Theme::Dark ? "dark" : "paper"; }

std::optional<Theme> parseTheme(std::string_view name) {
    if (name == "paper") return Theme::Paper;
    if (name == "dark") return Theme::Dark;
    return std::nullopt;
}

ThemeColors themeColors(Theme theme) {
    // The canvas mixes its palette's base and text colours (GraphCanvas.cpp): node fill 10 %,
    // outline 62 %, plain edges 45 %, unattended edges 22 % of the way from base to text.
    const Color base = theme == Theme::Dark ? Color::rgb(0x1e1e1e) : Color::rgb(0xffffff);
    const Color text = theme == Theme::Dark ? Color::rgb(0xe0e0e0) : Color::rgb(0x202020);
    return {base, text, mix(base, text, 0.10f), mix(base, text, 0.62f), mix(base, text, 0.45f),
            mix(base, text, 0.22f)};
}

void addColorBar(Group& layer, float x, float y, float w, float maxValue, const std::string& label,
                 const ThemeColors& colors, colormaps::ColorMap map, float minValue) {
    Group& bar = layer.addGroup("colorbar");
    constexpr float kHeight = 10.0f;
    Image gradient;
    gradient.rect = {x, y, w, kHeight};
    gradient.cols = 256;
    gradient.rows = 1;
    for (int i = 0; i < 256; ++i)
        gradient.argb.push_back(colormaps::argb(map, float(i) / 255.0f));
    bar.add(gradient);
    bar.add(Rect{{x, y, w, kHeight}, std::nullopt, Stroke{colors.text, 0.5f, {}}});
    for (int k = 0; k <= 2; ++k) {
        const float tx = x + w * float(k) / 2.0f;
        bar.add(Line{{tx, y + kHeight}, {tx, y + kHeight + 3}, Stroke{colors.text, 0.5f, {}}});
        Text t;
        t.pos = {tx, y + kHeight + 12};
        t.text = tickText(minValue + (maxValue - minValue) * float(k) / 2.0f);
        t.size = 8;
        t.anchor = Anchor::Middle;
        t.color = colors.text;
        bar.add(t);
    }
    Text name;
    name.pos = {x + w / 2, y + kHeight + 25};
    name.text = label;
    name.size = 9;
    name.anchor = Anchor::Middle;
    name.color = colors.text;
    bar.add(name);
}

Scene buildGraphAttention(const GraphFigureInput& in, Theme theme, float size) {
    if (!in.graph || !in.x || !in.y) throw std::invalid_argument("graph figure: no graph or layout");
    const Graph& g = *in.graph;
    const size_t n = g.nodeCount(), m = g.edgeCount();
    if (in.x->size() != n || in.y->size() != n)
        throw std::invalid_argument("graph figure: layout has " + std::to_string(in.x->size()) +
                                    " positions for " + std::to_string(n) + " nodes");
    if (!in.nodeLabels.empty() && in.nodeLabels.size() != n)
        throw std::invalid_argument("graph figure: node labels do not match the node count");
    if (!in.nodeClasses.empty() && in.nodeClasses.size() != n)
        throw std::invalid_argument("graph figure: node classes do not match the node count");
    const int32_t classCount =
        in.nodeClasses.empty() ? 0 : *std::max_element(in.nodeClasses.begin(), in.nodeClasses.end()) + 1;
    if (!in.nodeValues.empty() && in.nodeValues.size() != n)
        throw std::invalid_argument("graph figure: node values do not match the node count");
    // A regressor's values fill the nodes in cividis over their range (NaN: no value).
    float valueLo = std::numeric_limits<float>::infinity(), valueHi = -valueLo;
    if (classCount <= 0)
        for (float v : in.nodeValues)
            if (std::isfinite(v)) valueLo = std::min(valueLo, v), valueHi = std::max(valueHi, v);
    const bool byValue = valueLo <= valueHi;
    const analysis::GraphAttention* ga = in.attention;
    if (ga && (ga->node.size() != n || ga->edge.size() != m))
        throw std::invalid_argument("graph figure: attention does not match the graph");
    const ThemeColors colors = themeColors(theme);

    constexpr float kMargin = 16.0f;
    constexpr float kLegendHeight = 22.0f;
    const float barSpace = (ga ? 50.0f : 0.0f) + (classCount > 0 ? kLegendHeight : 0.0f) + (byValue ? 50.0f : 0.0f);
    Scene s;
    s.width = size + 2 * kMargin;
    s.height = size + 2 * kMargin + barSpace;
    s.background = colors.background;
    // Layout units: centred, longer side 1; the node radius shrinks with density.
    const float nodeR = std::clamp(0.35f * size / std::sqrt(float(std::max<size_t>(n, 1))), 1.0f, 7.0f);
    const float scale = size - 4 * nodeR;
    const float cx = kMargin + size / 2, cy = kMargin + size / 2;
    auto at = [&](uint32_t v) { return Point{cx + (*in.x)[v] * scale, cy + (*in.y)[v] * scale}; };
    const float edgeScale = nodeR / 4.0f;

    // Edges: unattended skeleton first, then attended from weakest to strongest (on top).
    Group& edges = s.addLayer("edges", "edges");
    std::vector<std::pair<float, EdgeId>> order;
    order.reserve(m);
    for (EdgeId e = 0; e < m; ++e) {
        float t = -1.0f;
        if (ga && ga->maxEdge > 0 && ga->edge[e] > 0 && ga->edge[e] >= in.threshold * ga->maxEdge)
            t = ga->edge[e] / ga->maxEdge;
        order.push_back({t, e});
    }
    std::stable_sort(order.begin(), order.end(), [](auto& a, auto& b) { return a.first < b.first; });
    const bool edgeGroups = m <= kMaxEdgeGroups;
    for (const auto& [t, e] : order) {
        const Edge& ed = g.edge(e);
        Line line{at(ed.src), at(ed.dst), {}};
        if (t >= 0) {
            // Width 1..4 (screen px, scaled), opacity 0.35..1 with attention (GraphCanvas).
            line.stroke = {viridis(t, 0.35f + 0.65f * t), (1.0f + 3.0f * t) * edgeScale, {}};
        } else {
            line.stroke = {ga ? colors.faintEdge : colors.plainEdge, (ga ? 0.6f : 1.0f) * edgeScale, {}};
        }
        if (edgeGroups) {
            Group& eg = edges.addGroup("edge");
            eg.data.push_back({"edge", std::to_string(e)});
            if (ga) eg.data.push_back({"attention", tickText(ga->edge[e])});
            eg.add(line);
        } else {
            edges.add(line);
        }
    }

    Group& companions = s.addLayer("companions");
    for (EdgeId e = 0; e < std::min<size_t>(m, in.copiedEdges.size()); ++e) {
        if (!in.copiedEdges[e]) continue;
        const Point a = at(g.edge(e).src), b = at(g.edge(e).dst);
        const float len = std::hypot(b.x - a.x, b.y - a.y);
        if (len <= 0) continue;
        const float off = 2.5f * edgeScale, nx = -(b.y - a.y) / len * off, ny = (b.x - a.x) / len * off;
        Group& cg = companions.addGroup("copy");
        cg.data.push_back({"edge", std::to_string(e)});
        cg.add(Line{{a.x + nx, a.y + ny}, {b.x + nx, b.y + ny},
                    {Color::rgb(kCopyRgb, 242), 1.5f * edgeScale, {4 * edgeScale, 3 * edgeScale}}});
    }
    // Node-level attention between nodes no edge joins: dashed, on the edges' colour scale.
    if (ga)
        for (const analysis::AttentionArc& arc : ga->arcs) {
            if (arc.a >= n || arc.b >= n) throw std::invalid_argument("graph figure: arc to a missing node");
            if (!(ga->maxEdge > 0 && arc.weight > 0 && arc.weight >= in.threshold * ga->maxEdge)) continue;
            const float t = arc.weight / ga->maxEdge;
            Group& ag = companions.addGroup("arc");
            ag.data.push_back({"from", std::to_string(arc.a)});
            ag.data.push_back({"to", std::to_string(arc.b)});
            ag.data.push_back({"attention", tickText(arc.weight)});
            ag.add(Line{at(arc.a), at(arc.b),
                        {viridis(t, 0.35f + 0.65f * t), (0.6f + 1.4f * t) * edgeScale, {3 * edgeScale, 2 * edgeScale}}});
        }
    for (const auto& [a, b] : in.jumps) {
        if (a >= n || b >= n) throw std::invalid_argument("graph figure: jump to a missing node");
        Group& jg = companions.addGroup("jump");
        jg.add(Line{at(a), at(b), {Color::rgb(kJumpRgb, 230), 1.5f * edgeScale, {6 * edgeScale, 4 * edgeScale}}});
    }

    Group& nodes = s.addLayer("nodes", "nodes");
    for (uint32_t v = 0; v < n; ++v) {
        Group& ng = nodes.addGroup("node");
        ng.data.push_back({"node", std::to_string(v)});
        if (ga && ga->maxNode > 0 && ga->node[v] > 0 && ga->node[v] >= in.threshold * ga->maxNode) {
            const float t = ga->node[v] / ga->maxNode;
            ng.data.push_back({"attention", tickText(ga->node[v])});
            // Halo 0.25..1.1 radii beyond the node, opacity 0.55..0.95 (GraphCanvas).
            ng.add(Circle{at(v), nodeR * (1.0f + 0.25f + 0.85f * t), viridis(t, 0.55f + 0.4f * t),
                          std::nullopt});
        }
        Color fill = colors.nodeFill;
        if (classCount > 0 && in.nodeClasses[v] >= 0) {
            fill = Color::rgb(colormaps::categoryArgb(in.nodeClasses[v]) & 0xffffffu);
            ng.data.push_back({"class", std::to_string(in.nodeClasses[v])});
        } else if (byValue && std::isfinite(in.nodeValues[v])) {
            const float t = valueHi > valueLo ? (in.nodeValues[v] - valueLo) / (valueHi - valueLo) : 0.5f;
            fill = Color::rgb(colormaps::argb(colormaps::ColorMap::Cividis, t) & 0xffffffu);
            ng.data.push_back({"value", tickText(in.nodeValues[v])});
        }
        ng.add(Circle{at(v), nodeR, fill, Stroke{colors.nodeOutline, std::max(0.3f, nodeR / 5), {}}});
        if (!in.nodeLabels.empty() && !in.nodeLabels[v].empty() && nodeR >= 4.0f) {
            Text t;
            t.pos = at(v);
            t.text = in.nodeLabels[v];
            t.size = nodeR * 1.2f;
            t.anchor = Anchor::Middle;
            t.baseline = Baseline::Middle;
            t.color = colors.text;
            ng.add(t);
        }
    }

    if (ga) {
        Group& bar = s.addLayer("colorbar-layer");
        addColorBar(bar, kMargin + size * 0.2f, kMargin + size + 6, size * 0.6f, ga->maxEdge,
                    in.metricName + " (edge, max " + tickText(ga->maxEdge) + ")", colors);
    }
    if (byValue) {
        Group& bar = s.addLayer("value-colorbar-layer");
        addColorBar(bar, kMargin + size * 0.2f, kMargin + size + 6 + (ga ? 50.0f : 0.0f), size * 0.6f, valueHi,
                    in.valueLegend + " (node fill)", colors, colormaps::ColorMap::Cividis, valueLo);
    }
    if (classCount > 0) {
        // "predicted class: ● 0  ● 1  ● 2 …" centred under the graph (and its colour bar).
        Group& legend = s.addLayer("class-legend");
        const float y = s.height - kMargin - kLegendHeight / 2 + 4;
        const int shown = std::min<int32_t>(classCount, 16);
        const float step = 28.0f, labelWidth = 6.0f * float(in.classLegend.size()) + 8.0f;
        float x = kMargin + size / 2 - (labelWidth + step * float(shown)) / 2;
        Text label;
        label.pos = {x, y + 3};
        label.text = in.classLegend + ":";
        label.size = 9;
        label.color = colors.text;
        legend.add(label);
        x += labelWidth;
        for (int32_t k = 0; k < shown; ++k) {
            Group& swatch = legend.addGroup("class");
            swatch.data.push_back({"class", std::to_string(k)});
            swatch.add(Circle{{x + 4, y}, 4.0f, Color::rgb(colormaps::categoryArgb(k) & 0xffffffu),
                              Stroke{colors.nodeOutline, 0.5f, {}}});
            Text t;
            t.pos = {x + 11, y + 3};
            t.text = std::to_string(k);
            t.size = 9;
            t.color = colors.text;
            swatch.add(t);
            x += step;
        }
        if (classCount > 8) {
            Text note;
            note.pos = {x + 4, y + 3};
            note.text = "(" + std::to_string(classCount) + " classes; colours repeat)";
            note.size = 8;
            note.color = colors.text;
            legend.add(note);
        }
    }
    return s;
}

}  // namespace gts::scene
