#pragma once
// The Graph Transformer of Dwivedi & Bresson ("A Generalization of Transformer Networks to
// Graphs", AAAI-21 workshop on Deep Learning on Graphs, arXiv:2012.09699; public code
// graphdeeplearning/graphtransformer): a node-level transformer whose tokens are the graph's
// nodes, attending over neighbours ("sparse graph") or all node pairs ("full graph").
//
// Per layer l, for every destination node i and each incoming message from source j (paper
// eq. 4–5 and 9–11; layers/graph_transformer_layer.py and graph_transformer_edge_layer.py):
//   without edge features: s^h_ij = exp(clamp(Q^h h_i · K^h h_j / √d_k, −5, 5))
//   with edge features:    t^h_ij = (Q^h h_i ⊙ K^h h_j / √d_k) ⊙ E^h e_ij   (d_k-vector)
//                          s^h_ij = exp(clamp(Σ_k t^h_ij[k], −5, 5))
//   ĥ^h_i = Σ_j s^h_ij V^h h_j / (Σ_j s^h_ij + ε)  with ε = 1e-6 with edge features (the
//           edge layer's wV / (z + 1e-6)) and ε = 0 without (graph_transformer_layer.py's
//           wV / z; a node without incoming messages, 0/0 = NaN there, gets 0 here). No max
//           subtraction: the clamp bounds exp.
//   h = norm1(h + O_h concat_h ĥ^h);  h = norm2(h + W2 relu(W1 h))   (W1: d→2d, W2: 2d→d)
//   with edge features the edge stream does the same with its own weights on
//   ê_ij = concat_h t^h_ij:  e = norm1_e(e + O_e ê);  e = norm2_e(e + W2_e relu(W1_e e)).
// Residual before norm, norm after each block, as the repo orders them. Eval mode: dropout is
// the identity, BatchNorm1d uses running statistics (eps 1e-5 both for it and LayerNorm).
//
// Input (graph_transformer_net.py): h⁰ = embedding_h(node input) + embedding_lap_pos_enc(LapPE)
// (LapPE only when lap_pe_dim > 0); e⁰ = embedding_e(edge input). Output: a readout (mean, sum
// or max over nodes) then MLPReadout (layers/mlp_readout_layer.py: widths d, d/2, …, d/2^L,
// ReLU after all but the last Linear); or, for a node task, MLPReadout on every node.
//
// Messages: an undirected edge {u, v} of the graph gives the messages u→v and v→u, each with
// its own edge state (DGL graphs of the repo's datasets hold both directions); a directed edge
// gives one; a self loop one. The full graph has every ordered pair j ≠ i once (the repo's
// make_full_graph uses networkx.complete_graph, which has no self loops); pairs joined by an
// edge carry that edge's input, the others the edge input's non_edge_index (the repo sets 0,
// ZINC's "NONE" bond) or zeros for continuous edge input.
//
// Graph-masked variants (our extension, config "attention" and "spd_bias"). Hop distances are
// breadth-first on the undirected view of the input graph (graph/Algorithms.h), computed once
// per run: keep-sets remove nodes from the messages but do not change distances. Every variant
// below runs one message per ordered pair j → i with j ≠ i (no i → i: the full graph has none
// either, and a node's own state reaches it through the residual), destination-major then by
// source, each carrying an edge input like the full graph's pairs (the first edge j → i, or
// either direction for an undirected graph; non_edge_index / zeros otherwise).
//   k_hop (K ≥ 1): the pairs at hop distance 1..K. On an undirected graph without multi-edges
//     or self loops, K = 1 is the sparse model; on a directed graph it also runs each edge's
//     reverse (hops ignore direction). K ≥ the diameter is the full graph of each component.
//   hop_groups [k_0, .., k_{G-1}] (each ≥ 1): hop-wise grouped attention after HopFIR (Zhai et
//     al., "HopFIR: Hop-wise GraphFormer with Intragroup Joint Refinement for 3D Human Pose
//     Estimation", ICCV 2023), whose hop-wise GraphFormer groups the joints by k-hop neighbours
//     and attends within each group. Here the heads are split evenly into G consecutive groups
//     (num_heads divisible by G): head h of group g = h / (num_heads / G) attends over the pairs
//     at hop distance exactly k_g (its hop ring, not the ball 1..k_g), and its weights are
//     normalised over that ring alone. The layer runs the union of the rings; on a pair outside
//     its ring a head has s = 0 and, with edge features, t = 0 (it adds nothing to ê).
//     HopFIR's own module (its group mixing, the intragroup joint refinement) is not modelled:
//     this is the grouping as a mask on the same layer.
//   spd_bias (Graphormer, Ying et al., "Do Transformers Really Perform Bad for Graph
//     Representation?", NeurIPS 2021, eq. 6): a learned scalar per head and distance bucket,
//     b^h[min(spd_ij, D)], or b^h[D + 1] for a pair in another component, added to the score
//     before the clamp and exp: s^h_ij = exp(clamp(Σ_k t^h_ij[k] + b^h, −5, 5)) (t itself, and
//     so the edge stream, is unchanged). Works with every mask; with neighbours every message
//     has spd 1 (0 for a self loop), so it only shifts each head's scores uniformly.
// The variants that need hop distances are limited to kMaxFullGraphNodes nodes.

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "graph/Graph.h"
#include "model/GraphGptWeights.h"
#include "model/NodeModel.h"
#include "tensor/Tensor.h"

