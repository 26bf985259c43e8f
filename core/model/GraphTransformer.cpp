#include "model/GraphTransformer.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <Eigen/Eigenvalues>
#include <nlohmann/json.hpp>

#include "graph/Algorithms.h"
#include "graph/DenseEigen.h"
#include "graph/Spectral.h"
#include "model/NodeModelParts.h"
#include "model/Run.h"

namespace gts::model {

namespace fs = std::filesystem;
using json = nlohmann::json;
using RowMatrix = Tensor::RowMatrix;
using parts::applyLinear;
using parts::batchNormEval;
using parts::boolField;
using parts::categoryOf;
using parts::configError;
using parts::inputColumn;
using parts::intField;
using parts::readReals;
using parts::shapeText;
using parts::stringField;
using parts::TensorBinder;

namespace {

/// graph_transformer_layer.py scaled_exp / graph_transformer_edge_layer.py exp: clamp(-5, 5).
constexpr float kScoreClamp = 5.0f;
/// MultiHeadAttentionLayer.forward: wV / (z + 1e-6) in graph_transformer_edge_layer.py; wV / z
/// in graph_transformer_layer.py (no edge features).
constexpr float kAttentionEpsilon = 1e-6f;
/// torch.nn.LayerNorm and BatchNorm1d default eps, which the repo keeps.
constexpr float kNormEpsilon = 1e-5f;
/// Entries this close to a column's largest magnitude tie for deciding its sign.
constexpr double kSignTieTolerance = 1e-6;

// Config ------------------------------------------------------------------------------------

GtInputSpec parseInput(const json& j, const char* field, bool edge, const std::string& source) {
    if (!j.is_object()) configError(source, std::string("\"") + field + "\" must be an object");
    const std::string where = source;
    GtInputSpec in;
    const std::string kind = stringField(j, "kind", where, "");
    if (kind == "embedding")
        in.kind = GtInputKind::Embedding;
    else if (kind == "linear")
        in.kind = GtInputKind::Linear;
    else if (kind == "constant" && edge)
        in.kind = GtInputKind::Constant;
    else
        configError(source, std::string(field) + ".kind: \"" + kind + "\" is not " +
                                (edge ? "embedding, linear or constant" : "embedding or linear"));
    if (in.kind == GtInputKind::Constant) return in;
    in.attribute = stringField(j, "attribute", where, "");
    if (in.attribute.empty()) configError(source, std::string(field) + ".attribute: missing");
    if (in.kind == GtInputKind::Embedding) {
        in.column = intField(j, "column", where, 0, 0);
        in.numEmbeddings = intField(j, "num_embeddings", where, std::nullopt, 1);
        in.offset = intField(j, "offset", where, 0, 0);
        in.nonEdgeIndex = intField(j, "non_edge_index", where, 0, 0);
        if (in.nonEdgeIndex >= in.numEmbeddings)
            configError(source,
                        std::string(field) + ".non_edge_index " + std::to_string(in.nonEdgeIndex) +
                            " is not below num_embeddings " + std::to_string(in.numEmbeddings));
    } else {
        in.width = intField(j, "width", where, std::nullopt, 1);
    }
    return in;
}

const char* inputKindName(GtInputKind k) {
    switch (k) {
        case GtInputKind::Embedding:
            return "embedding";
        case GtInputKind::Linear:
            return "linear";
        case GtInputKind::Constant:
            return "constant";
    }
    return "embedding";
}

json inputJson(const GtInputSpec& in) {
    json j{{"kind", inputKindName(in.kind)}};
    if (in.kind == GtInputKind::Constant) return j;
    j["attribute"] = in.attribute;
    if (in.kind == GtInputKind::Embedding) {
        j["column"] = in.column;
        j["num_embeddings"] = in.numEmbeddings;
        j["offset"] = in.offset;
        j["non_edge_index"] = in.nonEdgeIndex;
    } else {
        j["width"] = in.width;
    }
    return j;
}

// Weights -----------------------------------------------------------------------------------

/// What an unbound tensor of a Graph Transformer checkpoint most likely means.
std::string unusedTensorHint(const std::string& name) {
    if (name.starts_with("embedding_wl_pos_enc")) return " (WL positional encodings are not supported)";
    if (name.find("spd_bias") != std::string::npos) return " (does config.json's spd_bias match the checkpoint?)";
    if (name.find("proj_e") != std::string::npos || name.find("_e.") != std::string::npos ||
        name.find("_h.") != std::string::npos || name.starts_with("embedding_e"))
        return " (does config.json's edge_features match the checkpoint?)";
    return "";
}

GtStreamWeights bindStream(const TensorBinder& b, const std::string& prefix,
                           const std::string& suffix, const std::string& ffnInfix,
                           const GraphTransformerConfig& c) {
    const int64_t d = c.hiddenDim;
    const std::string nk = c.norm == GtNorm::Batch ? "batch_norm" : "layer_norm";
    GtStreamWeights s;
    s.o = b.linear(prefix + "O" + suffix, d, d, true);
    s.norm1 = b.norm(prefix + nk + "1" + suffix, d, c.norm);
    s.ffn1 = b.linear(prefix + "FFN" + ffnInfix + "layer1", 2 * d, d, true);
    s.ffn2 = b.linear(prefix + "FFN" + ffnInfix + "layer2", d, 2 * d, true);
    s.norm2 = b.norm(prefix + nk + "2" + suffix, d, c.norm);
    return s;
}

// Forward helpers ---------------------------------------------------------------------------

void applyNorm(RowMatrix& x, const GtNormWeights& n, GtNorm kind) {
    if (kind == GtNorm::Batch) return batchNormEval(x, n, kNormEpsilon);
    const auto w = n.weight.flat();
    const auto b = n.bias.flat();
    // LayerNorm over the feature axis with the biased variance.
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
        auto row = x.row(r);
        const float mean = row.mean();
        const float var = (row.array() - mean).square().mean();
        const float inv = 1.0f / std::sqrt(var + kNormEpsilon);
        row =
            (((row.array() - mean) * inv) * w.transpose().array() + b.transpose().array()).matrix();
    }
}

/// O, residual, norm1, FFN with ReLU, residual, norm2, in the repo's order.
void applyStream(RowMatrix& x, const RowMatrix& attentionOut, const GtStreamWeights& s,
                 const GraphTransformerConfig& c) {
    RowMatrix y = applyLinear(attentionOut, s.o);
    if (c.residual) y += x;
    applyNorm(y, s.norm1, c.norm);
    RowMatrix f = applyLinear(applyLinear(y, s.ffn1).cwiseMax(0.0f), s.ffn2);
    if (c.residual) f += y;
    applyNorm(f, s.norm2, c.norm);
    x = std::move(f);
}

/// For each ordered pair (source j, destination i), the first edge j → i (either direction for an
/// undirected graph), −1 when none: the edge input a full-graph or hop pair carries.
std::vector<int64_t> pairEdges(const Graph& g) {
    const size_t n = g.nodeCount();
    std::vector<int64_t> pairEdge(n * n, -1);
    for (EdgeId e = 0; e < g.edgeCount(); ++e) {
        const Edge& ed = g.edge(e);
        auto& forward = pairEdge[size_t(ed.src) * n + ed.dst];
        if (forward < 0) forward = e;
        if (!g.directed()) {
            auto& backward = pairEdge[size_t(ed.dst) * n + ed.src];
            if (backward < 0) backward = e;
        }
    }
    return pairEdge;
}

/// Full-graph, k-hop and hop-group masks and the SPD bias are O(N²): refused past
/// kMaxFullGraphNodes, before anything of that size is allocated.
void checkPairLimit(size_t n, const GraphTransformerConfig& c) {
    const GtMask mask = c.attentionMask();
    if (n <= kMaxFullGraphNodes || (mask == GtMask::Neighbours && !c.needsHopDistances())) return;
    const std::string limit = ", limited to " + std::to_string(kMaxFullGraphNodes) + " nodes";
    if (mask == GtMask::FullGraph && !c.needsHopDistances())
        throw std::invalid_argument("full-graph attention over " + std::to_string(n) +
                                    " nodes: the model runs N(N-1) messages" + limit);
    throw std::invalid_argument(
        std::string(mask == GtMask::Neighbours ? "spd_bias" : gtMaskName(mask)) +
        " attention over " + std::to_string(n) +
        " nodes: the model computes all-pairs hop distances" + limit);
}

}  // namespace

