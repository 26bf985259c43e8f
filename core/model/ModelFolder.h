#pragma once
// A GraphGPT model on disk: a folder with config.json, weights, GraphGPT's vocab, and
// optionally tokenization.json.
//
// Weights, first found: model.safetensors.index.json (sharded), model.safetensors,
// pytorch_model.bin, model.pt (torch zip state dicts). Vocab, first found: "vocab",
// "vocab.txt", the only "*.vocab" file. A weights file given directly (model.pt,
// x.safetensors) uses the config.json / vocab / tokenization.json beside it.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "model/GraphGptConfig.h"
#include "model/GraphGptWeights.h"
#include "tokenize/TokenSequence.h"
#include "tokenize/Vocab.h"

namespace gts::model {

struct ModelFiles {
    std::filesystem::path folder;
    std::filesystem::path config;                     ///< config.json
    std::filesystem::path weights;                    ///< .safetensors / index / .bin / .pt
    std::optional<std::filesystem::path> vocab;
    std::optional<std::filesystem::path> tokenization;
};

/// True for what commands treat as a model rather than a graph: a folder holding config.json or
/// one of the weight files above, or a file named like a checkpoint (.safetensors, *.index.json, .pt, .pth, .bin).
bool isModelPath(const std::filesystem::path& path);

/// Finds the files of a model folder (or beside a weights file). Throws io::FileError naming
/// what is missing and where it was looked for.
ModelFiles locateModelFiles(const std::filesystem::path& path);

/// A loaded GraphGPT model: immutable once loaded, shared by runs on any thread.
struct GraphGptModel {
    ModelFiles files;
    GraphGptConfig config;
    GraphGptWeights weights;
    /// Empty when the folder has no vocab (runs then need ids).
    Vocab vocab;
    bool hasVocab = false;
    /// tokenization.json, or GraphGPT's pcqm4m-v2 defaults when absent.
    TokenizeOptions tokenization;
    bool hasTokenizationFile = false;
    /// The checkpoint's tensors (views into the file mapping for F32 safetensors).
    std::map<std::string, Tensor> tensors;
};

/// Loads a model folder (or weights file). Throws io::FileError / io::ParseError naming the
/// file and what is wrong (missing tensor, shape mismatch, bad config field, ...).
std::shared_ptr<const GraphGptModel> loadGraphGptModel(const std::filesystem::path& path);

/// Reads a checkpoint's tensors by file type (.safetensors, index.json, folder, or torch zip).
std::map<std::string, Tensor> readCheckpointTensors(const std::filesystem::path& path);

}  // namespace gts::model
