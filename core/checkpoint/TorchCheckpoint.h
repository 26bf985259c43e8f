#pragma once
// PyTorch checkpoints (model.pt, pytorch_model.bin) in torch.save's zip format (torch >= 1.6):
// a zip holding `<prefix>/data.pkl`, the pickled state dict, and `<prefix>/data/<key>`, each
// storage's raw little-endian bytes.
//
// The pickle is read by a small VM that only builds values: dicts, lists, tuples, strings,
// numbers, and tensors through an allow-list of globals (collections.OrderedDict,
// torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter and the torch.*Storage
// types). Any other global is refused with an error naming it; loading never runs code.

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "tensor/Tensor.h"

namespace gts::checkpoint {

/// Reads the state dict of a torch zip checkpoint as f32 tensors by name (each remembers its
/// file dtype in Tensor::sourceDType(); strided tensors are copied out contiguously).
///
/// - When the top-level dict has a dict under "model", "state_dict" or "model_state", that dict
///   is used (training checkpoints such as {"model": ..., "epoch": ...}, or GraphGym's and
///   GraphGPS's {"epoch", "model_state", "optimizer_state", "scheduler_state"}).
/// - A leading "module." (left by DataParallel / DistributedDataParallel) is stripped from keys.
/// - Every value of the state dict must be a tensor.
///
/// Throws io::ParseError("<file>: what") on bad content or a refused global, and io::FileError
/// when the file cannot be read.
std::map<std::string, Tensor> readTorchCheckpoint(const std::filesystem::path& path);
/// The same over bytes in memory, named `sourceName` in errors.
std::map<std::string, Tensor> readTorchCheckpointFromBytes(std::string_view bytes,
                                                           const std::string& sourceName);

}  // namespace gts::checkpoint