const char* gtMaskName(GtMask mask) {
    switch (mask) {
        case GtMask::Neighbours:
            return "neighbours";
        case GtMask::FullGraph:
            return "full_graph";
        case GtMask::KHop:
            return "k_hop";
        case GtMask::HopGroups:
            return "hop_groups";
    }
    return "neighbours";
}

GtMessages graphTransformerMessages(const Graph& g, const GraphTransformerConfig& c) {
    GtMessages m;
    const size_t n = g.nodeCount();
    const GtMask mask = c.attentionMask();
    checkPairLimit(n, c);
    if (mask == GtMask::Neighbours) {
        for (EdgeId e = 0; e < g.edgeCount(); ++e) {
            const Edge& ed = g.edge(e);
            m.source.push_back(ed.src), m.target.push_back(ed.dst), m.edge.push_back(e);
            if (!g.directed() && ed.src != ed.dst)
                m.source.push_back(ed.dst), m.target.push_back(ed.src), m.edge.push_back(e);
        }
        // An edge joins its ends: one hop, none for a self loop.
        if (c.needsHopDistances())
            for (size_t k = 0; k < m.source.size(); ++k)
                m.hops.push_back(m.source[k] == m.target[k] ? 0 : 1);
        return m;
    }
    // Ordered pairs j → i, j ≠ i, destination-major, selected by the mask.
    const std::vector<int64_t> pairEdge = pairEdges(g);
    HopMatrix hops;
    if (c.needsHopDistances()) hops = allPairsHops(g, kMaxFullGraphNodes);
    auto selected = [&](int32_t hop) {
        switch (mask) {
            case GtMask::KHop:
                return hop >= 1 && hop <= c.kHop;
            case GtMask::HopGroups:
                return std::find(c.hopGroups.begin(), c.hopGroups.end(), hop) != c.hopGroups.end();
            default:
                return true;
        }
    };
    if (mask == GtMask::FullGraph) m.source.reserve(n * (n - 1));
    for (uint32_t i = 0; i < n; ++i)
        for (uint32_t j = 0; j < n; ++j) {
            if (i == j) continue;
            const int32_t hop = hops.n ? hops.at(j, i) : 0;
            if (!selected(hop)) continue;
            m.source.push_back(j), m.target.push_back(i),
                m.edge.push_back(pairEdge[size_t(j) * n + i]);
            if (hops.n) m.hops.push_back(hop);
        }
    return m;
}

