#pragma once
// Node-level model families behind one interface: models whose tokens are the graph's nodes
// (Dwivedi–Bresson's Graph Transformer, GraphGPS, graph-masked variants). The window, the
// interpretability analyses (ablation, pruning, head statistics) and the CLI talk to a family
// through NodeLevelModel; each family lives in its own file (GraphTransformer.h, GraphGps.h)
// and registers its loader in NodeModel.cpp.
//
// Attention of a node-level run is a dense [heads, N, N] per layer: [h, i, j] the weight
// destination node i gives source node j (rows are destinations, zero where no message runs),
// the same orientation as GraphGPT's [heads, query, key], so every attention view reads both.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "graph/Graph.h"
#include "tensor/Tensor.h"

namespace gts::model {

/// How the model's output is read, for the output change of ablation and pruning: a regression
/// (|Δy|), a single-label classification (KL of the softmax) or a multi-label one (Bernoulli
/// KL of the sigmoids). config.json "objective": "regression" | "classification" | "multilabel".
enum class NodeObjective : uint8_t { Regression, Classification, MultiLabel };
const char* nodeObjectiveName(NodeObjective o);  // "regression", ...
/// Parses an "objective" value; std::invalid_argument naming the accepted values otherwise.
NodeObjective parseNodeObjective(const std::string& text);

/// What the window and `gtscope-cli info` show of a node-level model.
struct NodeModelSummary {
    std::string family;       ///< config.json model_type: "graph_transformer", "graphgps", ...
    std::string familyName;   ///< "Graph Transformer (Dwivedi & Bresson)"
    std::string attention;    ///< what the heads attend over: "neighbours", "all node pairs", ...
    int numLayers = 0;
    /// Attention heads per layer (a layer without attention, e.g. an MPNN-only GraphGPS layer,
    /// still counts its heads: they capture zeros).
    int numHeads = 0;
    int hiddenDim = 0;
    bool nodeTask = false;  ///< outputs per node ([N, numOutputs]) instead of per graph
    int numOutputs = 1;
    NodeObjective objective = NodeObjective::Regression;
    int64_t parameters = 0;
};

struct NodeRunOptions {
    /// Per layer and head attention as dense [heads, N, N] (see the top of this file).
    bool captureAttention = false;
    /// Node states after each layer [N, d].
    bool captureNodeStates = false;
    /// Layers to capture (empty: all).
    std::vector<int> captureLayers;
    /// headMask[l][h] == true zeroes head h of layer l's attention output before the output
    /// projection. Missing entries mean not masked.
    std::vector<std::vector<bool>> headMask;
    /// keepNodes[l] (present and non-empty): the nodes that remain from layer l on; removed
    /// ones stay removed. A removed node sends and receives no message, its state is zero from
    /// then on, a graph readout skips it and its node-task output row is zero.
    std::vector<std::vector<uint32_t>> keepNodes;
    /// Checked between layers; a set flag throws RunCancelled (Run.h).
    const std::atomic<bool>* cancel = nullptr;
};

struct NodeLayerCapture {
    Tensor attention;   ///< [heads, N, N] with captureAttention
    Tensor nodeStates;  ///< [N, d] with captureNodeStates
    /// 1 for the nodes present in this layer.
    std::vector<uint8_t> present;
};

struct NodeRunResult {
    /// Graph task: [num_outputs]; node task: [N, num_outputs].
    Tensor output;
    /// Captured layers (others have empty tensors), one entry per layer.
    std::vector<NodeLayerCapture> layers;
    /// The directed messages attention ran over (source → destination), for drawing attention
    /// on the graph's edges; empty for all-pairs attention.
    std::vector<uint32_t> messageSource, messageTarget;
};

/// Multiply-adds of one run, for pruning's "FLOPs saved". nodesPerLayer[l]: the nodes present
/// in layer l (a family counts its messages from the graph and the kept nodes).
class NodeLevelModel {
public:
    virtual ~NodeLevelModel() = default;
    virtual const NodeModelSummary& summary() const = 0;
    virtual const std::filesystem::path& folder() const = 0;
    virtual const std::filesystem::path& weightsPath() const = 0;
    /// Runs on a graph. Throws std::invalid_argument naming what is wrong (a missing input
    /// attribute, a category out of range, a bad mask or keep-set, a graph past a limit).
    virtual NodeRunResult run(const Graph& graph, const NodeRunOptions& options) const = 0;
    /// Floating-point operations (2 per multiply-add) of a run on `graph` keeping
    /// keepNodes[l] in layer l (empty: every node), for pruning's FLOPs saved.
    virtual double flops(const Graph& graph, const std::vector<std::vector<uint32_t>>& keepNodes) const = 0;
};

/// True when `path` (a model folder, or a weights file beside its config.json) has a config.json
/// naming a node-level family. False when there is no config.json or it is not JSON.
bool isNodeLevelModelPath(const std::filesystem::path& path);

/// Loads a node-level model of any registered family. Throws io::FileError / io::ParseError
/// naming the file and what is wrong; std::invalid_argument for a config naming no family.
std::shared_ptr<const NodeLevelModel> loadNodeLevelModel(const std::filesystem::path& path);

}  // namespace gts::model
