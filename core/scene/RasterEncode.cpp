#include "scene/RasterEncode.h"

#include <zlib.h>

#include <stdexcept>

namespace gts::scene {

namespace {

void be32(std::string& out, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
}

void chunk(std::string& out, const char* type, const std::string& data) {
    be32(out, static_cast<uint32_t>(data.size()));
    const size_t start = out.size();
    out.append(type, 4);
    out += data;
    const auto crc = crc32(0L, reinterpret_cast<const Bytef*>(out.data() + start),
                           static_cast<uInt>(out.size() - start));
    be32(out, static_cast<uint32_t>(crc));
}

}  // namespace

std::string encodePng(int cols, int rows, const std::vector<uint32_t>& argb) {
    if (cols <= 0 || rows <= 0 || argb.size() != size_t(cols) * size_t(rows))
        throw std::invalid_argument("encodePng: " + std::to_string(cols) + "x" +
                                    std::to_string(rows) + " image with " +
                                    std::to_string(argb.size()) + " pixels");
    std::string raw;
    raw.reserve(size_t(rows) * (size_t(cols) * 4 + 1));
    for (int y = 0; y < rows; ++y) {
        raw += '\0';  // filter type None
        for (int x = 0; x < cols; ++x) {
            const uint32_t p = argb[size_t(y) * size_t(cols) + size_t(x)];
            raw += static_cast<char>((p >> 16) & 0xff);
            raw += static_cast<char>((p >> 8) & 0xff);
            raw += static_cast<char>(p & 0xff);
            raw += static_cast<char>(p >> 24);
        }
    }
    uLongf packedSize = compressBound(static_cast<uLong>(raw.size()));
    std::string packed(packedSize, '\0');
    if (compress2(reinterpret_cast<Bytef*>(packed.data()), &packedSize,
                  reinterpret_cast<const Bytef*>(raw.data()), static_cast<uLong>(raw.size()),
                  6) != Z_OK)
        throw std::runtime_error("encodePng: deflate failed");
    packed.resize(packedSize);

    std::string out("\x89PNG\r\n\x1a\n", 8);
    std::string ihdr;
    be32(ihdr, static_cast<uint32_t>(cols));
    be32(ihdr, static_cast<uint32_t>(rows));
    ihdr += std::string("\x08\x06\x00\x00\x00", 5);  // depth 8, RGBA, deflate, filter 0, no interlace
    chunk(out, "IHDR", ihdr);
    chunk(out, "IDAT", packed);
    chunk(out, "IEND", {});
    return out;
}

std::string base64(const std::string& bytes) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const uint32_t v = (uint32_t(uint8_t(bytes[i])) << 16) |
                           (uint32_t(uint8_t(bytes[i + 1])) << 8) | uint8_t(bytes[i + 2]);
        for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
    }
    if (i < bytes.size()) {
        uint32_t v = uint32_t(uint8_t(bytes[i])) << 16;
        if (i + 1 < bytes.size()) v |= uint32_t(uint8_t(bytes[i + 1])) << 8;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

}  // namespace gts::scene