// Config ------------------------------------------------------------------------------------

namespace {

/// Hop distances past this share a bucket anyway (graphs past kMaxFullGraphNodes are refused).
constexpr int kMaxSpdDistance = 4096;

/// "attention": {"mask": ..., "k": K, "hop_groups": [...]}.
void parseAttention(const json& a, bool fullGraphGiven, GraphTransformerConfig& c,
                    const std::string& source) {
    if (!a.is_object())
        configError(source, "attention must be an object like {\"mask\": \"k_hop\", \"k\": 2}");
    const std::string mask = stringField(a, "mask", source, "");
    auto integer = [&](const json& v, const std::string& what) {
        if (!v.is_number_integer() || v.get<int64_t>() < 1 ||
            v.get<int64_t>() > int64_t(kMaxFullGraphNodes))
            configError(source, what + ": " + v.dump() + " is not an integer in 1.." +
                                    std::to_string(kMaxFullGraphNodes));
        return v.get<int>();
    };
    if (mask != "k_hop" && a.contains("k"))
        configError(source, "attention.k applies to mask \"k_hop\", not \"" + mask + "\"");
    if (mask != "hop_groups" && a.contains("hop_groups"))
        configError(source,
                    "attention.hop_groups applies to mask \"hop_groups\", not \"" + mask + "\"");
    GtMask parsed = GtMask::Neighbours;
    if (mask == "neighbours") {
        parsed = GtMask::Neighbours;
    } else if (mask == "full_graph") {
        parsed = GtMask::FullGraph;
    } else if (mask == "k_hop") {
        parsed = GtMask::KHop;
        if (!a.contains("k")) configError(source, "attention.k: missing (mask \"k_hop\")");
        c.kHop = integer(a["k"], "attention.k");
    } else if (mask == "hop_groups") {
        parsed = GtMask::HopGroups;
        if (!a.contains("hop_groups") || !a["hop_groups"].is_array() || a["hop_groups"].empty())
            configError(source, "attention.hop_groups: expected a non-empty list of hop distances");
        const json& groups = a["hop_groups"];
        for (size_t g = 0; g < groups.size(); ++g)
            c.hopGroups.push_back(
                integer(groups[g], "attention.hop_groups[" + std::to_string(g) + "]"));
        if (c.numHeads % int(c.hopGroups.size()) != 0)
            configError(source, "attention.hop_groups: num_heads " + std::to_string(c.numHeads) +
                                    " is not divisible by " + std::to_string(c.hopGroups.size()) +
                                    " groups");
    } else {
        configError(source, "attention.mask: \"" + mask +
                                "\" is not neighbours, full_graph, k_hop or hop_groups");
    }
    if (fullGraphGiven && c.fullGraph != (parsed == GtMask::FullGraph))
        configError(source, std::string("full_graph is ") + (c.fullGraph ? "true" : "false") +
                                " but attention.mask is \"" + mask + "\"");
    c.fullGraph = parsed == GtMask::FullGraph;
}

}  // namespace

bool isGraphTransformerConfig(const json& j) {
    if (!j.is_object()) return false;
    for (const char* key : {"model_type", "family"})
        if (j.contains(key) && j[key].is_string() &&
            j[key].get<std::string>() == kGraphTransformerType)
            return true;
    return false;
}

