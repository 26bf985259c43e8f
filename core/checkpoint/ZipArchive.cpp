#include "checkpoint/ZipArchive.h"

#include <zlib.h>

#include <algorithm>
#include <limits>

#include "io/GraphIO.h"

namespace gts::checkpoint {

using io::ParseError;

namespace {

constexpr uint32_t kEocdSignature = 0x06054b50;
constexpr uint32_t kZip64LocatorSignature = 0x07064b50;
constexpr uint32_t kZip64EocdSignature = 0x06064b50;
constexpr uint32_t kCentralSignature = 0x02014b50;
constexpr uint32_t kLocalSignature = 0x04034b50;
constexpr size_t kEocdBytes = 22;
constexpr size_t kZip64LocatorBytes = 20;
constexpr size_t kZip64EocdBytes = 56;
constexpr size_t kCentralBytes = 46;
constexpr size_t kLocalBytes = 30;
constexpr uint16_t kZip64ExtraId = 0x0001;
// DEFLATE cannot expand more than about 1032:1 (a 258-byte match per ~2 bits).
constexpr uint64_t kMaxDeflateRatio = 1032;

uint64_t readLe(std::string_view b, uint64_t at, int n) {
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | uint8_t(b[size_t(at) + size_t(i)]);
    return v;
}

}  // namespace

ZipArchive::ZipArchive(std::string_view bytes, std::string sourceName)
    : bytes_(bytes), source_(std::move(sourceName)) {
    const uint64_t n = bytes_.size();
    auto fail = [&](const std::string& what) { throw ParseError(source_, 0, "zip: " + what); };
    if (n < kEocdBytes) fail("file too short for an end-of-central-directory record (truncated?)");

    // The record is the last thing in the file, followed only by a comment of at most 65535 bytes.
    uint64_t eocd = n;
    const uint64_t lowest = n - kEocdBytes > 0xffff ? n - kEocdBytes - 0xffff : 0;
    for (uint64_t p = n - kEocdBytes + 1; p-- > lowest;) {
        if (readLe(bytes_, p, 4) == kEocdSignature &&
            p + kEocdBytes + readLe(bytes_, p + 20, 2) == n) {
            eocd = p;
            break;
        }
    }
    if (eocd == n) fail("no end-of-central-directory record (truncated or not a zip)");

    uint64_t entryCount = readLe(bytes_, eocd + 10, 2);
    uint64_t cdSize = readLe(bytes_, eocd + 12, 4);
    uint64_t cdOffset = readLe(bytes_, eocd + 16, 4);
    uint64_t cdLimit = eocd;  // the central directory ends before the record(s) that locate it
    if (eocd >= kZip64LocatorBytes &&
        readLe(bytes_, eocd - kZip64LocatorBytes, 4) == kZip64LocatorSignature) {
        const uint64_t loc = eocd - kZip64LocatorBytes;
        const uint64_t z = readLe(bytes_, loc + 8, 8);
        if (z > loc || loc - z < kZip64EocdBytes) fail("zip64 end record offset out of range");
        if (readLe(bytes_, z, 4) != kZip64EocdSignature) fail("bad zip64 end record signature");
        entryCount = readLe(bytes_, z + 32, 8);
        cdSize = readLe(bytes_, z + 40, 8);
        cdOffset = readLe(bytes_, z + 48, 8);
        cdLimit = z;
    } else if (entryCount == 0xffff || cdSize == 0xffffffff || cdOffset == 0xffffffff) {
        fail("zip64 sizes without a zip64 end record locator");
    }
    if (cdOffset > cdLimit || cdSize > cdLimit - cdOffset)
        fail("central directory (offset " + std::to_string(cdOffset) + ", " +
             std::to_string(cdSize) + " bytes) lies outside the file");
    if (entryCount > cdSize / kCentralBytes)
        fail("central directory claims " + std::to_string(entryCount) + " entries in " +
             std::to_string(cdSize) + " bytes");
    centralDirectoryOffset_ = cdOffset;
    entries_.reserve(size_t(entryCount));

    const uint64_t cdEnd = cdOffset + cdSize;
    uint64_t p = cdOffset;
    for (uint64_t i = 0; i < entryCount; ++i) {
        const std::string where = "central directory entry " + std::to_string(i) + ": ";
        if (cdEnd - p < kCentralBytes) fail(where + "truncated");
        if (readLe(bytes_, p, 4) != kCentralSignature) fail(where + "bad signature");
        ZipEntry e;
        e.flags = uint16_t(readLe(bytes_, p + 8, 2));
        e.method = uint16_t(readLe(bytes_, p + 10, 2));
        e.crc32 = uint32_t(readLe(bytes_, p + 16, 4));
        e.compressedSize = readLe(bytes_, p + 20, 4);
        e.uncompressedSize = readLe(bytes_, p + 24, 4);
        const uint64_t nameLen = readLe(bytes_, p + 28, 2);
        const uint64_t extraLen = readLe(bytes_, p + 30, 2);
        const uint64_t commentLen = readLe(bytes_, p + 32, 2);
        e.localHeaderOffset = readLe(bytes_, p + 42, 4);
        if (cdEnd - p - kCentralBytes < nameLen + extraLen + commentLen) fail(where + "truncated");
        e.name.assign(bytes_.substr(size_t(p + kCentralBytes), size_t(nameLen)));
        // Zip64 extra field: 8-byte values for exactly those fields that hold 0xffffffff,
        // in the order uncompressed size, compressed size, local header offset.
        uint64_t x = p + kCentralBytes + nameLen;
        const uint64_t xEnd = x + extraLen;
        while (xEnd - x >= 4) {
            const uint64_t id = readLe(bytes_, x, 2);
            const uint64_t len = readLe(bytes_, x + 2, 2);
            if (xEnd - x - 4 < len) fail(where + "extra field overruns the entry");
            if (id == kZip64ExtraId) {
                uint64_t q = x + 4;
                const uint64_t qEnd = q + len;
                for (uint64_t* field : {&e.uncompressedSize, &e.compressedSize, &e.localHeaderOffset}) {
                    if (*field != 0xffffffff) continue;
                    if (qEnd - q < 8) fail(where + "zip64 extra field too short");
                    *field = readLe(bytes_, q, 8);
                    q += 8;
                }
            }
            x += 4 + len;
        }
        const std::string named = "entry \"" + e.name + "\": ";
        if (e.localHeaderOffset > cdOffset || cdOffset - e.localHeaderOffset < kLocalBytes)
            fail(named + "local header offset " + std::to_string(e.localHeaderOffset) +
                 " outside the file's data");
        if (e.compressedSize > cdOffset - e.localHeaderOffset - kLocalBytes)
            fail(named + "claims " + std::to_string(e.compressedSize) +
                 " compressed bytes, more than the file holds");
        if (e.method != 0 && e.method != 8)
            fail(named + "unsupported compression method " + std::to_string(e.method));
        if (e.flags & 1) fail(named + "encrypted entries are not supported");
        if (e.method == 0 && e.compressedSize != e.uncompressedSize)
            fail(named + "STORED entry with different compressed and uncompressed sizes");
        if (e.method == 8 && e.uncompressedSize / kMaxDeflateRatio > e.compressedSize)
            fail(named + "claims " + std::to_string(e.uncompressedSize) + " bytes inflated from " +
                 std::to_string(e.compressedSize) + ", beyond DEFLATE's maximum ratio");
        entries_.push_back(std::move(e));
        p += kCentralBytes + nameLen + extraLen + commentLen;
    }
}

const ZipEntry* ZipArchive::find(std::string_view name) const {
    for (const auto& e : entries_)
        if (e.name == name) return &e;
    return nullptr;
}

std::string ZipArchive::read(const ZipEntry& e) const {
    const std::string where = "zip: entry \"" + e.name + "\": ";
    auto fail = [&](const std::string& what) { throw ParseError(source_, 0, where + what); };
    const uint64_t lho = e.localHeaderOffset;  // bounds checked by the constructor
    if (readLe(bytes_, lho, 4) != kLocalSignature) fail("bad local header signature");
    const uint64_t nameLen = readLe(bytes_, lho + 26, 2);
    const uint64_t extraLen = readLe(bytes_, lho + 28, 2);
    // The local header's own name and extra lengths (torch pads its extra field for alignment).
    const uint64_t dataStart = lho + kLocalBytes + nameLen + extraLen;
    if (dataStart > centralDirectoryOffset_ ||
        e.compressedSize > centralDirectoryOffset_ - dataStart)
        fail("data runs past the central directory");
    const std::string_view raw = bytes_.substr(size_t(dataStart), size_t(e.compressedSize));

    std::string out;
    if (e.method == 0) {
        out.assign(raw);
    } else {
        out.resize(size_t(e.uncompressedSize));
        z_stream zs{};
        if (inflateInit2(&zs, -MAX_WBITS) != Z_OK) fail("zlib initialisation failed");
        zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
        zs.next_out = reinterpret_cast<Bytef*>(out.data());
        uint64_t inLeft = raw.size();
        uint64_t outLeft = out.size();
        int rc = Z_OK;
        while (rc == Z_OK) {
            const uInt inChunk = uInt(std::min<uint64_t>(inLeft, std::numeric_limits<uInt>::max()));
            const uInt outChunk = uInt(std::min<uint64_t>(outLeft, std::numeric_limits<uInt>::max()));
            zs.avail_in = inChunk;
            zs.avail_out = outChunk;
            rc = inflate(&zs, Z_NO_FLUSH);
            inLeft -= inChunk - zs.avail_in;
            outLeft -= outChunk - zs.avail_out;
            if (rc == Z_OK && zs.avail_in == inChunk && zs.avail_out == outChunk) break;  // stuck
        }
        inflateEnd(&zs);
        if (rc != Z_STREAM_END) fail("corrupt or truncated DEFLATE data");
        if (outLeft != 0) fail("inflated to fewer bytes than the directory says");
    }
    uLong full = crc32(0L, Z_NULL, 0);
    for (size_t at = 0; at < out.size();) {
        const size_t chunk = std::min<size_t>(out.size() - at, std::numeric_limits<uInt>::max());
        full = crc32(full, reinterpret_cast<const Bytef*>(out.data() + at), uInt(chunk));
        at += chunk;
    }
    if (uint32_t(full) != e.crc32) fail("CRC-32 mismatch");
    return out;
}

}  // namespace gts::checkpoint
