#include "scene/PdfWriter.h"

#include <zlib.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <utility>
#include <vector>

#include "io/GraphIO.h"
#include "scene/NumberFormat.h"

namespace gts::scene {

namespace {

// Cubic Bézier approximation of a quarter circle: control points at k·r along the tangents,
// k = 4/3·(√2 − 1) (the standard construction; radial error 0.027 %).
constexpr float kCircleK = 0.5522847498f;

std::string deflate(const std::string& raw) {
    uLongf size = compressBound(static_cast<uLong>(raw.size()));
    std::string packed(size, '\0');
    if (compress2(reinterpret_cast<Bytef*>(packed.data()), &size,
                  reinterpret_cast<const Bytef*>(raw.data()), static_cast<uLong>(raw.size()),
                  6) != Z_OK)
        throw std::runtime_error("PDF export: deflate failed");
    packed.resize(size);
    return packed;
}

struct ImageXObject {
    std::string rgb;    // deflated
    std::string alpha;  // deflated, empty when opaque
    int cols = 0, rows = 0;
};

/// Content-stream writer that emits graphics-state operators only when they change; q/Q around
/// clipped groups save and restore that record as the PDF graphics state stack does.
class Content {
public:
    std::string out;
    std::map<std::pair<uint8_t, uint8_t>, int> alphaStates;  // (stroke, fill) alpha -> /GSn
    std::vector<ImageXObject> images;

    void group(const Group& g) {
        if (g.clip) {
            push();
            rect(*g.clip);
            out += "W n\n";
        }
        for (const Item& item : g.items) std::visit([this](const auto& p) { draw(p); }, item.value);
        if (g.clip) pop();
    }

private:
    struct State {
        std::optional<Color> strokeRgb, fillRgb;
        float width = -1.0f;
        std::vector<float> dash;
        bool dashSet = false;
        std::pair<int, int> alpha{255, 255};
    };
    State state_;
    std::vector<State> stack_;

    void push() {
        out += "q\n";
        stack_.push_back(state_);
    }
    void pop() {
        out += "Q\n";
        state_ = stack_.back();
        stack_.pop_back();
    }

    void n(float v) {
        appendNumber(out, v);
        out += ' ';
    }
    void pt(Point p) {
        n(p.x);
        n(p.y);
    }
    void rect(const RectF& r) {
        n(r.x);
        n(r.y);
        n(r.w);
        n(r.h);
        out += "re\n";
    }

    void rgb(Color c, const char* op) {
        n(c.r / 255.0f);
        n(c.g / 255.0f);
        n(c.b / 255.0f);
        out += op;
        out += '\n';
    }

    void alpha(int strokeAlpha, int fillAlpha) {
        if (state_.alpha == std::pair{strokeAlpha, fillAlpha}) return;
        state_.alpha = {strokeAlpha, fillAlpha};
        auto key = std::pair{uint8_t(strokeAlpha), uint8_t(fillAlpha)};
        auto [it, added] = alphaStates.try_emplace(key, int(alphaStates.size()));
        out += "/GS" + std::to_string(it->second) + " gs\n";
    }

    /// Sets stroke and fill state for a shape; returns the painting operator.
    const char* paint(const std::optional<Stroke>& stroke, const std::optional<Color>& fill) {
        alpha(stroke ? stroke->color.a : state_.alpha.first, fill ? fill->a : state_.alpha.second);
        if (stroke) {
            Color c = stroke->color;
            c.a = 255;
            if (state_.strokeRgb != c) {
                rgb(c, "RG");
                state_.strokeRgb = c;
            }
            if (state_.width != stroke->width) {
                n(stroke->width);
                out += "w\n";
                state_.width = stroke->width;
            }
            if (!state_.dashSet || state_.dash != stroke->dash) {
                out += '[';
                for (float d : stroke->dash) n(d);
                out += "] 0 d\n";
                state_.dash = stroke->dash;
                state_.dashSet = true;
            }
        }
        if (fill) {
            Color c = *fill;
            c.a = 255;
            if (state_.fillRgb != c) {
                rgb(c, "rg");
                state_.fillRgb = c;
            }
        }
        if (stroke && fill) return "B\n";
        if (stroke) return "S\n";
        if (fill) return "f\n";
        return "n\n";
    }

