#pragma once
// What-if edits of the open graph, each one undoable (one QUndoCommand per edit). A command
// holds the graph before and after (graphs the window edits are small) and the node layout
// carried across, so the picture does not jump; applying it re-tokenizes and re-runs.

#include <QObject>
#include <QPointF>
#include <QString>
#include <QUndoCommand>
#include <memory>
#include <optional>
#include <vector>

#include "Inspection.h"
#include "graph/Graph.h"

class QMenu;
class QUndoStack;
class QWidget;

namespace gts {

class MainWindow;
class GraphEditor;

/// OGB bond feature 0 (ogb.utils.features: SINGLE, DOUBLE, TRIPLE, AROMATIC).
enum class BondType : int { Single = 0, Double = 1, Triple = 2, Aromatic = 3 };

/// An element offered by the editor: atomic number and symbol.
struct Element {
    int atomicNumber;
    const char* symbol;
};
/// The elements the context menu offers (the common organic ones first).
inline constexpr Element kEditableElements[] = {{6, "C"},   {7, "N"},  {8, "O"},  {16, "S"}, {9, "F"},
                                                 {17, "Cl"}, {35, "Br"}, {53, "I"}, {15, "P"}, {5, "B"}};

/// One edit: the graph and its layout before and after. Undo and redo hand them to the editor.
class GraphEditCommand : public QUndoCommand {
public:
    GraphEditCommand(GraphEditor* editor, const QString& text, std::shared_ptr<Graph> before,
                     std::shared_ptr<const NodeLayout> beforeLayout, std::shared_ptr<Graph> after,
                     std::shared_ptr<const NodeLayout> afterLayout);
    void undo() override;
    void redo() override;
    /// An edit made before its graph's layout arrived: `source` is the window's graph the
    /// edit was made on (before_ is a copy of it). A layout computed for it, or for after_,
    /// is kept for undo and redo instead of computed again.
    void setBeforeSource(std::weak_ptr<const Graph> source) { beforeSource_ = std::move(source); }
    void layoutArrived(const std::shared_ptr<const Graph>& graph, const std::shared_ptr<const NodeLayout>& layout);

private:
    GraphEditor* editor_;
    std::shared_ptr<Graph> before_, after_;
    std::shared_ptr<const NodeLayout> beforeLayout_, afterLayout_;
    std::weak_ptr<const Graph> beforeSource_;
};

namespace edits {

/// Whether the graph carries OGB molecule features (node and edge "feat", discrete, 9 and 3
/// wide): then edits keep the atoms' hydrogen counts and degrees consistent.
bool isMolecule(const Graph& g);

// The edited copies; each throws std::invalid_argument for an element out of range.
std::shared_ptr<Graph> removeNode(const Graph& g, NodeId v, std::vector<uint32_t>* nodeMap);
std::shared_ptr<Graph> removeEdge(const Graph& g, EdgeId e);
/// Connects u and v; for a molecule the new bond is single.
std::shared_ptr<Graph> addEdge(const Graph& g, NodeId u, NodeId v);
/// A new node (index g.nodeCount()), connected to `attachTo` unless that is kNoIndex. For a
/// molecule it is a methyl carbon (CH3, sp3) on a single bond.
std::shared_ptr<Graph> addNode(const Graph& g, NodeId attachTo);
/// Sets a molecule atom's element: OGB atom feature 0 (atomic number − 1) and "symbol".
std::shared_ptr<Graph> setElement(const Graph& g, NodeId v, int atomicNumber, const QString& symbol);
/// Sets a molecule bond's type (OGB bond feature 0; aromatic also sets the conjugated flag,
/// as RDKit perceives aromatic bonds).
std::shared_ptr<Graph> setBondType(const Graph& g, EdgeId e, BondType type);

/// The layout with nodes renumbered by `nodeMap` (old → new, kNoIndex for removed).
std::shared_ptr<const NodeLayout> remapLayout(const std::shared_ptr<const NodeLayout>& layout,
                                              const std::vector<uint32_t>& nodeMap, size_t newCount);
/// The layout with one node appended: at `at` when given, else beside `neighbor` (away from
/// its other neighbours in `g`, the graph before the edit), else beside the drawing.
std::shared_ptr<const NodeLayout> appendNodeLayout(const std::shared_ptr<const NodeLayout>& layout,
                                                   const Graph& g, NodeId neighbor,
                                                   std::optional<QPointF> at);

}  // namespace edits

/// Edits the main window's graph: each call is one undoable step on the window's undo stack,
/// and builds the canvas's right-click menu. Molecules that RDKit rejects after an edit (a
/// valence it does not allow) are still run, with a warning in the status bar.
class GraphEditor : public QObject {
    Q_OBJECT
public:
    GraphEditor(MainWindow* window, QUndoStack* undoStack, QObject* parent = nullptr);

    QUndoStack* undoStack() const { return undo_; }

    // Each returns false (and changes nothing) when there is no graph or the arguments do not
    // apply to it (an index out of range, an element change on a graph that is no molecule).
    bool addNode(NodeId attachTo, std::optional<QPointF> at = std::nullopt);
    bool removeNode(NodeId v);
    bool addEdge(NodeId u, NodeId v);
    bool removeEdge(EdgeId e);
    bool setElement(NodeId v, int atomicNumber);
    bool setBondType(EdgeId e, BondType type);
    /// Pushes an edit made elsewhere (`after` replaces the current graph).
    void push(const QString& text, std::shared_ptr<Graph> after, std::shared_ptr<const NodeLayout> afterLayout);

    /// The right-click menu for what is under the pointer (`layoutPos`: the layout point there,
    /// where a new node goes). The caller owns it.
    QMenu* createContextMenu(const Pointed& at, QPointF layoutPos, QWidget* parent);

    /// Swaps `g` in as the window's graph with `layout` (what undo and redo do).
    void apply(std::shared_ptr<Graph> g, std::shared_ptr<const NodeLayout> layout);
    /// The layout of the window's current graph, or null while none is computed.
    std::shared_ptr<const NodeLayout> currentLayout() const;
    /// A layout job finished for `graph`, which may no longer be the window's (an edit came
    /// first): the edits made on it, or producing it, keep the layout for undo and redo.
    void layoutArrived(const std::shared_ptr<const Graph>& graph, const std::shared_ptr<const NodeLayout>& layout);
    /// Why RDKit rejects the current molecule; empty when it accepts it or it is no molecule.
    QString validityWarning() const { return warning_; }

signals:
    /// After every apply (edit, undo, redo).
    void graphReplaced();

private:
    const Graph* graph() const;
    QString nodeName(NodeId v) const;

    MainWindow* window_;
    QUndoStack* undo_;
    // The layout last applied with its graph: the window's Inspection keeps the previous graph
    // and layout until the re-run finishes.
    const Graph* appliedGraph_ = nullptr;
    std::shared_ptr<const NodeLayout> appliedLayout_;
    QString warning_;
};

}  // namespace gts
