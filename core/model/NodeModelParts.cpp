#include "model/NodeModelParts.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <system_error>

#include "checkpoint/TorchCheckpoint.h"
#include "io/GraphIO.h"
#include "model/ModelFolder.h"

namespace gts::model::parts {

namespace fs = std::filesystem;

namespace {

constexpr size_t kMaxConfigBytes = size_t(1) << 20;
constexpr const char* kConfigName = "config.json";
/// Weight files of a folder, in the order they are looked for.
constexpr const char* kWeightNames[] = {"model.safetensors", "model.pt", "model.pth", "model.pkl",
                                        "pytorch_model.bin"};

bool isRegularFile(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

fs::path folderOf(const fs::path& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) return path;
    return path.has_parent_path() ? path.parent_path() : fs::path(".");
}

}  // namespace

// config.json -------------------------------------------------------------------------------

void configError(const std::string& source, const std::string& what) {
    throw io::ParseError(source, 0, what);
}

int intField(const json& j, const std::string& name, const std::string& source, std::optional<int> fallback,
             int minimum) {
    if (!j.contains(name)) {
        if (!fallback) configError(source, "missing field \"" + name + "\"");
        return *fallback;
    }
    const json& v = j[name];
    if (!v.is_number_integer()) configError(source, "\"" + name + "\" must be an integer");
    const int64_t x = v.get<int64_t>();
    if (x < minimum || x > std::numeric_limits<int>::max() / 4)
        configError(source, "\"" + name + "\" is " + std::to_string(x) + ", expected at least " +
                                std::to_string(minimum));
    return int(x);
}

bool boolField(const json& j, const std::string& name, const std::string& source, bool fallback) {
    if (!j.contains(name)) return fallback;
    if (!j[name].is_boolean()) configError(source, "\"" + name + "\" must be true or false");
    return j[name].get<bool>();
}

std::string stringField(const json& j, const std::string& name, const std::string& source,
                        const std::string& fallback) {
    if (!j.contains(name)) return fallback;
    if (!j[name].is_string()) configError(source, "\"" + name + "\" must be a string");
    return j[name].get<std::string>();
}

size_t choiceField(const json& j, const std::string& field, const std::string& source,
                   const std::vector<std::string>& accepted, const std::string& fallback) {
    const std::string value = stringField(j, field.substr(field.rfind('.') + 1), source, fallback);
    for (size_t i = 0; i < accepted.size(); ++i)
        if (accepted[i] == value) return i;
    std::string list;
    for (size_t i = 0; i < accepted.size(); ++i)
        list += (i == 0 ? "" : i + 1 == accepted.size() ? " or " : ", ") + accepted[i];
    configError(source, field + ": \"" + value + "\" is not " + list);
}

// Model folders -----------------------------------------------------------------------------

NodeModelFiles findModelFiles(const fs::path& path) {
    NodeModelFiles f;
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        f.folder = path;
        for (const char* name : kWeightNames)
            if (isRegularFile(path / name)) {
                f.weightsPath = path / name;
                break;
            }
        if (f.weightsPath.empty()) {
            // Training runs name their checkpoints by epoch (GraphGPS: ckpt/<epoch>.ckpt, the
            // Graph Transformer repo: epoch_<n>.pkl): one such file is taken, several named.
            std::vector<fs::path> found;
            for (const auto& entry : fs::directory_iterator(path, ec)) {
                const std::string ext = entry.path().extension().string();
                if (isRegularFile(entry.path()) &&
                    (ext == ".ckpt" || ext == ".pkl" || ext == ".pt" || ext == ".pth" || ext == ".safetensors"))
                    found.push_back(entry.path());
            }
            std::sort(found.begin(), found.end());
            if (found.size() == 1) {
                f.weightsPath = found[0];
            } else if (found.empty()) {
                throw io::FileError(path.string() +
                                    ": no model weights (looked for model.safetensors, model.pt, "
                                    "model.pth, model.pkl, pytorch_model.bin, or one *.ckpt / *.pkl / "
                                    "*.pt / *.pth / *.safetensors)");
            } else {
                std::string names;
                for (size_t i = 0; i < found.size() && i < 6; ++i)
                    names += (i ? ", " : "") + found[i].filename().string();
                if (found.size() > 6) names += ", ...";
                throw io::FileError(path.string() + ": " + std::to_string(found.size()) +
                                    " weights files (" + names + "); open the one to use");
            }
        }
    } else if (isRegularFile(path)) {
        f.folder = folderOf(path);
        f.weightsPath = path;
    } else {
        throw io::FileError(path.string() + ": no such file or folder");
    }
    f.configPath = f.folder / kConfigName;
    if (!isRegularFile(f.configPath))
        throw io::FileError(f.configPath.string() + ": missing (a model needs its config.json)");
    try {
        f.config = json::parse(io::readFileBytes(f.configPath, kMaxConfigBytes));
    } catch (const json::exception& e) {  // parse_error, or out_of_range for a huge number
        throw io::ParseError(f.configPath.string(), 0, std::string("not JSON: ") + e.what());
    }
    return f;
}

