#include "model/GraphGps.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <Eigen/Eigenvalues>
#include <nlohmann/json.hpp>

#include "graph/DenseEigen.h"
#include "graph/RandomWalk.h"
#include "graph/Spectral.h"
#include "graph/AttrNames.h"
#include "io/GraphIO.h"
#include "io/OgbFeatures.h"
#include "model/NodeModelParts.h"
#include "model/Run.h"

namespace gts::model {

namespace fs = std::filesystem;
using json = nlohmann::json;
using RowMatrix = Tensor::RowMatrix;
using parts::applyLinear;
using parts::batchNormEval;
using parts::categoryOf;
using parts::choiceField;
using parts::configError;
using parts::inputColumn;
using parts::intField;
using parts::readReals;
using parts::shapeText;
using parts::stringField;
using parts::TensorBinder;

namespace {

/// torch BatchNorm1d and torch_geometric LayerNorm default eps, which GraphGPS keeps.
constexpr float kNormEpsilon = 1e-5f;
/// gatedgcn_layer.py aggregate: numerator / (denominator + 1e-6).
constexpr float kGatedEpsilon = 1e-6f;
/// Entries this close to a column's largest magnitude tie for deciding its sign.
constexpr double kSignTieTolerance = 1e-6;

// Config ------------------------------------------------------------------------------------

GtInputSpec parseNodeOrEdgeInput(const json& j, const std::string& field, bool edge,
                                 GpsEdgeKind* edgeKind, bool* nodeOgbAtom, const std::string& source) {
    if (!j.is_object()) configError(source, "\"" + field + "\" must be an object");
    GtInputSpec in;
    const size_t kind = choiceField(j, field + ".kind", source,
                                    edge ? std::vector<std::string>{"embedding", "linear", "dummy", "ogb_bond"}
                                         : std::vector<std::string>{"embedding", "linear", "ogb_atom"},
                                    "");
    if (edge) *edgeKind = GpsEdgeKind(kind);
    if (edge && *edgeKind == GpsEdgeKind::Dummy) return in;
    if ((edge && *edgeKind == GpsEdgeKind::OgbBond) || (!edge && kind == 2)) {
        // OGB's encoders: every column of a discrete attribute (default "feat", what the
        // molecule readers write), each through its own table.
        if (!edge) *nodeOgbAtom = true;
        in.kind = GtInputKind::Embedding;
        in.attribute = stringField(j, "attribute", source, attr::kFeat);
        return in;
    }
    in.kind = kind == 0 ? GtInputKind::Embedding : GtInputKind::Linear;
    in.attribute = stringField(j, "attribute", source, "");
    if (in.attribute.empty()) configError(source, field + ".attribute: missing");
    if (in.kind == GtInputKind::Embedding) {
        in.column = intField(j, "column", source, 0, 0);
        in.numEmbeddings = intField(j, "num_embeddings", source, std::nullopt, 1);
        in.offset = intField(j, "offset", source, 0, 0);
    } else {
        in.width = intField(j, "width", source, std::nullopt, 1);
    }
    return in;
}

// Weights -----------------------------------------------------------------------------------

/// What an unbound tensor of a GraphGPS checkpoint most likely means.
std::string unusedTensorHint(const std::string& name) {
    if (name.find("local_model") != std::string::npos) return " (does config.json's local_gnn match the checkpoint?)";
    if (name.find("self_attn") != std::string::npos)
        return " (does config.json's global_attention match the checkpoint?)";
    if (name.starts_with("encoder.node_encoder"))
        return " (do config.json's node_input, lap_pe and rwse match the checkpoint?)";
    if (name.starts_with("encoder.edge_encoder")) return " (does config.json's edge_input match the checkpoint?)";
    if (name.starts_with("post_mp")) return " (do config.json's head and head_layers match the checkpoint?)";
    return "";
}

/// nn.Sequential of [Linear, ReLU]... (or with a leading ReLU): Linears at `first`, first + 2, ...
std::vector<LinearWeights> bindReluMlp(const TensorBinder& b, const std::string& prefix,
                                       const std::vector<int64_t>& widths, int first) {
    std::vector<LinearWeights> out;
    for (size_t k = 0; k + 1 < widths.size(); ++k)
        out.push_back(
            b.linear(prefix + std::to_string(first + 2 * int(k)), widths[k + 1], widths[k]));
    return out;
}

// Forward helpers ---------------------------------------------------------------------------

RowMatrix relu(RowMatrix x) {
    return x.cwiseMax(0.0f);
}

void batchNorm(RowMatrix& x, const GtNormWeights& n) {
    batchNormEval(x, n, kNormEpsilon);
}

/// BatchNorm1d or torch_geometric's graph-mode LayerNorm (statistics over the present nodes'
/// rows and all channels).
void applyNorm(RowMatrix& x, const GtNormWeights& n, GtNorm kind,
               const std::vector<uint8_t>& alive) {
    if (kind == GtNorm::Batch) return batchNorm(x, n);
    double sum = 0, count = 0;
    for (Eigen::Index r = 0; r < x.rows(); ++r)
        if (alive[size_t(r)]) sum += x.row(r).cast<double>().sum(), count += double(x.cols());
    const double mean = count > 0 ? sum / count : 0.0;
    double sq = 0;
    for (Eigen::Index r = 0; r < x.rows(); ++r)
        if (alive[size_t(r)]) sq += (x.row(r).cast<double>().array() - mean).square().sum();
    const float inv = float(1.0 / std::sqrt((count > 0 ? sq / count : 0.0) + kNormEpsilon));
    const auto w = n.weight.flat(), b = n.bias.flat();
    for (Eigen::Index r = 0; r < x.rows(); ++r)
        x.row(r) = (((x.row(r).array() - float(mean)) * inv) * w.transpose().array() +
                    b.transpose().array())
                       .matrix();
}

/// Rows [count, out] of an input through its Embedding table or Linear.
RowMatrix encodeInput(const AttrTable& table, size_t count, const GtInputSpec& spec,
                      const LinearWeights& w, const char* scope) {
    const AttrColumn& col = inputColumn(table, spec, scope);
    if (spec.kind == GtInputKind::Embedding) {
        const auto tableRows = w.weight.matrix();
        RowMatrix out(Eigen::Index(count), tableRows.cols());
        for (size_t i = 0; i < count; ++i)
            out.row(Eigen::Index(i)) = tableRows.row(categoryOf(col, i, spec, scope));
        return out;
    }
    RowMatrix x(Eigen::Index(count), spec.width);
    for (size_t i = 0; i < count; ++i) readReals(col, i, spec, scope, x.row(Eigen::Index(i)).data());
    return applyLinear(x, w);
}

/// OGB's AtomEncoder / BondEncoder: rows [count, width] as the sum over the attribute's columns
/// k of tables[k].row(value_k); a missing value or one outside a table is named.
RowMatrix encodeOgb(const AttrTable& table, size_t count, const std::string& attribute,
                    const std::vector<Tensor>& tables, const char* scope) {
    const AttrColumn* col = table.find(attribute);
    if (!col)
        throw std::invalid_argument(std::string("the graph has no ") + scope + " attribute \"" + attribute +
                                    "\" (the model's OGB " + scope + " features)");
    if (col->kind != AttrKind::Discrete || col->width != tables.size())
        throw std::invalid_argument(std::string(scope) + " attribute \"" + attribute + "\" is " +
                                    attrKindName(col->kind) + " of width " + std::to_string(col->width) +
                                    "; the model reads OGB's " + std::to_string(tables.size()) +
                                    " discrete features (as the molecule readers write them)");
    RowMatrix out = RowMatrix::Zero(Eigen::Index(count), tables.empty() ? 0 : tables[0].dim(1));
    for (size_t i = 0; i < count; ++i) {
        if (!col->has(i))
            throw std::invalid_argument(std::string(scope) + " " + std::to_string(i) + " has no value for attribute \"" +
                                        attribute + "\"");
        for (size_t k = 0; k < tables.size(); ++k) {
            const int64_t v = col->intAt(i, uint32_t(k));
            if (v < 0 || v >= tables[k].dim(0))
                throw std::invalid_argument(std::string(scope) + " " + std::to_string(i) + ": OGB feature " +
                                            std::to_string(k) + " is " + std::to_string(v) + ", outside 0.." +
                                            std::to_string(tables[k].dim(0) - 1));
            out.row(Eigen::Index(i)) += tables[k].matrix().row(v);
        }
    }
    return out;
}

/// The LapPE DeepSet (laplace_pos_encoder.py) on eigvecs [N, F] / eigvals [F] → [N, dim_pe].
RowMatrix encodeLapPe(const GpsLapPeInput& in, const GpsLapPeWeights& w) {
    const Eigen::Index n = in.eigvecs.dim(0), f = in.eigvecs.dim(1);
    const auto vecs = in.eigvecs.matrix();
    const auto vals = in.eigvals.flat();
    RowMatrix pairs(n * f, 2);  // row i·F + k: (v_k[i], λ_k), NaN → 0
    std::vector<uint8_t> empty(size_t(n * f));
    for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index k = 0; k < f; ++k) {
            const float v = vecs(i, k), l = vals[k];
            empty[size_t(i * f + k)] = std::isnan(v);
            pairs(i * f + k, 0) = std::isnan(v) ? 0.0f : v;
            pairs(i * f + k, 1) = std::isnan(l) ? 0.0f : l;
            if (w.rawNorm) {  // BatchNorm1d(max_freqs) on [N, F, 2]: channel k
                const float scale = w.rawNorm->weight.flat()[k] /
                                    std::sqrt(w.rawNorm->runningVar.flat()[k] + kNormEpsilon);
                for (int c = 0; c < 2; ++c)
                    pairs(i * f + k, c) =
                        (pairs(i * f + k, c) - w.rawNorm->runningMean.flat()[k]) * scale +
                        w.rawNorm->bias.flat()[k];
            }
        }
    RowMatrix z = relu(applyLinear(pairs, w.linearA));
    for (const auto& layer : w.deepSet) z = relu(applyLinear(z, layer));
    RowMatrix pe = RowMatrix::Zero(n, z.cols());
    for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index k = 0; k < f; ++k)
            if (!empty[size_t(i * f + k)]) pe.row(i) += z.row(i * f + k);
    for (const auto& layer : w.postMlp) pe = relu(applyLinear(pe, layer));
    return pe;
}

