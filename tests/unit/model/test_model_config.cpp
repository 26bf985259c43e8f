// GraphGPT config.json and tokenization.json parsing, and binding checkpoint tensors to roles.

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "io/GraphIO.h"
#include "model/GraphGptConfig.h"
#include "model/GraphGptWeights.h"

using namespace gts;
using namespace gts::model;

namespace {

GraphGptConfig parse(const std::string& text) { return parseGraphGptConfigText(text, "config.json"); }

// Expects a ParseError from config.json whose message contains every fragment.
void expectConfigError(const std::string& text, std::initializer_list<std::string> fragments) {
    try {
        parse(text);
        ADD_FAILURE() << "accepted: " << text;
    } catch (const io::ParseError& e) {
        EXPECT_EQ(e.source(), "config.json");
        for (const std::string& f : fragments)
            EXPECT_NE(std::string(e.what()).find(f), std::string::npos)
                << "message: " << e.what() << "\nexpected fragment: " << f;
    }
}

const char* kSmall = R"({"vocab_size": 100, "hidden_size": 16, "intermediate_size": 40,
  "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2)";

std::string small(const std::string& extra = "") {
    return std::string(kSmall) + (extra.empty() ? "" : ", " + extra) + "}";
}

}  // namespace

TEST(GraphGptConfig, HfSavedFieldsAreRead) {
    const GraphGptConfig c = parse(R"({
        "architectures": ["GraphGPTTaskModel"], "model_type": "graphgpt",
        "vocab_size": 602, "hidden_size": 256, "intermediate_size": 1024,
        "num_hidden_layers": 4, "num_attention_heads": 8, "num_key_value_heads": 2,
        "head_dim": 32, "hidden_act": "gelu_new", "rms_norm_eps": 1e-5, "rope_theta": 500000.0,
        "max_position_embeddings": 2048, "causal_attention": true, "tie_word_embeddings": false,
        "attention_bias": true, "mlp_bias": false, "layer_scale_init_value": 0.5,
        "stacked_feat": 13, "stack_method": "long", "stacked_feat_agg_method": "gated",
        "pad_token_id": 0, "bos_token_id": 1, "eos_token_id": null, "next_n_token": 1,
        "id2label": {"0": "LABEL_0", "1": "LABEL_1", "2": "LABEL_2"},
        "problem_type": "multi_label_classification", "mlp": [64, 32], "pooling_method": "last",
        "rope_scaling": null, "torch_dtype": "float32"})");
    EXPECT_EQ(c.vocabSize, 602);
    EXPECT_EQ(c.hiddenSize, 256);
    EXPECT_EQ(c.intermediateSize, 1024);
    EXPECT_EQ(c.numLayers, 4);
    EXPECT_EQ(c.numHeads, 8);
    EXPECT_EQ(c.numKvHeads, 2);
    EXPECT_EQ(c.headDim, 32);
    EXPECT_EQ(c.hiddenAct, Activation::GeluTanh);
    EXPECT_DOUBLE_EQ(c.rmsNormEps, 1e-5);
    EXPECT_DOUBLE_EQ(c.ropeTheta, 500000.0);
    EXPECT_EQ(c.maxPositionEmbeddings, 2048);
    EXPECT_TRUE(c.causalAttention);
    EXPECT_TRUE(c.attentionBias);
    EXPECT_FALSE(c.mlpBias);
    EXPECT_DOUBLE_EQ(c.layerScaleInit, 0.5);
    EXPECT_EQ(c.stackedFeat, 13);
    EXPECT_EQ(c.stackMethod, StackMethod::Long);
    EXPECT_EQ(c.stackAggregation, StackAggregation::Gated);
    EXPECT_EQ(c.bosTokenId, 1);
    EXPECT_FALSE(c.eosTokenId.has_value());
    EXPECT_EQ(c.numLabels, 3);  // from id2label
    EXPECT_EQ(c.problemType, ProblemType::MultiLabelClassification);
    EXPECT_EQ(c.scoreMlp, (std::vector<int>{64, 32}));
}

