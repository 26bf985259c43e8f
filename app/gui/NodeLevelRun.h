#pragma once
// Node-level models (tokens are the graph's nodes: Dwivedi–Bresson's Graph Transformer, …) in
// the window's terms: a token sequence with one position per node and a RunResult whose layers
// hold the [heads, N, N] attention, so every linked view — canvas, sequence strip, matrix, head
// grid, per-head statistics, export, sessions — shows them as it shows GraphGPT's runs
// (InspectionData::nodeTokens draws the attention straight on the graph's nodes and edges).

#include <memory>

#include "graph/Graph.h"
#include "model/GraphTransformer.h"
#include "model/Run.h"
#include "tokenize/TokenSequence.h"

namespace gts {

/// Position i = node i, one token: the element symbol of an atom, else the node's key, else
/// its index; provenance Node, first visit.
TokenSequence nodeTokenSequence(const Graph& graph);

/// The Graph Transformer's run as a RunResult: layer l's attention [heads, N, N] (rows are
/// destinations), positions 0 … N−1; logits = the graph output [num_outputs], or for a node
/// task tokenLogits = [N, num_outputs] and logits the mean over nodes; hidden = the last
/// captured node states when there are any.
model::RunResult nodeRunResult(const model::GtRunResult& run, const model::GraphTransformerConfig& config,
                               size_t nodeCount);

}  // namespace gts