RowMatrix encodeRwse(const Tensor& rw, const GpsRwseWeights& w) {
    RowMatrix x = rw.matrix();
    if (w.rawNorm) batchNorm(x, *w.rawNorm);
    for (const auto& layer : w.encoder) {
        x = applyLinear(x, layer);
        if (w.reluAfterEach) x = relu(std::move(x));
    }
    return x;
}

struct MessageSet {
    std::vector<uint32_t> source, target, edge;
};

/// An undirected edge both ways, a directed edge and a self loop once.
MessageSet buildMessages(const Graph& g) {
    MessageSet m;
    for (EdgeId e = 0; e < g.edgeCount(); ++e) {
        const Edge& ed = g.edge(e);
        m.source.push_back(ed.src), m.target.push_back(ed.dst), m.edge.push_back(uint32_t(e));
        if (!g.directed() && ed.src != ed.dst)
            m.source.push_back(ed.dst), m.target.push_back(ed.src), m.edge.push_back(uint32_t(e));
    }
    return m;
}

}  // namespace

// Config ------------------------------------------------------------------------------------

bool isGraphGpsConfig(const json& j) {
    if (!j.is_object()) return false;
    for (const char* key : {"model_type", "family"})
        if (j.contains(key) && j[key].is_string() && j[key].get<std::string>() == kGraphGpsType)
            return true;
    return false;
}