TEST(GraphGptConfig, DefaultsAndDerivedSizes) {
    const GraphGptConfig c = parse(small());
    EXPECT_EQ(c.headDim, 4);  // 16 / 4 heads
    EXPECT_EQ(c.hiddenAct, Activation::Gelu);
    EXPECT_FALSE(c.causalAttention);
    EXPECT_EQ(c.stackedFeat, 1);
    EXPECT_EQ(c.stackMethod, StackMethod::None);
    EXPECT_EQ(c.numLabels, 1);
    EXPECT_EQ(c.effectiveProblemType(), ProblemType::Regression);
    // Absent kv heads: as many as attention heads.
    const GraphGptConfig mha = parse(R"({"vocab_size": 10, "hidden_size": 12,
        "intermediate_size": 8, "num_hidden_layers": 1, "num_attention_heads": 3})");
    EXPECT_EQ(mha.numKvHeads, 3);
    EXPECT_EQ(mha.headDim, 4);
    // HF's rule: several labels without a problem type is single-label classification.
    EXPECT_EQ(parse(small(R"("num_labels": 5)")).effectiveProblemType(),
              ProblemType::SingleLabelClassification);
}

TEST(GraphGptConfig, ZeroSizesTakeGraphGptRule) {
    // hidden 384: intermediate 4 * 384 = 1536, head_dim 64, heads 384 / 64 = 6.
    const GraphGptConfig c = parse(R"({"vocab_size": 50, "hidden_size": 384,
        "intermediate_size": 0, "num_attention_heads": 0, "num_hidden_layers": 3,
        "num_key_value_heads": null, "head_dim": null})");
    EXPECT_EQ(c.intermediateSize, 1536);
    EXPECT_EQ(c.numHeads, 6);
    EXPECT_EQ(c.headDim, 64);
    EXPECT_EQ(c.numKvHeads, 6);
    expectConfigError(R"({"vocab_size": 50, "hidden_size": 100, "intermediate_size": 0,
        "num_attention_heads": 0, "num_hidden_layers": 3})", {"hidden_size", "64", "100"});
    expectConfigError(R"({"vocab_size": 50, "hidden_size": 128, "intermediate_size": 0,
        "num_attention_heads": 2, "num_hidden_layers": 3})", {"intermediate_size"});
}

TEST(GraphGptConfig, NestedBaseYamlGroups) {
    const GraphGptConfig c = parse(R"({"vocab_size": 70, "hidden_size": 128,
        "intermediate_size": 0, "num_attention_heads": 0, "num_hidden_layers": 2,
        "graph_input": {"stacked_feat": 13, "stack_method": "short",
                        "stacked_feat_agg_method": "gated", "embed_dim": 0},
        "pt_head": {"next_n_token": 13},
        "ft_head": {"problem_type": "regression", "pooling_method": "last", "mlp": [32],
                    "num_labels": 1}})");
    EXPECT_EQ(c.stackedFeat, 13);
    EXPECT_EQ(c.stackMethod, StackMethod::Short);
    EXPECT_EQ(c.stackAggregation, StackAggregation::Gated);
    EXPECT_EQ(c.nextNToken, 13);
    EXPECT_EQ(c.problemType, ProblemType::Regression);
    EXPECT_EQ(c.scoreMlp, std::vector<int>{32});
    EXPECT_EQ(c.numHeads, 2);
}

TEST(GraphGptConfig, StackMethodRules) {
    // Stacked without a method: the short layout.
    EXPECT_EQ(parse(small(R"("stacked_feat": 4)")).stackMethod, StackMethod::Short);
    // No stacking: GraphGPT never aggregates, so "gated" has no effect.
    const GraphGptConfig flat = parse(small(R"("stacked_feat_agg_method": "gated")"));
    EXPECT_EQ(flat.stackMethod, StackMethod::None);
    EXPECT_EQ(flat.stackAggregation, StackAggregation::Sum);
    expectConfigError(small(R"("stacked_feat": 2, "stack_method": "prolonged")"),
                      {"stack_method", "prolonged"});
    expectConfigError(small(R"("stacked_feat_agg_method": "max")"), {"stacked_feat_agg_method"});
}

