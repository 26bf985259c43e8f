#pragma once
// GraphGPS (Rampášek, Galkin, Dwivedi, Luu, Wolf & Beaini, "Recipe for a General, Powerful,
// Scalable Graph Transformer", NeurIPS 2022, arXiv:2205.12454; public code rampasek/GraphGPS):
// each layer runs a local message-passing network and global attention over all node pairs side
// by side and adds their results (paper eq. 2–3; graphgps/layer/gps_layer.py).
//
// One layer, eval mode, as gps_layer.py orders it (d = hidden_dim):
//   h_M = norm1_local(h + MPNN(h, e))   GINE (PyG GINEConv): nn((1 + eps) h_i + Σ_{j→i} relu(h_j +
//   e_ji)),
//                                       nn = Linear(d,d) · ReLU · Linear(d,d), eps a buffer
//                                       GatedGCN (layer/gatedgcn_layer.py, residual on):
//                                         ê_ij = D h_i + E h_j + C e_ij   (i the destination)
//                                         x_i  = A h_i + Σ_j σ(ê_ij) ⊙ B h_j / (Σ_j σ(ê_ij) + 1e-6)
//                                         h_i + relu(bn_node_x(x_i)) goes to norm1_local and
//                                         e_ij ← e_ij + relu(bn_edge_e(ê_ij)) to the next layer
//   h_T = norm1_attn(h + MHA(h))        torch.nn.MultiheadAttention: in_proj packs q, k, v; per
//                                       head softmax(q kᵀ / √(d/heads)) over all nodes (a node
//                                       attends to itself too), concat, out_proj
//   h   = h_M + h_T                     (the branches the config has)
//   h   = norm2(h + W2 relu(W1 h))      W1: d→2d, W2: 2d→d
// Norms: BatchNorm1d with running statistics, or torch_geometric's LayerNorm in its default
// "graph" mode, which GraphGPS uses: one mean and one (biased) variance over all nodes and all
// channels of the graph, (x − mean) / √(var + 1e-5) · weight + bias.
//
// Input (network/gps_model.py FeatureEncoder, encoder/composed_encoders.py): the node encoder
// (TypeDictNode: Embedding of a category; LinearNode: Linear of continuous features; Atom: OGB's
// AtomEncoder, a sum of one Embedding per OGB atom feature) gives width
// d − dim_pe(LapPE) − dim_pe(RWSE), concatenated in that order with
//   LapPE (encoder/laplace_pos_encoder.py, DeepSet): per node and eigenvector f the pair
//     (v_f[i], λ_f), NaN-padded when the graph has fewer than max_freqs nodes; NaNs set to 0,
//     optional raw BatchNorm1d over the max_freqs axis, linear_A (2 → dim_pe for one layer,
//     else 2 → 2·dim_pe), pe_encoder (ReLU, then [Linear, ReLU] × (layers − 1) ending at
//     dim_pe), padded eigenvectors zeroed, sum over f, optional post_mlp ([Linear, ReLU]...).
//     Eigenpairs (transform/posenc_stats.py): np.linalg.eigh of PyG's get_laplacian of the
//     undirected graph (self loops removed, repeated edges add; "none": L = D − A, "sym":
//     I − D^-1/2 A D^-1/2), the max_freqs smallest with the trivial one included, eigenvalues
//     clamped at 0. Training flips signs at random; we fix them as the Graph Transformer does
//     (largest-magnitude entry positive, lowest node index among ties within 1e-6) and take the
//     canonical basis of repeated eigenvalues (graph/Spectral.h canonicalEigenspaceBasis).
//   RWSE (encoder/kernel_pos_encoder.py): diag((D⁻¹A)^k), k = 1..steps (graph/RandomWalk.h, on
//     the undirected view), optional raw BatchNorm1d(steps), pe_encoder Linear(steps, dim_pe)
//     ("linear") or [Linear, ReLU] × layers ("mlp").
// Edge input (needed by GINE and GatedGCN): TypeDictEdge (Embedding), LinearEdge (Linear),
// Bond (OGB's BondEncoder, a sum over the 3 bond features) or DummyEdge (Embedding(1, d), every
// edge category 0). Messages: an undirected edge {u, v} gives u→v and v→u, each with its own
// edge state (PyG's undirected edge_index); a directed edge one;
// a self loop one.
// Output ("head"): "san_graph" — head/san_graph.py's MLP (FC_layers: d, d/2, …, d/2^L, outputs;
// ReLU between, L = head_layers); a graph task pools the nodes (mean, add or max) first, a node
// task runs it on every node (our choice). "inductive_node" (node tasks, as GraphGPS's CLUSTER
// and PATTERN configs) — head/inductive_node.py, GraphGym's MLP of head_layers (= gnn.
// layers_post_mp) Linears on every node: each but the last d→d followed by ReLU and a row-wise
// L2 normalization (GraphGym's LayerConfig defaults has_l2norm on), the last d→outputs.
//
// Not supported (refused at load, naming the field or tensor): other local models (GCN, GIN,
// GAT, PNA), Performer/BigBird attention, the Transformer LapPE encoder, SignNet,
// EquivStableLapPE, node/edge encoder BatchNorm, LapPE encoders that expand the raw features
// themselves (expand_x).

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
#include "model/GraphTransformer.h"
#include "model/NodeModel.h"
#include "tensor/Tensor.h"