GraphGpsConfig parseGraphGpsConfig(const json& j, const std::string& source) {
    if (!j.is_object()) configError(source, "config must be a JSON object");
    if (!isGraphGpsConfig(j))
        configError(source, std::string("\"model_type\" is not \"") + kGraphGpsType + "\"");
    GraphGpsConfig c;
    c.hiddenDim = intField(j, "hidden_dim", source, std::nullopt, 1);
    c.numHeads = intField(j, "num_heads", source, std::nullopt, 1);
    c.numLayers = intField(j, "num_layers", source, std::nullopt, 0);
    if (c.hiddenDim % c.numHeads != 0)
        configError(source, "hidden_dim " + std::to_string(c.hiddenDim) +
                                " is not a multiple of num_heads " + std::to_string(c.numHeads));
    c.local = GpsLocalModel(choiceField(j, "local_gnn", source, {"none", "gine", "gatedgcn"}, ""));
    c.global =
        GpsGlobalModel(choiceField(j, "global_attention", source, {"none", "transformer"}, ""));
    if (c.local == GpsLocalModel::None && c.global == GpsGlobalModel::None)
        configError(source, "local_gnn and global_attention are both \"none\"; a layer needs one");
    c.norm = GtNorm(choiceField(j, "norm", source, {"batch", "layer"}, "batch"));
    c.task = GtTask(choiceField(j, "task", source, {"graph", "node"}, "graph"));
    const size_t readout = choiceField(j, "readout", source, {"mean", "add", "max", "sum"}, "mean");
    c.readout = readout == 0 ? GtReadout::Mean : readout == 2 ? GtReadout::Max : GtReadout::Sum;
    c.numOutputs = intField(j, "num_outputs", source, 1, 1);
    try {
        c.objective = parseNodeObjective(stringField(j, "objective", source, "regression"));
    } catch (const std::invalid_argument& e) {
        configError(source, std::string("objective: ") + e.what());
    }
    c.head = GpsHead(choiceField(j, "head", source, {"san_graph", "inductive_node"}, "san_graph"));
    if (c.head == GpsHead::InductiveNode && c.task != GtTask::Node)
        configError(source, "head \"inductive_node\" predicts per node; \"task\" must be \"node\"");
    c.headLayers = intField(j, "head_layers", source, 2, c.head == GpsHead::InductiveNode ? 1 : 0);
    if (c.head == GpsHead::InductiveNode) {
        if (c.headLayers > 64) configError(source, "head_layers " + std::to_string(c.headLayers) + " is more than 64");
    } else if (c.headLayers > 30 || (c.hiddenDim >> c.headLayers) < 1)
        configError(source, "head_layers " + std::to_string(c.headLayers) + " halves hidden_dim " +
                                std::to_string(c.hiddenDim) + " below 1");
    if (!j.contains("node_input")) configError(source, "missing field \"node_input\"");
    c.nodeInput = parseNodeOrEdgeInput(j["node_input"], "node_input", false, nullptr, &c.nodeOgbAtom, source);
    if (j.contains("edge_input")) {
        GpsEdgeKind kind{};
        c.edgeInput = parseNodeOrEdgeInput(j["edge_input"], "edge_input", true, &kind, nullptr, source);
        c.edgeKind = kind;
    } else if (c.local != GpsLocalModel::None) {
        configError(source,
                    "local_gnn needs edge features but \"edge_input\" is missing (use "
                    "{\"kind\": \"dummy\"} for none)");
    }
    if (j.contains("lap_pe") && !j["lap_pe"].is_null()) {
        const json& p = j["lap_pe"];
        if (!p.is_object()) configError(source, "\"lap_pe\" must be an object");
        GpsLapPeConfig pe;
        const std::string where = source;
        pe.dimPe = intField(p, "dim_pe", where, std::nullopt, 1);
        pe.maxFreqs = intField(p, "max_freqs", where, 10, 1);
        pe.layers = intField(p, "layers", where, 2, 1);
        pe.postLayers = intField(p, "post_layers", where, 0, 0);
        pe.rawBatchNorm = choiceField(p, "lap_pe.raw_norm", where, {"none", "batchnorm"}, "none");
        pe.laplacian = GpsLaplacianNorm(
            choiceField(p, "lap_pe.laplacian_norm", where, {"none", "sym"}, "none"));
        if (p.contains("model") &&
            choiceField(p, "lap_pe.model", where, {"DeepSet", "deepset"}, "DeepSet") > 1)
            configError(source, "lap_pe.model: only DeepSet is supported");
        c.lapPe = pe;
    }
    if (j.contains("rwse") && !j["rwse"].is_null()) {
        const json& p = j["rwse"];
        if (!p.is_object()) configError(source, "\"rwse\" must be an object");
        GpsRwseConfig pe;
        pe.dimPe = intField(p, "dim_pe", source, std::nullopt, 1);
        pe.steps = intField(p, "steps", source, std::nullopt, 1);
        pe.mlp = choiceField(p, "rwse.model", source, {"linear", "mlp"}, "linear") == 1;
        pe.layers = intField(p, "layers", source, 2, 1);
        pe.rawBatchNorm =
            choiceField(p, "rwse.raw_norm", source, {"none", "batchnorm"}, "batchnorm") == 1;
        c.rwse = pe;
    }
    if (c.nodeEmbeddingDim() < 1)
        configError(source, "hidden_dim " + std::to_string(c.hiddenDim) +
                                " leaves no width for node_input after the PE widths (dim_pe)");
    return c;
}

// Weights -----------------------------------------------------------------------------------

