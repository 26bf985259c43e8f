#include "layout/MoleculeLayout.h"

#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>

#include <GraphMol/Conformer.h>
#include <GraphMol/Depictor/RDDepictor.h>
#include <GraphMol/RWMol.h>

#include "graph/AttrNames.h"
#include "io/OgbFeatures.h"

namespace gts::layout {
namespace {

// The "pos" column when it gives every node a finite position of width 2 or 3.
const AttrColumn* positionColumn(const Graph& graph) {
    const AttrColumn* pos = graph.nodeAttrs().find(attr::kPos);
    if (!pos || pos->kind != AttrKind::Continuous || pos->width < 2 || pos->width > 3 ||
        !pos->allPresent())
        return nullptr;
    for (double v : pos->reals)
        if (!std::isfinite(v)) return nullptr;
    return pos;
}

void copyXY(const AttrColumn& pos, size_t n, std::vector<double>& x, std::vector<double>& y) {
    x.resize(n);
    y.resize(n);
    for (size_t v = 0; v < n; ++v) {
        x[v] = pos.realAt(v, 0);
        y[v] = pos.realAt(v, 1);
    }
}

}  // namespace

bool isMoleculeGraph(const Graph& graph) {
    const AttrColumn* atoms = graph.nodeAttrs().find(attr::kFeat);
    if (!atoms || atoms->kind != AttrKind::Discrete || atoms->width != ogb::kAtomFeatureCount ||
        !atoms->allPresent() || graph.nodeCount() == 0)
        return false;
    if (graph.edgeCount() == 0) return true;
    const AttrColumn* bonds = graph.edgeAttrs().find(attr::kFeat);
    return bonds && bonds->kind == AttrKind::Discrete && bonds->width == ogb::kBondFeatureCount &&
           bonds->allPresent();
}

bool planarGraphPositions(const Graph& graph, std::vector<double>& x, std::vector<double>& y) {
    const AttrColumn* pos = positionColumn(graph);
    if (!pos) return false;
    if (pos->width == 3)
        for (size_t v = 0; v < graph.nodeCount(); ++v)
            if (pos->realAt(v, 2) != 0.0) return false;
    copyXY(*pos, graph.nodeCount(), x, y);
    return true;
}

void moleculeLayout(const Graph& graph, bool useGraphPositions, std::vector<double>& x,
                    std::vector<double>& y) {
    const size_t n = graph.nodeCount();
    if (useGraphPositions && planarGraphPositions(graph, x, y)) return;
    if (isMoleculeGraph(graph)) {
        std::unique_ptr<RDKit::RWMol> mol = ogb::graphToMolecule(graph);
        try {
            RDDepict::compute2DCoords(*mol);
        } catch (const std::exception& ex) {
            throw std::invalid_argument(std::string("RDKit cannot depict the molecule: ") + ex.what());
        }
        const RDKit::Conformer& conf = mol->getConformer();
        if (conf.getNumAtoms() != n)
            throw std::invalid_argument("RDKit's depiction has " + std::to_string(conf.getNumAtoms()) +
                                        " atoms for " + std::to_string(n) + " nodes");
        x.resize(n);
        y.resize(n);
        for (size_t v = 0; v < n; ++v) {
            const RDGeom::Point3D& p = conf.getAtomPos(unsigned(v));
            x[v] = p.x;
            y[v] = p.y;
        }
        return;
    }
    if (useGraphPositions) {
        if (const AttrColumn* pos = positionColumn(graph)) {
            copyXY(*pos, n, x, y);
            return;
        }
    }
    throw std::invalid_argument(
        "molecule layout: the graph has no OGB atom features (node attr \"feat\", 9 ints) and no "
        "node positions (\"pos\")");
}

}  // namespace gts::layout