TEST(GraphGptConfig, ValidationNamesTheField) {
    expectConfigError(R"({"vocab_size": 10, "hidden_size": "abc", "intermediate_size": 8,
        "num_hidden_layers": 1, "num_attention_heads": 2})",
                      {"field \"hidden_size\": expected a positive integer, found \"abc\""});
    expectConfigError(R"({"hidden_size": 8, "intermediate_size": 8, "num_hidden_layers": 1,
        "num_attention_heads": 2})", {"vocab_size", "missing"});
    expectConfigError(R"({"vocab_size": 10, "hidden_size": 8, "intermediate_size": 8,
        "num_hidden_layers": 0, "num_attention_heads": 2})", {"num_hidden_layers", "0"});
    expectConfigError(R"({"vocab_size": 10, "hidden_size": 10, "intermediate_size": 8,
        "num_hidden_layers": 1, "num_attention_heads": 4})", {"num_attention_heads", "10"});
    expectConfigError(R"({"vocab_size": 10, "hidden_size": 16, "intermediate_size": 8,
        "num_hidden_layers": 1, "num_attention_heads": 4, "num_key_value_heads": 3})",
                      {"num_key_value_heads", "3"});
    expectConfigError(small(R"("rms_norm_eps": 0)"), {"rms_norm_eps", "positive"});
    expectConfigError(small(R"("hidden_act": "mish")"), {"hidden_act", "mish"});
    expectConfigError(small(R"("stacked_feat": 0)"), {"stacked_feat"});
    expectConfigError(small(R"("pooling_method": "mean")"), {"pooling_method", "mean", "not supported"});
    expectConfigError(small(R"("problem_type": "ranking")"), {"problem_type", "ranking"});
    expectConfigError(small(R"("mlp": [16, -1])"), {"mlp"});
    expectConfigError(small(R"("rope_scaling": {"rope_type": "yarn", "factor": 2.0})"),
                      {"rope_scaling"});
    expectConfigError(small(R"("causal_attention": "yes")"), {"causal_attention", "true or false"});
    expectConfigError("[1, 2]", {"not a JSON object"});
    expectConfigError("{\"vocab_size\": ", {"not JSON"});
    // A number past double's range is nlohmann's out_of_range, not a parse_error: still named.
    expectConfigError("{\"hidden_size\": 1e999}", {"not JSON", "number overflow"});
}

TEST(GraphGptConfig, JsonRoundTrip) {
    GraphGptConfig c = parse(small(R"("hidden_act": "silu", "causal_attention": true,
        "stacked_feat": 3, "stack_method": "long", "stacked_feat_agg_method": "gated",
        "layer_scale_init_value": 0.25, "rms_norm_eps": 1e-5, "num_labels": 4,
        "problem_type": "single_label_classification", "mlp": [8], "eos_token_id": 2,
        "next_n_token": 3, "tie_word_embeddings": true, "mlp_bias": true)"));
    const GraphGptConfig back = parse(graphGptConfigToJson(c));
    EXPECT_EQ(back.vocabSize, 100);
    EXPECT_EQ(back.numKvHeads, 2);
    EXPECT_EQ(back.headDim, 4);
    EXPECT_EQ(back.hiddenAct, Activation::Silu);
    EXPECT_TRUE(back.causalAttention);
    EXPECT_TRUE(back.tieWordEmbeddings);
    EXPECT_TRUE(back.mlpBias);
    EXPECT_EQ(back.stackedFeat, 3);
    EXPECT_EQ(back.stackMethod, StackMethod::Long);
    EXPECT_EQ(back.stackAggregation, StackAggregation::Gated);
    EXPECT_DOUBLE_EQ(back.layerScaleInit, 0.25);
    EXPECT_DOUBLE_EQ(back.rmsNormEps, 1e-5);
    EXPECT_EQ(back.numLabels, 4);
    EXPECT_EQ(back.problemType, ProblemType::SingleLabelClassification);
    EXPECT_EQ(back.scoreMlp, std::vector<int>{8});
    EXPECT_EQ(back.eosTokenId, 2);
    EXPECT_FALSE(back.bosTokenId.has_value());
    EXPECT_EQ(back.nextNToken, 3);
    EXPECT_EQ(graphGptConfigToJson(back), graphGptConfigToJson(c));
}

TEST(Tokenization, FieldsAndDefaults) {
    const TokenizeOptions defaults = parseTokenizationJson("{}", "tokenization.json");
    const TokenizeOptions pcqm;
    EXPECT_EQ(defaults.layout, pcqm.layout);
    EXPECT_EQ(defaults.nodeScope, pcqm.nodeScope);
    EXPECT_EQ(defaults.reindex, ReindexMode::Cyclic);
    EXPECT_TRUE(defaults.removeEdgeTypeToken);

    const TokenizeOptions o = parseTokenizationJson(R"({"layout": "flat", "world": "citation",
        "node_scope": 64, "scope_base": 32, "cyclic": false, "remove_edge_type_token": false,
        "add_eos": true, "attr_assignment": "last", "node_columns": ["feat", "x"],
        "edge_columns": [], "permute_nodes": true})", "tokenization.json");
    EXPECT_EQ(o.layout, TokenLayout::Flat);
    EXPECT_EQ(o.world, "citation");
    EXPECT_EQ(o.nodeScope, 64u);
    EXPECT_EQ(o.scopeBase, 32u);
    EXPECT_EQ(o.reindex, ReindexMode::Sequential);
    EXPECT_FALSE(o.removeEdgeTypeToken);
    EXPECT_TRUE(o.addEos);
    EXPECT_EQ(o.attrAssignment, AttrAssignment::Last);
    EXPECT_EQ(o.nodeColumns, (std::vector<std::string>{"feat", "x"}));
    EXPECT_EQ(o.edgeColumns, std::vector<std::string>{});
    EXPECT_TRUE(o.permuteNodes);
    EXPECT_EQ(parseTokenizationJson(R"({"reindex": "random"})", "t").reindex, ReindexMode::Random);
    EXPECT_EQ(parseTokenizationJson(R"({"cyclic": true})", "t").reindex, ReindexMode::Cyclic);

    const TokenizeOptions back = parseTokenizationJson(tokenizationToJson(o), "t");
    EXPECT_EQ(tokenizationToJson(back), tokenizationToJson(o));
    EXPECT_EQ(back.reindex, ReindexMode::Sequential);
    EXPECT_EQ(back.nodeColumns, o.nodeColumns);
}

