#pragma once
// Node-level models (NodeModel.h: tokens are the graph's nodes) in the terms the views and
// analyses already speak: a token sequence with one position per node, a RunResult whose layers
// hold [heads, n_l, n_l] attention over the nodes present, and the interpretability analyses —
// head/layer ablation, Zero-TPrune on nodes, masked runs — with the output measure the model's
// objective calls for.

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "analysis/Ablation.h"
#include "analysis/Pruning.h"
#include "graph/Graph.h"
#include "model/NodeModel.h"
#include "model/Run.h"
#include "tokenize/TokenSequence.h"

namespace gts::analysis {

/// Position i = node i, one token: the element symbol of an atom, else the node's key, else
/// its index; provenance Node, first visit.
TokenSequence nodeTokenSequence(const Graph& graph);

/// A node-level run as a RunResult: positions are node indices; each captured layer l holds
/// the nodes present in it (`positions`, increasing), its attention [heads, n_l, n_l] and its
/// node states [n_l, d] as `residual`; logits = the graph output [num_outputs], or for a node
/// task tokenLogits = [n_final, num_outputs] (rows of the remaining nodes) and logits their
/// mean; hidden = the last captured node states of the remaining nodes.
model::RunResult nodeRunResult(const model::NodeRunResult& run, const model::NodeModelSummary& summary,
                               size_t nodeCount);

/// A node-level output read by the model's objective, row by row (a graph task's output is
/// one row): classification → the softmax of the row, multi-label → a sigmoid per output,
/// regression → the values as they are. predicted[r] is the row's most probable class
/// (classification only; -1 otherwise; ties go to the lower class).
struct NodePredictions {
    int64_t rows = 0, outputs = 0;
    std::vector<float> values;        ///< [rows × outputs]
    std::vector<int32_t> predicted;   ///< [rows]
    const float* row(int64_t r) const { return values.data() + r * outputs; }
};
/// `output` is [num_outputs] (one row) or [rows, num_outputs]; anything else gives no rows.
NodePredictions nodePredictions(const Tensor& output, model::NodeObjective objective);

/// A node classifier's run as nodeRunResult gives it: each of the graph's nodeCount nodes'
/// predicted class (-1 for a node without an output row, e.g. pruned). Empty unless the model
/// is a node-task classifier and the run has its per-node outputs.
std::vector<int32_t> predictedNodeClasses(const model::RunResult& run, const model::NodeModelSummary& summary,
                                          size_t nodeCount);

/// A node regressor's run as nodeRunResult gives it: each node's first output (NaN for a node
/// without an output row, e.g. pruned). Empty unless the model is a node-task regressor and the
/// run has its per-node outputs.
std::vector<float> predictedNodeValues(const model::RunResult& run, const model::NodeModelSummary& summary,
                                       size_t nodeCount);

/// The measure of a model's output change by its objective: regression |Δy| (AbsoluteDelta),
/// classification KL of the softmax (Kl), multi-label Bernoulli KL (BernoulliKl).
OutputMeasure nodeOutputMeasure(const model::NodeModelSummary& summary);
/// The change between two runs' outputs. Graph task: the measure on the graph output. Node
/// task: its mean over the nodes present at the end of both runs (a removed node has no
/// prediction), 0 when none is.
double nodeOutputChange(const model::NodeModelSummary& summary, const model::NodeRunResult& full,
                        const model::NodeRunResult& changed);

/// One run per head (that head masked) and, with options.layers, one per layer with all of its
/// heads masked — a node-level layer cannot be skipped as a whole: its FFN still runs, so
/// layerChange is "the layer's attention removed". Runs in parallel (options.threads);
/// reuseActivations does not apply (every run starts from the inputs). Throws
/// model::RunCancelled when cancelled.
Ablation ablateNodes(const model::NodeLevelModel& model, const Graph& graph, const AblationOptions& options = {});

/// Zero-TPrune (or the random baseline) on nodes. Before each pruning layer l the model runs
/// with the keep-sets chosen so far and layer l − 1's attention over the present nodes gives
/// the I-stage importance (zeroTPruneImportance); the S-stage matches nodes by the cosine
/// similarity of their states entering layer l (the family's keys are a linear map of these);
/// nothing is protected. PruneResult: keep[l] the nodes present from layer l on (node indices,
/// as NodeRunOptions::keepNodes), dropped[l] the nodes removed before layer l, layerPositions
/// the nodes each layer runs on, FLOPs from NodeLevelModel::flops, full/pruned via
/// nodeRunResult, change = nodeOutputChange.
PruneResult pruneNodes(const model::NodeLevelModel& model, const Graph& graph, const PruneOptions& options);

/// pruneSweep's curves on nodes: Zero-TPrune and random (mean over options.randomSeeds) at
/// each keep ratio, means over the graphs.
std::vector<SweepPoint> pruneNodesSweep(const model::NodeLevelModel& model, const std::vector<const Graph*>& graphs,
                                        const SweepOptions& options);

/// A run with heads masked next to the full run.
struct NodeMaskedRun {
    model::RunResult full, masked;
    double change = 0.0;
};
NodeMaskedRun runNodesMasked(const model::NodeLevelModel& model, const Graph& graph,
                             const std::vector<std::vector<bool>>& headMask,
                             const std::atomic<bool>* cancel = nullptr);

}  // namespace gts::analysis