int64_t GraphGpsWeights::parameterCount() const {
    int64_t total = 0;
    auto lin = [&](const LinearWeights& w) {
        if (w.weight.rank() == 0) return;
        total += int64_t(w.weight.size()) + (w.bias ? int64_t(w.bias->size()) : 0);
    };
    auto norm = [&](const GtNormWeights& n) { total += int64_t(n.weight.size() + n.bias.size()); };
    lin(nodeEncoder);
    for (const auto* tables : {&atomTables, &bondTables})
        for (const Tensor& t : *tables) total += int64_t(t.size());
    if (lapPe) {
        if (lapPe->rawNorm) norm(*lapPe->rawNorm);
        lin(lapPe->linearA);
        for (const auto& l : lapPe->deepSet) lin(l);
        for (const auto& l : lapPe->postMlp) lin(l);
    }
    if (rwse) {
        if (rwse->rawNorm) norm(*rwse->rawNorm);
        for (const auto& l : rwse->encoder) lin(l);
    }
    if (edgeEncoder) lin(*edgeEncoder);
    for (const auto& l : layers) {
        for (const auto* w : {&l.gineNn1, &l.gineNn2, &l.a, &l.b, &l.c, &l.d, &l.e, &l.inProj,
                              &l.outProj, &l.ff1, &l.ff2})
            lin(*w);
        for (const auto* n : {&l.bnNode, &l.bnEdge, &l.norm2})
            if (n->weight.rank() > 0) norm(*n);
        if (l.norm1Local) norm(*l.norm1Local);
        if (l.norm1Attn) norm(*l.norm1Attn);
    }
    for (const auto& h : head) lin(h);
    return total;
}

GraphGpsWeights bindGraphGpsWeights(const std::map<std::string, Tensor>& tensors,
                                    const GraphGpsConfig& c, const std::string& source) {
    const TensorBinder b(tensors, source, unusedTensorHint);
    const int64_t d = c.hiddenDim;
    GraphGpsWeights w;
    const bool concat = c.lapPe || c.rwse;
    const std::string node =
        concat ? "encoder.node_encoder.encoder1.encoder" : "encoder.node_encoder.encoder";
    const int64_t d0 = c.nodeEmbeddingDim();
    if (c.nodeOgbAtom) {
        const std::string list = (concat ? "encoder.node_encoder.encoder1" : "encoder.node_encoder") +
                                 std::string(".atom_embedding_list.");
        for (size_t k = 0; k < ogb::kAtomFeatureDims.size(); ++k)
            w.atomTables.push_back(b.need(list + std::to_string(k) + ".weight", {int64_t(ogb::kAtomFeatureDims[k]), d0}));
    } else if (c.nodeInput.kind == GtInputKind::Embedding)
        w.nodeEncoder.weight = b.need(node + ".weight", {c.nodeInput.numEmbeddings, d0});
    else
        w.nodeEncoder = b.linear(node, d0, c.nodeInput.width);
    int next = 2;  // encoder2, encoder3: the PEs in the order LapPE, RWSE
    if (c.lapPe) {
        const GpsLapPeConfig& pe = *c.lapPe;
        const std::string p = "encoder.node_encoder.encoder" + std::to_string(next++) + ".";
        const int64_t dp = pe.dimPe;
        GpsLapPeWeights lw;
        if (pe.rawBatchNorm) lw.rawNorm = b.norm(p + "raw_norm", pe.maxFreqs, GtNorm::Batch);
        if (pe.layers == 1) {
            lw.linearA = b.linear(p + "linear_A", dp, 2);
        } else {
            lw.linearA = b.linear(p + "linear_A", 2 * dp, 2);
            std::vector<int64_t> widths(size_t(pe.layers - 1), 2 * dp);
            widths.push_back(dp);
            lw.deepSet = bindReluMlp(b, p + "pe_encoder.", widths, 1);
        }
        if (pe.postLayers == 1) {
            lw.postMlp = bindReluMlp(b, p + "post_mlp.", {dp, dp}, 0);
        } else if (pe.postLayers > 1) {
            std::vector<int64_t> widths{dp};
            widths.insert(widths.end(), size_t(pe.postLayers - 1), 2 * dp);
            widths.push_back(dp);
            lw.postMlp = bindReluMlp(b, p + "post_mlp.", widths, 0);
        }
        w.lapPe = std::move(lw);
    }
    if (c.rwse) {
        const GpsRwseConfig& pe = *c.rwse;
        const std::string p = "encoder.node_encoder.encoder" + std::to_string(next++) + ".";
        GpsRwseWeights rw;
        if (pe.rawBatchNorm) rw.rawNorm = b.norm(p + "raw_norm", pe.steps, GtNorm::Batch);
        if (!pe.mlp) {
            rw.encoder.push_back(b.linear(p + "pe_encoder", pe.dimPe, pe.steps));
        } else {
            std::vector<int64_t> widths{pe.steps};
            if (pe.layers > 1)
                widths.insert(widths.end(), size_t(pe.layers - 1), 2 * int64_t(pe.dimPe));
            widths.push_back(pe.dimPe);
            rw.encoder = bindReluMlp(b, p + "pe_encoder.", widths, 0);
            rw.reluAfterEach = true;
        }
        w.rwse = std::move(rw);
    }
    if (c.edgeKind) {
        const std::string e = "encoder.edge_encoder.encoder";
        switch (*c.edgeKind) {
            case GpsEdgeKind::Embedding:
                w.edgeEncoder =
                    LinearWeights{b.need(e + ".weight", {c.edgeInput.numEmbeddings, d}), {}};
                break;
            case GpsEdgeKind::Linear:
                w.edgeEncoder = b.linear(e, d, c.edgeInput.width);
                break;
            case GpsEdgeKind::Dummy:
                w.edgeEncoder = LinearWeights{b.need(e + ".weight", {1, d}), {}};
                break;
            case GpsEdgeKind::OgbBond:
                for (size_t k = 0; k < ogb::kBondFeatureDims.size(); ++k)
                    w.bondTables.push_back(b.need("encoder.edge_encoder.bond_embedding_list." + std::to_string(k) + ".weight",
                                                  {int64_t(ogb::kBondFeatureDims[k]), d}));
                break;
        }
    }
    for (int l = 0; l < c.numLayers; ++l) {
        const std::string p = "layers." + std::to_string(l) + ".";
        GpsLayerWeights lw;
        if (c.local == GpsLocalModel::Gine) {
            lw.gineNn1 = b.linear(p + "local_model.nn.0", d, d);
            lw.gineNn2 = b.linear(p + "local_model.nn.2", d, d);
            // PyG keeps eps as a buffer (train_eps off) or a parameter; absent means 0.
            if (b.has(p + "local_model.eps"))
                lw.gineEps = b.need(p + "local_model.eps", {1}).data()[0];
        } else if (c.local == GpsLocalModel::GatedGcn) {
            const std::string m = p + "local_model.";
            lw.a = b.linear(m + "A", d, d), lw.b = b.linear(m + "B", d, d);
            lw.c = b.linear(m + "C", d, d), lw.d = b.linear(m + "D", d, d);
            lw.e = b.linear(m + "E", d, d);
            lw.bnNode = b.norm(m + "bn_node_x", d, GtNorm::Batch);
            lw.bnEdge = b.norm(m + "bn_edge_e", d, GtNorm::Batch);
        }
        if (c.global == GpsGlobalModel::Transformer) {
            lw.inProj.weight = b.need(p + "self_attn.in_proj_weight", {3 * d, d});
            lw.inProj.bias = b.need(p + "self_attn.in_proj_bias", {3 * d});
            lw.outProj = b.linear(p + "self_attn.out_proj", d, d);
        }
        if (c.local != GpsLocalModel::None) lw.norm1Local = b.norm(p + "norm1_local", d, c.norm);
        if (c.global != GpsGlobalModel::None) lw.norm1Attn = b.norm(p + "norm1_attn", d, c.norm);
        lw.ff1 = b.linear(p + "ff_linear1", 2 * d, d);
        lw.ff2 = b.linear(p + "ff_linear2", d, 2 * d);
        lw.norm2 = b.norm(p + "norm2", d, c.norm);
        w.layers.push_back(std::move(lw));
    }
    // A checkpoint of the other head names it before any tensor goes missing.
    const bool inductiveNames = std::any_of(tensors.begin(), tensors.end(), [](const auto& t) {
        return t.first.starts_with("post_mp.layer_post_mp.");
    });
    if (inductiveNames != (c.head == GpsHead::InductiveNode))
        throw io::ParseError(source, 0,
                             inductiveNames ? "the checkpoint has GraphGPS's inductive_node head (post_mp.layer_post_mp.*); "
                                              "config.json needs \"head\": \"inductive_node\""
                                            : "config.json's head is inductive_node but the checkpoint has no "
                                              "post_mp.layer_post_mp.* tensors (san_graph's are post_mp.FC_layers.*)");
    if (c.head == GpsHead::InductiveNode) {
        const std::string mlp = "post_mp.layer_post_mp.model.";
        for (int i = 0; i + 1 < c.headLayers; ++i)
            w.head.push_back(b.linear(mlp + "0.Layer_" + std::to_string(i) + ".layer.model", d, d));
        w.head.push_back(b.linear(mlp + (c.headLayers == 1 ? "0" : "1") + ".model", c.numOutputs, d));
    } else {
        for (int k = 0; k <= c.headLayers; ++k) {
            const int64_t in = d >> k;
            const int64_t out = k == c.headLayers ? c.numOutputs : d >> (k + 1);
            w.head.push_back(b.linear("post_mp.FC_layers." + std::to_string(k), out, in));
        }
    }
    b.requireAllUsed();
    return w;
}