TEST(Tokenization, ErrorsNameTheField) {
    auto expectError = [](const std::string& text, const std::string& fragment) {
        try {
            parseTokenizationJson(text, "tokenization.json");
            ADD_FAILURE() << "accepted: " << text;
        } catch (const io::ParseError& e) {
            EXPECT_EQ(e.source(), "tokenization.json");
            EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
        }
    };
    expectError(R"({"node_scpoe": 64})", "unknown field \"node_scpoe\"");
    expectError(R"({"layout": "spiral"})", "spiral");
    expectError(R"({"cyclic": 1})", "\"cyclic\"");
    expectError(R"({"reindex": "shuffled"})", "shuffled");
    expectError(R"({"node_scope": -4})", "node_scope");
    expectError(R"({"node_columns": "feat"})", "node_columns");
}

// ---------------------------------------------------------------------------------------------
// Weights

namespace {

/// A tensor of `shape` whose values are `seed`, seed + 1, ... (distinct per tensor).
Tensor filled(Tensor::Shape shape, float seed) {
    Tensor t(std::move(shape));
    float* d = t.mutableData();
    for (size_t i = 0; i < t.size(); ++i) d[i] = seed + float(i) * 0.001f;
    return t;
}

/// The backbone tensors of `c` by checkpoint name.
std::map<std::string, Tensor> backbone(const GraphGptConfig& c) {
    std::map<std::string, Tensor> t;
    const int64_t h = c.hiddenSize, q = int64_t(c.numHeads) * c.headDim,
                  kv = int64_t(c.numKvHeads) * c.headDim, m = c.intermediateSize;
    float seed = 1;
    auto put = [&](const std::string& name, Tensor::Shape shape) { t[name] = filled(shape, seed++); };
    put("model.embed_tokens.weight", {c.vocabSize, h});
    for (int i = 0; i < c.numLayers; ++i) {
        const std::string p = "model.layers." + std::to_string(i) + ".";
        put(p + "input_layernorm.weight", {h});
        put(p + "self_attn.q_proj.weight", {q, h});
        put(p + "self_attn.k_proj.weight", {kv, h});
        put(p + "self_attn.v_proj.weight", {kv, h});
        put(p + "self_attn.o_proj.weight", {h, q});
        put(p + "post_attention_layernorm.weight", {h});
        put(p + "mlp.gate_proj.weight", {m, h});
        put(p + "mlp.up_proj.weight", {m, h});
        put(p + "mlp.down_proj.weight", {h, m});
    }
    put("model.norm.weight", {h});
    return t;
}

// vocab 10, hidden 8, intermediate 12, 2 layers, 4 heads of dim 2 over 2 kv heads.
GraphGptConfig tinyConfig(const std::string& extra = "") {
    return parseGraphGptConfigText(
        std::string(R"({"vocab_size": 10, "hidden_size": 8, "intermediate_size": 12,
        "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2)") +
            (extra.empty() ? "" : ", " + extra) + "}",
        "config.json");
}

// Per layer: norms 2*8, q 8*8, k 2*2*8, v 2*2*8, o 8*8, gate/up/down 3*12*8 = 16+64+32+32+64+288.
constexpr int64_t kTinyLayer = 496;
// embed 10*8 + 2 layers + final norm 8.
constexpr int64_t kTinyBackbone = 80 + 2 * kTinyLayer + 8;

void expectBindError(const std::map<std::string, Tensor>& tensors, GraphGptConfig config,
                     std::initializer_list<std::string> fragments, bool strict = false) {
    try {
        bindGraphGptWeights(tensors, config, "model.safetensors", strict);
        ADD_FAILURE() << "bound; expected an error";
    } catch (const io::ParseError& e) {
        EXPECT_EQ(e.source(), "model.safetensors");
        for (const std::string& f : fragments)
            EXPECT_NE(std::string(e.what()).find(f), std::string::npos)
                << "message: " << e.what() << "\nexpected fragment: " << f;
    }
}

}  // namespace

