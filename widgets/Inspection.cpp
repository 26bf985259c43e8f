#include "Inspection.h"

#include <algorithm>

namespace gts {

Inspection::Inspection(QObject* parent) : QObject(parent) {}

void Inspection::setData(InspectionData data) {
    data_ = std::move(data);
    if (data_.model) {
        layer_ = std::clamp(layer_, 0, std::max(0, data_.model->config.numLayers - 1));
        head_ = std::clamp(head_, 0, std::max(0, data_.model->config.numHeads - 1));
    }
    const int positions = data_.tokens ? static_cast<int>(data_.tokens->positions.size()) : 0;
    if (query_ >= positions) query_ = -1;
    hover_ = {};
    if (selected_.position >= positions) selected_ = {};
    if (data_.graph && ((selected_.node != kNoIndex && selected_.node >= data_.graph->nodeCount()) ||
                        (selected_.edge != kNoIndex && selected_.edge >= data_.graph->edgeCount())))
        selected_ = {};
    overlayName_.clear();
    const bool hadAnalysis = headStats_ || ablation_;
    headStats_.reset();
    ablation_.reset();
    invalidate();
    emit dataChanged();
    emit selectionChanged();
    if (hadAnalysis) emit analysisChanged();
}

void Inspection::setGraphOverlay(const QString& name, analysis::GraphAttention values) {
    overlayName_ = name.isEmpty() ? QStringLiteral("overlay") : name;
    overlay_ = std::move(values);
    overlay_.maxNode = overlay_.maxEdge = 0.0f;
    for (float v : overlay_.node) overlay_.maxNode = std::max(overlay_.maxNode, v);
    for (float v : overlay_.edge) overlay_.maxEdge = std::max(overlay_.maxEdge, v);
    emit selectionChanged();
}

void Inspection::clearGraphOverlay() {
    if (overlayName_.isEmpty()) return;
    overlayName_.clear();
    emit selectionChanged();
}

void Inspection::setHeadStats(std::shared_ptr<const analysis::RunHeadStats> stats) {
    headStats_ = std::move(stats);
    emit analysisChanged();
}

void Inspection::setAblation(std::shared_ptr<const analysis::Ablation> ablation) {
    ablation_ = std::move(ablation);
    emit analysisChanged();
}

void Inspection::setLayout(std::shared_ptr<const NodeLayout> layout) {
    data_.layout = std::move(layout);
    emit layoutChanged();
}

void Inspection::invalidate() {
    attentionValid_ = false;
    graphAttentionValid_ = false;
}

void Inspection::setLayerHead(int layer, int head) {
    if (layer == layer_ && head == head_) return;
    layer_ = layer;
    head_ = head;
    invalidate();
    emit selectionChanged();
}

void Inspection::setAggregation(analysis::HeadAggregation aggregation) {
    if (aggregation == aggregation_) return;
    aggregation_ = aggregation;
    invalidate();
    emit selectionChanged();
}

void Inspection::setQuery(int position) {
    if (position == query_) return;
    query_ = position;
    graphAttentionValid_ = false;
    emit selectionChanged();
}

void Inspection::setThreshold(float threshold) {
    threshold = std::clamp(threshold, 0.0f, 1.0f);
    if (threshold == threshold_) return;
    threshold_ = threshold;
    emit selectionChanged();
}

const std::vector<float>& Inspection::attention() const {
    if (!attentionValid_) {
        attention_.clear();
        attentionSize_ = 0;
        attentionPositions_.clear();
        if (data_.result) {
            const int head = aggregation_ == analysis::HeadAggregation::Single ? head_ : 0;
            attention_ = analysis::attentionMatrix(*data_.result, layer_, head, aggregation_, &attentionSize_);
            for (const auto& c : data_.result->layers)
                if (c.layer == layer_) attentionPositions_ = c.positions;
        }
        attentionValid_ = true;
    }
    return attention_;
}

int64_t Inspection::attentionSize() const {
    attention();
    return attentionSize_;
}

const std::vector<int32_t>& Inspection::attentionPositions() const {
    attention();
    return attentionPositions_;
}

const analysis::GraphAttention& Inspection::graphAttention() const {
    if (!overlayName_.isEmpty()) return overlay_;
    if (!graphAttentionValid_) {
        graphAttention_ = {};
        if (data_.graph && data_.tokens && !attention().empty())
            graphAttention_ = analysis::attentionOnGraph(*data_.graph, *data_.tokens, attention_,
                                                         attentionSize_, attentionPositions_, query_);
        graphAttentionValid_ = true;
    }
    return graphAttention_;
}

void Inspection::setHover(const Pointed& p) {
    if (p == hover_) return;
    hover_ = p;
    emit hoverChanged();
}

void Inspection::setSelected(const Pointed& p) {
    if (p == selected_) return;
    selected_ = p;
    emit selectionChanged();
}

Pointed Inspection::pointedAtPosition(int position) const {
    Pointed p;
    if (!data_.tokens || position < 0 || position >= static_cast<int>(data_.tokens->positionSources.size()))
        return p;
    const auto& src = data_.tokens->positionSources[static_cast<size_t>(position)];
    p.position = position;
    p.node = src.node;
    p.edge = src.edge;
    return p;
}

std::vector<int> Inspection::positionsOfNode(NodeId node) const {
    std::vector<int> out;
    if (!data_.tokens || node == kNoIndex) return out;
    for (size_t i = 0; i < data_.tokens->positionSources.size(); ++i)
        if (data_.tokens->positionSources[i].node == node) out.push_back(static_cast<int>(i));
    return out;
}

std::vector<int> Inspection::positionsOfEdge(EdgeId edge) const {
    std::vector<int> out;
    if (!data_.tokens || edge == kNoIndex) return out;
    for (size_t i = 0; i < data_.tokens->positionSources.size(); ++i)
        if (data_.tokens->positionSources[i].edge == edge) out.push_back(static_cast<int>(i));
    return out;
}

}  // namespace gts