// Loading -----------------------------------------------------------------------------------

std::shared_ptr<const GraphGpsModel> loadGraphGpsModel(const fs::path& path) {
    auto model = std::make_shared<GraphGpsModel>();
    parts::NodeModelFiles files = parts::findModelFiles(path);
    model->folder = std::move(files.folder);
    model->weightsPath = std::move(files.weightsPath);
    model->configPath = std::move(files.configPath);
    model->config = parseGraphGpsConfig(files.config, model->configPath.string());
    model->tensors = parts::readWeights(model->weightsPath);
    model->weights = bindGraphGpsWeights(model->tensors, model->config, model->weightsPath.string());
    return model;
}

// Encodings ---------------------------------------------------------------------------------

GpsLapPeInput graphGpsLapPe(const Graph& g, int maxFreqs, GpsLaplacianNorm norm) {
    const size_t n = g.nodeCount();
    if (maxFreqs < 1) throw std::invalid_argument("LapPE: max_freqs must be positive");
    if (n > kMaxLapPeNodes)
        throw std::invalid_argument("LapPE: the graph has " + std::to_string(n) +
                                    " nodes; the dense eigendecomposition is limited to " +
                                    std::to_string(kMaxLapPeNodes));
    GpsLapPeInput out{Tensor({int64_t(n), maxFreqs}), Tensor({maxFreqs})};
    const float nan = std::numeric_limits<float>::quiet_NaN();
    std::fill(out.eigvecs.mutableData(), out.eigvecs.mutableData() + out.eigvecs.size(), nan);
    std::fill(out.eigvals.mutableData(), out.eigvals.mutableData() + out.eigvals.size(), nan);
    if (n == 0) return out;
    // PyG get_laplacian: self loops removed, repeated edges add, both directions.
    Eigen::MatrixXd a = Eigen::MatrixXd::Zero(Eigen::Index(n), Eigen::Index(n));
    for (const Edge& e : g.edges())
        if (e.src != e.dst) a(e.src, e.dst) += 1.0, a(e.dst, e.src) += 1.0;
    const Eigen::VectorXd deg = a.rowwise().sum();
    Eigen::MatrixXd lap;
    if (norm == GpsLaplacianNorm::None) {
        lap = Eigen::MatrixXd(deg.asDiagonal()) - a;
    } else {
        const Eigen::VectorXd inv =
            deg.unaryExpr([](double x) { return x > 0 ? 1 / std::sqrt(x) : 0.0; });
        lap = Eigen::MatrixXd::Identity(Eigen::Index(n), Eigen::Index(n)) -
              inv.asDiagonal() * a * inv.asDiagonal();
    }
    // Only the smallest max_freqs pairs (and the rest of a repeated eigenvalue they reach into).
    const int take = int(std::min<size_t>(size_t(maxFreqs), n));
    const DenseEigenpairs pairs = smallestSymmetricEigenpairs(lap, take);
    const Eigen::MatrixXd vectors = canonicalEigenspaceBasis(pairs.values, pairs.vectors);
    float* v = out.eigvecs.mutableData();
    for (int c = 0; c < take; ++c) {
        const auto col = vectors.col(c);
        const double top = col.cwiseAbs().maxCoeff();
        double sign = 1.0;
        for (Eigen::Index i = 0; i < col.size(); ++i)
            if (std::abs(col[i]) >= top - kSignTieTolerance) {
                sign = col[i] < 0 ? -1.0 : 1.0;
                break;
            }
        for (size_t i = 0; i < n; ++i)
            v[i * size_t(maxFreqs) + size_t(c)] = float(sign * col[Eigen::Index(i)]);
        out.eigvals.mutableData()[c] = float(std::max(0.0, pairs.values[c]));
    }
    return out;
}

