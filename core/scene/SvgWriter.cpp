#include "scene/SvgWriter.h"

#include <charconv>
#include <cmath>

#include "io/GraphIO.h"
#include "scene/NumberFormat.h"
#include "scene/RasterEncode.h"

namespace gts::scene {

namespace {

void num(std::string& out, float v) { appendNumber(out, v); }

void attr(std::string& out, const char* name, float v) {
    out += ' ';
    out += name;
    out += "=\"";
    num(out, v);
    out += '"';
}

/// XML character data / attribute value escaping; C0 controls other than tab and newline are
/// not allowed in XML 1.0 and are dropped.
void escaped(std::string& out, const std::string& text) {
    for (char ch : text) {
        switch (ch) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&apos;"; break;
            default:
                if (static_cast<unsigned char>(ch) < 0x20 && ch != '\t' && ch != '\n') break;
                out += ch;
        }
    }
}

void hexColor(std::string& out, Color c) {
    static constexpr char kHex[] = "0123456789abcdef";
    out += '#';
    for (uint8_t v : {c.r, c.g, c.b}) {
        out += kHex[v >> 4];
        out += kHex[v & 15];
    }
}

void paint(std::string& out, const char* what, const std::optional<Color>& c) {
    out += ' ';
    out += what;
    out += "=\"";
    if (c)
        hexColor(out, *c);
    else
        out += "none";
    out += '"';
    if (c && c->a != 255) {
        out += ' ';
        out += what;
        out += "-opacity=\"";
        num(out, c->a / 255.0f);
        out += '"';
    }
}

void strokeAttrs(std::string& out, const std::optional<Stroke>& s) {
    if (!s) {
        out += " stroke=\"none\"";
        return;
    }
    paint(out, "stroke", s->color);
    attr(out, "stroke-width", s->width);
    if (!s->dash.empty()) {
        out += " stroke-dasharray=\"";
        for (size_t i = 0; i < s->dash.size(); ++i) {
            if (i) out += ' ';
            num(out, s->dash[i]);
        }
        out += '"';
    }
}

void points(std::string& out, const std::vector<Point>& pts) {
    out += " points=\"";
    for (size_t i = 0; i < pts.size(); ++i) {
        if (i) out += ' ';
        num(out, pts[i].x);
        out += ',';
        num(out, pts[i].y);
    }
    out += '"';
}

struct Writer {
    std::string out;
    int clipCount = 0;

    void item(const Item& item) {
        std::visit([this](const auto& p) { draw(p); }, item.value);
    }

