#pragma once
// A read-only zip archive over bytes in memory: the end-of-central-directory record (zip64 when
// present), the central directory, and STORED or DEFLATE entries. Enough for torch's checkpoint
// format (torch.save since 1.6), which is a zip of a pickle and raw storage blobs.
//
// Every offset and size read from the archive is checked against the bytes before use; nothing
// is allocated on the word of a header (an entry's inflated size is bounded by DEFLATE's
// maximum ratio over the compressed bytes it actually has).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gts::checkpoint {

struct ZipEntry {
    std::string name;
    uint16_t method = 0;  ///< 0 STORED, 8 DEFLATE
    uint16_t flags = 0;
    uint32_t crc32 = 0;
    uint64_t compressedSize = 0;
    uint64_t uncompressedSize = 0;
    uint64_t localHeaderOffset = 0;
};

class ZipArchive {
public:
    /// Parses the central directory of `bytes`, which must outlive the archive. Throws
    /// io::ParseError(sourceName, 0, ...) on a malformed or truncated archive.
    ZipArchive(std::string_view bytes, std::string sourceName);

    const std::vector<ZipEntry>& entries() const { return entries_; }
    /// The entry with exactly this name, or nullptr.
    const ZipEntry* find(std::string_view name) const;
    /// The entry's contents, inflated and CRC-checked. Throws io::ParseError naming the entry.
    std::string read(const ZipEntry& entry) const;
    const std::string& sourceName() const { return source_; }

private:
    std::string_view bytes_;
    std::string source_;
    std::vector<ZipEntry> entries_;
    uint64_t centralDirectoryOffset_ = 0;
};

}  // namespace gts::checkpoint