// Forward -----------------------------------------------------------------------------------

GpsRunResult runGraphGps(const GraphGpsModel& model, const Graph& g, const GpsRunOptions& options) {
    const GraphGpsConfig& c = model.config;
    const GraphGpsWeights& w = model.weights;
    const size_t n = g.nodeCount();
    const int64_t d = c.hiddenDim;
    const int heads = c.numHeads;
    const int dk = int(d) / heads;
    const bool attention = c.global == GpsGlobalModel::Transformer;
    if (n == 0) throw std::invalid_argument("the graph has no nodes");
    if (attention && n > kMaxGpsAttentionNodes)
        throw std::invalid_argument("global attention over " + std::to_string(n) +
                                    " nodes: dense all-pairs attention is limited to " +
                                    std::to_string(kMaxGpsAttentionNodes) + " nodes");
    parts::checkRunOptions(options, n, c.numLayers, heads);

    GpsRunResult result;
    // Input: [node encoder | LapPE | RWSE], [N, d].
    RowMatrix h = RowMatrix::Zero(Eigen::Index(n), Eigen::Index(d));
    const int d0 = c.nodeEmbeddingDim();
    h.leftCols(d0) = c.nodeOgbAtom ? encodeOgb(g.nodeAttrs(), n, c.nodeInput.attribute, w.atomTables, "node")
                                   : encodeInput(g.nodeAttrs(), n, c.nodeInput, w.nodeEncoder, "node");
    int col = d0;
    if (c.lapPe) {
        const int f = c.lapPe->maxFreqs;
        if (options.lapPe) {
            if (options.lapPe->eigvecs.shape() != Tensor::Shape{int64_t(n), f} ||
                options.lapPe->eigvals.shape() != Tensor::Shape{f})
                throw std::invalid_argument(
                    "LapPE given with shapes " + shapeText(options.lapPe->eigvecs.shape()) + ", " +
                    shapeText(options.lapPe->eigvals.shape()) + "; expected " +
                    shapeText({int64_t(n), f}) + ", " + shapeText({f}));
            result.lapPe = *options.lapPe;
        } else {
            result.lapPe = graphGpsLapPe(g, f, c.lapPe->laplacian);
        }
        h.middleCols(col, c.lapPe->dimPe) = encodeLapPe(result.lapPe, *w.lapPe);
        col += c.lapPe->dimPe;
    }
    if (c.rwse) {
        const int k = c.rwse->steps;
        if (options.rwse) {
            if (options.rwse->shape() != Tensor::Shape{int64_t(n), k})
                throw std::invalid_argument("RWSE given with shape " +
                                            shapeText(options.rwse->shape()) + "; expected " +
                                            shapeText({int64_t(n), k}));
            result.rwse = *options.rwse;
        } else {
            const std::vector<double> rw = randomWalkReturnProbabilities(g, k);
            result.rwse = Tensor({int64_t(n), k}, std::vector<float>(rw.begin(), rw.end()));
        }
        h.middleCols(col, c.rwse->dimPe) = encodeRwse(result.rwse, *w.rwse);
    }
    result.embeddings = Tensor({int64_t(n), d});
    result.embeddings.mutableMatrix() = h;

    const MessageSet msg = buildMessages(g);
    const size_t m = msg.source.size();
    RowMatrix e;  // [M, d] edge states
    if (c.edgeKind && c.local != GpsLocalModel::None) {
        if (*c.edgeKind == GpsEdgeKind::Dummy) {
            e = RowMatrix(Eigen::Index(m), Eigen::Index(d));
            e.rowwise() = w.edgeEncoder->weight.matrix().row(0);
        } else {
            const RowMatrix perEdge =
                *c.edgeKind == GpsEdgeKind::OgbBond
                    ? encodeOgb(g.edgeAttrs(), g.edgeCount(), c.edgeInput.attribute, w.bondTables, "edge")
                    : encodeInput(g.edgeAttrs(), g.edgeCount(), c.edgeInput, *w.edgeEncoder, "edge");
            e = RowMatrix(Eigen::Index(m), Eigen::Index(d));
            for (size_t k = 0; k < m; ++k) e.row(Eigen::Index(k)) = perEdge.row(msg.edge[k]);
        }
    }

    std::vector<uint8_t> alive(n, 1);
    result.layers.resize(size_t(c.numLayers));
    const float invSqrtDk = 1.0f / std::sqrt(float(dk));
    for (int l = 0; l < c.numLayers; ++l) {
        if (options.cancel && options.cancel->load()) throw RunCancelled();
        const GpsLayerWeights& lw = w.layers[size_t(l)];
        if (size_t(l) < options.keepNodes.size() && !options.keepNodes[size_t(l)].empty()) {
            std::vector<uint8_t> kept(n, 0);
            for (uint32_t v : options.keepNodes[size_t(l)]) kept[v] = 1;
            for (size_t i = 0; i < n; ++i) alive[i] &= kept[i];
        }
        std::vector<uint32_t> live;  // messages between present nodes
        for (size_t k = 0; k < m; ++k)
            if (alive[msg.source[k]] && alive[msg.target[k]]) live.push_back(uint32_t(k));

        RowMatrix sum = RowMatrix::Zero(Eigen::Index(n), Eigen::Index(d));
        if (c.local == GpsLocalModel::Gine) {
            RowMatrix x = (1.0f + lw.gineEps) * h;
            for (uint32_t k : live)
                x.row(msg.target[k]) += (h.row(msg.source[k]) + e.row(k)).cwiseMax(0.0f);
            RowMatrix local = h + applyLinear(relu(applyLinear(x, lw.gineNn1)), lw.gineNn2);
            applyNorm(local, *lw.norm1Local, c.norm, alive);
            sum += local;
        } else if (c.local == GpsLocalModel::GatedGcn) {
            const RowMatrix ax = applyLinear(h, lw.a), bx = applyLinear(h, lw.b);
            const RowMatrix dx = applyLinear(h, lw.d), ex = applyLinear(h, lw.e);
            RowMatrix num = RowMatrix::Zero(Eigen::Index(n), Eigen::Index(d));
            RowMatrix den = RowMatrix::Zero(Eigen::Index(n), Eigen::Index(d));
            const RowMatrix ce = applyLinear(e, lw.c);  // [M, d]
            RowMatrix eHat(Eigen::Index(live.size()), Eigen::Index(d));
            for (size_t p = 0; p < live.size(); ++p) {
                const uint32_t k = live[p], i = msg.target[k], j = msg.source[k];
                eHat.row(Eigen::Index(p)) = dx.row(i) + ex.row(j) + ce.row(k);
                const auto sigma =
                    (1.0f / (1.0f + (-eHat.row(Eigen::Index(p)).array()).exp())).matrix();
                num.row(i) += sigma.cwiseProduct(bx.row(j));
                den.row(i) += sigma;
            }
            RowMatrix x = ax + RowMatrix(num.array() / (den.array() + kGatedEpsilon));
            batchNorm(x, lw.bnNode);
            RowMatrix local = h + relu(std::move(x));
            applyNorm(local, *lw.norm1Local, c.norm, alive);
            sum += local;
            if (!live.empty()) {
                batchNorm(eHat, lw.bnEdge);
                eHat = relu(std::move(eHat));
                for (size_t p = 0; p < live.size(); ++p)
                    e.row(live[p]) += eHat.row(Eigen::Index(p));
            }
        }

        NodeLayerCapture& cap = result.layers[size_t(l)];
        const bool capture = options.captureLayers.empty() ||
                             std::find(options.captureLayers.begin(), options.captureLayers.end(),
                                       l) != options.captureLayers.end();
        if (capture && options.captureAttention)
            cap.attention = Tensor({heads, int64_t(n), int64_t(n)});
        if (attention) {
            std::vector<bool> masked(size_t(heads), false);
            if (size_t(l) < options.headMask.size())
                for (size_t hh = 0; hh < options.headMask[size_t(l)].size(); ++hh)
                    masked[hh] = options.headMask[size_t(l)][hh];
            const RowMatrix qkv = applyLinear(h, lw.inProj);  // [N, 3d]: q | k | v
            // The present nodes are the queries and the keys. Per head, scores for a block of
            // query rows are one matrix product Q_blk K_hᵀ, then a row softmax and P V_h.
            std::vector<uint32_t> keys;
            for (size_t j = 0; j < n; ++j)
                if (alive[j]) keys.push_back(uint32_t(j));
            const Eigen::Index keyCount = Eigen::Index(keys.size());
            std::vector<RowMatrix> headK(static_cast<size_t>(heads)), headV(static_cast<size_t>(heads));
            for (int hh = 0; hh < heads; ++hh) {
                headK[size_t(hh)].resize(keyCount, dk);
                headV[size_t(hh)].resize(keyCount, dk);
                for (Eigen::Index p = 0; p < keyCount; ++p) {
                    headK[size_t(hh)].row(p) = qkv.row(keys[size_t(p)]).segment(d + Eigen::Index(hh) * dk, dk);
                    headV[size_t(hh)].row(p) = qkv.row(keys[size_t(p)]).segment(2 * d + Eigen::Index(hh) * dk, dk);
                }
            }
            RowMatrix out = RowMatrix::Zero(Eigen::Index(n), Eigen::Index(d));
            float* captured = cap.attention.size() ? cap.attention.mutableData() : nullptr;
            constexpr Eigen::Index kQueryBlock = 64;
            const Eigen::Index blocks = (keyCount + kQueryBlock - 1) / kQueryBlock;
            tbb::parallel_for(tbb::blocked_range<Eigen::Index>(0, blocks * heads), [&](const auto& r) {
                RowMatrix q, scores;
                for (Eigen::Index task = r.begin(); task != r.end(); ++task) {
                    const int hh = int(task % heads);
                    const Eigen::Index first = (task / heads) * kQueryBlock;
                    const Eigen::Index rows = std::min(kQueryBlock, keyCount - first);
                    q.resize(rows, dk);
                    for (Eigen::Index b = 0; b < rows; ++b)
                        q.row(b) = qkv.row(keys[size_t(first + b)]).segment(Eigen::Index(hh) * dk, dk);
                    scores.noalias() = (q * headK[size_t(hh)].transpose()) * invSqrtDk;  // [rows, keyCount]
                    for (Eigen::Index b = 0; b < rows; ++b) {
                        auto row = scores.row(b);
                        const float top = row.maxCoeff();
                        row = (row.array() - top).exp();
                        row /= row.sum();
                        if (captured) {
                            float* dst = captured + (size_t(hh) * n + keys[size_t(first + b)]) * n;
                            for (Eigen::Index p = 0; p < keyCount; ++p) dst[keys[size_t(p)]] = row[p];
                        }
                    }
                    if (masked[size_t(hh)]) continue;
                    const RowMatrix mixed = scores * headV[size_t(hh)];  // [rows, dk]
                    for (Eigen::Index b = 0; b < rows; ++b)
                        out.row(keys[size_t(first + b)]).segment(Eigen::Index(hh) * dk, dk) = mixed.row(b);
                }
            });
            RowMatrix global = h + applyLinear(out, lw.outProj);
            applyNorm(global, *lw.norm1Attn, c.norm, alive);
            sum += global;
        }

        RowMatrix ff = sum + applyLinear(relu(applyLinear(sum, lw.ff1)), lw.ff2);
        applyNorm(ff, lw.norm2, c.norm, alive);
        h = std::move(ff);
        for (size_t i = 0; i < n; ++i)
            if (!alive[i]) h.row(Eigen::Index(i)).setZero();

        cap.present = alive;
        if (capture && options.captureNodeStates) {
            cap.nodeStates = Tensor({int64_t(n), d});
            cap.nodeStates.mutableMatrix() = h;
        }
    }

    result.output = parts::applyOutputHead(h, alive, c.task, c.readout, w.head, c.numOutputs,
                                           c.head == GpsHead::InductiveNode);
    return result;
}

