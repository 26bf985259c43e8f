#pragma once
// safetensors checkpoints: reading (memory-mapped, validated like the reference
// implementation), sharded checkpoints through model.safetensors.index.json, and writing.
//
// Format: an 8-byte little-endian header length N, N bytes of UTF-8 JSON
// {"__metadata__": {str: str}?, name: {"dtype", "shape", "data_offsets": [begin, end]}, ...},
// then the byte buffer; offsets are relative to the buffer start.

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "tensor/Tensor.h"

namespace gts::checkpoint {

/// The reference implementation's bound on the JSON header.
inline constexpr uint64_t kMaxSafeTensorsHeaderBytes = 100'000'000;
/// The file name of a sharded checkpoint's index.
inline constexpr const char* kSafeTensorsIndexName = "model.safetensors.index.json";

/// Tensors by name plus the string metadata of the file(s). F32 tensors read from a file are
/// read-only views into its mapping (which they keep alive); other dtypes are converted to f32
/// and remember their file dtype in Tensor::sourceDType().
struct SafeTensors {
    std::map<std::string, Tensor> tensors;
    std::map<std::string, std::string> metadata;
};

/// Reads one .safetensors file. Throws io::ParseError ("<file>: tensor "x": what") on bad
/// content and io::FileError when the file cannot be opened or mapped.
SafeTensors readSafeTensors(const std::filesystem::path& path);
/// Reads safetensors bytes held in memory, named `sourceName` in errors (tests, fuzzers).
/// The bytes are copied once into storage the tensors share; `bytes` need not outlive the result.
SafeTensors readSafeTensorsFromBytes(std::string_view bytes, const std::string& sourceName);
/// Reads a sharded checkpoint from its index ({"metadata": {...}, "weight_map": {name: file}});
/// shard files are looked up in the index's folder. Metadata is the union of the shards'
/// `__metadata__`. Errors name the index, the shard and the tensor.
SafeTensors readShardedSafeTensors(const std::filesystem::path& indexPath);
/// A folder (its model.safetensors.index.json, else model.safetensors), an index file
/// (*.index.json), or a single .safetensors file.
SafeTensors loadSafeTensors(const std::filesystem::path& path);

/// The bytes of a safetensors file holding `tensors` in name order (byte-wise ascending, which
/// is std::map's order), each stored as `dtypes[name]` (F32 when absent). The header lists
/// __metadata__ first (when not empty), then the tensors in the same order, and is padded with
/// spaces to a multiple of 8 bytes.
std::string writeSafeTensorsToBytes(const std::map<std::string, Tensor>& tensors,
                                    const std::map<std::string, std::string>& metadata = {},
                                    const std::map<std::string, DType>& dtypes = {});
/// Writes writeSafeTensorsToBytes(...) to `path` atomically (temporary file, then rename).
void writeSafeTensors(const std::filesystem::path& path,
                      const std::map<std::string, Tensor>& tensors,
                      const std::map<std::string, std::string>& metadata = {},
                      const std::map<std::string, DType>& dtypes = {});

}  // namespace gts::checkpoint
