#include "scene/Scene.h"

#include <array>

namespace gts::scene {

namespace {

// Helvetica advance widths (1/1000 em) of characters 32..126, from Adobe's Helvetica.afm
// (Core 14 AFM files); 0x27 is quotesingle and 0x60 grave, as in WinAnsiEncoding.
constexpr std::array<uint16_t, 95> kHelveticaWidths = {
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,   // ' '../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,   // 0..?
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,  // @..O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,   // P.._
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,   // `..o
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584};       // p..~

size_t countIn(const Group& group) {
    size_t n = 0;
    for (const Item& item : group.items) {
        if (const auto* g = std::get_if<Group>(&item.value))
            n += countIn(*g);
        else
            ++n;
    }
    return n;
}

}  // namespace

float textWidth(const std::string& text, float size, bool bold) {
    int units = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x80 && c < 0xC0) continue;  // UTF-8 continuation byte: counted with its lead
        units += (c >= 32 && c <= 126) ? kHelveticaWidths[c - 32] : 556;
    }
    // Helvetica-Bold is on average about 6 % wider than Helvetica over ASCII letters and digits.
    return static_cast<float>(units) * size / 1000.0f * (bold ? 1.06f : 1.0f);
}

size_t primitiveCount(const Scene& scene) {
    size_t n = 0;
    for (const Group& layer : scene.layers) n += countIn(layer);
    return n;
}

}  // namespace gts::scene