// NodeLevelModel ----------------------------------------------------------------------------

namespace {

class GraphGpsNodeModel final : public NodeLevelModel {
public:
    explicit GraphGpsNodeModel(std::shared_ptr<const GraphGpsModel> m) : m_(std::move(m)) {
        const auto& c = m_->config;
        s_.family = kGraphGpsType;
        s_.familyName = "GraphGPS (Rampášek et al.)";
        const char* local = c.local == GpsLocalModel::Gine       ? "GINE on edges"
                            : c.local == GpsLocalModel::GatedGcn ? "GatedGCN on edges"
                                                                 : "";
        if (c.global == GpsGlobalModel::Transformer)
            s_.attention = std::string("all node pairs") + (*local ? " + " : "") + local;
        else
            s_.attention = std::string("no attention (") + local + " only)";
        parts::fillSummarySizes(s_, c, m_->weights.parameterCount());
    }
    const NodeModelSummary& summary() const override { return s_; }
    const fs::path& folder() const override { return m_->folder; }
    const fs::path& weightsPath() const override { return m_->weightsPath; }

    NodeRunResult run(const Graph& graph, const NodeRunOptions& options) const override {
        GpsRunOptions o;
        static_cast<NodeRunOptions&>(o) = options;
        return runGraphGps(*m_, graph, o);  // sliced to the generic result
    }