namespace gts::model {

/// The "model_type" (or "family") value of a GraphGPS config.json.
inline constexpr const char* kGraphGpsType = "graphgps";

enum class GpsLocalModel : uint8_t { None, Gine, GatedGcn };
enum class GpsGlobalModel : uint8_t { None, Transformer };
enum class GpsEdgeKind : uint8_t { Embedding, Linear, Dummy, OgbBond };
enum class GpsLaplacianNorm : uint8_t { None, Sym };
enum class GpsHead : uint8_t { SanGraph, InductiveNode };

struct GpsLapPeConfig {
    int dimPe = 0;
    int maxFreqs = 10;
    int layers = 2;      ///< DeepSet layers (1: linear_A then ReLU)
    int postLayers = 0;  ///< post_mlp layers after the sum
    bool rawBatchNorm = false;
    GpsLaplacianNorm laplacian = GpsLaplacianNorm::None;
};

struct GpsRwseConfig {
    int dimPe = 0;
    int steps = 0;
    bool mlp = false;  ///< "mlp" ([Linear, ReLU] × layers) or "linear"
    int layers = 2;
    bool rawBatchNorm = true;
};

/// Our config.json for the family:
///   {"model_type": "graphgps", "hidden_dim": 64, "num_heads": 4, "num_layers": 4,
///    "local_gnn": "gine"|"gatedgcn"|"none", "global_attention": "transformer"|"none",
///    "norm": "batch"|"layer", "task": "graph"|"node", "readout": "mean"|"add"|"max",
///    "num_outputs": 1, "objective": "regression"|"classification"|"multilabel" (default
///    regression), "head": "san_graph"|"inductive_node", "head_layers": 2,
///    "node_input": {"kind": "embedding", "attribute": "type", "column": 0,
///                   "num_embeddings": 10, "offset": 0}   or {"kind": "linear", "width": 3, ...}
///                   or {"kind": "ogb_atom", "attribute": "feat" (default)},
///    "edge_input": {"kind": "embedding"|"linear"|"dummy"|"ogb_bond", "attribute": ..., ...}
///                  (with an MPNN; ogb_bond: OGB's BondEncoder over the 3 bond features),
///    "lap_pe": {"dim_pe": 8, "max_freqs": 10, "layers": 2, "post_layers": 0,
///               "raw_norm": "none"|"batchnorm", "laplacian_norm": "none"|"sym"} (optional),
///    "rwse": {"dim_pe": 8, "steps": 16, "model": "linear"|"mlp", "layers": 2,
///             "raw_norm": "batchnorm"|"none"} (optional)}
/// node_input and edge_input read attributes as the Graph Transformer's (GtInputSpec).
/// Residual connections are always on, as in gps_layer.py.
struct GraphGpsConfig {
    int hiddenDim = 0;
    int numHeads = 0;
    int numLayers = 0;
    GpsLocalModel local = GpsLocalModel::None;
    GpsGlobalModel global = GpsGlobalModel::Transformer;
    GtNorm norm = GtNorm::Batch;
    GtTask task = GtTask::Graph;
    GtReadout readout = GtReadout::Mean;  ///< Sum is GraphGym's "add"
    int numOutputs = 1;
    NodeObjective objective = NodeObjective::Regression;
    GpsHead head = GpsHead::SanGraph;
    int headLayers = 2;  ///< san_graph: L (L + 1 Linears); inductive_node: the Linears (>= 1)
    GtInputSpec nodeInput;
    /// node_input "ogb_atom": OGB's AtomEncoder (GraphGym's "Atom"), one Embedding per column of
    /// the attribute's 9 OGB atom features (io/OgbFeatures.h), summed.
    bool nodeOgbAtom = false;
    std::optional<GpsEdgeKind> edgeKind;  ///< set when the config has edge_input
    GtInputSpec edgeInput;                ///< attribute / column / width (not for Dummy)
    std::optional<GpsLapPeConfig> lapPe;
    std::optional<GpsRwseConfig> rwse;