TEST(GraphGptWeights, BackboneOnlyGivesHiddenStates) {
    GraphGptConfig c = tinyConfig();
    auto t = backbone(c);
    t["model.layers.0.self_attn.rotary_emb.inv_freq"] = filled({1}, 0);
    const GraphGptWeights w = bindGraphGptWeights(t, c, "m", /*strict=*/true);
    EXPECT_EQ(w.head, HeadKind::None);
    ASSERT_EQ(w.layers.size(), 2u);
    EXPECT_EQ(w.layers[1].k.weight.shape(), (Tensor::Shape{4, 8}));  // GQA: 2 kv heads × 2
    EXPECT_EQ(w.layers[1].o.weight.shape(), (Tensor::Shape{8, 8}));
    EXPECT_EQ(w.layers[0].q.weight.data(), t["model.layers.0.self_attn.q_proj.weight"].data());
    EXPECT_FALSE(w.layers[0].lambda1.has_value());
    EXPECT_EQ(w.parameterCount(), kTinyBackbone);
}

TEST(GraphGptWeights, MissingAndMisshapedTensorsAreNamed) {
    GraphGptConfig c = tinyConfig();
    auto t = backbone(c);
    t.erase("model.layers.1.mlp.up_proj.weight");
    expectBindError(t, c, {"missing tensor model.layers.1.mlp.up_proj.weight"});

    t = backbone(c);
    t["model.norm.weight"] = filled({16}, 0);
    expectBindError(t, c, {"tensor model.norm.weight", "expected shape [8]", "found [16]"});

    // A k_proj sized for full multi-head attention where the config says 2 kv heads.
    t = backbone(c);
    t["model.layers.0.self_attn.k_proj.weight"] = filled({8, 8}, 0);
    expectBindError(t, c, {"model.layers.0.self_attn.k_proj.weight", "[4, 8]", "[8, 8]"});

    t = backbone(c);
    t["model.layers.0.mlp.extra.weight"] = filled({2}, 0);
    expectBindError(t, c, {"model.layers.0.mlp.extra.weight"}, /*strict=*/true);
    EXPECT_NO_THROW(bindGraphGptWeights(t, c, "m", /*strict=*/false));

    GraphGptConfig biased = tinyConfig(R"("attention_bias": true)");
    expectBindError(backbone(biased), biased, {"missing tensor model.layers.0.self_attn.q_proj.bias"});
}

TEST(GraphGptWeights, PretrainHeadTiedAndUntied) {
    GraphGptConfig tied = tinyConfig(R"("tie_word_embeddings": true)");
    auto t = backbone(tied);
    const GraphGptWeights w = bindGraphGptWeights(t, tied, "m", true);
    EXPECT_EQ(w.head, HeadKind::Pretrain);
    EXPECT_EQ(w.lmHead.data(), w.embedTokens.data());
    EXPECT_EQ(w.parameterCount(), kTinyBackbone);  // the tied head is counted once
    const auto written = graphGptTensors(w, tied);
    EXPECT_EQ(written.count("lm_head.weight"), 0u);
    EXPECT_EQ(written.size(), t.size());

    GraphGptConfig untied = tinyConfig(R"("next_n_token": 3, "stacked_feat": 3)");
    t = backbone(untied);
    t["lm_head.weight"] = filled({10, 8}, 50);
    t["n_token_proj.weight"] = filled({24, 8}, 60);
    const GraphGptWeights u = bindGraphGptWeights(t, untied, "m", true);
    EXPECT_EQ(u.head, HeadKind::Pretrain);
    ASSERT_TRUE(u.nTokenProj.has_value());
    EXPECT_NE(u.lmHead.data(), u.embedTokens.data());
    EXPECT_EQ(u.parameterCount(), kTinyBackbone + 80 + 24 * 8);
    EXPECT_EQ(graphGptTensors(u, untied).size(), t.size());

    t["n_token_proj.weight"] = filled({16, 8}, 60);
    expectBindError(t, untied, {"n_token_proj.weight", "[24, 8]", "[16, 8]"});
    t.erase("n_token_proj.weight");
    expectBindError(t, untied, {"missing tensor n_token_proj.weight"});

    // next_n_token absent from the config: taken from n_token_proj's shape.
    GraphGptConfig inferred = tinyConfig();
    t["n_token_proj.weight"] = filled({16, 8}, 60);
    bindGraphGptWeights(t, inferred, "m");
    EXPECT_EQ(inferred.nextNToken, 2);
}

