#include "analysis/Ablation.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace gts::analysis {

namespace {

std::vector<double> softmax(const float* x, int64_t n) {
    std::vector<double> p(static_cast<size_t>(n));
    double mx = -INFINITY;
    for (int64_t i = 0; i < n; ++i) mx = std::max(mx, static_cast<double>(x[i]));
    double sum = 0.0;
    for (int64_t i = 0; i < n; ++i) sum += p[static_cast<size_t>(i)] = std::exp(x[i] - mx);
    for (double& v : p) v /= sum;
    return p;
}

double kl(const std::vector<double>& p, const std::vector<double>& q) {
    double d = 0.0;
    for (size_t i = 0; i < p.size(); ++i)
        if (p[i] > 0.0) d += p[i] * std::log(p[i] / std::max(q[i], 1e-300));
    return std::max(0.0, d);
}

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

}  // namespace

OutputMeasure outputMeasure(const model::GraphGptModel& model) {
    switch (model.weights.head) {
        case model::HeadKind::Pretrain: return OutputMeasure::TokenKl;
        case model::HeadKind::None: return OutputMeasure::HiddenRelative;
        case model::HeadKind::Task: break;
    }
    switch (model.config.effectiveProblemType()) {
        case model::ProblemType::Regression: return OutputMeasure::AbsoluteDelta;
        case model::ProblemType::SingleLabelClassification: return OutputMeasure::Kl;
        case model::ProblemType::MultiLabelClassification: return OutputMeasure::BernoulliKl;
    }
    return OutputMeasure::AbsoluteDelta;
}

const char* outputMeasureName(OutputMeasure m) {
    switch (m) {
        case OutputMeasure::AbsoluteDelta: return "abs_delta";
        case OutputMeasure::Kl: return "kl";
        case OutputMeasure::BernoulliKl: return "bernoulli_kl";
        case OutputMeasure::TokenKl: return "token_kl";
        case OutputMeasure::HiddenRelative: return "hidden_relative";
    }
    return "abs_delta";
}

double vectorChange(OutputMeasure m, const float* a, const float* b, int64_t n) {
    if (n <= 0) return 0.0;
    if (m == OutputMeasure::Kl) return kl(softmax(a, n), softmax(b, n));
    double sum = 0.0;
    for (int64_t i = 0; i < n; ++i) {
        if (m == OutputMeasure::BernoulliKl) {
            const double p = sigmoid(a[i]), q = std::clamp(sigmoid(b[i]), 1e-12, 1.0 - 1e-12);
            if (p > 0.0) sum += p * std::log(p / q);
            if (p < 1.0) sum += (1.0 - p) * std::log((1.0 - p) / (1.0 - q));
        } else {
            sum += std::abs(static_cast<double>(a[i]) - b[i]);
        }
    }
    return sum / static_cast<double>(n);
}

double outputChange(const model::GraphGptModel& model, const model::RunResult& full,
                    const model::RunResult& changed) {
    const OutputMeasure m = outputMeasure(model);
    if (m == OutputMeasure::AbsoluteDelta || m == OutputMeasure::Kl || m == OutputMeasure::BernoulliKl) {
        const int64_t n = static_cast<int64_t>(full.logits.size());
        if (n == 0 || changed.logits.size() != full.logits.size())
            throw std::invalid_argument("output change: the runs' logits differ in size");
        return vectorChange(m, full.logits.data(), changed.logits.data(), n);
    }
    // Per-position outputs: compare the positions both runs still hold.
    const bool tokens = m == OutputMeasure::TokenKl;
    const Tensor& ta = tokens ? full.logits : full.hidden;
    const Tensor& tb = tokens ? changed.logits : changed.hidden;
    const int64_t width = tokens ? ta.dim(1) * ta.dim(2) : ta.dim(1);
    const int64_t vocab = tokens ? ta.dim(2) : width;
    double sum = 0.0, norm = 0.0;
    int64_t count = 0;
    for (size_t rb = 0; rb < changed.positions.size(); ++rb) {
        const auto it = std::find(full.positions.begin(), full.positions.end(), changed.positions[rb]);
        if (it == full.positions.end()) continue;
        const auto ra = static_cast<int64_t>(it - full.positions.begin());
        const float* a = ta.data() + ra * width;
        const float* b = tb.data() + static_cast<int64_t>(rb) * width;
        if (tokens) {
            for (int64_t slot = 0; slot < width / vocab; ++slot) {
                sum += kl(softmax(a + slot * vocab, vocab), softmax(b + slot * vocab, vocab));
                ++count;
            }
        } else {
            for (int64_t k = 0; k < width; ++k) {
                sum += (static_cast<double>(a[k]) - b[k]) * (static_cast<double>(a[k]) - b[k]);
                norm += static_cast<double>(a[k]) * a[k];
            }
        }
    }
    if (tokens) return count ? sum / static_cast<double>(count) : 0.0;
    return norm > 0.0 ? std::sqrt(sum / norm) : 0.0;
}