    /// Width of the node encoder's output: hidden_dim less the PE widths.
    int nodeEmbeddingDim() const {
        return hiddenDim - (lapPe ? lapPe->dimPe : 0) - (rwse ? rwse->dimPe : 0);
    }
};

/// Parses and checks our config.json; throws io::ParseError(source, 0, "field: what").
GraphGpsConfig parseGraphGpsConfig(const nlohmann::json& json, const std::string& source);
/// True when a config.json document names this family in "model_type" or "family".
bool isGraphGpsConfig(const nlohmann::json& json);

struct GpsLapPeWeights {
    std::optional<GtNormWeights> rawNorm;  ///< BatchNorm1d(max_freqs)
    LinearWeights linearA;
    std::vector<LinearWeights> deepSet;  ///< pe_encoder's Linears, each followed by ReLU
    std::vector<LinearWeights> postMlp;  ///< each followed by ReLU
};

struct GpsRwseWeights {
    std::optional<GtNormWeights> rawNorm;  ///< BatchNorm1d(steps)
    std::vector<LinearWeights> encoder;    ///< one Linear ("linear") or the MLP's
    bool reluAfterEach = false;            ///< "mlp"
};

struct GpsLayerWeights {
    // GINE: local_model.nn.0 / nn.2 and local_model.eps.
    LinearWeights gineNn1, gineNn2;
    float gineEps = 0.0f;
    // GatedGCN: local_model.{A,B,C,D,E}, local_model.bn_node_x / bn_edge_e.
    LinearWeights a, b, c, d, e;
    GtNormWeights bnNode, bnEdge;
    // self_attn.in_proj_weight [3d, d], in_proj_bias [3d], out_proj.
    LinearWeights inProj, outProj;
    std::optional<GtNormWeights> norm1Local, norm1Attn;
    LinearWeights ff1, ff2;
    GtNormWeights norm2;
};

/// The tensors by their roles. Names as rampasek/GraphGPS's state dict:
///   no PE:   encoder.node_encoder.encoder.weight (+ .bias for LinearNode)
///   with PE: encoder.node_encoder.encoder1.encoder.* (the node encoder), then encoder2 (LapPE if
///            configured, else RWSE) and encoder3 (RWSE when both):
///     LapPE: linear_A.*, pe_encoder.{1,3,..}.*, post_mlp.{0,2,..}.*, raw_norm.* (BatchNorm)
///     RWSE:  pe_encoder.weight/.bias ("linear") or pe_encoder.{0,2,..}.* ("mlp"), raw_norm.*
///   encoder.edge_encoder.encoder.weight (+ .bias for LinearEdge)
///   ogb_atom: (encoder.node_encoder. | .encoder1.)atom_embedding_list.{0..8}.weight [dims_i, d0]
///   ogb_bond: encoder.edge_encoder.bond_embedding_list.{0..2}.weight [dims_i, d]
///   layers.{l}.local_model.nn.{0,2}.*, layers.{l}.local_model.eps          (GINE)
///   layers.{l}.local_model.{A,B,C,D,E}.*, .bn_node_x.*, .bn_edge_e.*       (GatedGCN)
///   layers.{l}.self_attn.in_proj_weight, .in_proj_bias, .out_proj.weight/.bias
///   layers.{l}.norm1_local.*, norm1_attn.*, norm2.* (weight, bias; BatchNorm also
///     running_mean / running_var), layers.{l}.ff_linear1.*, ff_linear2.*
///   post_mp.FC_layers.{k}.weight/.bias  k = 0..head_layers                 (san_graph)
///   post_mp.layer_post_mp.model.0.Layer_{i}.layer.model.weight/.bias  i < head_layers − 1, and
///   post_mp.layer_post_mp.model.1.model.* (model.0.model.* when head_layers is 1) (inductive_node)
/// num_batches_tracked buffers are ignored; any other tensor the config does not use is an error.
struct GraphGpsWeights {
    LinearWeights nodeEncoder;  ///< Embedding: weight [vocab, d0] (no bias); Linear: [d0, width]
    std::optional<GpsLapPeWeights> lapPe;
    std::optional<GpsRwseWeights> rwse;
    std::optional<LinearWeights> edgeEncoder;
    /// ogb_atom / ogb_bond: one table per feature column (OGB's feature dims), summed.
    std::vector<Tensor> atomTables, bondTables;
    std::vector<GpsLayerWeights> layers;
    std::vector<LinearWeights> head;

