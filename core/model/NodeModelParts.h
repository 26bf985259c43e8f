#pragma once
// What the node-level families (GraphTransformer.cpp, GraphGps.cpp) share, so that each file
// holds only its own architecture: config.json fields read with errors that name the field,
// a model folder's files found and read, state-dict tensors bound with shape checks, eval-mode
// BatchNorm and Linear layers, and node/edge inputs read from the graph's attributes with
// errors that name the element. Internal to core/model: not part of the library's interface.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "graph/Attributes.h"
#include "model/GraphTransformer.h"
#include "model/NodeModel.h"
#include "tensor/Tensor.h"

namespace gts::model::parts {

using json = nlohmann::json;
using RowMatrix = Tensor::RowMatrix;

// config.json -------------------------------------------------------------------------------

/// Throws io::ParseError(source, 0, what).
[[noreturn]] void configError(const std::string& source, const std::string& what);
/// An integer field >= minimum (and <= INT_MAX / 4); `fallback` when absent, or an error
/// "missing field" when there is none.
int intField(const json& j, const std::string& name, const std::string& source, std::optional<int> fallback,
             int minimum);
bool boolField(const json& j, const std::string& name, const std::string& source, bool fallback);
std::string stringField(const json& j, const std::string& name, const std::string& source,
                        const std::string& fallback);
/// A string field (the last dotted part of `field`) that must be one of `accepted`; its index.
/// The error names the whole dotted field: `node_input.kind: "x" is not a, b or c`.
size_t choiceField(const json& j, const std::string& field, const std::string& source,
                   const std::vector<std::string>& accepted, const std::string& fallback);

// Model folders -----------------------------------------------------------------------------

/// A model path's files: a folder (weights: model.safetensors, model.pt, model.pth, model.pkl
/// or pytorch_model.bin, the first found; else the folder's one *.ckpt / *.pkl / *.pt / *.pth /
/// *.safetensors file, as training runs name them by epoch — several are an error naming them)
/// or a weights file with config.json beside it; the config parsed. Throws io::FileError (no such path, no weights, no config.json) and
/// io::ParseError (config.json is not JSON or over 1 MB).
/// (Not ModelFolder.h's ModelFiles: a GraphGPT folder has a vocabulary and tokenization, and
/// takes no epoch-named checkpoints.)
struct NodeModelFiles {
    std::filesystem::path folder, weightsPath, configPath;
    json config;
};
NodeModelFiles findModelFiles(const std::filesystem::path& path);
/// The tensors of a weights file: training checkpoints (.ckpt, .pkl) as torch zips, anything
/// else as ModelFolder.h's readCheckpointTensors reads it (safetensors, a sharded index, .pt,
/// .pth, .bin).
std::map<std::string, Tensor> readWeights(const std::filesystem::path& weightsPath);
/// True when `path`'s folder has a config.json that is JSON and that `isConfig` accepts.
bool folderConfigIs(const std::filesystem::path& path, bool (*isConfig)(const json&));

/// The summary fields every family's config has the same way (layers, heads, width, task,
/// outputs, objective) and the parameter count.
template <class Config>
void fillSummarySizes(NodeModelSummary& s, const Config& c, int64_t parameters) {
    s.numLayers = c.numLayers;
    s.numHeads = c.numHeads;
    s.hiddenDim = c.hiddenDim;
    s.nodeTask = c.task == GtTask::Node;
    s.numOutputs = c.numOutputs;
    s.objective = c.objective;
    s.parameters = parameters;
}

// Weights -----------------------------------------------------------------------------------

std::string shapeText(const Tensor::Shape& shape);

/// Looks tensors up by name, checks their shapes and remembers which were bound, so that a
/// tensor the configuration does not use can be refused (a checkpoint of another configuration).
class TensorBinder {
public:
    /// hint(name): a family's advice on what an unused tensor means ("" for none).
    using Hint = std::string (*)(const std::string& name);
    TensorBinder(const std::map<std::string, Tensor>& tensors, const std::string& source, Hint hint)
        : tensors_(tensors), source_(source), hint_(hint) {}

    bool has(const std::string& name) const { return tensors_.count(name) > 0; }
    /// The tensor `name` of exactly `shape`; io::ParseError naming it otherwise.
    Tensor need(const std::string& name, const Tensor::Shape& shape) const;
    /// name.weight [out, in] and, with bias, name.bias [out].
    LinearWeights linear(const std::string& name, int64_t out, int64_t in, bool bias = true) const;
    /// name.weight and name.bias [d]; BatchNorm also running_mean and running_var (checked >= 0).
    GtNormWeights norm(const std::string& name, int64_t d, GtNorm kind) const;
    /// Throws for the first tensor not bound (BatchNorm's num_batches_tracked excepted), with
    /// the family's hint.
    void requireAllUsed() const;

private:
    const std::map<std::string, Tensor>& tensors_;
    const std::string& source_;
    Hint hint_;
    mutable std::set<std::string> used_;
};

/// What every family checks of NodeRunOptions before a run on n nodes: the attention capture
/// within kMaxAttentionCaptureBytes per layer, head masks within the model's layers and heads,
/// keep-sets naming existing nodes. std::invalid_argument naming what is wrong.
void checkRunOptions(const NodeRunOptions& options, size_t n, int layers, int heads);

// Forward -----------------------------------------------------------------------------------

/// y = x Wᵀ + b for x [rows, in].
RowMatrix applyLinear(const RowMatrix& x, const LinearWeights& w);
/// BatchNorm1d in eval on the columns of x: (x − running_mean) / √(running_var + eps) · w + b.
void batchNormEval(RowMatrix& x, const GtNormWeights& n, float epsilon);

/// The output head on the final node states h [N, d]. A node task: the MLP (Linears with ReLU
/// between them) on every row, removed nodes' rows zero → [N, numOutputs]. A graph task: the
/// present nodes pooled by `readout`, then the MLP → [numOutputs]; std::invalid_argument when
/// no node is present. normalizeHidden: every hidden layer's output (after its ReLU) is scaled
/// to unit L2 norm per row, x / max(‖x‖, 1e-12), as GraphGym's MLP does (torch F.normalize).
Tensor applyOutputHead(const RowMatrix& h, const std::vector<uint8_t>& alive, GtTask task, GtReadout readout,
                       const std::vector<LinearWeights>& mlp, int64_t numOutputs, bool normalizeHidden = false);

/// The graph's attribute column a node or edge input reads (`scope`: "node" or "edge"), checked
/// against the spec; std::invalid_argument naming the attribute and what is wrong.
const AttrColumn& inputColumn(const AttrTable& table, const GtInputSpec& spec, const char* scope);
/// Element i's category (column value + offset) for an Embedding input, checked against
/// num_embeddings; std::invalid_argument naming the element when absent or out of range.
int64_t categoryOf(const AttrColumn& col, size_t i, const GtInputSpec& spec, const char* scope);
/// Element i's values as floats (col.width of them) for a Linear input.
void readReals(const AttrColumn& col, size_t i, const GtInputSpec& spec, const char* scope, float* out);

}  // namespace gts::model::parts