GraphTransformerConfig parseGraphTransformerConfig(const json& j, const std::string& source) {
    if (!j.is_object()) configError(source, "config must be a JSON object");
    if (!isGraphTransformerConfig(j))
        configError(source, std::string("\"model_type\" is not \"") + kGraphTransformerType + "\"");
    GraphTransformerConfig c;
    c.hiddenDim = intField(j, "hidden_dim", source, std::nullopt, 1);
    c.numHeads = intField(j, "num_heads", source, std::nullopt, 1);
    c.numLayers = intField(j, "num_layers", source, std::nullopt, 0);
    if (c.hiddenDim % c.numHeads != 0)
        configError(source, "hidden_dim " + std::to_string(c.hiddenDim) +
                                " is not a multiple of num_heads " + std::to_string(c.numHeads));
    const std::string norm = stringField(j, "norm", source, "batch");
    if (norm == "batch")
        c.norm = GtNorm::Batch;
    else if (norm == "layer")
        c.norm = GtNorm::Layer;
    else
        configError(source, "norm: \"" + norm + "\" is not batch or layer");
    c.residual = boolField(j, "residual", source, true);
    c.fullGraph = boolField(j, "full_graph", source, false);
    c.edgeFeatures = boolField(j, "edge_features", source, false);
    c.attentionBias = boolField(j, "attention_bias", source, false);
    c.lapPeDim = intField(j, "lap_pe_dim", source, 0, 0);
    const std::string readout = stringField(j, "readout", source, "mean");
    if (readout == "mean")
        c.readout = GtReadout::Mean;
    else if (readout == "sum")
        c.readout = GtReadout::Sum;
    else if (readout == "max")
        c.readout = GtReadout::Max;
    else
        configError(source, "readout: \"" + readout + "\" is not mean, sum or max");
    const std::string task = stringField(j, "task", source, "graph");
    if (task == "graph")
        c.task = GtTask::Graph;
    else if (task == "node")
        c.task = GtTask::Node;
    else
        configError(source, "task: \"" + task + "\" is not graph or node");
    c.numOutputs = intField(j, "num_outputs", source, 1, 1);
    try {
        c.objective = parseNodeObjective(stringField(j, "objective", source, "regression"));
    } catch (const std::invalid_argument& e) {
        configError(source, std::string("objective: ") + e.what());
    }
    c.readoutMlpLayers = intField(j, "readout_mlp_layers", source, 2, 0);
    if (c.readoutMlpLayers > 30 || (c.hiddenDim >> c.readoutMlpLayers) < 1)
        configError(source, "readout_mlp_layers " + std::to_string(c.readoutMlpLayers) +
                                " halves hidden_dim " + std::to_string(c.hiddenDim) + " below 1");
    if (!j.contains("node_input")) configError(source, "missing field \"node_input\"");
    c.nodeInput = parseInput(j["node_input"], "node_input", false, source);
    if (c.edgeFeatures) {
        if (!j.contains("edge_input"))
            configError(source, "edge_features is true but \"edge_input\" is missing");
        c.edgeInput = parseInput(j["edge_input"], "edge_input", true, source);
    }
    if (j.contains("attention"))
        parseAttention(j["attention"], j.contains("full_graph"), c, source);
    if (j.contains("spd_bias")) {
        const json& spd = j["spd_bias"];
        if (!spd.is_object())
            configError(source, "spd_bias must be an object like {\"max_distance\": 4}");
        if (!spd.contains("max_distance")) configError(source, "spd_bias.max_distance: missing");
        const json& d = spd["max_distance"];
        if (!d.is_number_integer() || d.get<int64_t>() < 1 || d.get<int64_t>() > kMaxSpdDistance)
            configError(source, "spd_bias.max_distance: " + d.dump() + " is not an integer in 1.." +
                                    std::to_string(kMaxSpdDistance));
        c.spdMaxDistance = d.get<int>();
    }
    return c;
}

