#pragma once
// SHA-256 (FIPS 180-4) of bytes and files, for recognising a changed model between sessions.

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace gts::store {

class Sha256 {
public:
    Sha256();
    void update(const void* data, size_t size);
    void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
    /// The digest; the object must not be updated afterwards.
    std::array<uint8_t, 32> finish();
    /// Lower-case hex of finish().
    std::string finishHex();

private:
    void block(const uint8_t* p);
    std::array<uint32_t, 8> h_;
    std::array<uint8_t, 64> buffer_{};
    size_t buffered_ = 0;
    uint64_t totalBytes_ = 0;
};

std::string sha256Hex(std::string_view bytes);

/// The fingerprint of a model path: for a file, the SHA-256 of its bytes; for a folder, the
/// SHA-256 over its regular top-level files in name order of (name, '\0', hex SHA-256 of the
/// file, '\n'), so a renamed, added, removed or changed weight/config file changes it.
/// Throws io::FileError naming the path when it is missing or unreadable.
std::string modelFingerprint(const std::filesystem::path& path);

}  // namespace gts::store
