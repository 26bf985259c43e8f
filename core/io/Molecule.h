#pragma once
// Single molecules as graphs, for the SMILES box and the tokenizer's molecule path. RDKit stays
// inside the .cpp files; the graph conventions are those of ogb::moleculeToGraph (OgbFeatures.h).

#include <string>
#include <string_view>

#include "graph/Graph.h"

namespace gts::io {

/// Parses one SMILES the way OGB's smiles2graph does (RDKit's MolFromSmiles: sanitized,
/// hydrogens implicit), into a graph with OGB atom/bond features, "symbol", and the graph attr
/// "smiles" holding `smiles` as given. Throws ParseError("SMILES", 0, ...) naming the SMILES and
/// RDKit's reason when it is invalid.
Graph moleculeFromSmiles(std::string_view smiles);

/// A SMILES for a molecule graph: its "smiles" attr when that still describes the graph's atoms
/// and bonds (same OGB features), else RDKit's canonical SMILES of the molecule rebuilt from
/// the features. Throws std::invalid_argument when the graph has no OGB features or RDKit
/// rejects the rebuilt molecule.
std::string graphToSmiles(const Graph& graph);

}  // namespace gts::io