json graphTransformerConfigJson(const GraphTransformerConfig& c) {
    json j{{"model_type", kGraphTransformerType},
           {"hidden_dim", c.hiddenDim},
           {"num_heads", c.numHeads},
           {"num_layers", c.numLayers},
           {"norm", c.norm == GtNorm::Batch ? "batch" : "layer"},
           {"residual", c.residual},
           {"full_graph", c.fullGraph},
           {"edge_features", c.edgeFeatures},
           {"attention_bias", c.attentionBias},
           {"lap_pe_dim", c.lapPeDim},
           {"readout", c.readout == GtReadout::Mean  ? "mean"
                       : c.readout == GtReadout::Sum ? "sum"
                                                     : "max"},
           {"task", c.task == GtTask::Graph ? "graph" : "node"},
           {"num_outputs", c.numOutputs},
           {"objective", nodeObjectiveName(c.objective)},
           {"readout_mlp_layers", c.readoutMlpLayers},
           {"node_input", inputJson(c.nodeInput)}};
    if (c.edgeFeatures) j["edge_input"] = inputJson(c.edgeInput);
    const GtMask mask = c.attentionMask();
    json attention{{"mask", gtMaskName(mask)}};
    if (mask == GtMask::KHop) attention["k"] = c.kHop;
    if (mask == GtMask::HopGroups) attention["hop_groups"] = c.hopGroups;
    j["attention"] = attention;
    if (c.spdMaxDistance > 0) j["spd_bias"] = {{"max_distance", c.spdMaxDistance}};
    return j;
}

// Weights -----------------------------------------------------------------------------------

int64_t GraphTransformerWeights::parameterCount() const {
    int64_t total = 0;
    auto lin = [&](const LinearWeights& w) {
        total += int64_t(w.weight.size()) + (w.bias ? int64_t(w.bias->size()) : 0);
    };
    auto norm = [&](const GtNormWeights& n) { total += int64_t(n.weight.size() + n.bias.size()); };
    auto stream = [&](const GtStreamWeights& s) {
        lin(s.o), norm(s.norm1), lin(s.ffn1), lin(s.ffn2), norm(s.norm2);
    };
    lin(embedH);
    if (embedLapPe) lin(*embedLapPe);
    if (embedE) lin(*embedE);
    for (const auto& l : layers) {
        lin(l.q), lin(l.k), lin(l.v);
        if (l.spdBias) total += int64_t(l.spdBias->size());
        if (l.projE) lin(*l.projE);
        stream(l.node);
        if (l.edge) stream(*l.edge);
    }
    for (const auto& m : mlp) lin(m);
    return total;
}

GraphTransformerWeights bindGraphTransformerWeights(const std::map<std::string, Tensor>& tensors,
                                                    const GraphTransformerConfig& c,
                                                    const std::string& source) {
    const TensorBinder b(tensors, source, unusedTensorHint);
    const int64_t d = c.hiddenDim;
    GraphTransformerWeights w;
    if (c.nodeInput.kind == GtInputKind::Embedding)
        w.embedH.weight = b.need("embedding_h.weight", {c.nodeInput.numEmbeddings, d});
    else
        w.embedH = b.linear("embedding_h", d, c.nodeInput.width, true);
    if (c.lapPeDim > 0) w.embedLapPe = b.linear("embedding_lap_pos_enc", d, c.lapPeDim, true);
    if (c.edgeFeatures) {
        switch (c.edgeInput.kind) {
            case GtInputKind::Embedding:
                w.embedE =
                    LinearWeights{b.need("embedding_e.weight", {c.edgeInput.numEmbeddings, d}), {}};
                break;
            case GtInputKind::Linear:
                w.embedE = b.linear("embedding_e", d, c.edgeInput.width, true);
                break;
            case GtInputKind::Constant:
                w.embedE = b.linear("embedding_e", d, 1, true);
                break;
        }
    }
    for (int l = 0; l < c.numLayers; ++l) {
        const std::string p = "layers." + std::to_string(l) + ".";
        GtLayerWeights lw;
        lw.q = b.linear(p + "attention.Q", d, d, c.attentionBias);
        lw.k = b.linear(p + "attention.K", d, d, c.attentionBias);
        lw.v = b.linear(p + "attention.V", d, d, c.attentionBias);
        if (c.spdMaxDistance > 0)
            lw.spdBias = b.need(p + "attention.spd_bias.weight",
                                {int64_t(c.spdMaxDistance) + 2, int64_t(c.numHeads)});
        if (c.edgeFeatures) {
            lw.projE = b.linear(p + "attention.proj_e", d, d, c.attentionBias);
            lw.node = bindStream(b, p, "_h", "_h_", c);
            lw.edge = bindStream(b, p, "_e", "_e_", c);
        } else {
            lw.node = bindStream(b, p, "", "_", c);
        }
        w.layers.push_back(std::move(lw));
    }
    for (int k = 0; k <= c.readoutMlpLayers; ++k) {
        const int64_t in = d >> k;
        const int64_t out = k == c.readoutMlpLayers ? c.numOutputs : d >> (k + 1);
        w.mlp.push_back(b.linear("MLP_layer.FC_layers." + std::to_string(k), out, in, true));
    }
    b.requireAllUsed();
    return w;
}

// Loading -----------------------------------------------------------------------------------

