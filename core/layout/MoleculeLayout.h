#pragma once
// Molecule depiction: RDKit's 2D coordinates for a molecule graph, or positions the graph holds.

#include <vector>

#include "graph/Graph.h"

namespace gts::layout {

/// True when the graph has OGB atom features (node "feat", 9 ints on every node) and, if it has
/// edges, bond features (edge "feat", 3 ints): a molecule read from SMILES, SDF, MOL or an OGB
/// molecule dataset (io/OgbFeatures.h).
bool isMoleculeGraph(const Graph& graph);

/// 2D positions of the graph's "pos" column (continuous, width 2 or 3, every node, all finite)
/// when it is planar: width 2, or width 3 with every z equal to 0 (a 2D mol block). False, with
/// x and y untouched, otherwise.
bool planarGraphPositions(const Graph& graph, std::vector<double>& x, std::vector<double>& y);

/// Molecule layout, in RDKit's units (bond length about 1.5), y up:
///  - with `useGraphPositions` and planar "pos" (above): those positions;
///  - else for a molecule graph: RDDepictor::compute2DCoords on the molecule rebuilt by
///    ogb::graphToMolecule (3D positions are not projected: a 3D conformer seen from one side
///    hides atoms behind others, a depiction does not);
///  - else, with `useGraphPositions`, the x and y of a 3D "pos" column.
/// Throws std::invalid_argument when none applies (not a molecule, no positions) or RDKit
/// rejects the molecule, naming why.
void moleculeLayout(const Graph& graph, bool useGraphPositions, std::vector<double>& x,
                    std::vector<double>& y);

}  // namespace gts::layout
