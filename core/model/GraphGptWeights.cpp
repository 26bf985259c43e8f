#include "model/GraphGptWeights.h"

#include <set>
#include <unordered_set>

#include "io/GraphIO.h"

namespace gts::model {

namespace {

/// Unknown tensor names listed in a strict-mode error before "and N more".
constexpr size_t kUnknownNamesShown = 8;

std::string shapeText(const Tensor::Shape& shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

bool endsWith(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

/// Tensors that checkpoints carry but that hold no parameters of the model.
bool isHarmlessExtra(const std::string& name) {
    return endsWith(name, "rotary_emb.inv_freq");
}

/// Looks tensors up by name, checks shapes, and remembers which names were used.
class TensorBinder {
public:
    TensorBinder(const std::map<std::string, Tensor>& tensors, const std::string& source)
        : tensors_(tensors), source_(source) {}

    bool has(const std::string& name) const { return tensors_.count(name) != 0; }
    const Tensor* find(const std::string& name) const {
        auto it = tensors_.find(name);
        return it == tensors_.end() ? nullptr : &it->second;
    }
    Tensor take(const std::string& name, const Tensor::Shape& shape) {
        auto it = tensors_.find(name);
        if (it == tensors_.end()) fail("missing tensor " + name);
        checkShape(name, it->second, shape);
        used_.insert(name);
        return it->second;
    }
    std::optional<Tensor> takeOptional(const std::string& name, const Tensor::Shape& shape) {
        if (!has(name)) return std::nullopt;
        return take(name, shape);
    }
    void markUsed(const std::string& name) { used_.insert(name); }
    void checkShape(const std::string& name, const Tensor& t, const Tensor::Shape& shape) const {
        if (t.shape() != shape)
            fail("tensor " + name + ": expected shape " + shapeText(shape) + ", found " +
                 shapeText(t.shape()));
    }
    /// A Linear's weight [out, in] and its bias [out] (required when `biasRequired`).
    LinearWeights linear(const std::string& prefix, int64_t out, int64_t in, bool biasRequired) {
        LinearWeights l;
        l.weight = take(prefix + ".weight", {out, in});
        if (biasRequired) l.bias = take(prefix + ".bias", {out});
        else l.bias = takeOptional(prefix + ".bias", {out});
        return l;
    }
    std::vector<std::string> unused() const {
        std::vector<std::string> out;
        for (const auto& [name, t] : tensors_)
            if (!used_.count(name) && !isHarmlessExtra(name)) out.push_back(name);
        return out;
    }
    [[noreturn]] void fail(const std::string& what) const { throw io::ParseError(source_, 0, what); }

private:
    const std::map<std::string, Tensor>& tensors_;
    const std::string& source_;
    std::set<std::string> used_;
};

bool hasPrefix(const std::map<std::string, Tensor>& tensors, const std::string& prefix) {
    auto it = tensors.lower_bound(prefix);
    return it != tensors.end() && it->first.compare(0, prefix.size(), prefix) == 0;
}

/// The fine-tuning head: score.weight, or score.mlp_modules.{k} (GraphGPT's MLP,
/// src/utils/modules_utils.py). Sizes the config lacks are taken from the shapes.
std::vector<LinearWeights> bindScore(TensorBinder& b, GraphGptConfig& config) {
    const int64_t hidden = config.hiddenSize;
    std::vector<LinearWeights> score;
    if (b.has("score.weight")) {
        if (!config.scoreMlp.empty())
            b.fail("config lists a score MLP of " + std::to_string(config.scoreMlp.size()) +
                   " hidden layers but the checkpoint has one Linear (score.weight)");
        const Tensor* w = b.find("score.weight");
        if (w->rank() != 2 || w->dim(1) != hidden || w->dim(0) < 1)
            b.fail("tensor score.weight: expected shape [num_labels, " + std::to_string(hidden) +
                   "], found " + shapeText(w->shape()));
        score.push_back(b.linear("score", w->dim(0), hidden, false));
    } else {
        const std::string first = "score.mlp_modules.0.weight";
        if (!b.has(first)) b.fail("missing tensor score.weight (or " + first + ")");
        int64_t in = hidden;
        std::vector<int> sizes;
        for (size_t k = 0;; ++k) {
            const std::string prefix = "score.mlp_modules." + std::to_string(k);
            const Tensor* w = b.find(prefix + ".weight");
            if (!w) break;
            if (w->rank() != 2 || w->dim(1) != in || w->dim(0) < 1)
                b.fail("tensor " + prefix + ".weight: expected shape [out, " + std::to_string(in) +
                       "], found " + shapeText(w->shape()));
            score.push_back(b.linear(prefix, w->dim(0), in, false));
            in = w->dim(0);
            sizes.push_back(int(in));
        }
        sizes.pop_back();  // the last Linear gives the labels
        if (config.scoreMlp.empty()) {
            config.scoreMlp = sizes;
        } else if (config.scoreMlp != sizes) {
            std::vector<int64_t> want(config.scoreMlp.begin(), config.scoreMlp.end());
            std::vector<int64_t> found(sizes.begin(), sizes.end());
            b.fail("score MLP: config lists hidden sizes " + shapeText(want) +
                   ", the checkpoint has " + shapeText(found));
        }
    }
    const int64_t labels = score.back().outFeatures();
    // num_labels 1 is also LlamaConfig's default, so a config that does not say otherwise
    // takes the checkpoint's.
    if (config.numLabels != 1 && config.numLabels != labels)
        b.fail("score: config has num_labels " + std::to_string(config.numLabels) +
               ", the checkpoint's head gives " + std::to_string(labels));
    config.numLabels = int(labels);
    return score;
}

}  // namespace

const char* headKindName(HeadKind k) {
    switch (k) {
        case HeadKind::Pretrain: return "pretrain";
        case HeadKind::Task: return "task";
        case HeadKind::None: return "none";
    }
    return "?";
}

int64_t GraphGptWeights::parameterCount() const {
    std::unordered_set<const float*> seen;
    int64_t count = 0;
    auto add = [&](const Tensor& t) {
        if (t.size() == 0 || !seen.insert(t.data()).second) return;
        count += int64_t(t.size());
    };
    auto addLinear = [&](const LinearWeights& l) {
        add(l.weight);
        if (l.bias) add(*l.bias);
    };
    add(embedTokens);
    if (stackedFeatAgg) add(*stackedFeatAgg);
    for (const LayerWeights& l : layers) {
        add(l.inputNorm);
        for (const LinearWeights* lin : {&l.q, &l.k, &l.v, &l.o, &l.gate, &l.up, &l.down})
            addLinear(*lin);
        add(l.postAttentionNorm);
        if (l.lambda1) add(*l.lambda1);
        if (l.lambda2) add(*l.lambda2);
    }
    add(finalNorm);
    if (nTokenProj) addLinear(*nTokenProj);
    add(lmHead);
    for (const LinearWeights& l : score) addLinear(l);
    return count;
}

GraphGptWeights bindGraphGptWeights(const std::map<std::string, Tensor>& tensors,
                                    GraphGptConfig& config, const std::string& source,
                                    bool strict) {
    TensorBinder b(tensors, source);
    GraphGptWeights w;
    const int64_t hidden = config.hiddenSize;
    const int64_t vocab = config.vocabSize;
    const int64_t qDim = int64_t(config.numHeads) * config.headDim;
    const int64_t kvDim = int64_t(config.numKvHeads) * config.headDim;
    const int64_t inter = config.intermediateSize;

    w.embedTokens = b.take("model.embed_tokens.weight", {vocab, hidden});
    if (config.stackAggregation == StackAggregation::Gated)
        w.stackedFeatAgg = b.take("stacked_feat_agg.weight", {config.stackedFeat, hidden});

    w.layers.resize(size_t(config.numLayers));
    for (int i = 0; i < config.numLayers; ++i) {
        const std::string p = "model.layers." + std::to_string(i) + ".";
        LayerWeights& l = w.layers[size_t(i)];
        l.inputNorm = b.take(p + "input_layernorm.weight", {hidden});
        l.q = b.linear(p + "self_attn.q_proj", qDim, hidden, config.attentionBias);
        l.k = b.linear(p + "self_attn.k_proj", kvDim, hidden, config.attentionBias);
        l.v = b.linear(p + "self_attn.v_proj", kvDim, hidden, config.attentionBias);
        l.o = b.linear(p + "self_attn.o_proj", hidden, qDim, config.attentionBias);
        l.postAttentionNorm = b.take(p + "post_attention_layernorm.weight", {hidden});
        l.gate = b.linear(p + "mlp.gate_proj", inter, hidden, config.mlpBias);
        l.up = b.linear(p + "mlp.up_proj", inter, hidden, config.mlpBias);
        l.down = b.linear(p + "mlp.down_proj", hidden, inter, config.mlpBias);
        // GraphGPT creates both only when layer_scale_init_value > 0 (utils_graphgpt.py); a
        // checkpoint that has them uses them whatever its config says.
        const bool layerScale = config.layerScaleInit > 0 || b.has(p + "lambda_1") ||
                                b.has(p + "lambda_2");
        if (layerScale) {
            l.lambda1 = b.take(p + "lambda_1", {hidden});
            l.lambda2 = b.take(p + "lambda_2", {hidden});
        }
    }
    w.finalNorm = b.take("model.norm.weight", {hidden});

    // The head: score.* makes a task model (GraphGPT's double-heads models also keep lm_head,
    // which then only served the auxiliary loss); else lm_head (or the tied embedding) a
    // pre-training model; else the model gives hidden states only.
    if (hasPrefix(tensors, "score.")) {
        w.head = HeadKind::Task;
        w.score = bindScore(b, config);
        if (b.has("lm_head.weight")) b.markUsed("lm_head.weight");
        if (b.has("n_token_proj.weight")) b.markUsed("n_token_proj.weight");
    } else if (b.has("lm_head.weight") || config.tieWordEmbeddings) {
        w.head = HeadKind::Pretrain;
        if (const Tensor* proj = b.find("n_token_proj.weight")) {
            // [hidden * next_n, hidden] (modeling_pretrain.py); next_n_token 1 means Identity.
            if (proj->rank() != 2 || proj->dim(1) != hidden || proj->dim(0) % hidden != 0 ||
                proj->dim(0) / hidden < 2)
                b.fail("tensor n_token_proj.weight: expected shape [" + std::to_string(hidden) +
                       " * next_n_token, " + std::to_string(hidden) + "] with next_n_token > 1, found " +
                       shapeText(proj->shape()));
            const int64_t nextN = proj->dim(0) / hidden;
            if (config.nextNToken != 1 && config.nextNToken != nextN)
                b.fail("tensor n_token_proj.weight: expected shape " +
                       shapeText({hidden * config.nextNToken, hidden}) + " (next_n_token " +
                       std::to_string(config.nextNToken) + "), found " + shapeText(proj->shape()));
            config.nextNToken = int(nextN);
            w.nTokenProj = b.linear("n_token_proj", hidden * nextN, hidden, false);
        } else if (config.nextNToken > 1) {
            b.fail("missing tensor n_token_proj.weight (next_n_token " +
                   std::to_string(config.nextNToken) + ")");
        }
        if (b.has("lm_head.weight")) w.lmHead = b.take("lm_head.weight", {vocab, hidden});
        else w.lmHead = w.embedTokens;
    } else {
        w.head = HeadKind::None;
    }
    // Without stacking the aggregation weight is never applied (see parseGraphGptConfig).
    if (config.stackMethod == StackMethod::None && b.has("stacked_feat_agg.weight"))
        b.markUsed("stacked_feat_agg.weight");

    if (strict) {
        const std::vector<std::string> unknown = b.unused();
        if (!unknown.empty()) {
            std::string list;
            for (size_t i = 0; i < unknown.size() && i < kUnknownNamesShown; ++i)
                list += (i ? ", " : "") + unknown[i];
            if (unknown.size() > kUnknownNamesShown)
                list += " and " + std::to_string(unknown.size() - kUnknownNamesShown) + " more";
            b.fail(std::to_string(unknown.size()) + " tensor(s) fit no role of the model: " + list);
        }
    }
    return w;
}

std::map<std::string, Tensor> graphGptTensors(const GraphGptWeights& w,
                                              const GraphGptConfig& config) {
    std::map<std::string, Tensor> out;
    auto putLinear = [&](const std::string& prefix, const LinearWeights& l) {
        out[prefix + ".weight"] = l.weight;
        if (l.bias) out[prefix + ".bias"] = *l.bias;
    };
    out["model.embed_tokens.weight"] = w.embedTokens;
    if (w.stackedFeatAgg) out["stacked_feat_agg.weight"] = *w.stackedFeatAgg;
    for (size_t i = 0; i < w.layers.size(); ++i) {
        const std::string p = "model.layers." + std::to_string(i) + ".";
        const LayerWeights& l = w.layers[i];
        out[p + "input_layernorm.weight"] = l.inputNorm;
        putLinear(p + "self_attn.q_proj", l.q);
        putLinear(p + "self_attn.k_proj", l.k);
        putLinear(p + "self_attn.v_proj", l.v);
        putLinear(p + "self_attn.o_proj", l.o);
        out[p + "post_attention_layernorm.weight"] = l.postAttentionNorm;
        putLinear(p + "mlp.gate_proj", l.gate);
        putLinear(p + "mlp.up_proj", l.up);
        putLinear(p + "mlp.down_proj", l.down);
        if (l.lambda1) out[p + "lambda_1"] = *l.lambda1;
        if (l.lambda2) out[p + "lambda_2"] = *l.lambda2;
    }
    out["model.norm.weight"] = w.finalNorm;
    if (w.head == HeadKind::Pretrain) {
        if (w.nTokenProj) putLinear("n_token_proj", *w.nTokenProj);
        // Tied: HF writes the embedding once and leaves lm_head.weight out.
        const bool tied = config.tieWordEmbeddings && w.lmHead.data() == w.embedTokens.data();
        if (!tied) out["lm_head.weight"] = w.lmHead;
    } else if (w.head == HeadKind::Task) {
        if (w.score.size() == 1 && config.scoreMlp.empty()) {
            putLinear("score", w.score[0]);
        } else {
            for (size_t k = 0; k < w.score.size(); ++k)
                putLinear("score.mlp_modules." + std::to_string(k), w.score[k]);
        }
    }
    return out;
}

}  // namespace gts::model
