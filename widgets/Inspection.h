#pragma once
// What every view shows and what the user points at. One Inspection per window; views read
// it and write selection/hover into it, so a hover in one view highlights in all of them.
//
// Data are immutable snapshots (shared_ptr<const ...>) replaced whole when a job delivers a
// new graph, tokenization, layout or run; views never own or mutate them.

#include <QObject>
#include <QString>
#include <memory>
#include <vector>

#include "analysis/Ablation.h"
#include "analysis/AttentionView.h"
#include "analysis/HeadStats.h"
#include "graph/Graph.h"
#include "model/ModelFolder.h"
#include "model/NodeModel.h"
#include "model/Run.h"
#include "tokenize/TokenSequence.h"

namespace gts {

/// Node positions in layout units (any scale; views fit them).
struct NodeLayout {
    std::vector<float> x, y;  ///< [nodeCount]
    QString method;           ///< "forceatlas2", "spectral", "circular", "molecule", ...
};

struct InspectionData {
    std::shared_ptr<const Graph> graph;
    std::shared_ptr<const TokenSequence> tokens;
    std::shared_ptr<const model::GraphGptModel> model;
    /// A node-level model (then `model` is null and nodeTokens is true).
    std::shared_ptr<const model::NodeLevelModel> nodeModel;
    std::shared_ptr<const model::RunResult> result;
    std::shared_ptr<const NodeLayout> layout;
    QString graphPath;
    QString modelPath;
    /// Which opened graph this is: a newly opened graph gets a new number, its edits keep it
    /// (the canvas fits the view to a new graph only, keeping the user's pan and zoom).
    uint64_t openSerial = 0;
    /// The positions are the graph's nodes (a node-level model: position i = node i); the
    /// graph overlay then draws attention straight on nodes and edges
    /// (analysis::nodeAttentionOnGraph).
    bool nodeTokens = false;
};

/// Something in the graph or the sequence; -1 / kNoIndex fields are unset.
struct Pointed {
    int position = -1;  ///< a position (row of the token sequence)
    int slot = -1;      ///< a token of that position (stacked layouts), -1 for the whole position
    NodeId node = kNoIndex;
    EdgeId edge = kNoIndex;
    bool empty() const { return position < 0 && node == kNoIndex && edge == kNoIndex; }
    bool operator==(const Pointed&) const = default;
};

class Inspection : public QObject {
    Q_OBJECT
public:
    explicit Inspection(QObject* parent = nullptr);

    const InspectionData& data() const { return data_; }
    /// Layers and heads of the open model, GraphGPT or node-level (0 without a model).
    int modelLayers() const;
    int modelHeads() const;
    /// Replaces the data; clamps the selection to the new model and sequence. Emits
    /// dataChanged then selectionChanged.
    void setData(InspectionData data);
    /// Replaces only the layout (a layout job finished). Emits layoutChanged.
    void setLayout(std::shared_ptr<const NodeLayout> layout);

    // Which attention the views show.
    int layer() const { return layer_; }
    int head() const { return head_; }
    analysis::HeadAggregation aggregation() const { return aggregation_; }
    /// The query position whose attention row is drawn on the graph; -1: all queries.
    int query() const { return query_; }
    /// Attention below this (relative to the maximum shown) is not drawn on the graph.
    float threshold() const { return threshold_; }
    void setLayerHead(int layer, int head);
    void setAggregation(analysis::HeadAggregation aggregation);
    void setQuery(int position);
    void setThreshold(float threshold);

    /// The [S, S] matrix for the current layer/head/aggregation (cached), empty without a
    /// run or capture; `size()` its side, `positions()` the original position of each row.
    const std::vector<float>& attention() const;
    int64_t attentionSize() const;
    const std::vector<int32_t>& attentionPositions() const;
    /// attention() holds rows [attentionFirstRow(), + attentionRowCount()) of the layer, each of
    /// attentionSize() keys: every row, or, for a layer whose map was over the capture budget
    /// (LayerCapture::attentionDeferred), a block of up to kDeferredRowBlock rows around the
    /// query, recomputed from the layer's queries and keys when asked for.
    int64_t attentionRowCount() const;
    int64_t attentionFirstRow() const;
    /// The current layer's map was not kept (over the budget): views show rows on demand.
    bool attentionDeferred() const;
    static constexpr int64_t kDeferredRowBlock = 64;
    /// The current attention carried onto the graph for the current query.
    const analysis::GraphAttention& graphAttention() const;

