#include "model/GraphGptConfig.h"

#include <cmath>
#include <limits>
#include <set>

#include <nlohmann/json.hpp>

#include "io/GraphIO.h"

namespace gts::model {

namespace {

using nlohmann::json;

/// GraphGPT's architecture rule for 0 sizes (src/utils/modules_utils.py set_up_model_architect).
constexpr int kGraphGptHeadDim = 64;
constexpr int kGraphGptIntermediateFactor = 4;

/// Sizes beyond this are refused: no real model comes close, and products of them must fit int.
constexpr int64_t kMaxModelDim = 1 << 24;

/// Reads fields of a config document that may hold them flat (HF save_pretrained) or nested in
/// GraphGPT's base.yaml groups (graph_input, pt_head, ft_head); the flat form wins.
class ConfigReader {
public:
    ConfigReader(const json& root, const std::string& source) : root_(root), source_(source) {}

    /// The field's value, or nullptr when absent or null.
    const json* find(const std::string& name, const char* group = nullptr) const {
        if (const json* v = findIn(root_, name)) return v;
        if (group) {
            auto g = root_.find(group);
            if (g != root_.end() && g->is_object())
                if (const json* v = findIn(*g, name)) return v;
        }
        return nullptr;
    }

    [[noreturn]] void fail(const std::string& name, const std::string& what) const {
        throw io::ParseError(source_, 0, "field \"" + name + "\": " + what);
    }
    [[noreturn]] void expected(const std::string& name, const char* what, const json& found) const {
        fail(name, std::string("expected ") + what + ", found " + found.dump());
    }

    /// An integer field; `minimum` bounds it from below (inclusive).
    std::optional<int64_t> integer(const std::string& name, int64_t minimum,
                                   const char* group = nullptr) const {
        const json* v = find(name, group);
        if (!v) return std::nullopt;
        const char* what = minimum > 0 ? "a positive integer" : "a non-negative integer";
        if (minimum < 0) what = "an integer";
        int64_t n = 0;
        if (v->is_number_integer()) {
            if (v->is_number_unsigned() && v->get<uint64_t>() > uint64_t(kMaxModelDim))
                fail(name, "value " + v->dump() + " is too large");
            n = v->get<int64_t>();
        } else if (v->is_number_float() && std::isfinite(v->get<double>()) &&
                   v->get<double>() == std::floor(v->get<double>()) &&
                   std::fabs(v->get<double>()) <= double(kMaxModelDim)) {
            n = int64_t(v->get<double>());  // YAML/JSON writers sometimes emit 128.0
        } else {
            expected(name, what, *v);
        }
        if (n < minimum) expected(name, what, *v);
        if (n > kMaxModelDim) fail(name, "value " + v->dump() + " is too large");
        return n;
    }
    int requiredInt(const std::string& name, int64_t minimum) const {
        auto n = integer(name, minimum);
        if (!n) {
            auto it = root_.find(name);
            if (it != root_.end()) expected(name, "a positive integer", *it);
            fail(name, "missing (a required field)");
        }
        return int(*n);
    }
    std::optional<double> number(const std::string& name) const {
        const json* v = find(name);
        if (!v) return std::nullopt;
        if (!v->is_number() || !std::isfinite(v->get<double>())) expected(name, "a number", *v);
        return v->get<double>();
    }
    std::optional<bool> boolean(const std::string& name, const char* group = nullptr) const {
        const json* v = find(name, group);
        if (!v) return std::nullopt;
        if (!v->is_boolean()) expected(name, "true or false", *v);
        return v->get<bool>();
    }
    std::optional<std::string> string(const std::string& name, const char* group = nullptr) const {
        const json* v = find(name, group);
        if (!v) return std::nullopt;
        if (!v->is_string()) expected(name, "a string", *v);
        return v->get<std::string>();
    }

private:
    static const json* findIn(const json& object, const std::string& name) {
        auto it = object.find(name);
        if (it == object.end() || it->is_null()) return nullptr;
        return &*it;
    }

