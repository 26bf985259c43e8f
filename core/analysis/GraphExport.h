#pragma once
// What GTScope computed, written onto the input graph as node and edge attributes, so a graph
// file (GraphML, GEXF, GML, node-link JSON) carries attention, saliency and pruning results on
// to Gephi, Cytoscape or networkx. Column names are fixed (documented per function) and
// prefixed so they never collide with the graph's own attributes.

#include <string>

#include "analysis/AttentionView.h"
#include "analysis/Pruning.h"
#include "analysis/Saliency.h"
#include "graph/Graph.h"
#include "tokenize/TokenSequence.h"

namespace gts::analysis {

/// Continuous columns `<prefix>` on nodes (attention received by the node: GraphAttention::node)
/// and on edges (GraphAttention::edge). Throws std::invalid_argument on mismatched sizes.
void addAttentionAttributes(Graph& graph, const GraphAttention& attention, const std::string& prefix = "gts_attention");

/// Continuous columns `<prefix>` on nodes and edges (Saliency::node / edge).
void addSaliencyAttributes(Graph& graph, const Saliency& saliency, const std::string& prefix = "gts_saliency");

/// Discrete columns `gts_pruned_layer` on nodes and edges: the layer before which the last of
/// the element's positions was dropped (it takes part in layers 0..value-1 only); absent for an
/// element some position of which survives every layer, or that no position stands for.
/// `kept`, a continuous column `gts_kept_fraction`: the fraction of the element's
/// (position, layer) pairs that ran.
void addPruningAttributes(Graph& graph, const TokenSequence& tokens, const PruneResult& pruned);

}  // namespace gts::analysis
