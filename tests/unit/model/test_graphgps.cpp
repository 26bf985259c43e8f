// GraphGPS (core/model/GraphGps) against the independent PyTorch reference
// (tests/reference/graphgps_ref.py; fixtures written by tests/reference/make_gps_fixtures.py in
// float64 from the f32 weights), loaded from safetensors and from torch checkpoints with
// rampasek/GraphGPS's state-dict names, on graphs read from the fixtures' GraphML files.
// Tolerances (issue 10): outputs and node states within 1e-4 absolute, attention within 1e-5.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "checkpoint/SafeTensors.h"
#include "io/GraphIO.h"
#include "model/GraphGps.h"
#include "model/Run.h"

using namespace gts;
using namespace gts::model;
namespace fs = std::filesystem;

namespace {

const fs::path kFixtures = fs::path(GTS_FIXTURES_DIR) / "graphgps";

constexpr float kOutputTolerance = 1e-4f;
constexpr float kAttentionTolerance = 1e-5f;
constexpr float kEncodingTolerance = 1e-5f;

std::vector<std::string> fixtureNames() {
    std::vector<std::string> names;
    if (!fs::exists(kFixtures)) return names;
    for (const auto& entry : fs::directory_iterator(kFixtures))
        if (fs::exists(entry.path() / "expected.safetensors"))
            names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

/// Max |a − b| with NaN equal to NaN (padded LapPE entries); fails on shape or NaN mismatch.
void expectClose(const Tensor& actual, const Tensor& expected, float tolerance,
                 const std::string& what) {
    ASSERT_EQ(actual.shape(), expected.shape()) << what;
    float worst = 0.0f;
    size_t worstAt = 0;
    for (size_t i = 0; i < expected.size(); ++i) {
        const float a = actual.data()[i], b = expected.data()[i];
        if (std::isnan(a) || std::isnan(b)) {
            EXPECT_TRUE(std::isnan(a) && std::isnan(b)) << what << ": NaN mismatch at " << i;
            continue;
        }
        const float diff = std::abs(a - b);
        if (!(diff <= worst)) worst = diff, worstAt = i;
    }
    EXPECT_LE(worst, tolerance) << what << ": element " << worstAt << " is "
                                << actual.data()[worstAt] << ", reference "
                                << expected.data()[worstAt];
}

const Tensor& tensorOf(const checkpoint::SafeTensors& st, const std::string& name) {
    auto it = st.tensors.find(name);
    if (it == st.tensors.end()) throw std::runtime_error("fixture lacks tensor " + name);
    return it->second;
}

std::vector<std::vector<uint32_t>> keepSets(const checkpoint::SafeTensors& st) {
    std::vector<std::vector<uint32_t>> out;
    for (const auto& layer : nlohmann::json::parse(st.metadata.at("keep")))
        out.push_back(layer.is_null() ? std::vector<uint32_t>{}
                                      : layer.get<std::vector<uint32_t>>());
    return out;
}

Graph fixtureGraph(const std::string& name) {
    return io::readGraphs(kFixtures / name / "graph.graphml").at(0);
}

/// The reference's encodings, so the forward is compared on the same inputs.
GpsRunOptions referenceInputs(const GraphGpsConfig& c, const checkpoint::SafeTensors& st) {
    GpsRunOptions o;
    if (c.lapPe) o.lapPe = GpsLapPeInput{tensorOf(st, "lap_eigvecs"), tensorOf(st, "lap_eigvals")};
    if (c.rwse) o.rwse = tensorOf(st, "rwse");
    return o;
}

class GraphGpsFixture : public ::testing::TestWithParam<std::string> {};

void checkAgainstReference(const std::string& name, const std::string& weightsFile) {
    const fs::path folder = kFixtures / name;
    const auto model = loadGraphGpsModel(folder / weightsFile);
    const auto expected = checkpoint::readSafeTensors(folder / "expected.safetensors");
    const Graph g = fixtureGraph(name);
    const std::string label = name + "/" + weightsFile;
    const GraphGpsConfig& c = model->config;

    GpsRunOptions options = referenceInputs(c, expected);
    options.captureAttention = true;
    options.captureNodeStates = true;
    const GpsRunResult r = runGraphGps(*model, g, options);
    expectClose(r.output, tensorOf(expected, "output"), kOutputTolerance, label + " output");
    ASSERT_EQ(r.layers.size(), size_t(c.numLayers));
    for (int l = 0; l < c.numLayers; ++l) {
        const std::string suffix = "." + std::to_string(l);
        expectClose(r.layers[size_t(l)].attention, tensorOf(expected, "attention" + suffix),
                    kAttentionTolerance, label + " attention" + suffix);
        expectClose(r.layers[size_t(l)].nodeStates, tensorOf(expected, "node_states" + suffix),
                    kOutputTolerance, label + " node_states" + suffix);
    }

    GpsRunOptions masked = referenceInputs(c, expected);
    masked.headMask = {{false, true}};
    expectClose(runGraphGps(*model, g, masked).output, tensorOf(expected, "output_head_masked"),
                kOutputTolerance, label + " output_head_masked");

    GpsRunOptions kept = referenceInputs(c, expected);
    kept.keepNodes = keepSets(expected);
    const GpsRunResult keptRun = runGraphGps(*model, g, kept);
    expectClose(keptRun.output, tensorOf(expected, "output_kept"), kOutputTolerance,
                label + " output_kept");

    // Every head of layer 0 masked equals the reference with that layer's attention output
    // replaced by out_proj(0).
    if (c.global == GpsGlobalModel::Transformer) {
        GpsRunOptions all = referenceInputs(c, expected);
        all.headMask = {std::vector<bool>(size_t(c.numHeads), true)};
        expectClose(runGraphGps(*model, g, all).output,
                    tensorOf(expected, "output_attention_zeroed"), kOutputTolerance,
                    label + " output_attention_zeroed");
    }
}

TEST_P(GraphGpsFixture, SafetensorsMatchReference) {
    checkAgainstReference(GetParam(), "model.safetensors");
}

TEST_P(GraphGpsFixture, TorchCheckpointMatchesReference) {
    checkAgainstReference(GetParam(), "model.pt");
}

// The engine's own LapPE (Eigen, canonical basis, sign convention) and RWSE against numpy's,
// then the forward computing them gives the reference's output.
TEST_P(GraphGpsFixture, EncodingsMatchNumpy) {
    const fs::path folder = kFixtures / GetParam();
    const auto model = loadGraphGpsModel(folder / "model.safetensors");
    const auto expected = checkpoint::readSafeTensors(folder / "expected.safetensors");
    const Graph g = fixtureGraph(GetParam());
    const GraphGpsConfig& c = model->config;
    if (c.lapPe) {
        const GpsLapPeInput pe = graphGpsLapPe(g, c.lapPe->maxFreqs, c.lapPe->laplacian);
        expectClose(pe.eigvecs, tensorOf(expected, "lap_eigvecs"), kEncodingTolerance,
                    GetParam() + " eigenvectors");
        expectClose(pe.eigvals, tensorOf(expected, "lap_eigvals"), kEncodingTolerance,
                    GetParam() + " eigenvalues");
    }
    const GpsRunResult r = runGraphGps(*model, g);
    if (c.rwse)
        expectClose(r.rwse, tensorOf(expected, "rwse"), kEncodingTolerance, GetParam() + " rwse");
    expectClose(r.output, tensorOf(expected, "output"), kOutputTolerance,
                GetParam() + " output with computed encodings");
}

TEST_P(GraphGpsFixture, LoadsThroughTheNodeLevelRegistry) {
    const fs::path folder = kFixtures / GetParam();
    ASSERT_TRUE(isNodeLevelModelPath(folder));
    ASSERT_TRUE(isNodeLevelModelPath(folder / "model.pt"));
    const auto m = loadNodeLevelModel(folder);
    const auto direct = loadGraphGpsModel(folder);
    EXPECT_EQ(m->summary().family, "graphgps");
    EXPECT_EQ(m->summary().familyName, "GraphGPS (Rampášek et al.)");
    EXPECT_EQ(m->summary().numLayers, direct->config.numLayers);
    EXPECT_EQ(m->summary().parameters, direct->weights.parameterCount());
    EXPECT_EQ(m->summary().nodeTask, direct->config.task == GtTask::Node);
    const Graph g = fixtureGraph(GetParam());
    NodeRunOptions o;
    o.captureAttention = true;
    const NodeRunResult r = m->run(g, o);
    expectClose(r.output, runGraphGps(*direct, g).output, 0.0f, GetParam() + " adapter");
    // Keeping fewer nodes costs fewer FLOPs.
    std::vector<uint32_t> half;
    for (uint32_t v = 0; v < g.nodeCount() / 2; ++v) half.push_back(v);
    EXPECT_LT(m->flops(g, {half}), m->flops(g, {}));
    EXPECT_GT(m->flops(g, {}), 0.0);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, GraphGpsFixture, ::testing::ValuesIn(fixtureNames()),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

TEST(GraphGpsFixtures, AllPresent) {
    EXPECT_EQ(fixtureNames().size(), 8u);
}

// keepNodes: a removed node's state and node-task row are zero; its attention row and column
// are zero; the rows of present queries sum to 1 over present keys.
TEST(GraphGpsRun, RemovedNodesAreSilent) {
    const std::string name = "transformer_node_task";
    const auto model = loadGraphGpsModel(kFixtures / name);
    const Graph g = fixtureGraph(name);
    GpsRunOptions o;
    o.captureAttention = o.captureNodeStates = true;
    o.keepNodes = {{0, 1, 2, 4, 5, 6}};
    const GpsRunResult r = runGraphGps(*model, g, o);
    const size_t n = g.nodeCount();
    const int heads = model->config.numHeads;
    for (const auto& layer : r.layers) {
        EXPECT_EQ(layer.present[3], 0);
        for (int64_t k = 0; k < layer.nodeStates.dim(1); ++k)
            EXPECT_EQ(layer.nodeStates.data()[3 * size_t(layer.nodeStates.dim(1)) + size_t(k)],
                      0.0f);
        for (int h = 0; h < heads; ++h)
            for (size_t i = 0; i < n; ++i) {
                float row = 0;
                for (size_t j = 0; j < n; ++j) row += layer.attention.data()[(h * n + i) * n + j];
                EXPECT_NEAR(row, i == 3 ? 0.0f : 1.0f, 1e-5f);
                EXPECT_EQ(layer.attention.data()[(h * n + i) * n + 3], 0.0f);
            }
    }
    for (int64_t k = 0; k < r.output.dim(1); ++k)
        EXPECT_EQ(r.output.data()[3 * size_t(r.output.dim(1)) + size_t(k)], 0.0f);
}

// An MPNN-only model captures zero attention; masking its heads changes nothing.
TEST(GraphGpsRun, MpnnOnlyHasNoAttention) {
    const std::string name = "gine_only_rwse_mlp";
    const auto model = loadGraphGpsModel(kFixtures / name);
    const Graph g = fixtureGraph(name);
    GpsRunOptions o;
    o.captureAttention = true;
    const GpsRunResult r = runGraphGps(*model, g, o);
    for (const auto& layer : r.layers)
        for (size_t i = 0; i < layer.attention.size(); ++i)
            EXPECT_EQ(layer.attention.data()[i], 0.0f);
    GpsRunOptions masked;
    masked.headMask = {{true, true}};
    expectClose(runGraphGps(*model, g, masked).output, r.output, 0.0f, "masked MPNN-only");
    EXPECT_EQ(loadNodeLevelModel(kFixtures / name)->summary().attention,
              "no attention (GINE on edges only)");
    EXPECT_EQ(loadNodeLevelModel(kFixtures / "gine_transformer_lappe")->summary().attention,
              "all node pairs + GINE on edges");
}

TEST(GraphGpsRun, CancelThrows) {
    const auto model = loadGraphGpsModel(kFixtures / "gine_transformer_lappe");
    const Graph g = fixtureGraph("gine_transformer_lappe");
    std::atomic<bool> cancel{true};
    GpsRunOptions o;
    o.cancel = &cancel;
    EXPECT_THROW(runGraphGps(*model, g, o), RunCancelled);
}

template <typename F>
std::string errorOf(F&& f) {
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(GraphGpsRun, BadInputsAreNamed) {
    const auto model = loadGraphGpsModel(kFixtures / "gine_transformer_lappe");
    Graph g = fixtureGraph("gine_transformer_lappe");
    EXPECT_NE(errorOf([&] {
                  GpsRunOptions o;
                  o.headMask = {{false, false, true}};
                  runGraphGps(*model, g, o);
              }).find("head mask for layer 0 lists 3 heads"),
              std::string::npos);
    EXPECT_NE(errorOf([&] {
                  GpsRunOptions o;
                  o.keepNodes = {{0, 99}};
                  runGraphGps(*model, g, o);
              }).find("names node 99"),
              std::string::npos);
    Graph noType(false);
    noType.addNodes(3);
    noType.addEdge(0, 1);
    EXPECT_NE(errorOf([&] { runGraphGps(*model, noType); }).find("node attribute \"type\""),
              std::string::npos);
    g.nodeAttrs().find("type")->setInt(2, 17);
    EXPECT_NE(errorOf([&] {
                  runGraphGps(*model, g);
              }).find("node 2: attribute \"type\" gives category 17"),
              std::string::npos);
    Graph big(false);
    big.addNodes(kMaxGpsAttentionNodes + 1);
    EXPECT_NE(errorOf([&] { runGraphGps(*model, big); }).find("limited to 4096 nodes"),
              std::string::npos);
}

nlohmann::json fixtureConfig(const std::string& name) {
    std::ifstream in(kFixtures / name / "config.json");
    return nlohmann::json::parse(in);
}

TEST(GraphGpsConfig, BadFieldsAreNamed) {
    auto error = [](nlohmann::json j) {
        return errorOf([&] { parseGraphGpsConfig(j, "config.json"); });
    };
    const nlohmann::json base = fixtureConfig("gine_transformer_lappe");
    auto with = [&](const char* key, nlohmann::json v) {
        nlohmann::json j = base;
        j[key] = v;
        return error(j);
    };
    EXPECT_NE(with("local_gnn", "gcn").find("local_gnn: \"gcn\" is not none, gine or gatedgcn"),
              std::string::npos);
    EXPECT_NE(with("global_attention", "performer").find("global_attention: \"performer\""),
              std::string::npos);
    EXPECT_NE(with("norm", "graph").find("norm: \"graph\" is not batch or layer"),
              std::string::npos);
    EXPECT_NE(with("num_heads", 3).find("not a multiple of num_heads 3"), std::string::npos);
    EXPECT_NE(with("readout", "sort").find("readout: \"sort\""), std::string::npos);
    nlohmann::json noHidden = base;
    noHidden.erase("hidden_dim");
    EXPECT_NE(error(noHidden).find("missing field \"hidden_dim\""), std::string::npos);
    nlohmann::json noEdges = base;
    noEdges.erase("edge_input");
    EXPECT_NE(error(noEdges).find("\"edge_input\" is missing"), std::string::npos);
    nlohmann::json lap = base;
    lap["lap_pe"]["laplacian_norm"] = "rw";
    EXPECT_NE(error(lap).find("lap_pe.laplacian_norm: \"rw\" is not none or sym"),
              std::string::npos);
    nlohmann::json wide = base;
    wide["lap_pe"]["dim_pe"] = 16;
    EXPECT_NE(error(wide).find("leaves no width for node_input"), std::string::npos);
    // A global-only model may keep its (unused) edge encoder.
    EXPECT_EQ(with("local_gnn", "none"), "(no error)");
    nlohmann::json none = base;
    none["local_gnn"] = "none";
    none["global_attention"] = "none";
    EXPECT_NE(error(none).find("both \"none\""), std::string::npos);
    EXPECT_NE(with("head", "graphormer").find("head: \"graphormer\" is not san_graph or inductive_node"),
              std::string::npos);
    // inductive_node predicts per node: refused on a graph task; it needs one Linear at least.
    EXPECT_NE(with("head", "inductive_node").find("\"task\" must be \"node\""), std::string::npos);
    nlohmann::json inductive = fixtureConfig("inductive_node_head");
    inductive["head_layers"] = 0;
    EXPECT_NE(error(inductive).find("\"head_layers\" is 0, expected at least 1"), std::string::npos);
}

// GraphGPS's inductive_node head (GraphGym's MLP): its checkpoint names, and a san_graph config
// refuses them with a hint; the hidden layers' rows are unit vectors (the MLP's L2 norm), so
// scaling the first hidden Linear changes nothing downstream while the output Linear does.
TEST(GraphGpsInductiveNodeHead, NamesAndTheL2NormBetweenLayers) {
    const std::string name = "inductive_node_head";
    const auto model = loadGraphGpsModel(kFixtures / name);
    EXPECT_EQ(model->config.head, GpsHead::InductiveNode);
    ASSERT_EQ(model->weights.head.size(), 3u);
    EXPECT_TRUE(model->tensors.count("post_mp.layer_post_mp.model.0.Layer_1.layer.model.weight"));
    EXPECT_TRUE(model->tensors.count("post_mp.layer_post_mp.model.1.model.bias"));
    GraphGpsConfig san = model->config;
    san.head = GpsHead::SanGraph;
    san.headLayers = 1;
    const std::string refused = errorOf([&] { bindGraphGpsWeights(model->tensors, san, "model.pt"); });
    EXPECT_NE(refused.find("the checkpoint has GraphGPS's inductive_node head"), std::string::npos) << refused;
    GraphGpsConfig extraLayer = model->config;
    extraLayer.headLayers = 2;  // the checkpoint's third Linear is then not part of the model
    const std::string unused = errorOf([&] { bindGraphGpsWeights(model->tensors, extraLayer, "model.pt"); });
    EXPECT_NE(unused.find("do config.json's head and head_layers match"), std::string::npos) << unused;
    const auto other = loadGraphGpsModel(kFixtures / "transformer_node_task");
    GraphGpsConfig wrongHead = other->config;
    wrongHead.head = GpsHead::InductiveNode;
    EXPECT_NE(errorOf([&] { bindGraphGpsWeights(other->tensors, wrongHead, "model.pt"); }).find("no post_mp.layer_post_mp"),
              std::string::npos);

    const Graph g = fixtureGraph(name);
    const GpsRunResult full = runGraphGps(*model, g, {});
    auto scaled = std::make_shared<GraphGpsModel>(*model);
    const auto scaleLinear = [](LinearWeights& w, float k) {
        Tensor weight = w.weight.clone();
        for (size_t i = 0; i < weight.size(); ++i) weight.mutableData()[i] *= k;
        w.weight = weight;
        Tensor bias = w.bias->clone();
        for (size_t i = 0; i < bias.size(); ++i) bias.mutableData()[i] *= k;
        w.bias = bias;
    };
    scaleLinear(scaled->weights.head[0], 7.0f);  // ReLU(7 y) / ‖ReLU(7 y)‖ = ReLU(y) / ‖ReLU(y)‖
    expectClose(runGraphGps(*scaled, g, {}).output, full.output, 2e-6f, "hidden Linear scaled");
    scaleLinear(scaled->weights.head[2], 2.0f);
    const Tensor doubled = runGraphGps(*scaled, g, {}).output;
    for (size_t i = 0; i < doubled.size(); ++i) EXPECT_NEAR(doubled.data()[i], 2.0f * full.output.data()[i], 1e-5f);
}

TEST(GraphGpsWeights, MissingMisshapedAndUnusedTensorsAreNamed) {
    const fs::path folder = kFixtures / "gine_transformer_lappe";
    const auto model = loadGraphGpsModel(folder);
    const GraphGpsConfig c = model->config;
    auto bindError = [&](std::map<std::string, Tensor> t, const GraphGpsConfig& cfg) {
        return errorOf([&] { bindGraphGpsWeights(t, cfg, "model.safetensors"); });
    };
    auto tensors = model->tensors;
    tensors.erase("layers.1.self_attn.in_proj_weight");
    EXPECT_NE(bindError(tensors, c).find("missing tensor layers.1.self_attn.in_proj_weight"),
              std::string::npos);
    tensors = model->tensors;
    tensors["encoder.node_encoder.encoder2.linear_A.weight"] = Tensor({3, 2});
    EXPECT_NE(bindError(tensors, c)
                  .find("tensor encoder.node_encoder.encoder2.linear_A.weight: "
                        "expected shape [8, 2], found [3, 2]"),
              std::string::npos);
    GraphGpsConfig noAttention = c;
    noAttention.global = GpsGlobalModel::None;
    // Without attention the checkpoint's attention tensors are refused by name.
    EXPECT_NE(bindError(model->tensors, noAttention).find("layers.0.norm1_attn.bias is not part"),
              std::string::npos);
}

TEST(GraphGpsModelFolder, MissingFilesAreNamed) {
    const fs::path dir = fs::temp_directory_path() / "gts_test_graphgps_folder";
    fs::remove_all(dir);
    fs::create_directories(dir);
    EXPECT_NE(errorOf([&] { loadGraphGpsModel(dir); }).find("no model weights"), std::string::npos);
    fs::copy_file(kFixtures / "gine_transformer_lappe" / "model.safetensors",
                  dir / "model.safetensors");
    EXPECT_NE(errorOf([&] { loadGraphGpsModel(dir); }).find("config.json: missing"),
              std::string::npos);
    EXPECT_FALSE(isNodeLevelModelPath(dir));
    // A number past double's range: an error naming the file, not an escaped json exception.
    std::ofstream(dir / "config.json") << R"({"model_type": "graphgps", "hidden_dim": 1e999})";
    const std::string overflow = errorOf([&] { loadGraphGpsModel(dir); });
    EXPECT_NE(overflow.find("config.json: not JSON"), std::string::npos) << overflow;
    EXPECT_NE(overflow.find("number overflow"), std::string::npos) << overflow;
    EXPECT_FALSE(isNodeLevelModelPath(dir));
    fs::remove_all(dir);
}

// OGB's Atom and Bond encoders read the features the molecule readers write: on aspirin from
// SMILES, a node's input embedding is the sum of its 9 feature rows (then RWSE beside it), and
// a graph without OGB features is named.
TEST(GraphGpsOgbEncoders, RunOnAMoleculeFromSmiles) {
    const auto model = loadGraphGpsModel(kFixtures / "ogb_atom_bond_rwse");
    ASSERT_TRUE(model->config.nodeOgbAtom);
    ASSERT_EQ(model->weights.atomTables.size(), 9u);
    ASSERT_EQ(model->weights.bondTables.size(), 3u);
    const Graph mol = io::readGraphsFromText("CC(=O)Oc1ccccc1C(=O)O aspirin\n", io::Format::Smiles, "aspirin.smi").at(0);
    const GpsRunResult r = runGraphGps(*model, mol, {});
    ASSERT_EQ(r.output.size(), 1u);
    EXPECT_TRUE(std::isfinite(r.output.data()[0]));
    const AttrColumn& feat = *mol.nodeAttrs().find("feat");
    const int64_t d0 = model->config.nodeEmbeddingDim();
    for (size_t v : {size_t(0), size_t(4)}) {
        for (int64_t c = 0; c < d0; ++c) {
            double want = 0;
            for (size_t k = 0; k < 9; ++k) {
                const Tensor& t = model->weights.atomTables[k];
                want += t.data()[size_t(feat.intAt(v, uint32_t(k))) * size_t(t.dim(1)) + size_t(c)];
            }
            EXPECT_NEAR(r.embeddings.data()[v * size_t(r.embeddings.dim(1)) + size_t(c)], want, 1e-5);
        }
    }
    Graph plain(false);
    plain.addNodes(3);
    plain.addEdge(0, 1);
    EXPECT_NE(errorOf([&] { runGraphGps(*model, plain, {}); }).find("the graph has no node attribute \"feat\""),
              std::string::npos);
}

// A training run's folder: config.json beside <epoch>.ckpt (GraphGPS's naming) loads that file;
// with two checkpoints the error names both.
TEST(GraphGpsModelFolder, OneEpochCheckpointIsTakenSeveralAreNamed) {
    const std::string name = "inductive_node_head";
    const fs::path dir = fs::temp_directory_path() / "gts_test_graphgps_ckpt";
    fs::remove_all(dir);
    fs::create_directories(dir);
    fs::copy_file(kFixtures / name / "config.json", dir / "config.json");
    fs::copy_file(kFixtures / name / "model.pt", dir / "99.ckpt");
    const auto model = loadGraphGpsModel(dir);
    EXPECT_EQ(model->weightsPath.filename(), "99.ckpt");
    const Graph g = fixtureGraph(name);
    const auto expected = checkpoint::readSafeTensors(kFixtures / name / "expected.safetensors");
    expectClose(runGraphGps(*model, g, {}).output, tensorOf(expected, "output"), kOutputTolerance, "99.ckpt");
    fs::copy_file(kFixtures / name / "model.pt", dir / "100.ckpt");
    const std::string several = errorOf([&] { loadGraphGpsModel(dir); });
    EXPECT_NE(several.find("2 weights files (100.ckpt, 99.ckpt); open the one to use"), std::string::npos) << several;
    EXPECT_EQ(loadGraphGpsModel(dir / "100.ckpt")->weightsPath.filename(), "100.ckpt");
    fs::remove_all(dir);
}

// The LapPE of a 4-cycle with the unnormalized Laplacian L = 2I − A: eigenvalues 0, 2, 2, 4.
// λ = 0: the constant 1/2. λ = 2 (repeated): the projector takes e_0 to (1, 0, −1, 0)/2 and e_1
// to (0, 1, 0, −1)/2, normalized; λ = 4: (1, −1, 1, −1)/2 with node 0 positive. Asking for 6
// pads two NaN columns.
TEST(GraphGpsLapPe, SquareByHand) {
    Graph g(false);
    g.addNodes(4);
    for (NodeId v = 0; v < 4; ++v) g.addEdge(v, (v + 1) % 4);
    const GpsLapPeInput pe = graphGpsLapPe(g, 6, GpsLaplacianNorm::None);
    const float r = 1.0f / std::sqrt(2.0f);
    const std::vector<float> rows = {0.5f, r,  0, 0.5f, 0.5f, 0, r,  -0.5f,
                                     0.5f, -r, 0, 0.5f, 0.5f, 0, -r, -0.5f};
    for (size_t i = 0; i < 4; ++i)
        for (size_t k = 0; k < 6; ++k) {
            const float v = pe.eigvecs.data()[i * 6 + k];
            if (k >= 4)
                EXPECT_TRUE(std::isnan(v));
            else
                EXPECT_NEAR(v, rows[i * 4 + k], 1e-6f) << i << "," << k;
        }
    const std::vector<float> values = {0, 2, 2, 4};
    for (size_t k = 0; k < 4; ++k) EXPECT_NEAR(pe.eigvals.data()[k], values[k], 1e-6f);
}

}  // namespace
