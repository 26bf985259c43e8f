#include "GraphEdits.h"

#include <QMenu>
#include <QStatusBar>
#include <QUndoStack>
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "MainWindow.h"
#include "graph/AttrNames.h"
#include "io/Molecule.h"
#include "io/OgbFeatures.h"

namespace gts {

GraphEditCommand::GraphEditCommand(GraphEditor* editor, const QString& text, std::shared_ptr<Graph> before,
                                   std::shared_ptr<const NodeLayout> beforeLayout,
                                   std::shared_ptr<Graph> after, std::shared_ptr<const NodeLayout> afterLayout)
    : QUndoCommand(text), editor_(editor), before_(std::move(before)), after_(std::move(after)),
      beforeLayout_(std::move(beforeLayout)), afterLayout_(std::move(afterLayout)) {}

void GraphEditCommand::undo() { editor_->apply(before_, beforeLayout_); }
void GraphEditCommand::redo() { editor_->apply(after_, afterLayout_); }

void GraphEditCommand::layoutArrived(const std::shared_ptr<const Graph>& graph,
                                     const std::shared_ptr<const NodeLayout>& layout) {
    if (!graph || !layout) return;
    if (!beforeLayout_ && beforeSource_.lock() == graph && layout->x.size() == before_->nodeCount())
        beforeLayout_ = layout;
    if (!afterLayout_ && after_ == graph && layout->x.size() == after_->nodeCount()) afterLayout_ = layout;
}

namespace edits {

namespace {

// OGB's "misc" index of the total-degree and hydrogen-count features (ogb.utils.features:
// possible_degree_list 0..10, possible_numH_list 0..8, then misc).
constexpr int64_t kDegreeMisc = 11;
constexpr int64_t kNumHsMisc = 9;

void requireNode(const Graph& g, NodeId v) {
    if (v >= g.nodeCount()) throw std::invalid_argument("no node " + std::to_string(v));
}
void requireEdge(const Graph& g, EdgeId e) {
    if (e >= g.edgeCount()) throw std::invalid_argument("no edge " + std::to_string(e));
}

/// The table's OGB feature column when it has one `width` wide (const or not).
template <typename Table>
auto featureColumn(Table& table, int width) -> decltype(table.find(attr::kFeat)) {
    auto* feat = table.find(attr::kFeat);
    return feat && feat->kind == AttrKind::Discrete && int(feat->width) == width ? feat : nullptr;
}
template <typename G>
auto atomFeatures(G& g) { return featureColumn(g.nodeAttrs(), ogb::kAtomFeatureCount); }
template <typename G>
auto bondFeatures(G& g) { return featureColumn(g.edgeAttrs(), ogb::kBondFeatureCount); }

/// Bonds a hydrogen count trades for: a single bond one, a double two, a triple three. An
/// aromatic bond counts one (a ring's hydrogens stay as RDKit's Kekulé form gave them).
int bondOrder(int64_t bondType) {
    switch (bondType) {
        case int64_t(BondType::Double): return 2;
        case int64_t(BondType::Triple): return 3;
        default: return 1;
    }
}

/// Implicit hydrogens, as a molecule editor keeps them: `delta` more (or fewer, down to none)
/// on atom v, and its total degree (heavy neighbours + hydrogens) recounted.
void shiftHydrogens(Graph& g, NodeId v, int delta) {
    AttrColumn* atoms = atomFeatures(g);
    if (!atoms) return;
    int64_t hs = atoms->intAt(v, ogb::kTotalNumHs);
    if (hs != kNumHsMisc) hs = std::clamp<int64_t>(hs + delta, 0, kNumHsMisc - 1);
    atoms->setInt(v, hs, ogb::kTotalNumHs);
    const int64_t degree = int64_t(g.degree(v)) + (hs == kNumHsMisc ? 0 : hs);
    atoms->setInt(v, std::min(degree, kDegreeMisc), ogb::kTotalDegree);
}

}  // namespace

bool isMolecule(const Graph& g) { return atomFeatures(g) && bondFeatures(g); }

namespace {
/// The edited graph, its "smiles" graph attr brought up to date (RDKit's canonical SMILES), or
/// dropped when RDKit rejects the molecule, so no view shows the SMILES of the unedited one.
std::shared_ptr<Graph> finished(std::shared_ptr<Graph> g) {
    AttrColumn* smiles = g->graphAttrs().find(attr::kSmiles);
    if (!smiles || smiles->kind != AttrKind::String || !isMolecule(*g)) return g;
    try {
        smiles->setString(0, io::graphToSmiles(*g));
    } catch (const std::exception&) {
        g->graphAttrs().remove(attr::kSmiles);
    }
    return g;
}
}  // namespace

std::shared_ptr<Graph> removeNode(const Graph& g, NodeId v, std::vector<uint32_t>* nodeMap) {
    requireNode(g, v);
    auto out = std::make_shared<Graph>(g);
    std::vector<std::pair<NodeId, int>> neighbors;  // the atoms that get their hydrogens back
    if (AttrColumn* bonds = bondFeatures(*out); bonds && atomFeatures(*out))
        for (EdgeId e = 0; e < out->edgeCount(); ++e) {
            const Edge& edge = out->edge(e);
            const NodeId other = edge.src == v ? edge.dst : edge.dst == v ? edge.src : kNoIndex;
            if (other != kNoIndex && other != v)
                neighbors.emplace_back(other, bondOrder(bonds->intAt(e, ogb::kBondType)));
        }
    auto map = out->removeNode(v);
    for (const auto& [u, order] : neighbors) shiftHydrogens(*out, map[u], order);
    if (nodeMap) *nodeMap = std::move(map);
    return finished(std::move(out));
}

std::shared_ptr<Graph> removeEdge(const Graph& g, EdgeId e) {
    requireEdge(g, e);
    auto out = std::make_shared<Graph>(g);
    const Edge edge = out->edge(e);
    const AttrColumn* bonds = bondFeatures(*out);
    const int order = bonds ? bondOrder(bonds->intAt(e, ogb::kBondType)) : 0;
    out->removeEdge(e);
    if (bonds && edge.src != edge.dst) {
        shiftHydrogens(*out, edge.src, order);
        shiftHydrogens(*out, edge.dst, order);
    }
    return finished(std::move(out));
}

std::shared_ptr<Graph> addEdge(const Graph& g, NodeId u, NodeId v) {
    requireNode(g, u);
    requireNode(g, v);
    auto out = std::make_shared<Graph>(g);
    const EdgeId e = out->addEdge(u, v);
    // OGB bond features: 0 = single bond, 0 = no stereo, 0 = not conjugated.
    if (AttrColumn* feat = out->edgeAttrs().find(attr::kFeat); feat && feat->kind == AttrKind::Discrete)
        for (uint32_t k = 0; k < feat->width; ++k) feat->setInt(e, 0, k);
    if (isMolecule(*out) && u != v) {
        shiftHydrogens(*out, u, -1);
        shiftHydrogens(*out, v, -1);
    }
    return finished(std::move(out));
}

std::shared_ptr<Graph> addNode(const Graph& g, NodeId attachTo) {
    if (attachTo != kNoIndex) requireNode(g, attachTo);
    auto out = std::make_shared<Graph>(g);
    NodeId v = kNoIndex;
    if (out->hasNodeKeys()) {
        // A key no node has yet, so writers can give the graph back.
        for (size_t k = out->nodeCount();; ++k)
            if (!out->findNode("n" + std::to_string(k))) {
                v = out->addNode("n" + std::to_string(k));
                break;
            }
    } else {
        v = out->addNode();
    }
    if (AttrColumn* atoms = atomFeatures(*out)) {
        // A methyl carbon: C, no chirality, degree 4, charge 0 (index 5), 3 H, no radical, SP3
        // (index 2), not aromatic, not in a ring (ogb.utils.features).
        const ogb::AtomFeatures methyl = {5, 0, 4, 5, 3, 0, 2, 0, 0};
        for (int k = 0; k < ogb::kAtomFeatureCount; ++k) atoms->setInt(v, methyl[size_t(k)], uint32_t(k));
        if (AttrColumn* sym = out->nodeAttrs().find(attr::kSymbol); sym && sym->kind == AttrKind::String)
            sym->setString(v, "C");
    }
    if (attachTo != kNoIndex) {
        const EdgeId e = out->addEdge(attachTo, v);
        if (AttrColumn* feat = out->edgeAttrs().find(attr::kFeat); feat && feat->kind == AttrKind::Discrete)
            for (uint32_t k = 0; k < feat->width; ++k) feat->setInt(e, 0, k);
        shiftHydrogens(*out, attachTo, -1);
        shiftHydrogens(*out, v, 0);
    }
    return finished(std::move(out));
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
    return finished(std::move(out));
}

std::shared_ptr<Graph> setBondType(const Graph& g, EdgeId e, BondType type) {
    requireEdge(g, e);
    auto out = std::make_shared<Graph>(g);
    AttrColumn* bonds = bondFeatures(*out);
    if (!bonds) throw std::invalid_argument("the graph has no OGB bond features");
    const int before = bondOrder(bonds->intAt(e, ogb::kBondType));
    bonds->setInt(e, int64_t(type), ogb::kBondType);
    if (type == BondType::Aromatic) bonds->setInt(e, 1, ogb::kIsConjugated);
    const int after = bondOrder(int64_t(type));
    const Edge edge = out->edge(e);
    if (edge.src != edge.dst) {
        shiftHydrogens(*out, edge.src, before - after);
        shiftHydrogens(*out, edge.dst, before - after);
    }
    return finished(std::move(out));
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

std::shared_ptr<const NodeLayout> appendNodeLayout(const std::shared_ptr<const NodeLayout>& layout,
                                                   const Graph& g, NodeId neighbor, std::optional<QPointF> at) {
    const size_t n = g.nodeCount();
    if (!layout || layout->x.size() != n || layout->y.size() != n) return nullptr;
    auto out = std::make_shared<NodeLayout>(*layout);
    // A step of the drawing's typical edge length (a bond length for a depiction).
    double step = 0.0;
    for (const Edge& edge : g.edges())
        step += std::hypot(layout->x[edge.src] - layout->x[edge.dst], layout->y[edge.src] - layout->y[edge.dst]);
    step = g.edgeCount() ? step / double(g.edgeCount()) : 1.0;
    if (!(step > 0.0)) step = 1.0;
    QPointF p;
    if (at) {
        p = *at;
    } else if (neighbor != kNoIndex && neighbor < n) {
        // Away from the neighbour's other neighbours, so the new bond points into free space.
        const QPointF base(layout->x[neighbor], layout->y[neighbor]);
        QPointF away(0.0, 0.0);
        for (NodeId u : g.adjacency().neighborsOf(neighbor))
            if (u != neighbor) away += base - QPointF(layout->x[u], layout->y[u]);
        const double length = std::hypot(away.x(), away.y());
        p = base + (length > 1e-6 ? away / length : QPointF(1.0, 0.0)) * step;
    } else {
        float right = 0.0f, top = 0.0f;
        if (n) {
            right = *std::max_element(layout->x.begin(), layout->x.end());
            top = *std::max_element(layout->y.begin(), layout->y.end());
        }
        p = QPointF(right + step, top);
    }
    out->x.push_back(float(p.x()));
    out->y.push_back(float(p.y()));
    return out;
}

}  // namespace edits

GraphEditor::GraphEditor(MainWindow* window, QUndoStack* undoStack, QObject* parent)
    : QObject(parent), window_(window), undo_(undoStack) {}

const Graph* GraphEditor::graph() const { return window_->graph(); }

std::shared_ptr<const NodeLayout> GraphEditor::currentLayout() const {
    const Graph* g = graph();
    if (!g) return nullptr;
    if (g == appliedGraph_) return appliedLayout_;
    const auto& data = window_->inspection()->data();
    if (data.graph.get() == g && data.layout && data.layout->x.size() == g->nodeCount()) return data.layout;
    return nullptr;
}

void GraphEditor::push(const QString& text, std::shared_ptr<Graph> after,
                       std::shared_ptr<const NodeLayout> afterLayout) {
    if (!graph() || !after) return;
    // The window's graph is not shared with us; a copy is cheap for the graphs people edit.
    auto before = std::make_shared<Graph>(*graph());
    std::shared_ptr<const NodeLayout> beforeLayout = currentLayout();
    auto* command = new GraphEditCommand(this, text, std::move(before), beforeLayout, std::move(after), std::move(afterLayout));
    if (!beforeLayout) command->setBeforeSource(window_->sharedGraph());
    undo_->push(command);
}

void GraphEditor::layoutArrived(const std::shared_ptr<const Graph>& graph,
                                const std::shared_ptr<const NodeLayout>& layout) {
    for (int i = 0; i < undo_->count(); ++i)
        if (auto* c = dynamic_cast<GraphEditCommand*>(const_cast<QUndoCommand*>(undo_->command(i))))
            c->layoutArrived(graph, layout);
    if (graph.get() == appliedGraph_ && !appliedLayout_ && layout && layout->x.size() == graph->nodeCount())
        appliedLayout_ = layout;
}

void GraphEditor::apply(std::shared_ptr<Graph> g, std::shared_ptr<const NodeLayout> layout) {
    if (!g) return;
    appliedGraph_ = g.get();
    appliedLayout_ = layout;
    const bool warned = !warning_.isEmpty();
    warning_.clear();
    if (edits::isMolecule(*g)) {
        try {
            io::graphToSmiles(*g);
        } catch (const std::exception& e) {
            warning_ = QString::fromStdString(e.what());
        }
    }
    window_->replaceGraph(std::move(g), std::move(layout));
    if (!warning_.isEmpty())
        window_->statusBar()->showMessage(
            tr("RDKit rejects the edited molecule (%1); the model still runs on its tokens").arg(warning_), 15000);
    else if (warned)
        window_->statusBar()->clearMessage();
    emit graphReplaced();
}

bool GraphEditor::addNode(NodeId attachTo, std::optional<QPointF> at) {
    const Graph* g = graph();
    if (!g || (attachTo != kNoIndex && attachTo >= g->nodeCount())) return false;
    auto after = edits::addNode(*g, attachTo);
    auto layout = edits::appendNodeLayout(currentLayout(), *g, attachTo, at);
    const bool molecule = edits::isMolecule(*g);
    push(attachTo == kNoIndex ? tr("Add node")
                              : molecule ? tr("Add carbon on %1").arg(nodeName(attachTo))
                                         : tr("Add node connected to %1").arg(nodeName(attachTo)),
         std::move(after), std::move(layout));
    return true;
}

bool GraphEditor::removeNode(NodeId v) {
    const Graph* g = graph();
    if (!g || v >= g->nodeCount()) return false;
    std::vector<uint32_t> map;
    const QString name = nodeName(v);
    auto after = edits::removeNode(*g, v, &map);
    auto layout = edits::remapLayout(currentLayout(), map, after->nodeCount());
    push(tr("Remove node %1").arg(name), std::move(after), std::move(layout));
    return true;
}

bool GraphEditor::addEdge(NodeId u, NodeId v) {
    const Graph* g = graph();
    if (!g || u >= g->nodeCount() || v >= g->nodeCount()) return false;
    push(tr("Add edge %1–%2").arg(nodeName(u), nodeName(v)), edits::addEdge(*g, u, v), currentLayout());
    return true;
}

bool GraphEditor::removeEdge(EdgeId e) {
    const Graph* g = graph();
    if (!g || e >= g->edgeCount()) return false;
    const Edge& edge = g->edge(e);
    push(tr("Remove edge %1–%2").arg(nodeName(edge.src), nodeName(edge.dst)), edits::removeEdge(*g, e),
         currentLayout());
    return true;
}

bool GraphEditor::setElement(NodeId v, int atomicNumber) {
    const Graph* g = graph();
    if (!g || v >= g->nodeCount() || !edits::isMolecule(*g)) return false;
    QString symbol;
    for (const Element& element : kEditableElements)
        if (element.atomicNumber == atomicNumber) symbol = QString::fromLatin1(element.symbol);
    if (symbol.isEmpty()) return false;
    const QString name = nodeName(v);
    push(tr("Change %1 to %2").arg(name, symbol), edits::setElement(*g, v, atomicNumber, symbol), currentLayout());
    return true;
}

bool GraphEditor::setBondType(EdgeId e, BondType type) {
    const Graph* g = graph();
    if (!g || e >= g->edgeCount() || !edits::isMolecule(*g)) return false;
    const QString names[] = {tr("single"), tr("double"), tr("triple"), tr("aromatic")};
    const Edge& edge = g->edge(e);
    push(tr("Make bond %1–%2 %3").arg(nodeName(edge.src), nodeName(edge.dst), names[int(type)]),
         edits::setBondType(*g, e, type), currentLayout());
    return true;
}

QString GraphEditor::nodeName(NodeId v) const {
    const Graph* g = graph();
    if (!g || v >= g->nodeCount()) return {};
    // Atoms by element and index ("O 3"), other nodes by their key.
    if (const AttrColumn* sym = g->nodeAttrs().find(attr::kSymbol); sym && sym->kind == AttrKind::String)
        return QStringLiteral("%1 %2").arg(QString::fromStdString(sym->stringAt(v))).arg(v);
    return QString::fromStdString(g->nodeKey(v));
}

QMenu* GraphEditor::createContextMenu(const Pointed& at, QPointF layoutPos, QWidget* parent) {
    auto* menu = new QMenu(parent);
    menu->setObjectName(QStringLiteral("graphEditMenu"));
    const Graph* g = graph();
    if (!g) {
        menu->addAction(tr("Open a graph to edit it"))->setEnabled(false);
        return menu;
    }
    const bool molecule = edits::isMolecule(*g);
    const NodeId selected = window_->inspection()->selected().node;
    if (at.node != kNoIndex && at.node < g->nodeCount()) {
        const NodeId v = at.node;
        menu->addSection(molecule ? tr("Atom %1").arg(nodeName(v)) : tr("Node %1").arg(nodeName(v)));
        menu->addAction(molecule ? tr("Add carbon bonded here") : tr("Add node connected here"), this,
                        [this, v] { addNode(v); });
        if (selected != kNoIndex && selected != v && selected < g->nodeCount())
            menu->addAction(tr("Connect to selected %1").arg(nodeName(selected)), this,
                            [this, v, selected] { addEdge(selected, v); });
        else
            menu->addAction(tr("Connect to selected (click a node first)"))->setEnabled(false);
        if (molecule) {
            QMenu* elements = menu->addMenu(tr("Change element to"));
            const int current = int(g->nodeAttrs().find(attr::kFeat)->intAt(v, ogb::kAtomicNum)) + 1;
            for (const Element& element : kEditableElements) {
                QAction* a = elements->addAction(QString::fromLatin1(element.symbol), this,
                                                 [this, v, z = element.atomicNumber] { setElement(v, z); });
                a->setCheckable(true);
                a->setChecked(element.atomicNumber == current);
                a->setEnabled(element.atomicNumber != current);
            }
        }
        menu->addSeparator();
        menu->addAction(molecule ? tr("Remove atom and its bonds") : tr("Remove node and its edges"), this,
                        [this, v] { removeNode(v); });
    } else if (at.edge != kNoIndex && at.edge < g->edgeCount()) {
        const EdgeId e = at.edge;
        const Edge& edge = g->edge(e);
        menu->addSection(molecule ? tr("Bond %1–%2").arg(nodeName(edge.src), nodeName(edge.dst))
                                  : tr("Edge %1–%2").arg(nodeName(edge.src), nodeName(edge.dst)));
        if (molecule) {
            QMenu* types = menu->addMenu(tr("Change bond to"));
            const int64_t current = g->edgeAttrs().find(attr::kFeat)->intAt(e, ogb::kBondType);
            const std::pair<BondType, QString> kinds[] = {{BondType::Single, tr("Single")},
                                                          {BondType::Double, tr("Double")},
                                                          {BondType::Triple, tr("Triple")},
                                                          {BondType::Aromatic, tr("Aromatic")}};
            for (const auto& [type, label] : kinds) {
                QAction* a = types->addAction(label, this, [this, e, t = type] { setBondType(e, t); });
                a->setCheckable(true);
                a->setChecked(int64_t(type) == current);
                a->setEnabled(int64_t(type) != current);
            }
            menu->addSeparator();
        }
        menu->addAction(molecule ? tr("Remove bond") : tr("Remove edge"), this, [this, e] { removeEdge(e); });
    } else {
        menu->addAction(molecule ? tr("Add carbon here (unbonded)") : tr("Add node here"), this,
                        [this, layoutPos] { addNode(kNoIndex, layoutPos); });
        if (selected != kNoIndex && selected < g->nodeCount())
            menu->addAction(molecule ? tr("Add carbon here bonded to selected %1").arg(nodeName(selected))
                                     : tr("Add node here connected to selected %1").arg(nodeName(selected)),
                            this, [this, selected, layoutPos] { addNode(selected, layoutPos); });
    }
    menu->addSeparator();
    QAction* undo = undo_->createUndoAction(menu, tr("Undo"));
    QAction* redo = undo_->createRedoAction(menu, tr("Redo"));
    menu->addAction(undo);
    menu->addAction(redo);
    return menu;
}

}  // namespace gts