namespace gts::model {

/// The "model_type" (or "family") value of a Graph Transformer config.json.
inline constexpr const char* kGraphTransformerType = "graph_transformer";

enum class GtNorm : uint8_t { Batch, Layer };
enum class GtReadout : uint8_t { Mean, Sum, Max };
enum class GtTask : uint8_t { Graph, Node };
/// Embedding: a categorical attribute through nn.Embedding. Linear: a continuous attribute
/// through nn.Linear. Constant (edges only): nn.Linear(1, d) of a 1, as the repo's ZINC net
/// does when the edge layer runs with edge_feat off.
enum class GtInputKind : uint8_t { Embedding, Linear, Constant };

/// Where a node or edge input comes from. For Embedding the category is
/// attribute[column] + offset (a Discrete column), checked against numEmbeddings.
struct GtInputSpec {
    GtInputKind kind = GtInputKind::Embedding;
    std::string attribute;
    int column = 0;
    int64_t numEmbeddings = 0;
    int64_t offset = 0;
    /// Linear: the attribute's width (a Continuous or Discrete column, read as reals).
    int width = 0;
    /// Full graph, edge Embedding: the category of node pairs that no edge joins.
    int64_t nonEdgeIndex = 0;
};

/// Our config.json for the family:
///   {"model_type": "graph_transformer", "hidden_dim": 64, "num_heads": 8, "num_layers": 10,
///    "norm": "batch"|"layer", "residual": true, "full_graph": false, "edge_features": true,
///    "attention_bias": false, "lap_pe_dim": 8, "readout": "mean"|"sum"|"max",
///    "task": "graph"|"node", "num_outputs": 1, "objective": "regression"|"classification"|
///    "multilabel" (optional, default regression), "readout_mlp_layers": 2,
///    "attention": {"mask": "neighbours"|"full_graph"|"k_hop"|"hop_groups", "k": 2,
///                  "hop_groups": [1, 2, 3, 4]}   (optional; "k" with k_hop, "hop_groups"
///                  with hop_groups; default: "full_graph" as given, else neighbours; given
///                  together with "full_graph" the two must agree),
///    "spd_bias": {"max_distance": 4}   (optional; D ≥ 1: buckets 0..D and D + 1 unreachable),
///    "node_input": {"kind": "embedding", "attribute": "feat", "column": 0,
///                   "num_embeddings": 119, "offset": 0},
///    "edge_input": {"kind": "embedding"|"linear"|"constant", "attribute": "feat", "column": 0,
///                   "num_embeddings": 6, "offset": 1, "non_edge_index": 0, "width": 0}}
/// Molecules read from SMILES/SDF carry OGB's features as Discrete "feat" columns (node: 9
/// values, column 0 the atomic number − 1; edge: 3 values, column 0 the bond type).
/// What the heads attend over (see the top of this file).
enum class GtMask : uint8_t { Neighbours, FullGraph, KHop, HopGroups };
/// "neighbours", "full_graph", "k_hop", "hop_groups".
const char* gtMaskName(GtMask mask);

struct GraphTransformerConfig {
    int hiddenDim = 0;
    int numHeads = 0;
    int numLayers = 0;
    GtNorm norm = GtNorm::Batch;
    bool residual = true;
    /// All pairs; kept for readers of the original schema (true exactly when the mask is
    /// FullGraph: attentionMask() reads it when kHop and hopGroups are unset).
    bool fullGraph = false;
    /// k_hop: the pairs at hop distance 1..kHop (0: not k-hop).
    int kHop = 0;
    /// hop_groups: head group g attends over hop distance exactly hopGroups[g] (empty: none).
    std::vector<int> hopGroups;
    /// Graphormer's SPD attention bias with buckets 0..D, D + 1 for unreachable (0: none).
    int spdMaxDistance = 0;
    bool edgeFeatures = false;
    /// use_bias of Q, K, V (and proj_e).
    bool attentionBias = false;
    int lapPeDim = 0;
    GtReadout readout = GtReadout::Mean;
    GtTask task = GtTask::Graph;
    int numOutputs = 1;
    /// How the output is read (config "objective", default regression).
    NodeObjective objective = NodeObjective::Regression;
    /// MLPReadout's L: the number of halving hidden Linears.
    int readoutMlpLayers = 2;
    GtInputSpec nodeInput;
    GtInputSpec edgeInput;

