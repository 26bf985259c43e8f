#pragma once
// A renderer-independent figure: layers of drawing primitives in figure coordinates (points,
// 1/72 inch, y down, origin top-left), drawn the same way by every exporter (SVG, PDF) and by
// QPainter views. Groups carry an id, a class and data attributes so an element of an exported
// SVG can be found again (e.g. class="node" data-node="3").

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace gts::scene {

struct Color {
    uint8_t r = 0, g = 0, b = 0, a = 255;
    static Color rgb(uint32_t rgb, uint8_t alpha = 255) {
        return {uint8_t(rgb >> 16), uint8_t(rgb >> 8), uint8_t(rgb), alpha};
    }
    bool operator==(const Color&) const = default;
};

struct Point {
    float x = 0, y = 0;
};

struct RectF {
    float x = 0, y = 0, w = 0, h = 0;
};

struct Stroke {
    Color color;
    float width = 1.0f;
    std::vector<float> dash;  // on/off lengths in points; empty = solid
};

struct Line {
    Point a, b;
    Stroke stroke;
};

/// Open or closed polyline; a closed one may be filled (polygons, arrow heads).
struct Polyline {
    std::vector<Point> points;
    std::optional<Stroke> stroke;
    std::optional<Color> fill;
    bool closed = false;
};

struct Circle {
    Point center;
    float radius = 1.0f;
    std::optional<Color> fill;
    std::optional<Stroke> stroke;
};

struct Rect {
    RectF rect;
    std::optional<Color> fill;
    std::optional<Stroke> stroke;
};

/// A path of straight and cubic Bézier segments (PostScript/SVG path model).
struct Path {
    enum class Op : uint8_t { MoveTo, LineTo, CubicTo, Close };
    struct Segment {
        Op op;
        Point p[3];  // MoveTo/LineTo: p[0]; CubicTo: control 1, control 2, end
    };
    std::vector<Segment> segments;
    std::optional<Stroke> stroke;
    std::optional<Color> fill;

    Path& moveTo(Point p) { return add({Op::MoveTo, {p, {}, {}}}); }
    Path& lineTo(Point p) { return add({Op::LineTo, {p, {}, {}}}); }
    Path& cubicTo(Point c1, Point c2, Point end) { return add({Op::CubicTo, {c1, c2, end}}); }
    Path& close() { return add({Op::Close, {}}); }

private:
    Path& add(Segment s) {
        segments.push_back(s);
        return *this;
    }
};

enum class Anchor : uint8_t { Start, Middle, End };
enum class Baseline : uint8_t { Alphabetic, Middle };

/// Text stays text in vector exports. `family` is a CSS family list for SVG and QPainter; PDF
/// always uses the standard Helvetica (bold: Helvetica-Bold), whose metrics textWidth() models.
struct Text {
    Point pos;
    std::string text;  // UTF-8
    float size = 10.0f;
    bool bold = false;
    Anchor anchor = Anchor::Start;
    Baseline baseline = Baseline::Alphabetic;
    Color color;
    float rotation = 0.0f;  // degrees, clockwise (y down), about pos
    std::string family = "Helvetica, Arial, sans-serif";
};

/// A small raster (row-major 0xAARRGGBB) stretched over `rect` without smoothing: for heatmaps
/// too large to draw as one vector rect per cell (see kMaxVectorCells in Views.h).
struct Image {
    RectF rect;
    int cols = 0, rows = 0;
    std::vector<uint32_t> argb;
};

struct Item;

struct Group {
    std::string id;     // unique within the scene, or empty
    std::string klass;  // SVG class, or empty
    std::vector<std::pair<std::string, std::string>> data;  // data-* attributes (names without "data-")
    std::optional<RectF> clip;
    std::vector<Item> items;

    template <class T>
    T& add(T primitive);
    Group& addGroup(std::string klass = {}, std::string id = {});
};

struct Item {
    std::variant<Line, Polyline, Circle, Rect, Path, Text, Image, Group> value;
};

template <class T>
T& Group::add(T primitive) {
    items.emplace_back();
    return items.back().value.template emplace<T>(std::move(primitive));
}

inline Group& Group::addGroup(std::string klass_, std::string id_) {
    Group g;
    g.klass = std::move(klass_);
    g.id = std::move(id_);
    return add(std::move(g));
}

struct Scene {
    float width = 0, height = 0;  // points
    std::optional<Color> background;
    std::vector<Group> layers;  // drawn in order

    Group& addLayer(std::string klass = {}, std::string id = {}) {
        layers.emplace_back();
        layers.back().klass = std::move(klass);
        layers.back().id = std::move(id);
        return layers.back();
    }
};

/// Approximate advance width of `text` in points in Helvetica (the Adobe AFM widths of ASCII;
/// other characters count as 0.556 em), for layout decisions such as "do labels fit".
float textWidth(const std::string& text, float size, bool bold = false);

/// Number of primitives (groups not counted), recursively.
size_t primitiveCount(const Scene& scene);

}  // namespace gts::scene