    void draw(const Line& l) {
        const char* op = paint(l.stroke, std::nullopt);
        pt(l.a);
        out += "m ";
        pt(l.b);
        out += "l ";
        out += op;
    }
    void draw(const Polyline& p) {
        if (p.points.empty()) return;
        const char* op = paint(p.stroke, p.closed ? p.fill : std::nullopt);
        for (size_t i = 0; i < p.points.size(); ++i) {
            pt(p.points[i]);
            out += i ? "l " : "m ";
        }
        if (p.closed) out += "h ";
        out += op;
    }
    void draw(const Circle& c) {
        const char* op = paint(c.stroke, c.fill);
        const float x = c.center.x, y = c.center.y, r = c.radius, k = kCircleK * r;
        pt({x + r, y});
        out += "m ";
        const Point quads[4][3] = {{{x + r, y + k}, {x + k, y + r}, {x, y + r}},
                                   {{x - k, y + r}, {x - r, y + k}, {x - r, y}},
                                   {{x - r, y - k}, {x - k, y - r}, {x, y - r}},
                                   {{x + k, y - r}, {x + r, y - k}, {x + r, y}}};
        for (const auto& q : quads) {
            pt(q[0]);
            pt(q[1]);
            pt(q[2]);
            out += "c ";
        }
        out += "h ";
        out += op;
    }
    void draw(const Rect& r) {
        const char* op = paint(r.stroke, r.fill);
        rect(r.rect);
        out += op;
    }
    void draw(const Path& p) {
        const char* op = paint(p.stroke, p.fill);
        for (const auto& s : p.segments) {
            switch (s.op) {
                case Path::Op::MoveTo: pt(s.p[0]); out += "m "; break;
                case Path::Op::LineTo: pt(s.p[0]); out += "l "; break;
                case Path::Op::CubicTo:
                    pt(s.p[0]);
                    pt(s.p[1]);
                    pt(s.p[2]);
                    out += "c ";
                    break;
                case Path::Op::Close: out += "h "; break;
            }
        }
        out += op;
    }
    void draw(const Text& t) {
        if (t.text.empty()) return;
        paint(std::nullopt, t.color);
        const float width = textWidth(t.text, t.size, t.bold);
        float dx = t.anchor == Anchor::Middle ? -width / 2 : t.anchor == Anchor::End ? -width : 0;
        float dy = t.baseline == Baseline::Middle ? 0.35f * t.size : 0.0f;
        // The page's y axis is flipped (y down), so the text matrix flips it back; rotation is
        // clockwise on the page: Tm = [cos sin sin -cos x y] after the offset along the text axes.
        const double rad = t.rotation * 3.14159265358979 / 180.0;
        const float c = float(std::cos(rad)), s = float(std::sin(rad));
        const float x = t.pos.x + c * dx - s * dy, y = t.pos.y + s * dx + c * dy;
        out += t.bold ? "BT /F2 " : "BT /F1 ";
        n(t.size);
        out += "Tf ";
        n(c);
        n(s);
        n(s);
        n(-c);
        n(x);
        n(y);
        out += "Tm (";
        for (char ch : toWinAnsi(t.text)) {
            if (ch == '(' || ch == ')' || ch == '\\') out += '\\';
            out += ch;
        }
        out += ") Tj ET\n";
    }
    void draw(const Image& im) {
        if (im.cols <= 0 || im.rows <= 0 || im.argb.size() != size_t(im.cols) * size_t(im.rows))
            throw std::invalid_argument("PDF export: image of " + std::to_string(im.cols) + "x" +
                                        std::to_string(im.rows) + " with " +
                                        std::to_string(im.argb.size()) + " pixels");
        ImageXObject x;
        x.cols = im.cols;
        x.rows = im.rows;
        std::string rgbBytes, alphaBytes;
        bool opaque = true;
        for (uint32_t p : im.argb) {
            rgbBytes += char((p >> 16) & 0xff);
            rgbBytes += char((p >> 8) & 0xff);
            rgbBytes += char(p & 0xff);
            alphaBytes += char(p >> 24);
            opaque = opaque && (p >> 24) == 0xff;
        }
        x.rgb = deflate(rgbBytes);
        if (!opaque) x.alpha = deflate(alphaBytes);
        const int index = int(images.size());
        images.push_back(std::move(x));
        alpha(255, 255);  // the constant alpha in effect would also scale the image
        // Image space is the unit square with row 0 at v = 1; on the y-down page that row is on top.
        push();
        n(im.rect.w);
        out += "0 0 ";
        n(-im.rect.h);
        n(im.rect.x);
        n(im.rect.y + im.rect.h);
        out += "cm /Im" + std::to_string(index) + " Do\n";
        pop();
    }
    void draw(const Group& g) { group(g); }
};

class PdfFile {
public:
    std::string out = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
    std::vector<size_t> offsets;  // of objects 1..N

