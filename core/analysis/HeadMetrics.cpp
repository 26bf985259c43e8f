#include "analysis/HeadMetrics.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace gts::analysis {

namespace {

void checkShape(std::span<const float> matrix, int64_t size) {
    if (size < 0 || matrix.size() != static_cast<size_t>(size) * static_cast<size_t>(size))
        throw std::invalid_argument("attention matrix of " + std::to_string(matrix.size()) +
                                    " values is not " + std::to_string(size) + " x " +
                                    std::to_string(size));
}

}  // namespace

const char* headMetricName(HeadMetric m) {
    switch (m) {
        case HeadMetric::None: return "none";
        case HeadMetric::Entropy: return "entropy";
        case HeadMetric::Confidence: return "confidence";
        case HeadMetric::SelfMass: return "self-mass";
    }
    return "none";
}

std::optional<HeadMetric> parseHeadMetric(std::string_view name) {
    for (HeadMetric m : {HeadMetric::None, HeadMetric::Entropy, HeadMetric::Confidence, HeadMetric::SelfMass})
        if (name == headMetricName(m)) return m;
    return std::nullopt;
}

double attentionEntropy(std::span<const float> matrix, int64_t size) {
    checkShape(matrix, size);
    if (size <= 1) return 0.0;
    const auto S = static_cast<size_t>(size);
    double sum = 0.0;
    for (size_t i = 0; i < S; ++i) {
        double h = 0.0;
        for (size_t j = 0; j < S; ++j) {
            const double p = matrix[i * S + j];
            if (p > 0.0) h -= p * std::log(p);
        }
        sum += h;
    }
    return sum / (static_cast<double>(S) * std::log(static_cast<double>(S)));
}

double attentionConfidence(std::span<const float> matrix, int64_t size) {
    checkShape(matrix, size);
    if (size == 0) return 0.0;
    const auto S = static_cast<size_t>(size);
    double sum = 0.0;
    for (size_t i = 0; i < S; ++i)
        sum += *std::max_element(matrix.begin() + static_cast<ptrdiff_t>(i * S),
                                 matrix.begin() + static_cast<ptrdiff_t>((i + 1) * S));
    return sum / static_cast<double>(S);
}

double attentionSelfMass(std::span<const float> matrix, int64_t size) {
    checkShape(matrix, size);
    if (size == 0) return 0.0;
    const auto S = static_cast<size_t>(size);
    double sum = 0.0;
    for (size_t i = 0; i < S; ++i) sum += matrix[i * S + i];
    return sum / static_cast<double>(S);
}

double headMetric(HeadMetric metric, std::span<const float> matrix, int64_t size) {
    switch (metric) {
        case HeadMetric::None: checkShape(matrix, size); return 0.0;
        case HeadMetric::Entropy: return attentionEntropy(matrix, size);
        case HeadMetric::Confidence: return attentionConfidence(matrix, size);
        case HeadMetric::SelfMass: return attentionSelfMass(matrix, size);
    }
    return 0.0;
}

std::vector<std::vector<double>> headMetrics(const model::RunResult& result, HeadMetric metric) {
    std::vector<std::vector<double>> out;
    out.reserve(result.layers.size());
    for (const model::LayerCapture& c : result.layers) {
        std::vector<double>& row = out.emplace_back();
        if (c.attention.rank() != 3) continue;
        const int64_t H = c.attention.dim(0), S = c.attention.dim(1);
        const auto plane = static_cast<size_t>(S * S);
        for (int64_t h = 0; h < H; ++h)
            row.push_back(headMetric(
                metric, std::span<const float>(c.attention.data() + static_cast<size_t>(h) * plane, plane), S));
    }
    return out;
}

}  // namespace gts::analysis
