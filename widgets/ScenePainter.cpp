#include "ScenePainter.h"

#include <QBuffer>
#include <QPainterPath>
#include <cmath>
#include <stdexcept>

#include "io/GraphIO.h"

namespace gts {

namespace {

using namespace scene;

QColor qcolor(Color c) { return QColor(c.r, c.g, c.b, c.a); }

QPen pen(const std::optional<Stroke>& s) {
    if (!s) return Qt::NoPen;
    QPen p(qcolor(s->color), s->width);
    p.setCapStyle(Qt::FlatCap);
    if (!s->dash.empty() && s->width > 0) {
        // Qt's dash pattern is in units of the pen width.
        QList<qreal> pattern;
        for (float d : s->dash) pattern.push_back(d / s->width);
        if (pattern.size() % 2) pattern.push_back(pattern.back());
        p.setDashPattern(pattern);
    }
    return p;
}

QBrush brush(const std::optional<Color>& c) { return c ? QBrush(qcolor(*c)) : QBrush(Qt::NoBrush); }

struct Painter {
    QPainter& p;

    void draw(const Line& l) {
        p.setPen(pen(l.stroke));
        p.drawLine(QPointF(l.a.x, l.a.y), QPointF(l.b.x, l.b.y));
    }
    void draw(const Polyline& pl) {
        QPolygonF poly;
        for (const Point& q : pl.points) poly << QPointF(q.x, q.y);
        p.setPen(pen(pl.stroke));
        p.setBrush(brush(pl.closed ? pl.fill : std::nullopt));
        if (pl.closed)
            p.drawPolygon(poly);
        else
            p.drawPolyline(poly);
    }
    void draw(const Circle& c) {
        p.setPen(pen(c.stroke));
        p.setBrush(brush(c.fill));
        p.drawEllipse(QPointF(c.center.x, c.center.y), c.radius, c.radius);
    }
    void draw(const Rect& r) {
        p.setPen(pen(r.stroke));
        p.setBrush(brush(r.fill));
        p.drawRect(QRectF(r.rect.x, r.rect.y, r.rect.w, r.rect.h));
    }
    void draw(const Path& path) {
        QPainterPath qp;
        for (const auto& s : path.segments) {
            switch (s.op) {
                case Path::Op::MoveTo: qp.moveTo(s.p[0].x, s.p[0].y); break;
                case Path::Op::LineTo: qp.lineTo(s.p[0].x, s.p[0].y); break;
                case Path::Op::CubicTo:
                    qp.cubicTo(s.p[0].x, s.p[0].y, s.p[1].x, s.p[1].y, s.p[2].x, s.p[2].y);
                    break;
                case Path::Op::Close: qp.closeSubpath(); break;
            }
        }
        p.setPen(pen(path.stroke));
        p.setBrush(brush(path.fill));
        p.drawPath(qp);
    }
    void draw(const Text& t) {
        QFont font(QString::fromStdString(t.family).split(',').first().trimmed());
        font.setStyleHint(QFont::SansSerif);
        font.setBold(t.bold);
        p.save();
        p.translate(t.pos.x, t.pos.y);
        p.rotate(t.rotation);
        // A pixel size in figure points: the painter's transform already maps points to pixels.
        QFont sized = font;
        sized.setPixelSize(std::max(1, int(std::lround(t.size))));
        p.setFont(sized);
        const QString text = QString::fromStdString(t.text);
        const QFontMetricsF fm(sized);
        const double w = fm.horizontalAdvance(text);
        const double dx = t.anchor == Anchor::Middle ? -w / 2 : t.anchor == Anchor::End ? -w : 0;
        const double dy = t.baseline == Baseline::Middle ? 0.35 * t.size : 0.0;
        p.setPen(qcolor(t.color));
        p.drawText(QPointF(dx, dy), text);
        p.restore();
    }
    void draw(const Image& im) {
        if (im.cols <= 0 || im.rows <= 0 || im.argb.size() != size_t(im.cols) * size_t(im.rows)) return;
        QImage img(reinterpret_cast<const uchar*>(im.argb.data()), im.cols, im.rows, im.cols * 4,
                   QImage::Format_ARGB32);
        p.save();
        p.setRenderHint(QPainter::SmoothPixmapTransform, false);
        p.drawImage(QRectF(im.rect.x, im.rect.y, im.rect.w, im.rect.h), img);
        p.restore();
    }
    void draw(const Group& g) {
        if (g.clip) {
            p.save();
            p.setClipRect(QRectF(g.clip->x, g.clip->y, g.clip->w, g.clip->h), Qt::IntersectClip);
        }
        for (const Item& item : g.items) std::visit([this](const auto& v) { draw(v); }, item.value);
        if (g.clip) p.restore();
    }
};

}  // namespace

void paintScene(QPainter& painter, const scene::Scene& s) {
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.setRenderHint(QPainter::TextAntialiasing, true);
    if (s.background) painter.fillRect(QRectF(0, 0, s.width, s.height), qcolor(*s.background));
    Painter p{painter};
    for (const auto& layer : s.layers) p.draw(layer);
    painter.restore();
}

QImage renderScene(const scene::Scene& s, double dpi) {
    if (!(dpi >= 1.0 && dpi <= 2400.0))
        throw std::invalid_argument("PNG export: DPI " + std::to_string(dpi) + " is not in 1..2400");
    const double scale = dpi / 72.0;
    const long long w = std::llround(s.width * scale), h = std::llround(s.height * scale);
    if (w <= 0 || h <= 0 || w * h > 400LL * 1000 * 1000)
        throw std::invalid_argument("PNG export: " + std::to_string(w) + " x " + std::to_string(h) +
                                    " pixels is empty or over 400 megapixels");
    QImage image(int(w), int(h), QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    image.setDotsPerMeterX(int(std::lround(dpi / 0.0254)));
    image.setDotsPerMeterY(int(std::lround(dpi / 0.0254)));
    QPainter painter(&image);
    painter.scale(scale, scale);
    paintScene(painter, s);
    painter.end();
    return image;
}

void writePng(const scene::Scene& s, const std::filesystem::path& path, double dpi) {
    const QImage image = renderScene(s, dpi);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    if (!image.save(&buffer, "PNG")) throw io::FileError("cannot encode PNG for " + path.string());
    io::writeFileAtomically(path, bytes.toStdString());
}

}  // namespace gts