std::map<std::string, Tensor> readWeights(const fs::path& weightsPath) {
    const std::string ext = weightsPath.extension().string();
    if (ext == ".ckpt" || ext == ".pkl") return checkpoint::readTorchCheckpoint(weightsPath);
    return readCheckpointTensors(weightsPath);
}

bool folderConfigIs(const fs::path& path, bool (*isConfig)(const json&)) {
    const fs::path config = folderOf(path) / kConfigName;
    if (!isRegularFile(config)) return false;
    try {
        return isConfig(json::parse(io::readFileBytes(config, kMaxConfigBytes)));
    } catch (const std::exception&) {
        return false;
    }
}

// Weights -----------------------------------------------------------------------------------

std::string shapeText(const Tensor::Shape& shape) {
    std::string out = "[";
    for (size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
    return out + "]";
}

Tensor TensorBinder::need(const std::string& name, const Tensor::Shape& shape) const {
    auto it = tensors_.find(name);
    if (it == tensors_.end()) throw io::ParseError(source_, 0, "missing tensor " + name);
    if (it->second.shape() != shape)
        throw io::ParseError(source_, 0,
                             "tensor " + name + ": expected shape " + shapeText(shape) + ", found " +
                                 shapeText(it->second.shape()));
    used_.insert(name);
    return it->second;
}

LinearWeights TensorBinder::linear(const std::string& name, int64_t out, int64_t in, bool bias) const {
    LinearWeights w;
    w.weight = need(name + ".weight", {out, in});
    if (bias) w.bias = need(name + ".bias", {out});
    return w;
}

GtNormWeights TensorBinder::norm(const std::string& name, int64_t d, GtNorm kind) const {
    GtNormWeights n;
    n.weight = need(name + ".weight", {d});
    n.bias = need(name + ".bias", {d});
    if (kind == GtNorm::Batch) {
        n.runningMean = need(name + ".running_mean", {d});
        n.runningVar = need(name + ".running_var", {d});
        for (size_t i = 0; i < n.runningVar.size(); ++i)
            if (!(n.runningVar.data()[i] >= 0.0f))
                throw io::ParseError(source_, 0,
                                     "tensor " + name + ".running_var: element " + std::to_string(i) +
                                         " is negative or NaN");
    }
    return n;
}

void TensorBinder::requireAllUsed() const {
    for (const auto& [name, tensor] : tensors_) {
        if (used_.count(name) || name.ends_with("num_batches_tracked")) continue;
        throw io::ParseError(source_, 0,
                             "tensor " + name + " is not part of the configured model" + (hint_ ? hint_(name) : ""));
    }
}

// Forward -----------------------------------------------------------------------------------

void checkRunOptions(const NodeRunOptions& options, size_t n, int layers, int heads) {
    if (options.captureAttention && uint64_t(heads) * n * n * sizeof(float) > kMaxAttentionCaptureBytes)
        throw std::invalid_argument("capturing attention of " + std::to_string(n) + " nodes x " +
                                    std::to_string(heads) + " heads needs more than " +
                                    std::to_string(kMaxAttentionCaptureBytes >> 20) +
                                    " MiB per layer (dense [heads, N, N])");
    for (size_t l = 0; l < options.headMask.size(); ++l) {
        if (l >= size_t(layers) && !options.headMask[l].empty())
            throw std::invalid_argument("head mask for layer " + std::to_string(l) + "; the model has " +
                                        std::to_string(layers) + " layers");
        if (options.headMask[l].size() > size_t(heads))
            throw std::invalid_argument("head mask for layer " + std::to_string(l) + " lists " +
                                        std::to_string(options.headMask[l].size()) + " heads; the model has " +
                                        std::to_string(heads));
    }
    for (size_t l = 0; l < options.keepNodes.size(); ++l)
        for (uint32_t v : options.keepNodes[l])
            if (v >= n)
                throw std::invalid_argument("keep-set of layer " + std::to_string(l) + " names node " +
                                            std::to_string(v) + "; the graph has " + std::to_string(n));
}

RowMatrix applyLinear(const RowMatrix& x, const LinearWeights& w) {
    RowMatrix y = x * w.weight.matrix().transpose();
    if (w.bias) y.rowwise() += w.bias->flat().transpose();
    return y;
}

void batchNormEval(RowMatrix& x, const GtNormWeights& n, float epsilon) {
    const auto w = n.weight.flat(), b = n.bias.flat();
    const auto mean = n.runningMean.flat(), var = n.runningVar.flat();
    for (Eigen::Index c = 0; c < x.cols(); ++c) {
        const float scale = w[c] / std::sqrt(var[c] + epsilon);
        x.col(c) = ((x.col(c).array() - mean[c]) * scale + b[c]).matrix();
    }
}

Tensor applyOutputHead(const RowMatrix& h, const std::vector<uint8_t>& alive, GtTask task, GtReadout readout,
                       const std::vector<LinearWeights>& mlp, int64_t numOutputs, bool normalizeHidden) {
    const auto run = [&](RowMatrix x) {
        for (size_t k = 0; k < mlp.size(); ++k) {
            x = applyLinear(x, mlp[k]);
            if (k + 1 == mlp.size()) break;
            x = x.cwiseMax(0.0f);
            if (normalizeHidden)
                for (Eigen::Index r = 0; r < x.rows(); ++r) x.row(r) /= std::max(x.row(r).norm(), 1e-12f);
        }
        return x;
    };
    const size_t n = size_t(h.rows());
    if (task == GtTask::Node) {
        RowMatrix out = run(h);
        for (size_t i = 0; i < n; ++i)
            if (!alive[i]) out.row(Eigen::Index(i)).setZero();
        Tensor t({int64_t(n), numOutputs});
        t.mutableMatrix() = out;
        return t;
    }
    RowMatrix pooled = RowMatrix::Zero(1, h.cols());
    size_t count = 0;
    for (size_t i = 0; i < n; ++i) {
        if (!alive[i]) continue;
        const auto row = h.row(Eigen::Index(i));
        if (readout == GtReadout::Max)
            pooled = count == 0 ? RowMatrix(row) : RowMatrix(pooled.cwiseMax(row));
        else
            pooled += row;
        ++count;
    }
    if (count == 0) throw std::invalid_argument("the keep-sets remove every node; nothing to read out");
    if (readout == GtReadout::Mean) pooled /= float(count);
    const RowMatrix out = run(pooled);
    return Tensor({numOutputs}, std::vector<float>(out.data(), out.data() + out.size()));
}

const AttrColumn& inputColumn(const AttrTable& table, const GtInputSpec& spec, const char* scope) {
    const AttrColumn* col = table.find(spec.attribute);
    if (!col)
        throw std::invalid_argument(std::string("the graph has no ") + scope + " attribute \"" + spec.attribute +
                                    "\" (the model's " + scope + " input)");
    if (spec.kind == GtInputKind::Embedding) {
        if (col->kind != AttrKind::Discrete)
            throw std::invalid_argument(std::string(scope) + " attribute \"" + spec.attribute + "\" is " +
                                        attrKindName(col->kind) + "; the model embeds it and needs discrete categories");
        if (uint32_t(spec.column) >= col->width)
            throw std::invalid_argument(std::string(scope) + " attribute \"" + spec.attribute + "\" has " +
                                        std::to_string(col->width) + " values per element; the model reads column " +
                                        std::to_string(spec.column));
    } else {
        if (col->kind == AttrKind::String)
            throw std::invalid_argument(std::string(scope) + " attribute \"" + spec.attribute +
                                        "\" holds strings; the model needs numbers");
        if (col->width != uint32_t(spec.width))
            throw std::invalid_argument(std::string(scope) + " attribute \"" + spec.attribute + "\" has width " +
                                        std::to_string(col->width) + "; the model reads " + std::to_string(spec.width));
    }
    return *col;
}

namespace {

void requireValue(const AttrColumn& col, size_t i, const GtInputSpec& spec, const char* scope) {
    if (!col.has(i))
        throw std::invalid_argument(std::string(scope) + " " + std::to_string(i) + " has no value for attribute \"" +
                                    spec.attribute + "\"");
}

}  // namespace

int64_t categoryOf(const AttrColumn& col, size_t i, const GtInputSpec& spec, const char* scope) {
    requireValue(col, i, spec, scope);
    const int64_t cat = col.intAt(i, uint32_t(spec.column)) + spec.offset;
    if (cat < 0 || cat >= spec.numEmbeddings)
        throw std::invalid_argument(std::string(scope) + " " + std::to_string(i) + ": attribute \"" + spec.attribute +
                                    "\" gives category " + std::to_string(cat) + ", outside the model's 0.." +
                                    std::to_string(spec.numEmbeddings - 1));
    return cat;
}

void readReals(const AttrColumn& col, size_t i, const GtInputSpec& spec, const char* scope, float* out) {
    requireValue(col, i, spec, scope);
    for (uint32_t k = 0; k < col.width; ++k)
        out[k] = col.kind == AttrKind::Continuous ? float(col.realAt(i, k)) : float(col.intAt(i, k));
}

}  // namespace gts::model::parts
