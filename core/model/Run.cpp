#include "model/Run.h"

#include <Eigen/Dense>
#include <cmath>

#include <stdexcept>
#include <string>

#include "backend/cpu/CpuGraphGpt.h"
#include "model/ModelFolder.h"

namespace gts::model {
namespace {

std::string where(size_t sequence, size_t position) {
    return "sequence " + std::to_string(sequence) + ", position " + std::to_string(position);
}

/// Trailing positions made only of pad ids are padding (a padded batch row); they are removed.
SequenceInput trimmed(const SequenceInput& input, int pad) {
    SequenceInput out = input;
    while (!out.ids.empty()) {
        bool allPad = true;
        for (int32_t id : out.ids.back()) allPad = allPad && id == pad;
        if (!allPad) break;
        out.ids.pop_back();
    }
    return out;
}

void validate(const GraphGptModel& model, const std::vector<SequenceInput>& inputs,
              const RunOptions& options) {
    const auto& cfg = model.config;
    const int slots = std::max(1, cfg.stackedFeat);
    for (size_t s = 0; s < inputs.size(); ++s) {
        const auto& ids = inputs[s].ids;
        if (ids.empty())
            throw std::invalid_argument("sequence " + std::to_string(s) + " has no positions");
        for (size_t p = 0; p < ids.size(); ++p) {
            if (ids[p].empty()) throw std::invalid_argument(where(s, p) + ": no token ids");
            if (static_cast<int>(ids[p].size()) > slots)
                throw std::invalid_argument(where(s, p) + ": " + std::to_string(ids[p].size()) +
                                            " stacked ids, the model takes at most " +
                                            std::to_string(slots));
            for (int32_t id : ids[p])
                if (id < 0 || id >= cfg.vocabSize)
                    throw std::invalid_argument(where(s, p) + ": token id " + std::to_string(id) +
                                                " is outside the vocabulary (0.." +
                                                std::to_string(cfg.vocabSize - 1) + ")");
        }
        for (size_t l = 0; l < options.keepTokens.size(); ++l)
            for (int32_t pos : options.keepTokens[l])
                if (pos < 0 || static_cast<size_t>(pos) >= ids.size())
                    throw std::invalid_argument("keep-set of layer " + std::to_string(l) +
                                                ": position " + std::to_string(pos) +
                                                " is outside sequence " + std::to_string(s) +
                                                " (" + std::to_string(ids.size()) + " positions)");
    }
    const auto layers = static_cast<size_t>(cfg.numLayers);
    if (options.headMask.size() > layers)
        throw std::invalid_argument("head mask names layer " +
                                    std::to_string(options.headMask.size() - 1) + "; the model has " +
                                    std::to_string(layers) + " layers");
    for (size_t l = 0; l < options.headMask.size(); ++l)
        if (options.headMask[l].size() > static_cast<size_t>(cfg.numHeads))
            throw std::invalid_argument("head mask of layer " + std::to_string(l) + " names head " +
                                        std::to_string(options.headMask[l].size() - 1) +
                                        "; the model has " + std::to_string(cfg.numHeads) + " heads");
    if (options.skipLayers.size() > layers || options.keepTokens.size() > layers)
        throw std::invalid_argument("layer skips or keep-sets name layers beyond the model's " +
                                    std::to_string(layers));
    for (int l : options.captureLayers)
        if (l < 0 || l >= cfg.numLayers)
            throw std::invalid_argument("capture layer " + std::to_string(l) +
                                        " does not exist (layers 0.." +
                                        std::to_string(cfg.numLayers - 1) + ")");
}

}  // namespace

std::vector<RunResult> runGraphGpt(const GraphGptModel& model,
                                   const std::vector<SequenceInput>& inputs,
                                   const RunOptions& options) {
    std::vector<SequenceInput> clean;
    clean.reserve(inputs.size());
    for (const auto& input : inputs) clean.push_back(trimmed(input, model.config.padTokenId));
    validate(model, clean, options);
    return backend::cpu::runGraphGpt(model, clean, options);
}

std::vector<float> attentionRows(const GraphGptModel& model, const LayerCapture& layer, int head,
                                 int64_t firstRow, int64_t count) {
    const auto S = static_cast<int64_t>(layer.positions.size());
    const int H = model.config.numHeads, KV = model.config.numKvHeads, d = model.config.headDim;
    if (head < 0 || head >= H)
        throw std::invalid_argument("attention rows: head " + std::to_string(head) + " of " + std::to_string(H));
    if (firstRow < 0 || count < 0 || firstRow + count > S)
        throw std::invalid_argument("attention rows: rows " + std::to_string(firstRow) + ".." +
                                    std::to_string(firstRow + count) + " of " + std::to_string(S));
    std::vector<float> out(static_cast<size_t>(count * S));
    if (layer.attention.size()) {
        std::copy_n(layer.attention.data() + (static_cast<int64_t>(head) * S + firstRow) * S, count * S, out.begin());
        return out;
    }
    if (!layer.attentionDeferred || layer.queries.size() != static_cast<size_t>(H) * S * d ||
        layer.keys.size() != static_cast<size_t>(KV) * S * d)
        throw std::invalid_argument("attention rows: layer " + std::to_string(layer.layer) +
                                    " has neither its attention nor its queries and keys");
    using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const Eigen::Map<const RowMatrix> Q(layer.queries.data() + (static_cast<int64_t>(head) * S + firstRow) * d, count, d);
    const int g = head / (H / KV);
    const Eigen::Map<const RowMatrix> K(layer.keys.data() + static_cast<int64_t>(g) * S * d, S, d);
    Eigen::Map<RowMatrix> P(out.data(), count, S);
    P.noalias() = (Q * K.transpose()) * (1.0f / std::sqrt(static_cast<float>(d)));
    for (int64_t r = 0; r < count; ++r) {
        auto row = P.row(r).array();
        // Causal: keys after the query's place in this layer are masked.
        if (model.config.causalAttention && firstRow + r + 1 < S) row.tail(S - firstRow - r - 1) = -INFINITY;
        const float m = row.maxCoeff();
        row = (row - m).exp();
        row *= 1.0f / row.sum();
    }
    return out;
}

double graphGptLayerFlops(const GraphGptModel& model, int64_t positions) {
    const auto& c = model.config;
    const double S = static_cast<double>(positions);
    const double D = c.hiddenSize, I = c.intermediateSize, d = c.headDim;
    const double H = c.numHeads, KV = c.numKvHeads;
    // q, o projections (H·d × D each), k, v (KV·d × D each), scores and weighted values
    // (S × S × d per head each), gate, up, down (I × D each).
    const double projections = 2.0 * S * D * d * (2.0 * H + 2.0 * KV);
    const double attention = 2.0 * 2.0 * S * S * d * H;
    const double mlp = 2.0 * S * 3.0 * D * I;
    return projections + attention + mlp;
}

double graphGptHeadFlops(const GraphGptModel& model, int64_t positions) {
    const auto& c = model.config;
    const double S = static_cast<double>(positions);
    const double D = c.hiddenSize;
    double flops = 0.0;
    if (model.weights.head == HeadKind::Pretrain) {
        const double nextN = model.weights.nTokenProj ? c.nextNToken : 1;
        if (model.weights.nTokenProj) flops += 2.0 * S * D * D * nextN;
        flops += 2.0 * S * nextN * D * c.vocabSize;
    } else if (model.weights.head == HeadKind::Task) {
        for (const auto& lin : model.weights.score)
            flops += 2.0 * S * static_cast<double>(lin.inFeatures()) * static_cast<double>(lin.outFeatures());
    }
    return flops;
}

double graphGptFlops(const GraphGptModel& model, int64_t positions) {
    return model.config.numLayers * graphGptLayerFlops(model, positions) +
           graphGptHeadFlops(model, positions);
}

}  // namespace gts::model