    /// Something else drawn on the graph in place of attention (saliency, pruning survival),
    /// named for the canvas legend; `graphAttention()` returns it while set. Cleared when the
    /// data change. Emits selectionChanged.
    void setGraphOverlay(const QString& name, analysis::GraphAttention values);
    void clearGraphOverlay();
    const QString& graphOverlayName() const { return overlayName_; }

    /// A node classifier's run (node-level model, node task, classification): each graph node's
    /// predicted class (the most probable; -1 for a node pruned before the output); empty for
    /// any other model. Recomputed when the data change.
    const std::vector<int32_t>& nodeClasses() const { return nodeClasses_; }
    int nodeClassCount() const { return nodeClassCount_; }
    /// A node regressor's run (node task, regression): each graph node's first output (NaN for
    /// a node pruned before the output), named by the model card's target ("depth relative to
    /// the hip (m)") or "predicted value"; empty for any other model.
    const std::vector<float>& nodeValues() const { return nodeValues_; }
    const QString& nodeValueName() const { return nodeValueName_; }
    /// Whether the canvas and figures fill nodes by nodeClasses() or nodeValues() (a setting, on
    /// by default). Emits selectionChanged.
    bool predictionFillShown() const { return predictionFillShown_; }
    void setPredictionFillShown(bool shown);

    /// Analyses of the current run, computed by jobs and shared by the views (head grid
    /// colours, metrics table, scatter); null until computed, cleared when the data change.
    /// Emit analysisChanged.
    const std::shared_ptr<const analysis::RunHeadStats>& headStats() const { return headStats_; }
    void setHeadStats(std::shared_ptr<const analysis::RunHeadStats> stats);
    const std::shared_ptr<const analysis::Ablation>& ablation() const { return ablation_; }
    void setAblation(std::shared_ptr<const analysis::Ablation> ablation);

    /// Hover: transient, follows the mouse across views.
    const Pointed& hover() const { return hover_; }
    void setHover(const Pointed& p);
    /// Selection: sticks until changed (click).
    const Pointed& selected() const { return selected_; }
    void setSelected(const Pointed& p);

    /// What a position stands for, as a Pointed (node and edge filled from provenance).
    Pointed pointedAtPosition(int position) const;
    /// The positions that stand for a node (all its visits) or an edge.
    std::vector<int> positionsOfNode(NodeId node) const;
    std::vector<int> positionsOfEdge(EdgeId edge) const;

signals:
    void dataChanged();
    void layoutChanged();
    void selectionChanged();  ///< layer, head, aggregation, query, threshold, or selected item
    void hoverChanged();
    void analysisChanged();  ///< head statistics or ablation arrived or were cleared

private:
    void invalidate();

    InspectionData data_;
    int layer_ = 0;
    int head_ = 0;
    analysis::HeadAggregation aggregation_ = analysis::HeadAggregation::Mean;
    int query_ = -1;
    float threshold_ = 0.05f;
    Pointed hover_, selected_;
    QString overlayName_;
    analysis::GraphAttention overlay_;
    std::vector<int32_t> nodeClasses_;
    int nodeClassCount_ = 0;
    std::vector<float> nodeValues_;
    QString nodeValueName_;
    std::weak_ptr<const model::NodeLevelModel> cardModel_;  ///< the model cardValueName_ was read for
    QString cardValueName_;
    bool predictionFillShown_ = true;
    std::shared_ptr<const analysis::RunHeadStats> headStats_;
    std::shared_ptr<const analysis::Ablation> ablation_;

    mutable bool attentionValid_ = false;
    mutable std::vector<float> attention_;
    mutable int64_t attentionSize_ = 0;
    mutable std::vector<int32_t> attentionPositions_;
    mutable int64_t attentionRows_ = 0;
    mutable int64_t attentionFirstRow_ = 0;
    mutable bool attentionDeferred_ = false;
    mutable bool graphAttentionValid_ = false;
    mutable analysis::GraphAttention graphAttention_;
};

}  // namespace gts