    void draw(const Line& l) {
        out += "<line";
        attr(out, "x1", l.a.x);
        attr(out, "y1", l.a.y);
        attr(out, "x2", l.b.x);
        attr(out, "y2", l.b.y);
        strokeAttrs(out, l.stroke);
        out += "/>\n";
    }
    void draw(const Polyline& p) {
        out += p.closed ? "<polygon" : "<polyline";
        points(out, p.points);
        paint(out, "fill", p.fill);
        strokeAttrs(out, p.stroke);
        out += "/>\n";
    }
    void draw(const Circle& c) {
        out += "<circle";
        attr(out, "cx", c.center.x);
        attr(out, "cy", c.center.y);
        attr(out, "r", c.radius);
        paint(out, "fill", c.fill);
        strokeAttrs(out, c.stroke);
        out += "/>\n";
    }
    void draw(const Rect& r) {
        out += "<rect";
        attr(out, "x", r.rect.x);
        attr(out, "y", r.rect.y);
        attr(out, "width", r.rect.w);
        attr(out, "height", r.rect.h);
        paint(out, "fill", r.fill);
        strokeAttrs(out, r.stroke);
        out += "/>\n";
    }
    void draw(const Path& p) {
        out += "<path d=\"";
        for (const auto& s : p.segments) {
            switch (s.op) {
                case Path::Op::MoveTo: out += 'M'; break;
                case Path::Op::LineTo: out += 'L'; break;
                case Path::Op::CubicTo: out += 'C'; break;
                case Path::Op::Close: out += 'Z'; continue;
            }
            const int n = s.op == Path::Op::CubicTo ? 3 : 1;
            for (int i = 0; i < n; ++i) {
                if (i) out += ' ';
                num(out, s.p[i].x);
                out += ',';
                num(out, s.p[i].y);
            }
        }
        out += '"';
        paint(out, "fill", p.fill);
        strokeAttrs(out, p.stroke);
        out += "/>\n";
    }
    void draw(const Text& t) {
        out += "<text";
        attr(out, "x", t.pos.x);
        attr(out, "y", t.pos.y);
        attr(out, "font-size", t.size);
        out += " font-family=\"";
        escaped(out, t.family);
        out += '"';
        if (t.bold) out += " font-weight=\"bold\"";
        if (t.anchor == Anchor::Middle) out += " text-anchor=\"middle\"";
        if (t.anchor == Anchor::End) out += " text-anchor=\"end\"";
        // dy instead of dominant-baseline: the latter is ignored by several renderers.
        if (t.baseline == Baseline::Middle) attr(out, "dy", 0.35f * t.size);
        paint(out, "fill", t.color);
        if (t.rotation != 0.0f) {
            out += " transform=\"rotate(";
            num(out, t.rotation);
            out += ' ';
            num(out, t.pos.x);
            out += ' ';
            num(out, t.pos.y);
            out += ")\"";
        }
        out += '>';
        escaped(out, t.text);
        out += "</text>\n";
    }
    void draw(const Image& im) {
        out += "<image";
        attr(out, "x", im.rect.x);
        attr(out, "y", im.rect.y);
        attr(out, "width", im.rect.w);
        attr(out, "height", im.rect.h);
        out += " preserveAspectRatio=\"none\" style=\"image-rendering:pixelated\" "
               "xlink:href=\"data:image/png;base64,";
        out += base64(encodePng(im.cols, im.rows, im.argb));
        out += "\"/>\n";
    }
    void draw(const Group& g) {
        std::string clipRef;
        if (g.clip) {
            clipRef = "clip" + std::to_string(clipCount++);
            out += "<clipPath id=\"" + clipRef + "\"><rect";
            attr(out, "x", g.clip->x);
            attr(out, "y", g.clip->y);
            attr(out, "width", g.clip->w);
            attr(out, "height", g.clip->h);
            out += "/></clipPath>\n";
        }
        out += "<g";
        if (!g.id.empty()) {
            out += " id=\"";
            escaped(out, g.id);
            out += '"';
        }
        if (!g.klass.empty()) {
            out += " class=\"";
            escaped(out, g.klass);
            out += '"';
        }
        for (const auto& [name, value] : g.data) {
            out += " data-";
            escaped(out, name);
            out += "=\"";
            escaped(out, value);
            out += '"';
        }
        if (!clipRef.empty()) out += " clip-path=\"url(#" + clipRef + ")\"";
        out += ">\n";
        for (const Item& it : g.items) item(it);
        out += "</g>\n";
    }
};

}  // namespace

std::string toSvg(const Scene& scene) {
    Writer w;
    w.out.reserve(1 << 16);
    w.out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
             "xmlns:xlink=\"http://www.w3.org/1999/xlink\" version=\"1.1\"";
    attr(w.out, "width", scene.width);
    attr(w.out, "height", scene.height);
    w.out += " viewBox=\"0 0 ";
    num(w.out, scene.width);
    w.out += ' ';
    num(w.out, scene.height);
    w.out += "\">\n";
    if (scene.background) {
        w.out += "<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\"";
        paint(w.out, "fill", scene.background);
        w.out += "/>\n";
    }
    for (const Group& layer : scene.layers) w.draw(layer);
    w.out += "</svg>\n";
    return std::move(w.out);
}

void writeSvg(const Scene& scene, const std::filesystem::path& path) {
    io::writeFileAtomically(path, toSvg(scene));
}

}  // namespace gts::scene