    int headDim() const { return hiddenDim / numHeads; }
    GtMask attentionMask() const {
        if (!hopGroups.empty()) return GtMask::HopGroups;
        if (kHop > 0) return GtMask::KHop;
        return fullGraph ? GtMask::FullGraph : GtMask::Neighbours;
    }
    /// The hop ring head `head` attends over with hop_groups; 0 when every head sees every
    /// message.
    int headHop(int head) const {
        if (hopGroups.empty()) return 0;
        return hopGroups[size_t(head / (numHeads / int(hopGroups.size())))];
    }
    /// Whether a run needs all-pairs hop distances.
    bool needsHopDistances() const {
        return spdMaxDistance > 0 || attentionMask() == GtMask::KHop ||
               attentionMask() == GtMask::HopGroups;
    }
};

/// Parses and checks our config.json; throws io::ParseError(source, 0, "field: what").
GraphTransformerConfig parseGraphTransformerConfig(const nlohmann::json& json,
                                                   const std::string& source);
nlohmann::json graphTransformerConfigJson(const GraphTransformerConfig& config);
/// True when a config.json document names this family in "model_type" or "family".
bool isGraphTransformerConfig(const nlohmann::json& json);

/// LayerNorm (weight, bias) or BatchNorm1d (weight, bias, running mean and variance).
struct GtNormWeights {
    Tensor weight, bias;             ///< [d]
    Tensor runningMean, runningVar;  ///< [d], BatchNorm only
};

/// One stream's block after attention: O, norm1, FFN (W1 d→2d, W2 2d→d), norm2.
struct GtStreamWeights {
    LinearWeights o;
    GtNormWeights norm1;
    LinearWeights ffn1, ffn2;
    GtNormWeights norm2;
};

struct GtLayerWeights {
    LinearWeights q, k, v;
    std::optional<LinearWeights> projE;  ///< edge features only
    std::optional<Tensor> spdBias;       ///< [max_distance + 2, heads], with spd_bias
    GtStreamWeights node;
    std::optional<GtStreamWeights> edge;  ///< edge features only
};

/// The tensors by their roles. Names as graphdeeplearning/graphtransformer's state dict:
///   embedding_h.weight                  Embedding [vocab, d] or Linear [d, width] (+ .bias)
///   embedding_lap_pos_enc.weight/.bias  [d, k], [d]
///   embedding_e.weight (+ .bias)        Embedding [vocab, d], Linear [d, width] or [d, 1]
///   layers.{l}.attention.{Q,K,V}.weight [d, d] (+ .bias with attention_bias)
///   layers.{l}.attention.proj_e.weight  [d, d] (edge features)
///   layers.{l}.attention.spd_bias.weight [max_distance + 2, heads] (spd_bias; our name: an
///     nn.Embedding of the distance bucket, row D + 1 for unreachable pairs, as Graphormer's
///     spatial_pos_encoder is an Embedding of the distance)
///   no edge features: layers.{l}.O, FFN_layer1, FFN_layer2 (.weight/.bias),
///     layers.{l}.{batch_norm,layer_norm}{1,2}.weight/.bias (+ .running_mean/.running_var)
///   edge features: O_h, O_e, FFN_h_layer1/2, FFN_e_layer1/2, {batch,layer}_norm{1,2}_{h,e}
///   MLP_layer.FC_layers.{k}.weight/.bias  k = 0..L
/// num_batches_tracked buffers are ignored; any other tensor the config does not use is an error
/// (a checkpoint of another configuration, or WL positional encodings, which we do not run).
struct GraphTransformerWeights {
    LinearWeights embedH;  ///< Embedding: weight [vocab, d] (no bias); Linear: [d, width]
    std::optional<LinearWeights> embedLapPe;
    std::optional<LinearWeights> embedE;
    std::vector<GtLayerWeights> layers;
    std::vector<LinearWeights> mlp;

