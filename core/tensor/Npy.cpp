#include "tensor/Npy.h"

#include <bit>
#include <cstring>
#include <limits>
#include <regex>

#include "io/GraphIO.h"

namespace gts::io {

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;
static_assert(std::endian::native == std::endian::little, "npy writing assumes a little-endian host");

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what) {
    throw ParseError(path.string(), 0, what);
}

}  // namespace

std::string npyBytes(const Tensor& tensor) {
    // A Python tuple: "()", "(n,)", "(a, b, c)".
    std::string shape = "(";
    for (size_t i = 0; i < tensor.rank(); ++i) shape += (i ? ", " : "") + std::to_string(tensor.dim(i));
    shape += tensor.rank() == 1 ? ",)" : ")";
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
    // Magic (6) + version (2) + header length (2) + header + '\n', padded to 64 bytes.
    const size_t unpadded = kMagicSize + 2 + 2 + header.size() + 1;
    header.append((64 - unpadded % 64) % 64, ' ');
    header += '\n';
    std::string out(kMagic, kMagicSize);
    out += char(1);
    out += char(0);
    const auto length = static_cast<uint16_t>(header.size());
    out += char(length & 0xff);
    out += char(length >> 8);
    out += header;
    const size_t bytes = tensor.size() * sizeof(float);
    const size_t at = out.size();
    out.resize(at + bytes);
    if (bytes) std::memcpy(out.data() + at, tensor.data(), bytes);
    return out;
}

void writeNpy(const Tensor& tensor, const std::filesystem::path& path) {
    writeFileAtomically(path, npyBytes(tensor));
}

Tensor readNpy(const std::filesystem::path& path) {
    const std::string bytes = readFileBytes(path);
    if (bytes.size() < kMagicSize + 4 || bytes.compare(0, kMagicSize, kMagic, kMagicSize) != 0)
        fail(path, "not a .npy file (no \\x93NUMPY magic)");
    const auto major = static_cast<uint8_t>(bytes[6]);
    size_t headerLength = 0, headerStart = 0;
    if (major == 1) {
        headerLength = static_cast<uint8_t>(bytes[8]) | (size_t(static_cast<uint8_t>(bytes[9])) << 8);
        headerStart = 10;
    } else if (major == 2 || major == 3) {
        if (bytes.size() < 12) fail(path, "truncated header");
        for (int i = 0; i < 4; ++i) headerLength |= size_t(static_cast<uint8_t>(bytes[8 + i])) << (8 * i);
        headerStart = 12;
    } else {
        fail(path, "unsupported .npy version " + std::to_string(major));
    }
    if (headerLength > bytes.size() - headerStart) fail(path, "header longer than the file");
    const std::string header = bytes.substr(headerStart, headerLength);
    std::smatch m;
    static const std::regex descr(R"('descr'\s*:\s*'([<>|=]?)([a-z])(\d+)')");
    static const std::regex fortran(R"('fortran_order'\s*:\s*(True|False))");
    static const std::regex shapeRe(R"('shape'\s*:\s*\(([^)]*)\))");
    if (!std::regex_search(header, m, descr)) fail(path, "header has no 'descr'");
    const std::string order = m[1], kind = m[2], width = m[3];
    size_t itemSize = 0;
    if (kind == "f" && width == "4") itemSize = 4;
    else if (kind == "f" && width == "8") itemSize = 8;
    else fail(path, "dtype '" + order + kind + width + "' is not float32 or float64");
    if (order == ">") fail(path, "big-endian data is not supported");
    if (!std::regex_search(header, m, fortran)) fail(path, "header has no 'fortran_order'");
    if (m[1] == "True") fail(path, "Fortran-ordered arrays are not supported (save with C order)");
    if (!std::regex_search(header, m, shapeRe)) fail(path, "header has no 'shape'");
    Tensor::Shape shape;
    const std::string dims = m[1];
    static const std::regex number(R"(\d+)");
    size_t count = 1;
    for (auto it = std::sregex_iterator(dims.begin(), dims.end(), number); it != std::sregex_iterator(); ++it) {
        const std::string text = it->str();
        if (text.size() > 15) fail(path, "dimension " + text + " is too large");
        const int64_t d = std::stoll(text);
        shape.push_back(d);
        if (d != 0 && count > std::numeric_limits<size_t>::max() / size_t(d)) fail(path, "shape overflows");
        count *= size_t(d);
    }
    const size_t dataStart = headerStart + headerLength;
    const size_t available = bytes.size() - dataStart;
    if (count > available / itemSize || count * itemSize != available)
        fail(path, "shape " + dims + " needs " + std::to_string(count * itemSize) + " bytes of data, the file has " +
                       std::to_string(available));
    std::vector<float> values(count);
    if (itemSize == 4) {
        if (count) std::memcpy(values.data(), bytes.data() + dataStart, count * 4);
    } else {
        for (size_t i = 0; i < count; ++i) {
            double v;
            std::memcpy(&v, bytes.data() + dataStart + i * 8, 8);
            values[i] = static_cast<float>(v);
        }
    }
    return Tensor(std::move(shape), std::move(values));
}

}  // namespace gts::io