    /// Trainable parameters (norm running statistics and GINE's eps buffer excluded).
    int64_t parameterCount() const;
};

/// Binds tensors to the config; throws io::ParseError(source, 0, ...) naming a missing tensor,
/// a misshaped one ("tensor X: expected shape [a, b], found [c, d]") or an unused one.
GraphGpsWeights bindGraphGpsWeights(const std::map<std::string, Tensor>& tensors,
                                    const GraphGpsConfig& config, const std::string& source);

struct GraphGpsModel {
    std::filesystem::path folder;
    std::filesystem::path configPath;
    std::filesystem::path weightsPath;
    GraphGpsConfig config;
    GraphGpsWeights weights;
    std::map<std::string, Tensor> tensors;
};

/// Loads a folder with config.json and weights (model.safetensors, else model.pt / model.pth /
/// model.pkl / pytorch_model.bin, torch zip state dicts), or a weights file given directly with
/// config.json beside it. Throws io::FileError / io::ParseError naming the file and what is wrong.
std::shared_ptr<const GraphGpsModel> loadGraphGpsModel(const std::filesystem::path& path);

/// The node-level interface (NodeModel.h) over a GraphGPS model folder; registered in
/// NodeModel.cpp.
std::shared_ptr<const NodeLevelModel> loadGraphGpsNodeModel(const std::filesystem::path& path);

/// LapPE input of GraphGPS (conventions at the top of this file): eigenvectors [N, maxFreqs]
/// and eigenvalues [maxFreqs], NaN from column min(N, maxFreqs) on. Dense eigendecomposition,
/// refused (std::invalid_argument) above kMaxLapPeNodes nodes.
struct GpsLapPeInput {
    Tensor eigvecs, eigvals;
};
GpsLapPeInput graphGpsLapPe(const Graph& graph, int maxFreqs, GpsLaplacianNorm norm);

/// Dense all-pairs attention: refused above this many nodes (and captures above
/// kMaxAttentionCaptureBytes per layer).
inline constexpr size_t kMaxGpsAttentionNodes = 4096;

/// The generic options (NodeModel.h) plus precomputed encodings to use instead of computing them.
struct GpsRunOptions : NodeRunOptions {
    std::optional<GpsLapPeInput> lapPe;
    std::optional<Tensor> rwse;  ///< [N, steps]
};

struct GpsRunResult : NodeRunResult {
    Tensor embeddings;  ///< node states after the input encoders [N, d]
    GpsLapPeInput lapPe;
    Tensor rwse;
};

/// Runs the model on a graph. Throws std::invalid_argument naming the attribute, node or edge
/// when the graph lacks an input or a category is out of range, for a bad head mask, keep-set
/// or encoding shape, and for graphs past the limits above.
GpsRunResult runGraphGps(const GraphGpsModel& model, const Graph& graph,
                         const GpsRunOptions& options = {});

}  // namespace gts::model