bool isGraphTransformerModelPath(const fs::path& path) {
    return parts::folderConfigIs(path, isGraphTransformerConfig);
}

std::shared_ptr<const GraphTransformerModel> loadGraphTransformerModel(const fs::path& path) {
    auto model = std::make_shared<GraphTransformerModel>();
    parts::NodeModelFiles files = parts::findModelFiles(path);
    model->folder = std::move(files.folder);
    model->weightsPath = std::move(files.weightsPath);
    model->configPath = std::move(files.configPath);
    model->config = parseGraphTransformerConfig(files.config, model->configPath.string());
    model->tensors = parts::readWeights(model->weightsPath);
    model->weights = bindGraphTransformerWeights(model->tensors, model->config, model->weightsPath.string());
    return model;
}

// LapPE -------------------------------------------------------------------------------------

Tensor laplacianPositionalEncoding(const Graph& g, int k) {
    const size_t n = g.nodeCount();
    if (k < 0) throw std::invalid_argument("LapPE: negative dimension");
    if (n > kMaxLapPeNodes)
        throw std::invalid_argument("LapPE: the graph has " + std::to_string(n) +
                                    " nodes; the dense eigendecomposition is limited to " +
                                    std::to_string(kMaxLapPeNodes));
    Tensor out({int64_t(n), int64_t(k)});
    if (n == 0 || k == 0) return out;
    Eigen::MatrixXd a = Eigen::MatrixXd::Zero(Eigen::Index(n), Eigen::Index(n));
    for (const Edge& e : g.edges())
        if (e.src != e.dst) a(e.src, e.dst) = a(e.dst, e.src) = 1.0;
    const Eigen::VectorXd invSqrtDeg = a.rowwise().sum().cwiseMax(1.0).cwiseSqrt().cwiseInverse();
    const Eigen::MatrixXd lap = Eigen::MatrixXd::Identity(Eigen::Index(n), Eigen::Index(n)) -
                                invSqrtDeg.asDiagonal() * a * invSqrtDeg.asDiagonal();
    // The trivial pair and the k after it (and the rest of a repeated eigenvalue they reach into).
    const int take = int(std::min<size_t>(size_t(k), n - 1));
    const DenseEigenpairs pairs = smallestSymmetricEigenpairs(lap, take + 1);
    const Eigen::MatrixXd vectors = canonicalEigenspaceBasis(pairs.values, pairs.vectors);
    float* o = out.mutableData();
    for (int c = 0; c < take; ++c) {
        const auto col = vectors.col(c + 1);
        const double top = col.cwiseAbs().maxCoeff();
        double sign = 1.0;
        for (Eigen::Index i = 0; i < col.size(); ++i)
            if (std::abs(col[i]) >= top - kSignTieTolerance) {
                sign = col[i] < 0 ? -1.0 : 1.0;
                break;
            }
        for (size_t i = 0; i < n; ++i)
            o[i * size_t(k) + size_t(c)] = float(sign * col[Eigen::Index(i)]);
    }
    return out;
}

// Forward -----------------------------------------------------------------------------------

