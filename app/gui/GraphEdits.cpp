#include "GraphEdits.h"

#include <stdexcept>

#include "MainWindow.h"
#include "graph/AttrNames.h"

namespace gts {

GraphEditCommand::GraphEditCommand(MainWindow* window, const QString& text, std::shared_ptr<Graph> before,
                                   std::shared_ptr<const NodeLayout> beforeLayout,
                                   std::shared_ptr<Graph> after, std::shared_ptr<const NodeLayout> afterLayout)
    : QUndoCommand(text), window_(window), before_(std::move(before)), after_(std::move(after)),
      beforeLayout_(std::move(beforeLayout)), afterLayout_(std::move(afterLayout)) {}

void GraphEditCommand::undo() { window_->replaceGraph(before_, beforeLayout_); }
void GraphEditCommand::redo() { window_->replaceGraph(after_, afterLayout_); }

namespace edits {

namespace {
void requireNode(const Graph& g, NodeId v) {
    if (v >= g.nodeCount()) throw std::invalid_argument("no node " + std::to_string(v));
}
}  // namespace

std::shared_ptr<Graph> removeNode(const Graph& g, NodeId v, std::vector<uint32_t>* nodeMap) {
    requireNode(g, v);
    auto out = std::make_shared<Graph>(g);
    auto map = out->removeNode(v);
    if (nodeMap) *nodeMap = std::move(map);
    return out;
}

std::shared_ptr<Graph> removeEdge(const Graph& g, EdgeId e) {
    if (e >= g.edgeCount()) throw std::invalid_argument("no edge " + std::to_string(e));
    auto out = std::make_shared<Graph>(g);
    out->removeEdge(e);
    return out;
}

std::shared_ptr<Graph> addEdge(const Graph& g, NodeId u, NodeId v) {
    requireNode(g, u);
    requireNode(g, v);
    auto out = std::make_shared<Graph>(g);
    const EdgeId e = out->addEdge(u, v);
    // OGB bond features: 0 = single bond, 0 = no stereo, 0 = not conjugated.
    if (AttrColumn* feat = out->edgeAttrs().find(attr::kFeat); feat && feat->kind == AttrKind::Discrete)
        for (uint32_t k = 0; k < feat->width; ++k) feat->setInt(e, 0, k);
    return out;
}

std::shared_ptr<Graph> setElement(const Graph& g, NodeId v, int atomicNumber, const QString& symbol) {
    requireNode(g, v);
    auto out = std::make_shared<Graph>(g);
    AttrColumn* feat = out->nodeAttrs().find(attr::kFeat);
    if (!feat || feat->kind != AttrKind::Discrete)
        throw std::invalid_argument("the graph has no OGB atom features");
    feat->setInt(v, atomicNumber - 1, 0);
    if (AttrColumn* sym = out->nodeAttrs().find(attr::kSymbol); sym && sym->kind == AttrKind::String)
        sym->setString(v, symbol.toStdString());
    return out;
}

std::shared_ptr<const NodeLayout> remapLayout(const std::shared_ptr<const NodeLayout>& layout,
                                              const std::vector<uint32_t>& nodeMap, size_t newCount) {
    if (!layout) return nullptr;
    auto out = std::make_shared<NodeLayout>();
    out->method = layout->method;
    out->x.assign(newCount, 0.0f);
    out->y.assign(newCount, 0.0f);
    for (size_t old = 0; old < nodeMap.size() && old < layout->x.size(); ++old)
        if (nodeMap[old] != kNoIndex && nodeMap[old] < newCount) {
            out->x[nodeMap[old]] = layout->x[old];
            out->y[nodeMap[old]] = layout->y[old];
        }
    return out;
}

}  // namespace edits
}  // namespace gts