TEST(GraphGptWeights, TaskHeadLinearAndMlp) {
    GraphGptConfig c = tinyConfig(R"("problem_type": "regression")");
    auto t = backbone(c);
    t["score.weight"] = filled({3, 8}, 70);
    t["score.bias"] = filled({3}, 80);
    GraphGptWeights w = bindGraphGptWeights(t, c, "m", true);
    EXPECT_EQ(w.head, HeadKind::Task);
    ASSERT_EQ(w.score.size(), 1u);
    EXPECT_TRUE(w.score[0].bias.has_value());
    EXPECT_EQ(c.numLabels, 3);  // from the shape
    EXPECT_EQ(w.parameterCount(), kTinyBackbone + 24 + 3);

    // An MLP [8 -> 6 -> 5 -> 2] the config does not list: sizes and labels from the shapes.
    GraphGptConfig m = tinyConfig();
    t = backbone(m);
    t["score.mlp_modules.0.weight"] = filled({6, 8}, 1);
    t["score.mlp_modules.1.weight"] = filled({5, 6}, 2);
    t["score.mlp_modules.2.weight"] = filled({2, 5}, 3);
    w = bindGraphGptWeights(t, m, "m", true);
    EXPECT_EQ(m.scoreMlp, (std::vector<int>{6, 5}));
    EXPECT_EQ(m.numLabels, 2);
    ASSERT_EQ(w.score.size(), 3u);
    EXPECT_EQ(w.parameterCount(), kTinyBackbone + 48 + 30 + 10);
    EXPECT_EQ(graphGptTensors(w, m).size(), t.size());

    GraphGptConfig listed = tinyConfig(R"("mlp": [6, 4])");
    expectBindError(t, listed, {"score MLP", "[6, 4]", "[6, 5]"});
    GraphGptConfig labels = tinyConfig(R"("num_labels": 7)");
    expectBindError(t, labels, {"num_labels 7", "gives 2"});
    t["score.mlp_modules.1.weight"] = filled({5, 7}, 2);
    expectBindError(t, tinyConfig(), {"score.mlp_modules.1.weight", "[out, 6]", "[5, 7]"});
}

TEST(GraphGptWeights, LayerScaleAndGatedAggregation) {
    GraphGptConfig c = tinyConfig(R"("layer_scale_init_value": 0.1, "stacked_feat": 3,
        "stacked_feat_agg_method": "gated")");
    auto t = backbone(c);
    expectBindError(t, c, {"missing tensor stacked_feat_agg.weight"});
    t["stacked_feat_agg.weight"] = filled({2, 8}, 0);
    expectBindError(t, c, {"stacked_feat_agg.weight", "[3, 8]", "[2, 8]"});
    t["stacked_feat_agg.weight"] = filled({3, 8}, 0);
    expectBindError(t, c, {"missing tensor model.layers.0.lambda_1"});
    for (int i = 0; i < 2; ++i) {
        t["model.layers." + std::to_string(i) + ".lambda_1"] = filled({8}, 0);
        t["model.layers." + std::to_string(i) + ".lambda_2"] = filled({8}, 0);
    }
    const GraphGptWeights w = bindGraphGptWeights(t, c, "m", true);
    ASSERT_TRUE(w.stackedFeatAgg.has_value());
    ASSERT_TRUE(w.layers[1].lambda2.has_value());
    EXPECT_EQ(w.parameterCount(), kTinyBackbone + 24 + 4 * 8);
    EXPECT_EQ(graphGptTensors(w, c).size(), t.size());
}