GtRunResult runGraphTransformer(const GraphTransformerModel& model, const Graph& g,
                                const GtRunOptions& options) {
    const GraphTransformerConfig& c = model.config;
    const GraphTransformerWeights& w = model.weights;
    const size_t n = g.nodeCount();
    const int64_t d = c.hiddenDim;
    const int heads = c.numHeads;
    const int dk = c.headDim();
    if (n == 0) throw std::invalid_argument("the graph has no nodes");
    checkPairLimit(n, c);
    parts::checkRunOptions(options, n, c.numLayers, heads);

    GtRunResult result;
    // Input embedding h⁰ [N, d].
    RowMatrix h = RowMatrix::Zero(Eigen::Index(n), Eigen::Index(d));
    if (c.nodeInput.kind == GtInputKind::Embedding) {
        const AttrColumn& col = inputColumn(g.nodeAttrs(), c.nodeInput, "node");
        const auto table = w.embedH.weight.matrix();
        for (size_t i = 0; i < n; ++i)
            h.row(Eigen::Index(i)) = table.row(categoryOf(col, i, c.nodeInput, "node"));
    } else {
        const AttrColumn& col = inputColumn(g.nodeAttrs(), c.nodeInput, "node");
        RowMatrix x(Eigen::Index(n), c.nodeInput.width);
        for (size_t i = 0; i < n; ++i)
            readReals(col, i, c.nodeInput, "node", &x(Eigen::Index(i), 0));
        h = applyLinear(x, w.embedH);
    }
    if (c.lapPeDim > 0) {
        if (options.lapPe) {
            if (options.lapPe->shape() != Tensor::Shape{int64_t(n), c.lapPeDim})
                throw std::invalid_argument("LapPE given with shape " +
                                            shapeText(options.lapPe->shape()) + "; expected " +
                                            shapeText({int64_t(n), c.lapPeDim}));
            result.lapPe = options.lapPe->clone();
        } else {
            result.lapPe = laplacianPositionalEncoding(g, c.lapPeDim);
        }
        h += applyLinear(RowMatrix(result.lapPe.matrix()), *w.embedLapPe);
    }
    result.embeddings = Tensor({int64_t(n), d});
    result.embeddings.mutableMatrix() = h;

    const GtMessages msg = graphTransformerMessages(g, c);
    const size_t m = msg.source.size();
    // e⁰ [M, d].
    RowMatrix e;
    if (c.edgeFeatures) {
        const GtInputSpec& spec = c.edgeInput;
        e.resize(Eigen::Index(m), Eigen::Index(d));
        if (spec.kind == GtInputKind::Constant) {
            const RowMatrix row = applyLinear(RowMatrix::Ones(1, 1), *w.embedE);
            e.rowwise() = row.row(0);
        } else if (spec.kind == GtInputKind::Embedding) {
            const AttrColumn& col = inputColumn(g.edgeAttrs(), spec, "edge");
            std::vector<int64_t> catOfEdge(g.edgeCount());
            for (size_t ei = 0; ei < g.edgeCount(); ++ei)
                catOfEdge[ei] = categoryOf(col, ei, spec, "edge");
            const auto table = w.embedE->weight.matrix();
            for (size_t k = 0; k < m; ++k)
                e.row(Eigen::Index(k)) =
                    table.row(msg.edge[k] < 0 ? spec.nonEdgeIndex : catOfEdge[size_t(msg.edge[k])]);
        } else {
            const AttrColumn& col = inputColumn(g.edgeAttrs(), spec, "edge");
            RowMatrix x = RowMatrix::Zero(Eigen::Index(m), spec.width);
            for (size_t k = 0; k < m; ++k)
                if (msg.edge[k] >= 0)
                    readReals(col, size_t(msg.edge[k]), spec, "edge", &x(Eigen::Index(k), 0));
            e = applyLinear(x, *w.embedE);
        }
    }

    // Incoming messages per destination (CSR).
    std::vector<uint64_t> inOffsets(n + 1, 0);
    for (size_t k = 0; k < m; ++k) ++inOffsets[msg.target[k] + 1];
    for (size_t i = 0; i < n; ++i) inOffsets[i + 1] += inOffsets[i];
    std::vector<uint32_t> inMessages(m);
    {
        std::vector<uint64_t> fill(inOffsets.begin(), inOffsets.end() - 1);
        for (size_t k = 0; k < m; ++k) inMessages[fill[msg.target[k]]++] = uint32_t(k);
    }

    // Per message, the SPD bias bucket: min(hop, D), D + 1 for another component.
    std::vector<int32_t> spdBucket;
    if (c.spdMaxDistance > 0) {
        spdBucket.resize(m);
        for (size_t k = 0; k < m; ++k)
            spdBucket[k] =
                msg.hops[k] < 0 ? c.spdMaxDistance + 1 : std::min(msg.hops[k], c.spdMaxDistance);
    }
    // Per head, the hop ring it attends over (0: every message).
    std::vector<int32_t> headHop(size_t(heads), 0);
    for (int hh = 0; hh < heads; ++hh) headHop[size_t(hh)] = c.headHop(hh);

    std::vector<uint8_t> alive(n, 1);
    const float invSqrtDk = 1.0f / std::sqrt(float(dk));
    result.layers.resize(size_t(c.numLayers));
    std::vector<float> weights(m * size_t(heads));
    for (int l = 0; l < c.numLayers; ++l) {
        if (options.cancel && options.cancel->load()) throw RunCancelled();
        const GtLayerWeights& lw = w.layers[size_t(l)];
        if (size_t(l) < options.keepNodes.size() && !options.keepNodes[size_t(l)].empty()) {
            std::vector<uint8_t> kept(n, 0);
            for (uint32_t v : options.keepNodes[size_t(l)]) kept[v] = 1;
            for (size_t i = 0; i < n; ++i) alive[i] &= kept[i];
        }
        std::vector<bool> masked(size_t(heads), false);
        if (size_t(l) < options.headMask.size())
            for (size_t hh = 0; hh < options.headMask[size_t(l)].size(); ++hh)
                masked[hh] = options.headMask[size_t(l)][hh];

        const RowMatrix q = applyLinear(h, lw.q);  // [N, d], head hh in columns hh·dk ..
        const RowMatrix k = applyLinear(h, lw.k);
        const RowMatrix v = applyLinear(h, lw.v);
        RowMatrix pe;
        if (c.edgeFeatures) pe = applyLinear(e, *lw.projE);  // [M, d]
        RowMatrix hAttn = RowMatrix::Zero(Eigen::Index(n), Eigen::Index(d));
        RowMatrix eAttn;
        if (c.edgeFeatures) eAttn = RowMatrix::Zero(Eigen::Index(m), Eigen::Index(d));
        std::fill(weights.begin(), weights.end(), 0.0f);

        tbb::parallel_for(
            tbb::blocked_range<size_t>(0, n), [&](const tbb::blocked_range<size_t>& r) {
                std::vector<float> wv(static_cast<size_t>(dk));
                for (size_t i = r.begin(); i != r.end(); ++i) {
                    if (!alive[i]) continue;
                    for (int hh = 0; hh < heads; ++hh) {
                        const Eigen::Index off = Eigen::Index(hh) * dk;
                        const int32_t ring = headHop[size_t(hh)];
                        std::fill(wv.begin(), wv.end(), 0.0f);
                        float z = 0.0f;
                        for (uint64_t p = inOffsets[i]; p < inOffsets[i + 1]; ++p) {
                            const uint32_t mi = inMessages[p];
                            const uint32_t j = msg.source[mi];
                            if (!alive[j]) continue;
                            if (ring != 0 && msg.hops[mi] != ring) continue;  // not its ring
                            float total = 0.0f;
                            for (int t = 0; t < dk; ++t) {
                                float prod =
                                    q(Eigen::Index(i), off + t) * k(j, off + t) * invSqrtDk;
                                if (c.edgeFeatures) {
                                    prod *= pe(mi, off + t);
                                    if (!masked[size_t(hh)]) eAttn(mi, off + t) = prod;
                                }
                                total += prod;
                            }
                            if (lw.spdBias)
                                total += lw.spdBias->data()[size_t(spdBucket[mi]) * size_t(heads) +
                                                            size_t(hh)];
                            const float s = std::exp(std::clamp(total, -kScoreClamp, kScoreClamp));
                            weights[size_t(mi) * size_t(heads) + size_t(hh)] = s;
                            z += s;
                            for (int t = 0; t < dk; ++t) wv[size_t(t)] += s * v(j, off + t);
                        }
                        // Without edge features the repo divides by z alone, and a node without
                        // incoming messages would get 0/0; it gets 0 here.
                        const float denom =
                            c.edgeFeatures ? z + kAttentionEpsilon : (z > 0.0f ? z : 1.0f);
                        for (uint64_t p = inOffsets[i]; p < inOffsets[i + 1]; ++p)
                            weights[size_t(inMessages[p]) * size_t(heads) + size_t(hh)] /= denom;
                        if (masked[size_t(hh)]) continue;
                        for (int t = 0; t < dk; ++t)
                            hAttn(Eigen::Index(i), off + t) = wv[size_t(t)] / denom;
                    }
                }
            });

        applyStream(h, hAttn, lw.node, c);
        for (size_t i = 0; i < n; ++i)
            if (!alive[i]) h.row(Eigen::Index(i)).setZero();
        if (c.edgeFeatures) {
            // Messages that no longer run keep their state.
            RowMatrix updated = e;
            applyStream(updated, eAttn, *lw.edge, c);
            for (size_t mi = 0; mi < m; ++mi)
                if (alive[msg.source[mi]] && alive[msg.target[mi]])
                    e.row(Eigen::Index(mi)) = updated.row(Eigen::Index(mi));
        }

        const bool capture = options.captureLayers.empty() ||
                             std::find(options.captureLayers.begin(), options.captureLayers.end(),
                                       l) != options.captureLayers.end();
        GtLayerCapture& cap = result.layers[size_t(l)];
        cap.present = alive;
        if (capture && options.captureAttention) {
            cap.attention = Tensor({heads, int64_t(n), int64_t(n)});
            float* a = cap.attention.mutableData();
            for (size_t mi = 0; mi < m; ++mi)
                for (int hh = 0; hh < heads; ++hh)
                    a[(size_t(hh) * n + msg.target[mi]) * n + msg.source[mi]] +=
                        weights[mi * size_t(heads) + size_t(hh)];
        }
        if (capture && options.captureNodeStates) {
            cap.nodeStates = Tensor({int64_t(n), d});
            cap.nodeStates.mutableMatrix() = h;
        }
    }

    result.output = parts::applyOutputHead(h, alive, c.task, c.readout, w.mlp, c.numOutputs);
    result.messageSource = msg.source;
    result.messageTarget = msg.target;
    result.messageHops = msg.hops;
    return result;
}

}  // namespace gts::model