    double flops(const Graph& graph,
                 const std::vector<std::vector<uint32_t>>& keepNodes) const override {
        // Per layer, n present nodes, m messages between them (d = hidden):
        // GINE: nn 2·n·d², messages m·d; GatedGCN: A, B, D, E 4·n·d², C m·d², gates 3·m·d;
        // attention: in_proj 3·n·d², out_proj n·d², scores and weighted sums 2·n²·d;
        // FFN d→2d→d 4·n·d².
        const auto& c = m_->config;
        const size_t total = graph.nodeCount();
        const double d = c.hiddenDim;
        std::vector<uint8_t> alive(total, 1);
        double macs = 0;
        for (int l = 0; l < c.numLayers; ++l) {
            if (size_t(l) < keepNodes.size() && !keepNodes[size_t(l)].empty()) {
                std::vector<uint8_t> kept(total, 0);
                for (uint32_t v : keepNodes[size_t(l)])
                    if (v < total) kept[v] = 1;
                for (size_t i = 0; i < total; ++i) alive[i] &= kept[i];
            }
            double nodes = 0, messages = 0;
            for (uint8_t a : alive) nodes += a;
            for (const Edge& e : graph.edges())
                if (alive[e.src] && alive[e.dst])
                    messages += (graph.directed() || e.src == e.dst) ? 1 : 2;
            if (c.local == GpsLocalModel::Gine) macs += 2 * nodes * d * d + messages * d;
            if (c.local == GpsLocalModel::GatedGcn)
                macs += 4 * nodes * d * d + messages * d * d + 3 * messages * d;
            if (c.global == GpsGlobalModel::Transformer)
                macs += 4 * nodes * d * d + 2 * nodes * nodes * d;
            macs += 4 * nodes * d * d;
        }
        return 2 * macs;
    }

private:
    std::shared_ptr<const GraphGpsModel> m_;
    NodeModelSummary s_;
};

}  // namespace

std::shared_ptr<const NodeLevelModel> loadGraphGpsNodeModel(const fs::path& path) {
    return std::make_shared<GraphGpsNodeModel>(loadGraphGpsModel(path));
}

}  // namespace gts::model
