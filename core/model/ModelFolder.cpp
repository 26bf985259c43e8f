#include "model/ModelFolder.h"

#include <system_error>
#include <vector>

#include "checkpoint/SafeTensors.h"
#include "checkpoint/TorchCheckpoint.h"
#include "io/GraphIO.h"

namespace gts::model {

namespace fs = std::filesystem;

namespace {

constexpr const char* kConfigName = "config.json";
constexpr const char* kTokenizationName = "tokenization.json";
/// Weight files of a folder, in the order they are looked for.
constexpr const char* kWeightNames[] = {checkpoint::kSafeTensorsIndexName, "model.safetensors",
                                        "pytorch_model.bin", "model.pt"};
constexpr const char* kVocabNames[] = {"vocab", "vocab.txt"};
/// Bound on config.json and tokenization.json (real ones are a few KB).
constexpr size_t kMaxSmallFileBytes = size_t(16) << 20;

bool isFile(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

bool endsWith(const std::string& s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool isTorchFile(const fs::path& p) {
    const std::string ext = p.extension().string();
    return ext == ".pt" || ext == ".bin" || ext == ".pth";
}

bool isWeightsFile(const fs::path& p) {
    const std::string name = p.filename().string();
    return isTorchFile(p) || p.extension() == ".safetensors" || endsWith(name, ".index.json");
}

std::optional<fs::path> findVocab(const fs::path& folder) {
    for (const char* name : kVocabNames)
        if (isFile(folder / name)) return folder / name;
    std::vector<fs::path> candidates;
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec))
        if (it->path().extension() == ".vocab" && isFile(it->path())) candidates.push_back(it->path());
    if (candidates.size() == 1) return candidates[0];
    return std::nullopt;
}

}  // namespace

bool isModelPath(const fs::path& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        if (isFile(path / kConfigName)) return true;
        for (const char* name : kWeightNames)
            if (isFile(path / name)) return true;
        return false;
    }
    return isWeightsFile(path);
}

ModelFiles locateModelFiles(const fs::path& path) {
    std::error_code ec;
    ModelFiles files;
    if (fs::is_directory(path, ec)) {
        files.folder = path;
        for (const char* name : kWeightNames)
            if (isFile(path / name)) {
                files.weights = path / name;
                break;
            }
        if (files.weights.empty())
            throw io::FileError(path.string() + ": no model weights (looked for " +
                                std::string(kWeightNames[0]) + ", " + kWeightNames[1] + ", " +
                                kWeightNames[2] + ", " + kWeightNames[3] + ")");
    } else if (isFile(path)) {
        if (!isWeightsFile(path))
            throw io::FileError(path.string() + ": not a model folder or weights file "
                                "(.safetensors, .safetensors.index.json, .pt, .bin)");
        files.folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
        files.weights = path;
    } else {
        throw io::FileError(path.string() + ": no such file or folder");
    }
    files.config = files.folder / kConfigName;
    if (!isFile(files.config))
        throw io::FileError(files.config.string() + ": missing (a model needs its config.json "
                            "beside the weights)");
    files.vocab = findVocab(files.folder);
    if (isFile(files.folder / kTokenizationName)) files.tokenization = files.folder / kTokenizationName;
    return files;
}

std::map<std::string, Tensor> readCheckpointTensors(const fs::path& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        for (const char* name : kWeightNames)
            if (isFile(path / name)) return readCheckpointTensors(path / name);
        throw io::FileError(path.string() + ": no checkpoint in this folder");
    }
    if (isTorchFile(path)) return checkpoint::readTorchCheckpoint(path);
    const std::string name = path.filename().string();
    if (path.extension() == ".safetensors" || endsWith(name, ".index.json"))
        return checkpoint::loadSafeTensors(path).tensors;
    throw io::FileError(path.string() + ": not a checkpoint (.safetensors, .index.json, .pt, .bin)");
}

std::shared_ptr<const GraphGptModel> loadGraphGptModel(const fs::path& path) {
    auto model = std::make_shared<GraphGptModel>();
    model->files = locateModelFiles(path);
    const ModelFiles& f = model->files;

    model->config = parseGraphGptConfigText(io::readFileBytes(f.config, kMaxSmallFileBytes),
                                            f.config.string());
    if (f.vocab) {
        model->vocab = Vocab::read(*f.vocab);
        model->hasVocab = true;
        if (model->vocab.maxId() >= model->config.vocabSize)
            throw io::ParseError(f.vocab->string(), 0,
                                 "vocab holds id " + std::to_string(model->vocab.maxId()) +
                                     " but config.json has vocab_size " +
                                     std::to_string(model->config.vocabSize) + " (" +
                                     f.config.string() + ")");
    }
    if (f.tokenization) {
        model->tokenization = parseTokenizationJson(
            io::readFileBytes(*f.tokenization, kMaxSmallFileBytes), f.tokenization->string());
        model->hasTokenizationFile = true;
    }
    model->tensors = readCheckpointTensors(f.weights);
    model->weights = bindGraphGptWeights(model->tensors, model->config, f.weights.string());
    return model;
}

}  // namespace gts::model
