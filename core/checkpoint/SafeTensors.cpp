#include "checkpoint/SafeTensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <set>
#include <stdexcept>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/GraphIO.h"

namespace gts::checkpoint {

namespace fs = std::filesystem;
using io::ParseError;
using json = nlohmann::json;

namespace {

constexpr size_t kLengthPrefixBytes = 8;

struct EntryInfo {
    std::string name;
    DType dtype;
    Tensor::Shape shape;
    uint64_t count = 0;
    uint64_t begin = 0;
    uint64_t end = 0;
};

std::string tensorWhere(const std::string& name) { return "tensor \"" + name + "\": "; }

std::string shapeText(const Tensor::Shape& shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

uint64_t readNonNegative(const json& v, const std::string& source, const std::string& what) {
    if (!v.is_number_unsigned()) throw ParseError(source, 0, what + " is not a non-negative integer");
    return v.get<uint64_t>();
}

EntryInfo parseEntry(const std::string& name, const json& v, const std::string& source) {
    const std::string where = tensorWhere(name);
    if (!v.is_object()) throw ParseError(source, 0, where + "entry is not a JSON object");
    EntryInfo e;
    e.name = name;
    const auto dtype = v.find("dtype");
    if (dtype == v.end() || !dtype->is_string())
        throw ParseError(source, 0, where + "missing or non-string \"dtype\"");
    const auto parsed = parseDType(dtype->get_ref<const std::string&>());
    if (!parsed)
        throw ParseError(source, 0, where + "unknown dtype \"" + dtype->get<std::string>() + "\"");
    e.dtype = *parsed;

    const auto shape = v.find("shape");
    if (shape == v.end() || !shape->is_array())
        throw ParseError(source, 0, where + "missing or non-array \"shape\"");
    if (shape->size() > Tensor::kMaxRank)
        throw ParseError(source, 0, where + "rank " + std::to_string(shape->size()) +
                                        " exceeds the supported maximum " +
                                        std::to_string(Tensor::kMaxRank));
    // Element count with overflow checks; nothing is allocated from it before the byte range
    // it implies has been matched against the file.
    uint64_t count = 1;
    bool overflow = false;
    for (const auto& d : *shape) {
        const uint64_t dim = readNonNegative(d, source, where + "shape entry");
        if (dim > uint64_t(std::numeric_limits<int64_t>::max()))
            throw ParseError(source, 0, where + "shape entry " + std::to_string(dim) + " is too large");
        e.shape.push_back(int64_t(dim));
        if (dim != 0 && count > std::numeric_limits<uint64_t>::max() / dim) overflow = true;
        else count *= dim;
    }
    const uint64_t elementBytes = dtypeSize(e.dtype);
    if (overflow || count > std::numeric_limits<uint64_t>::max() / elementBytes)
        throw ParseError(source, 0, where + "shape " + shapeText(e.shape) +
                                        " has more elements than any file can hold");
    e.count = count;

    const auto offsets = v.find("data_offsets");
    if (offsets == v.end() || !offsets->is_array() || offsets->size() != 2)
        throw ParseError(source, 0, where + "\"data_offsets\" must be an array [begin, end]");
    e.begin = readNonNegative((*offsets)[0], source, where + "data_offsets begin");
    e.end = readNonNegative((*offsets)[1], source, where + "data_offsets end");
    if (e.end < e.begin)
        throw ParseError(source, 0, where + "data_offsets [" + std::to_string(e.begin) + ", " +
                                        std::to_string(e.end) + "] end before they begin");
    if (e.end - e.begin != count * elementBytes)
        throw ParseError(source, 0, where + "shape " + shapeText(e.shape) + " of " +
                                        dtypeName(e.dtype) + " needs " +
                                        std::to_string(count * elementBytes) +
                                        " bytes but data_offsets span " +
                                        std::to_string(e.end - e.begin));
    return e;
}

// Parses and validates a whole file image at `base` (`size` bytes). F32 tensors become views
// when `keepAlive` owns the image and the data is 4-byte aligned; everything else is copied.
SafeTensors parseImage(const unsigned char* base, size_t size, const std::string& source,
                       const std::shared_ptr<const void>& keepAlive) {
    if (size < kLengthPrefixBytes)
        throw ParseError(source, 0, "file is " + std::to_string(size) +
                                        " bytes, too short for the 8-byte header length");
    uint64_t headerBytes = 0;
    for (size_t i = 0; i < kLengthPrefixBytes; ++i) headerBytes |= uint64_t(base[i]) << (8 * i);
    if (headerBytes > kMaxSafeTensorsHeaderBytes)
        throw ParseError(source, 0, "header length " + std::to_string(headerBytes) +
                                        " exceeds the limit of " +
                                        std::to_string(kMaxSafeTensorsHeaderBytes) + " bytes");
    if (headerBytes > size - kLengthPrefixBytes)
        throw ParseError(source, 0, "header length " + std::to_string(headerBytes) +
                                        " runs past the end of the file (" +
                                        std::to_string(size) + " bytes)");
    const std::string_view headerText(reinterpret_cast<const char*>(base) + kLengthPrefixBytes,
                                      size_t(headerBytes));
    if (headerText.empty() || headerText.front() != '{')
        throw ParseError(source, 0, "header does not start with '{'");

    // nlohmann keeps the last of duplicate keys silently; catch them while parsing.
    std::set<std::string> seen;
    std::string duplicate;
    const json::parser_callback_t noteKeys = [&](int depth, json::parse_event_t event,
                                                 json& parsed) {
        if (depth == 1 && event == json::parse_event_t::key && duplicate.empty()) {
            auto key = parsed.get<std::string>();
            if (!seen.insert(key).second) duplicate = std::move(key);
        }
        return true;
    };
    json header;
    try {
        header = json::parse(headerText, noteKeys);
    } catch (const json::exception& e) {
        throw ParseError(source, 0, std::string("header is not valid UTF-8 JSON: ") + e.what());
    }
    if (!duplicate.empty()) throw ParseError(source, 0, tensorWhere(duplicate) + "listed twice");
    if (!header.is_object()) throw ParseError(source, 0, "header is not a JSON object");

    SafeTensors result;
    std::vector<EntryInfo> entries;
    for (const auto& [key, value] : header.items()) {
        if (key == "__metadata__") {
            if (value.is_null()) continue;
            if (!value.is_object())
                throw ParseError(source, 0, "__metadata__ is not a JSON object");
            for (const auto& [mkey, mvalue] : value.items()) {
                if (!mvalue.is_string())
                    throw ParseError(source, 0, "__metadata__ \"" + mkey + "\" is not a string");
                result.metadata[mkey] = mvalue.get<std::string>();
            }
            continue;
        }
        entries.push_back(parseEntry(key, value, source));
    }

    // The buffer must be covered exactly: sorted by offsets, each tensor starts where the
    // previous one ended, the first at 0 and the last at the end of the file.
    const uint64_t dataStart = kLengthPrefixBytes + headerBytes;
    const uint64_t bufferBytes = size - dataStart;
    std::sort(entries.begin(), entries.end(), [](const EntryInfo& a, const EntryInfo& b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    uint64_t expected = 0;
    const EntryInfo* previous = nullptr;
    for (const auto& e : entries) {
        if (e.begin > expected)
            throw ParseError(source, 0, tensorWhere(e.name) + "data begins at " +
                                            std::to_string(e.begin) + ", leaving a gap after " +
                                            std::to_string(expected));
        if (e.begin < expected)
            throw ParseError(source, 0, tensorWhere(e.name) + "data [" + std::to_string(e.begin) +
                                            ", " + std::to_string(e.end) + ") overlaps tensor \"" +
                                            (previous ? previous->name : "") + "\"");
        if (e.end > bufferBytes)
            throw ParseError(source, 0, tensorWhere(e.name) + "data ends at " + std::to_string(e.end) +
                                            " but the buffer after the header holds " +
                                            std::to_string(bufferBytes) + " bytes");
        expected = e.end;
        previous = &e;
    }
    if (expected != bufferBytes)
        throw ParseError(source, 0, "tensor data ends at " + std::to_string(expected) +
                                        " but the buffer after the header holds " +
                                        std::to_string(bufferBytes) + " bytes");

    for (const auto& e : entries) {
        const unsigned char* bytes = base + dataStart + e.begin;
        const bool aligned = reinterpret_cast<uintptr_t>(bytes) % alignof(float) == 0;
        Tensor t;
        if (e.dtype == DType::F32 && keepAlive && aligned) {
            t = Tensor::view(e.shape, reinterpret_cast<const float*>(bytes), keepAlive);
        } else {
            std::vector<float> values(size_t(e.count));  // bounded: its bytes are in the file
            convertToF32(e.dtype, bytes, values.size(), values.data());
            t = Tensor(e.shape, std::move(values));
        }
        t.setSourceDType(e.dtype);
        result.tensors.emplace(e.name, std::move(t));
    }
    return result;
}

// A read-only private mapping of a whole file, unmapped when the last holder lets go.
std::shared_ptr<const void> mapFile(const fs::path& path, size_t& size) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw io::FileError(path.string() + ": cannot open: " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw io::FileError(path.string() + ": not a regular file");
    }
    size = size_t(st.st_size);
    if (size == 0) {
        ::close(fd);
        return nullptr;  // mmap refuses empty files; the parser reports the short file
    }
    void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    const int mapErrno = errno;
    ::close(fd);
    if (map == MAP_FAILED)
        throw io::FileError(path.string() + ": cannot map: " + std::strerror(mapErrno));
    return std::shared_ptr<const void>(map, [size](const void* p) {
        ::munmap(const_cast<void*>(p), size);
    });
}

bool isPlainFileName(const std::string& name) {
    return !name.empty() && name != "." && name != ".." &&
           name.find_first_of("/\\") == std::string::npos;
}

bool endsWith(const std::string& s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

SafeTensors readSafeTensors(const fs::path& path) {
    size_t size = 0;
    const auto map = mapFile(path, size);
    static const unsigned char kNoBytes = 0;
    const auto* base = map ? static_cast<const unsigned char*>(map.get()) : &kNoBytes;
    return parseImage(base, size, path.string(), map);
}

SafeTensors readSafeTensorsFromBytes(std::string_view bytes, const std::string& sourceName) {
    auto copy = std::make_shared<const std::string>(bytes);
    const auto* base = reinterpret_cast<const unsigned char*>(copy->data());
    return parseImage(base, copy->size(), sourceName, copy);
}

SafeTensors readShardedSafeTensors(const fs::path& indexPath) {
    const std::string source = indexPath.string();
    json index;
    try {
        index = json::parse(io::readFileBytes(indexPath, kMaxSafeTensorsHeaderBytes));
    } catch (const json::exception& e) {
        throw ParseError(source, 0, std::string("index is not valid JSON: ") + e.what());
    }
    if (!index.is_object()) throw ParseError(source, 0, "index is not a JSON object");
    const auto weightMap = index.find("weight_map");
    if (weightMap == index.end() || !weightMap->is_object())
        throw ParseError(source, 0, "index has no \"weight_map\" object");

    std::map<std::string, std::vector<std::string>> namesByShard;
    for (const auto& [name, shard] : weightMap->items()) {
        if (!shard.is_string())
            throw ParseError(source, 0, tensorWhere(name) + "shard name is not a string");
        const auto& file = shard.get_ref<const std::string&>();
        if (!isPlainFileName(file))
            throw ParseError(source, 0, tensorWhere(name) + "shard \"" + file +
                                            "\" is not a file name in the index's folder");
        namesByShard[file].push_back(name);
    }

    const fs::path folder = indexPath.has_parent_path() ? indexPath.parent_path() : fs::path(".");
    SafeTensors result;
    for (auto& [file, names] : namesByShard) {
        const fs::path shardPath = folder / file;
        std::error_code ec;
        if (!fs::is_regular_file(shardPath, ec))
            throw ParseError(source, 0, "shard \"" + file + "\" (holding tensor \"" +
                                            names.front() + "\") does not exist in " +
                                            folder.string());
        SafeTensors shard = readSafeTensors(shardPath);
        for (const auto& name : names) {
            auto it = shard.tensors.find(name);
            if (it == shard.tensors.end())
                throw ParseError(source, 0, tensorWhere(name) + "mapped to shard \"" + file +
                                                "\", which does not hold it");
            result.tensors.emplace(name, std::move(it->second));
        }
        result.metadata.merge(shard.metadata);
    }
    return result;
}

SafeTensors loadSafeTensors(const fs::path& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        if (fs::is_regular_file(path / kSafeTensorsIndexName, ec))
            return readShardedSafeTensors(path / kSafeTensorsIndexName);
        return readSafeTensors(path / "model.safetensors");
    }
    if (endsWith(path.filename().string(), ".index.json")) return readShardedSafeTensors(path);
    return readSafeTensors(path);
}

std::string writeSafeTensorsToBytes(const std::map<std::string, Tensor>& tensors,
                                    const std::map<std::string, std::string>& metadata,
                                    const std::map<std::string, DType>& dtypes) {
    for (const auto& [name, dtype] : dtypes)
        if (!tensors.count(name))
            throw std::invalid_argument("dtype given for tensor \"" + name + "\", which is not written");
    if (tensors.count("__metadata__"))
        throw std::invalid_argument("a tensor cannot be named \"__metadata__\"");

    auto dtypeOf = [&](const std::string& name) {
        const auto it = dtypes.find(name);
        return it == dtypes.end() ? DType::F32 : it->second;
    };
    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    if (!metadata.empty()) header["__metadata__"] = metadata;
    uint64_t offset = 0;
    for (const auto& [name, t] : tensors) {  // std::map order: ascending by bytes of the name
        const DType dtype = dtypeOf(name);
        const uint64_t bytes = uint64_t(t.size()) * dtypeSize(dtype);
        header[name] = {{"dtype", dtypeName(dtype)},
                        {"shape", t.shape()},
                        {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
    }
    std::string headerText;
    try {
        headerText = header.dump();
    } catch (const nlohmann::json::exception& e) {
        throw std::invalid_argument(std::string("tensor names and metadata must be UTF-8: ") + e.what());
    }
    // Padding keeps the buffer 8-byte aligned in the file; JSON allows trailing spaces.
    headerText.append((8 - headerText.size() % 8) % 8, ' ');

    std::string out(kLengthPrefixBytes + headerText.size() + size_t(offset), '\0');
    const uint64_t headerBytes = headerText.size();
    for (size_t i = 0; i < kLengthPrefixBytes; ++i) out[i] = char((headerBytes >> (8 * i)) & 0xffu);
    std::memcpy(out.data() + kLengthPrefixBytes, headerText.data(), headerText.size());
    char* data = out.data() + kLengthPrefixBytes + headerText.size();
    for (const auto& [name, t] : tensors) {
        const DType dtype = dtypeOf(name);
        convertFromF32(dtype, t.data(), t.size(), data);
        data += t.size() * dtypeSize(dtype);
    }
    return out;
}

void writeSafeTensors(const fs::path& path, const std::map<std::string, Tensor>& tensors,
                      const std::map<std::string, std::string>& metadata,
                      const std::map<std::string, DType>& dtypes) {
    io::writeFileAtomically(path, writeSafeTensorsToBytes(tensors, metadata, dtypes));
}

}  // namespace gts::checkpoint