Ablation ablate(const model::GraphGptModel& model, const model::SequenceInput& input,
                const AblationOptions& options) {
    const int L = model.config.numLayers, H = model.config.numHeads;
    Ablation out;
    out.measure = outputMeasure(model);
    const int64_t total = 1 + (options.heads ? int64_t{L} * H : 0) + (options.layers ? L : 0);
    int64_t done = 0;
    auto step = [&] {
        ++done;
        if (options.progress) options.progress(done, total);
        if (options.cancel && options.cancel->load(std::memory_order_relaxed)) throw model::RunCancelled();
    };

    model::RunOptions base;
    base.threads = options.threads;
    base.cancel = options.cancel;
    base.captureResidual = true;  // the residual entering every layer, to resume from
    const model::RunResult full = model::runGraphGpt(model, {input}, base).front();
    step();
    if (full.logits.size() && model.weights.head == model::HeadKind::Task)
        out.prediction.assign(full.logits.data(), full.logits.data() + full.logits.size());

    auto resumeAt = [&](int layer) {
        model::RunOptions o;
        o.threads = options.threads;
        o.cancel = options.cancel;
        if (!options.reuseActivations) return o;
        o.resume.layer = layer;
        if (layer == 0) {
            o.resume.residual = full.embeddings;
            o.resume.positions.resize(input.ids.size());
            for (size_t i = 0; i < input.ids.size(); ++i) o.resume.positions[i] = static_cast<int32_t>(i);
        } else {
            const auto& below = full.layers[static_cast<size_t>(layer - 1)];
            o.resume.residual = below.residual;
            o.resume.positions = below.positions;
        }
        return o;
    };

    if (options.heads) {
        out.headChange.assign(static_cast<size_t>(L), std::vector<double>(static_cast<size_t>(H), 0.0));
        for (int l = 0; l < L; ++l)
            for (int h = 0; h < H; ++h) {
                model::RunOptions o = resumeAt(l);
                o.headMask.assign(static_cast<size_t>(l) + 1, {});
                o.headMask[static_cast<size_t>(l)].assign(static_cast<size_t>(H), false);
                o.headMask[static_cast<size_t>(l)][static_cast<size_t>(h)] = true;
                out.headChange[static_cast<size_t>(l)][static_cast<size_t>(h)] =
                    outputChange(model, full, model::runGraphGpt(model, {input}, o).front());
                ++out.runs;
                step();
            }
    }
    if (options.layers) {
        out.layerChange.assign(static_cast<size_t>(L), 0.0);
        for (int l = 0; l < L; ++l) {
            model::RunOptions o = resumeAt(l);
            o.skipLayers.assign(static_cast<size_t>(L), false);
            o.skipLayers[static_cast<size_t>(l)] = true;
            out.layerChange[static_cast<size_t>(l)] =
                outputChange(model, full, model::runGraphGpt(model, {input}, o).front());
            ++out.runs;
            step();
        }
    }
    return out;
}

}  // namespace gts::analysis
