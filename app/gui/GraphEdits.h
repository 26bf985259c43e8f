#pragma once
// What-if edits of the open graph, each one undoable (one QUndoCommand per edit). A command
// holds the graph before and after (graphs the window edits are small) and the node layout
// carried across, so the picture does not jump; applying it re-tokenizes and re-runs.

#include <QString>
#include <QUndoCommand>
#include <memory>

#include "Inspection.h"
#include "graph/Graph.h"

namespace gts {

class MainWindow;

class GraphEditCommand : public QUndoCommand {
public:
    GraphEditCommand(MainWindow* window, const QString& text, std::shared_ptr<Graph> before,
                     std::shared_ptr<const NodeLayout> beforeLayout, std::shared_ptr<Graph> after,
                     std::shared_ptr<const NodeLayout> afterLayout);
    void undo() override;
    void redo() override;

private:
    MainWindow* window_;
    std::shared_ptr<Graph> before_, after_;
    std::shared_ptr<const NodeLayout> beforeLayout_, afterLayout_;
};

namespace edits {

/// The edited copies; each throws std::invalid_argument for an element out of range.
std::shared_ptr<Graph> removeNode(const Graph& g, NodeId v, std::vector<uint32_t>* nodeMap);
std::shared_ptr<Graph> removeEdge(const Graph& g, EdgeId e);
/// Connects u and v; for a molecule (OGB "feat" edge column) the new bond is single.
std::shared_ptr<Graph> addEdge(const Graph& g, NodeId u, NodeId v);
/// Sets a molecule atom's element: OGB atom feature 0 (atomic number − 1) and "symbol".
std::shared_ptr<Graph> setElement(const Graph& g, NodeId v, int atomicNumber, const QString& symbol);
/// The layout with nodes renumbered by `nodeMap` (old → new, kNoIndex for removed).
std::shared_ptr<const NodeLayout> remapLayout(const std::shared_ptr<const NodeLayout>& layout,
                                              const std::vector<uint32_t>& nodeMap, size_t newCount);

}  // namespace edits
}  // namespace gts