    const json& root_;
    const std::string& source_;
};

std::optional<ProblemType> parseProblemType(std::string_view name) {
    for (ProblemType p : {ProblemType::Regression, ProblemType::SingleLabelClassification,
                          ProblemType::MultiLabelClassification})
        if (name == problemTypeName(p)) return p;
    return std::nullopt;
}

const char* stackMethodName(StackMethod m) {
    switch (m) {
        case StackMethod::None: return nullptr;
        case StackMethod::Short: return "short";
        case StackMethod::Long: return "long";
    }
    return nullptr;
}

}  // namespace

const char* activationName(Activation a) {
    switch (a) {
        case Activation::Gelu: return "gelu";
        case Activation::GeluTanh: return "gelu_pytorch_tanh";
        case Activation::Silu: return "silu";
        case Activation::Relu: return "relu";
    }
    return "?";
}

std::optional<Activation> parseActivation(std::string_view name) {
    if (name == "gelu") return Activation::Gelu;
    if (name == "gelu_new" || name == "gelu_pytorch_tanh") return Activation::GeluTanh;
    if (name == "silu" || name == "swish") return Activation::Silu;
    if (name == "relu") return Activation::Relu;
    return std::nullopt;
}

const char* problemTypeName(ProblemType p) {
    switch (p) {
        case ProblemType::Regression: return "regression";
        case ProblemType::SingleLabelClassification: return "single_label_classification";
        case ProblemType::MultiLabelClassification: return "multi_label_classification";
    }
    return "?";
}

ProblemType GraphGptConfig::effectiveProblemType() const {
    if (problemType) return *problemType;
    return numLabels == 1 ? ProblemType::Regression : ProblemType::SingleLabelClassification;
}

GraphGptConfig parseGraphGptConfig(const json& root, const std::string& source) {
    if (!root.is_object()) throw io::ParseError(source, 0, "config is not a JSON object");
    const ConfigReader r(root, source);
    GraphGptConfig c;

    c.vocabSize = r.requiredInt("vocab_size", 1);
    c.hiddenSize = r.requiredInt("hidden_size", 1);
    c.numLayers = r.requiredInt("num_hidden_layers", 1);
    const int intermediate = int(r.integer("intermediate_size", 0).value_or(0));
    const int heads = int(r.integer("num_attention_heads", 0).value_or(0));
    std::optional<int64_t> headDim = r.integer("head_dim", 1);
    if (intermediate == 0 && heads == 0) {
        if (c.hiddenSize % kGraphGptHeadDim != 0)
            r.fail("hidden_size", "with intermediate_size and num_attention_heads 0, GraphGPT "
                                  "needs a multiple of " + std::to_string(kGraphGptHeadDim) +
                                  ", found " + std::to_string(c.hiddenSize));
        c.intermediateSize = kGraphGptIntermediateFactor * c.hiddenSize;
        c.numHeads = c.hiddenSize / kGraphGptHeadDim;
        headDim = kGraphGptHeadDim;
    } else {
        // Only both 0 (or absent) take GraphGPT's rule; one of them alone is a broken config.
        if (intermediate == 0)
            r.fail("intermediate_size", "expected a positive integer when num_attention_heads is "
                                        "given, found " + std::to_string(intermediate));
        if (heads == 0)
            r.fail("num_attention_heads", "expected a positive integer when intermediate_size is "
                                          "given, found " + std::to_string(heads));
        c.intermediateSize = intermediate;
        c.numHeads = heads;
    }
    c.numKvHeads = int(r.integer("num_key_value_heads", 1).value_or(c.numHeads));
    if (headDim) {
        c.headDim = int(*headDim);
    } else {
        if (c.hiddenSize % c.numHeads != 0)
            r.fail("num_attention_heads", "hidden_size " + std::to_string(c.hiddenSize) +
                                              " is not divisible by " + std::to_string(c.numHeads) +
                                              " heads (and head_dim is not given)");
        c.headDim = c.hiddenSize / c.numHeads;
    }
    if (c.numHeads % c.numKvHeads != 0)
        r.fail("num_key_value_heads", std::to_string(c.numHeads) + " attention heads are not a "
                                      "multiple of " + std::to_string(c.numKvHeads) + " kv heads");
    if (int64_t(c.numHeads) * c.headDim > kMaxModelDim)
        r.fail("head_dim", "heads × head_dim is too large");

    if (auto act = r.string("hidden_act")) {
        auto a = parseActivation(*act);
        if (!a) r.fail("hidden_act", "unknown activation \"" + *act +
                                         "\" (gelu, gelu_new, gelu_pytorch_tanh, silu, swish, relu)");
        c.hiddenAct = *a;
    }
    if (auto eps = r.number("rms_norm_eps")) {
        if (!(*eps > 0)) r.expected("rms_norm_eps", "a positive number", *r.find("rms_norm_eps"));
        c.rmsNormEps = *eps;
    }
    if (auto theta = r.number("rope_theta")) {
        if (!(*theta > 0)) r.expected("rope_theta", "a positive number", *r.find("rope_theta"));
        c.ropeTheta = *theta;
    }
    if (const json* scaling = r.find("rope_scaling"))
        r.fail("rope_scaling", "RoPE scaling is not supported (found " + scaling->dump() + ")");
    c.maxPositionEmbeddings =
        int(r.integer("max_position_embeddings", 1).value_or(c.maxPositionEmbeddings));
    c.causalAttention = r.boolean("causal_attention").value_or(c.causalAttention);
    c.tieWordEmbeddings = r.boolean("tie_word_embeddings").value_or(c.tieWordEmbeddings);
    c.attentionBias = r.boolean("attention_bias").value_or(c.attentionBias);
    c.mlpBias = r.boolean("mlp_bias").value_or(c.mlpBias);
    if (auto ls = r.number("layer_scale_init_value")) {
        if (*ls < 0)
            r.expected("layer_scale_init_value", "a non-negative number",
                       *r.find("layer_scale_init_value"));
        c.layerScaleInit = *ls;
    }
    if (auto embedDim = r.integer("embed_dim", 0, "graph_input"); embedDim && *embedDim > 0)
        r.fail("embed_dim", "external input embeddings (embed_dim > 0) are not supported");

    c.stackedFeat = int(r.integer("stacked_feat", 1, "graph_input").value_or(1));
    if (auto m = r.string("stack_method", "graph_input")) {
        if (*m == "short") c.stackMethod = StackMethod::Short;
        else if (*m == "long") c.stackMethod = StackMethod::Long;
        else r.fail("stack_method", "unsupported stack method \"" + *m + "\" (null, short or long)");
    }
    // GraphGPT stacks only with stack_method short|long; a checkpoint that stacks but names no
    // method was made by the short layout, the default of GraphGPT's configs.
    if (c.stackedFeat > 1 && c.stackMethod == StackMethod::None) c.stackMethod = StackMethod::Short;
    if (auto agg = r.string("stacked_feat_agg_method", "graph_input")) {
        if (*agg == "sum") c.stackAggregation = StackAggregation::Sum;
        else if (*agg == "gated") c.stackAggregation = StackAggregation::Gated;
        else r.fail("stacked_feat_agg_method", "unknown aggregation \"" + *agg + "\" (sum or gated)");
    }
    // Without stacking GraphGPT feeds one id per position and never aggregates
    // (modeling_helpers: the aggregation runs only on 3-d input ids).
    if (c.stackMethod == StackMethod::None) c.stackAggregation = StackAggregation::Sum;

    c.padTokenId = int(r.integer("pad_token_id", 0).value_or(0));
    if (auto v = r.integer("bos_token_id", 0)) c.bosTokenId = int(*v);
    if (auto v = r.integer("eos_token_id", 0)) c.eosTokenId = int(*v);
    c.nextNToken = int(r.integer("next_n_token", 1, "pt_head").value_or(1));

    if (auto n = r.integer("num_labels", 1, "ft_head")) {
        c.numLabels = int(*n);
    } else if (const json* labels = r.find("id2label")) {
        // HF saves id2label and derives num_labels from it.
        if (!labels->is_object() || labels->empty())
            r.expected("id2label", "a non-empty object", *labels);
        if (labels->size() > size_t(kMaxModelDim)) r.fail("id2label", "too many labels");
        c.numLabels = int(labels->size());
    }
    if (auto p = r.string("problem_type", "ft_head")) {
        c.problemType = parseProblemType(*p);
        if (!c.problemType)
            r.fail("problem_type", "unknown problem type \"" + *p +
                                       "\" (regression, single_label_classification, "
                                       "multi_label_classification)");
    }
    if (const json* mlp = r.find("mlp", "ft_head")) {
        if (!mlp->is_array()) r.expected("mlp", "a list of positive integers", *mlp);
        for (const json& size : *mlp) {
            if (!size.is_number_integer() || size.get<int64_t>() < 1 ||
                size.get<int64_t>() > kMaxModelDim)
                r.expected("mlp", "a list of positive integers", *mlp);
            c.scoreMlp.push_back(size.get<int>());
        }
    }
    if (auto pooling = r.string("pooling_method", "ft_head")) {
        if (*pooling != "last")
            r.fail("pooling_method", "pooling \"" + *pooling +
                                         "\" is not supported (GraphGPT's task models pool \"last\")");
        c.poolingMethod = *pooling;
    }
    return c;
}

GraphGptConfig parseGraphGptConfigText(std::string_view text, const std::string& source) {
    json root;
    try {
        root = json::parse(text);
    } catch (const json::exception& e) {  // parse_error, or out_of_range for a huge number
        throw io::ParseError(source, 0, std::string("not JSON: ") + e.what());
    }
    return parseGraphGptConfig(root, source);
}

std::string graphGptConfigToJson(const GraphGptConfig& c) {
    json j = json::object();
    j["model_type"] = "graphgpt";
    j["vocab_size"] = c.vocabSize;
    j["hidden_size"] = c.hiddenSize;
    j["intermediate_size"] = c.intermediateSize;
    j["num_hidden_layers"] = c.numLayers;
    j["num_attention_heads"] = c.numHeads;
    j["num_key_value_heads"] = c.numKvHeads;
    j["head_dim"] = c.headDim;
    j["hidden_act"] = activationName(c.hiddenAct);
    j["rms_norm_eps"] = c.rmsNormEps;
    j["rope_theta"] = c.ropeTheta;
    j["max_position_embeddings"] = c.maxPositionEmbeddings;
    j["causal_attention"] = c.causalAttention;
    j["tie_word_embeddings"] = c.tieWordEmbeddings;
    j["attention_bias"] = c.attentionBias;
    j["mlp_bias"] = c.mlpBias;
    j["layer_scale_init_value"] = c.layerScaleInit;
    j["stacked_feat"] = c.stackedFeat;
    if (const char* m = stackMethodName(c.stackMethod)) j["stack_method"] = m;
    else j["stack_method"] = nullptr;
    j["stacked_feat_agg_method"] = c.stackAggregation == StackAggregation::Gated ? "gated" : "sum";
    j["pad_token_id"] = c.padTokenId;
    j["bos_token_id"] = c.bosTokenId ? json(*c.bosTokenId) : json(nullptr);
    j["eos_token_id"] = c.eosTokenId ? json(*c.eosTokenId) : json(nullptr);
    j["next_n_token"] = c.nextNToken;
    j["num_labels"] = c.numLabels;
    j["problem_type"] = c.problemType ? json(problemTypeName(*c.problemType)) : json(nullptr);
    j["mlp"] = c.scoreMlp;
    j["pooling_method"] = c.poolingMethod;
    return j.dump(2) + "\n";
}

// ---------------------------------------------------------------------------------------------
// tokenization.json

TokenizeOptions parseTokenizationJson(std::string_view text, const std::string& source) {
    json root;
    try {
        root = json::parse(text);
    } catch (const json::exception& e) {  // parse_error, or out_of_range for a huge number
        throw io::ParseError(source, 0, std::string("not JSON: ") + e.what());
    }
    if (!root.is_object()) throw io::ParseError(source, 0, "tokenization is not a JSON object");
    const ConfigReader r(root, source);
    static const std::set<std::string> kKnown = {
        "layout",          "world",       "node_scope",    "scope_base",
        "cyclic",          "reindex",     "first_index",   "remove_edge_type_token",
        "add_eos",         "attr_assignment", "node_columns", "edge_columns",
        "permute_nodes"};
    for (const auto& [key, value] : root.items())
        if (!kKnown.count(key))
            throw io::ParseError(source, 0, "unknown field \"" + key + "\"");

    TokenizeOptions o;
    if (auto layout = r.string("layout")) {
        auto l = parseTokenLayout(*layout);
        if (!l) r.fail("layout", "unknown layout \"" + *layout + "\" (stacked, stacked-long, flat)");
        o.layout = *l;
    }
    if (auto world = r.string("world")) {
        if (world->empty()) r.expected("world", "a non-empty string", *r.find("world"));
        o.world = *world;
    }
    if (auto n = r.integer("node_scope", 1)) o.nodeScope = uint32_t(*n);
    if (auto n = r.integer("scope_base", 1)) o.scopeBase = uint32_t(*n);
    if (r.find("cyclic") && r.find("reindex"))
        r.fail("reindex", "give either \"cyclic\" or \"reindex\", not both");
    if (auto cyclic = r.boolean("cyclic"))
        o.reindex = *cyclic ? ReindexMode::Cyclic : ReindexMode::Sequential;
    if (auto mode = r.string("reindex")) {
        if (*mode == "sequential") o.reindex = ReindexMode::Sequential;
        else if (*mode == "cyclic") o.reindex = ReindexMode::Cyclic;
        else if (*mode == "random") o.reindex = ReindexMode::Random;
        else r.fail("reindex", "unknown mode \"" + *mode + "\" (sequential, cyclic, random)");
    }
    if (auto n = r.integer("first_index", 0)) {
        if (*n >= int64_t(o.nodeScope))
            r.fail("first_index", std::to_string(*n) + " is not below node_scope " +
                                      std::to_string(o.nodeScope));
        o.firstIndex = uint32_t(*n);
    }
    o.removeEdgeTypeToken = r.boolean("remove_edge_type_token").value_or(o.removeEdgeTypeToken);
    o.addEos = r.boolean("add_eos").value_or(o.addEos);
    if (auto a = r.string("attr_assignment")) {
        if (*a == "first") o.attrAssignment = AttrAssignment::First;
        else if (*a == "last") o.attrAssignment = AttrAssignment::Last;
        else if (*a == "all") o.attrAssignment = AttrAssignment::All;
        else r.fail("attr_assignment", "unknown assignment \"" + *a + "\" (first, last, all)");
    }
    auto columns = [&](const char* name) -> std::optional<std::vector<std::string>> {
        const json* v = r.find(name);
        if (!v) return std::nullopt;
        if (!v->is_array()) r.expected(name, "a list of column names", *v);
        std::vector<std::string> out;
        for (const json& c : *v) {
            if (!c.is_string() || c.get<std::string>().empty())
                r.expected(name, "a list of column names", *v);
            out.push_back(c.get<std::string>());
        }
        return out;
    };
    o.nodeColumns = columns("node_columns");
    o.edgeColumns = columns("edge_columns");
    o.permuteNodes = r.boolean("permute_nodes").value_or(o.permuteNodes);
    return o;
}

std::string tokenizationToJson(const TokenizeOptions& o) {
    json j = json::object();
    j["layout"] = tokenLayoutName(o.layout);
    j["world"] = o.world;
    j["node_scope"] = o.nodeScope;
    j["scope_base"] = o.scopeBase;
    switch (o.reindex) {
        case ReindexMode::Sequential: j["reindex"] = "sequential"; break;
        case ReindexMode::Cyclic: j["reindex"] = "cyclic"; break;
        case ReindexMode::Random: j["reindex"] = "random"; break;
    }
    if (o.firstIndex) j["first_index"] = *o.firstIndex;
    j["remove_edge_type_token"] = o.removeEdgeTypeToken;
    j["add_eos"] = o.addEos;
    switch (o.attrAssignment) {
        case AttrAssignment::First: j["attr_assignment"] = "first"; break;
        case AttrAssignment::Last: j["attr_assignment"] = "last"; break;
        case AttrAssignment::All: j["attr_assignment"] = "all"; break;
    }
    if (o.nodeColumns) j["node_columns"] = *o.nodeColumns;
    if (o.edgeColumns) j["edge_columns"] = *o.edgeColumns;
    j["permute_nodes"] = o.permuteNodes;
    return j.dump(2) + "\n";
}

}  // namespace gts::model