    int reserve() {
        offsets.push_back(0);
        return int(offsets.size());
    }
    void object(int id, const std::string& body) {
        offsets[size_t(id - 1)] = out.size();
        out += std::to_string(id) + " 0 obj\n" + body + "\nendobj\n";
    }
    void stream(int id, const std::string& dict, const std::string& data) {
        object(id, "<< " + dict + " /Length " + std::to_string(data.size()) + " >>\nstream\n" +
                       data + "\nendstream");
    }
    void finish(int catalog) {
        const size_t xref = out.size();
        out += "xref\n0 " + std::to_string(offsets.size() + 1) + "\n0000000000 65535 f \n";
        char entry[24];
        for (size_t off : offsets) {
            std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", off);
            out += entry;
        }
        out += "trailer\n<< /Size " + std::to_string(offsets.size() + 1) + " /Root " +
               std::to_string(catalog) + " 0 R >>\nstartxref\n" + std::to_string(xref) +
               "\n%%EOF\n";
    }
};

std::string num(float v) {
    std::string s;
    appendNumber(s, v);
    return s;
}

}  // namespace

std::string toWinAnsi(const std::string& utf8) {
    // Code points of WinAnsiEncoding bytes 0x80..0x9F (PDF Reference 1.4, Appendix D.1); 0 =
    // unused byte.
    static constexpr char32_t kHigh[32] = {
        0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};
    std::string out;
    out.reserve(utf8.size());
    for (size_t i = 0; i < utf8.size();) {
        const auto b = static_cast<unsigned char>(utf8[i]);
        char32_t cp = 0;
        size_t len = 1;
        if (b < 0x80) cp = b;
        else if ((b >> 5) == 6) { cp = b & 0x1f; len = 2; }
        else if ((b >> 4) == 14) { cp = b & 0x0f; len = 3; }
        else if ((b >> 3) == 30) { cp = b & 0x07; len = 4; }
        else { out += '?'; ++i; continue; }
        if (i + len > utf8.size()) { out += '?'; break; }
        bool valid = true;
        for (size_t k = 1; k < len; ++k) {
            const auto c = static_cast<unsigned char>(utf8[i + k]);
            if ((c >> 6) != 2) valid = false;
            cp = (cp << 6) | (c & 0x3f);
        }
        i += valid ? len : 1;
        if (!valid) { out += '?'; continue; }
        if (cp < 0x20) continue;  // controls have no glyph
        if (cp < 0x7f || (cp >= 0xa0 && cp <= 0xff)) { out += char(cp); continue; }
        char mapped = '?';
        for (int k = 0; k < 32; ++k)
            if (kHigh[k] != 0 && kHigh[k] == cp) mapped = char(0x80 + k);
        out += mapped;
    }
    return out;
}

std::string toPdf(const Scene& scene) {
    if (!(scene.width > 0) || !(scene.height > 0))
        throw std::invalid_argument("PDF export: the figure has no size (" + num(scene.width) +
                                    " x " + num(scene.height) + " pt)");
    Content content;
    // Figure coordinates are y down from the top-left; PDF user space is y up from bottom-left.
    content.out += "1 0 0 -1 0 " + num(scene.height) + " cm\n";
    if (scene.background) {
        Group bg;
        bg.add(Rect{{0, 0, scene.width, scene.height}, scene.background, std::nullopt});
        content.group(bg);
    }
    for (const Group& layer : scene.layers) content.group(layer);

    PdfFile pdf;
    const int catalog = pdf.reserve(), pages = pdf.reserve(), page = pdf.reserve();
    const int contents = pdf.reserve(), font1 = pdf.reserve(), font2 = pdf.reserve();
    std::string xobjects;
    std::vector<std::pair<int, int>> imageIds;  // (image, soft mask or 0)
    for (const auto& im : content.images) {
        const int id = pdf.reserve();
        const int mask = im.alpha.empty() ? 0 : pdf.reserve();
        imageIds.emplace_back(id, mask);
    }
    std::string gs;
    for (const auto& [alphas, index] : content.alphaStates)
        gs += "/GS" + std::to_string(index) + " << /Type /ExtGState /CA " +
              num(alphas.first / 255.0f) + " /ca " + num(alphas.second / 255.0f) + " >> ";

    pdf.object(catalog, "<< /Type /Catalog /Pages " + std::to_string(pages) + " 0 R >>");
    pdf.object(pages, "<< /Type /Pages /Kids [" + std::to_string(page) + " 0 R] /Count 1 >>");
    for (size_t i = 0; i < imageIds.size(); ++i)
        xobjects += "/Im" + std::to_string(i) + " " + std::to_string(imageIds[i].first) + " 0 R ";
    pdf.object(page, "<< /Type /Page /Parent " + std::to_string(pages) +
                         " 0 R /MediaBox [0 0 " + num(scene.width) + " " + num(scene.height) +
                         "] /Contents " + std::to_string(contents) +
                         " 0 R /Resources << /Font << /F1 " + std::to_string(font1) +
                         " 0 R /F2 " + std::to_string(font2) + " 0 R >> /ExtGState << " + gs +
                         ">> /XObject << " + xobjects + ">> >> >>");
    pdf.stream(contents, "/Filter /FlateDecode", deflate(content.out));
    pdf.object(font1, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding "
                      "/WinAnsiEncoding >>");
    pdf.object(font2, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding "
                      "/WinAnsiEncoding >>");
    for (size_t i = 0; i < imageIds.size(); ++i) {
        const auto& im = content.images[i];
        const std::string size =
            " /Width " + std::to_string(im.cols) + " /Height " + std::to_string(im.rows);
        std::string dict = "/Type /XObject /Subtype /Image" + size +
                           " /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode";
        if (imageIds[i].second) dict += " /SMask " + std::to_string(imageIds[i].second) + " 0 R";
        pdf.stream(imageIds[i].first, dict, im.rgb);
        if (imageIds[i].second)
            pdf.stream(imageIds[i].second,
                       "/Type /XObject /Subtype /Image" + size +
                           " /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode",
                       im.alpha);
    }
    pdf.finish(catalog);
    return std::move(pdf.out);
}

void writePdf(const Scene& scene, const std::filesystem::path& path) {
    io::writeFileAtomically(path, toPdf(scene));
}

}  // namespace gts::scene
