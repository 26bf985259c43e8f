#include "Inspection.h"

#include <algorithm>

#include "PredictionPanel.h"
#include "analysis/NodeLevel.h"

namespace gts {

Inspection::Inspection(QObject* parent) : QObject(parent) {}

int Inspection::modelLayers() const {
    if (data_.model) return data_.model->config.numLayers;
    return data_.nodeModel ? data_.nodeModel->summary().numLayers : 0;
}

int Inspection::modelHeads() const {
    if (data_.model) return data_.model->config.numHeads;
    return data_.nodeModel ? data_.nodeModel->summary().numHeads : 0;
}

void Inspection::setData(InspectionData data) {
    data_ = std::move(data);
    if (data_.model || data_.nodeModel) {
        layer_ = std::clamp(layer_, 0, std::max(0, modelLayers() - 1));
        head_ = std::clamp(head_, 0, std::max(0, modelHeads() - 1));
    }
    const int positions = data_.tokens ? static_cast<int>(data_.tokens->positions.size()) : 0;
    if (query_ >= positions) query_ = -1;
    hover_ = {};
    if (selected_.position >= positions) selected_ = {};
    if (data_.graph && ((selected_.node != kNoIndex && selected_.node >= data_.graph->nodeCount()) ||
                        (selected_.edge != kNoIndex && selected_.edge >= data_.graph->edgeCount())))
        selected_ = {};
    overlayName_.clear();
    nodeClasses_.clear();
    nodeClassCount_ = 0;
    nodeValues_.clear();
    nodeValueName_.clear();
    if (data_.nodeModel && data_.graph && data_.result) {
        const model::NodeModelSummary& s = data_.nodeModel->summary();
        nodeClasses_ = analysis::predictedNodeClasses(*data_.result, s, data_.graph->nodeCount());
        if (!nodeClasses_.empty()) nodeClassCount_ = s.numOutputs;
        nodeValues_ = analysis::predictedNodeValues(*data_.result, s, data_.graph->nodeCount());
        if (!nodeValues_.empty()) {
            // The card is read once per model, not on every run (this is the UI thread).
            if (cardModel_.lock() != data_.nodeModel) {
                cardModel_ = data_.nodeModel;
                const ModelTarget target = ModelTarget::fromModelFolder(QString::fromStdString(data_.nodeModel->folder().string()));
                cardValueName_ = target.name.isEmpty() ? tr("predicted value")
                                 : target.unit.isEmpty() ? target.name
                                                         : QStringLiteral("%1 (%2)").arg(target.name, target.unit);
            }
            nodeValueName_ = cardValueName_;
        }
    }
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

void Inspection::setPredictionFillShown(bool shown) {
    if (shown == predictionFillShown_) return;
    predictionFillShown_ = shown;
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
    // A deferred layer's rows follow the query when it leaves the block at hand.
    if (attentionValid_ && attentionDeferred_) {
        const auto q = std::find(attentionPositions_.begin(), attentionPositions_.end(), query_);
        const int64_t row = q == attentionPositions_.end() ? -1 : int64_t(q - attentionPositions_.begin());
        if (row < attentionFirstRow_ || row >= attentionFirstRow_ + attentionRows_) attentionValid_ = false;
    }
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
        attentionSize_ = attentionRows_ = attentionFirstRow_ = 0;
        attentionDeferred_ = false;
        attentionPositions_.clear();
        const model::LayerCapture* capture = nullptr;
        if (data_.result)
            for (const auto& c : data_.result->layers)
                if (c.layer == layer_) capture = &c;
        if (capture) attentionPositions_ = capture->positions;
        if (capture && capture->attentionDeferred && data_.model) {
            // Over the budget: the rows around the query (or the first rows), recomputed.
            attentionDeferred_ = true;
            const auto S = static_cast<int64_t>(capture->positions.size());
            const auto q = std::find(capture->positions.begin(), capture->positions.end(), query_);
            const int64_t centre = q == capture->positions.end() ? 0 : int64_t(q - capture->positions.begin());
            const int64_t count = std::min(kDeferredRowBlock, S);
            const int64_t first = std::clamp(centre - count / 2, int64_t(0), S - count);
            try {
                attention_ = analysis::attentionRowsOf(*data_.model, *capture, head_, aggregation_, first, count);
                attentionSize_ = S;
                attentionRows_ = count;
                attentionFirstRow_ = first;
            } catch (const std::exception&) {
                attention_.clear();  // a layer with neither map nor queries: nothing to show
            }
        } else if (data_.result) {
            const int head = aggregation_ == analysis::HeadAggregation::Single ? head_ : 0;
            attention_ = analysis::attentionMatrix(*data_.result, layer_, head, aggregation_, &attentionSize_);
            attentionRows_ = attentionSize_;
        }
        attentionValid_ = true;
    }
    return attention_;
}

int64_t Inspection::attentionSize() const {
    attention();
    return attentionSize_;
}

int64_t Inspection::attentionRowCount() const {
    attention();
    return attentionRows_;
}

int64_t Inspection::attentionFirstRow() const {
    attention();
    return attentionFirstRow_;
}

bool Inspection::attentionDeferred() const {
    attention();
    return attentionDeferred_;
}

const std::vector<int32_t>& Inspection::attentionPositions() const {
    attention();
    return attentionPositions_;
}

const analysis::GraphAttention& Inspection::graphAttention() const {
    if (!overlayName_.isEmpty()) return overlay_;
    if (!graphAttentionValid_) {
        graphAttention_ = {};
        if (data_.graph && data_.tokens && !attention().empty()) {
            if (data_.nodeTokens && !attentionDeferred_ && attentionSize_ == int64_t(data_.graph->nodeCount())) {
                graphAttention_ = analysis::nodeAttentionOnGraph(*data_.graph, attention_, attentionSize_, query_);
            } else if (!attentionDeferred_) {
                graphAttention_ = analysis::attentionOnGraph(*data_.graph, *data_.tokens, attention_,
                                                             attentionSize_, attentionPositions_, query_);
            } else {
                // Only a query's row is at hand (the mean over all queries would need every row).
                const auto q = std::find(attentionPositions_.begin(), attentionPositions_.end(), query_);
                const int64_t row = q == attentionPositions_.end() ? -1 : int64_t(q - attentionPositions_.begin());
                if (row >= attentionFirstRow_ && row < attentionFirstRow_ + attentionRows_) {
                    const auto begin = attention_.begin() + static_cast<ptrdiff_t>((row - attentionFirstRow_) * attentionSize_);
                    graphAttention_ = analysis::attentionRowOnGraph(
                        *data_.graph, *data_.tokens, std::vector<float>(begin, begin + static_cast<ptrdiff_t>(attentionSize_)),
                        attentionPositions_);
                }
            }
        }
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