    int64_t parameterCount() const;
};

/// Binds tensors to the config; throws io::ParseError(source, 0, ...) naming a missing tensor
/// ("missing tensor layers.1.attention.K.weight") or a misshaped one ("tensor
/// embedding_h.weight: expected shape [6, 8], found [5, 8]") or an unused one ("tensor
/// embedding_wl_pos_enc.weight is not part of the configured model ...").
GraphTransformerWeights bindGraphTransformerWeights(const std::map<std::string, Tensor>& tensors,
                                                    const GraphTransformerConfig& config,
                                                    const std::string& source);

struct GraphTransformerModel {
    std::filesystem::path folder;
    std::filesystem::path configPath;
    std::filesystem::path weightsPath;
    GraphTransformerConfig config;
    GraphTransformerWeights weights;
    std::map<std::string, Tensor> tensors;
};

/// True when `path` (a model folder, or a weights file beside its config.json) has a config.json
/// naming this family. False when there is no config.json or it is not JSON.
bool isGraphTransformerModelPath(const std::filesystem::path& path);

/// Loads a folder with config.json and weights (model.safetensors, else model.pt / model.pth /
/// model.pkl / pytorch_model.bin, torch zip state dicts, possibly nested under "model" or
/// "state_dict"), or a weights file given directly with config.json beside it. Throws
/// io::FileError / io::ParseError naming the file and what is wrong.
std::shared_ptr<const GraphTransformerModel> loadGraphTransformerModel(
    const std::filesystem::path& path);

/// Laplacian positional encodings (paper sec. 3.1; the repo's data/molecules.py): the k
/// eigenvectors after the first, by ascending eigenvalue, of L = I − D^-1/2 A D^-1/2, where A is
/// 0/1 on node pairs joined by an edge in either direction (self loops and repeated edges
/// ignored) and degrees are clipped to at least 1 (isolated nodes). Fewer than k + 1 nodes:
/// the missing columns are zero.
/// Sign: training flips each vector's sign at random; at inference we fix it — each column's
/// entry of largest magnitude is positive, and among entries within 1e-6 of that magnitude the
/// lowest node index decides. Vectors of a repeated eigenvalue (symmetric graphs) are not unique
/// and a solver's choice changes with rounding, so we take a canonical basis of each such
/// eigenspace: its projector applied to e_0, e_1, … in node order, Gram–Schmidt
/// orthonormalized (eigenvalues within 1e-6 count as repeated).
/// Dense eigendecomposition: O(N³); refused (std::invalid_argument) above kMaxLapPeNodes.
inline constexpr size_t kMaxLapPeNodes = 4096;
Tensor laplacianPositionalEncoding(const Graph& graph, int k);  // [N, k]

/// Full-graph models run N(N−1) messages (with edge features, a d-vector state each); k-hop,
/// hop-group and SPD-bias models compute all-pairs hop distances. Both are limited to this.
inline constexpr size_t kMaxFullGraphNodes = 2048;

/// The messages a model runs on a graph, source → destination, in the engine's order.
struct GtMessages {
    std::vector<uint32_t> source, target;
    /// The graph edge whose input a message carries; -1 for a pair no edge joins.
    std::vector<int64_t> edge;
    /// Hop distance between source and destination in the undirected view (0 for a self loop,
    /// −1 for another component); filled when config.needsHopDistances(), else empty.
    std::vector<int32_t> hops;
};
/// Throws std::invalid_argument for graphs past kMaxFullGraphNodes where the mask needs it.
GtMessages graphTransformerMessages(const Graph& graph, const GraphTransformerConfig& config);
/// The dense [heads, N, N] attention capture of one layer.
inline constexpr uint64_t kMaxAttentionCaptureBytes = uint64_t(1) << 30;

/// The generic options (NodeModel.h) plus the Graph Transformer's own.
struct GtRunOptions : NodeRunOptions {
    /// Positional encodings [N, lap_pe_dim] to use instead of laplacianPositionalEncoding.
    std::optional<Tensor> lapPe;
};

using GtLayerCapture = NodeLayerCapture;

struct GtRunResult : NodeRunResult {
    /// Hop distance of each message (GtMessages::hops; empty when the model needs none), so a
    /// view can tell edge messages (1) from hop messages (> 1).
    std::vector<int32_t> messageHops;
    /// Node states after the input embedding [N, d].
    Tensor embeddings;
    Tensor lapPe;  ///< [N, k] (empty when lap_pe_dim is 0)
};

/// Runs the model on a graph. Throws std::invalid_argument naming the attribute, node or edge
/// when the graph lacks an input the config reads or a category is out of range, for a bad
/// head mask, keep-set or LapPE shape, and for graphs past the limits above (or
/// kMaxLapPeNodes when LapPE is computed).
GtRunResult runGraphTransformer(const GraphTransformerModel& model, const Graph& graph,
                                const GtRunOptions& options = {});

}  // namespace gts::model
