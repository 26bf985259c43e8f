#pragma once
// OGB's molecule featurization (ogb.utils.features, used by smiles2graph): 9 atom and 3 bond
// category indices. Each list that ends in "misc" maps any value it does not list to its last
// index. RDKit stays out of this header: its types are only declared here.

#include <array>
#include <cstdint>
#include <memory>

#include "graph/Graph.h"

namespace RDKit {
class Atom;
class Bond;
class ROMol;
class RWMol;
}  // namespace RDKit

namespace gts::ogb {

inline constexpr int kAtomFeatureCount = 9;
inline constexpr int kBondFeatureCount = 3;

/// Number of categories per atom feature: atomic_num (1..118 as 0..117, misc 118), chirality,
/// degree, formal charge, numH, radical electrons, hybridization, aromatic, in ring.
inline constexpr std::array<int, kAtomFeatureCount> kAtomFeatureDims = {119, 5, 12, 12, 10,
                                                                        6,   6, 2,  2};
/// Bond type, stereo, conjugated.
inline constexpr std::array<int, kBondFeatureCount> kBondFeatureDims = {5, 6, 2};

/// Positions of the features in an atom vector.
enum AtomFeature : int {
    kAtomicNum = 0,      // atomic number - 1 for 1..118, else 118
    kChirality = 1,      // CHI_UNSPECIFIED, CHI_TETRAHEDRAL_CW, CHI_TETRAHEDRAL_CCW, CHI_OTHER, misc
    kTotalDegree = 2,    // 0..10, misc (neighbours including hydrogens)
    kFormalCharge = 3,   // charge + 5 for -5..5, misc
    kTotalNumHs = 4,     // 0..8, misc (implicit and explicit hydrogens)
    kRadicalElectrons = 5,  // 0..4, misc
    kHybridization = 6,  // SP, SP2, SP3, SP3D, SP3D2, misc
    kIsAromatic = 7,     // false, true
    kIsInRing = 8,       // false, true
};

/// Positions of the features in a bond vector.
enum BondFeature : int {
    kBondType = 0,    // SINGLE, DOUBLE, TRIPLE, AROMATIC, misc
    kBondStereo = 1,  // STEREONONE, STEREOZ, STEREOE, STEREOCIS, STEREOTRANS, STEREOANY
    kIsConjugated = 2,  // false, true
};

using AtomFeatures = std::array<int64_t, kAtomFeatureCount>;
using BondFeatures = std::array<int64_t, kBondFeatureCount>;

/// OGB's atom_to_feature_vector. The atom must belong to a sanitized molecule (ring info and
/// hybridization computed). Chiral tags that OGB's list lacks (RDKit's newer non-tetrahedral
/// tags, on which OGB itself would fail) are given the misc index.
AtomFeatures atomFeatures(const RDKit::Atom& atom);
/// OGB's bond_to_feature_vector.
BondFeatures bondFeatures(const RDKit::Bond& bond);

/// A molecule as a graph, following smiles2graph but with one undirected edge per bond (OGB's
/// edge_index holds each bond twice, once per direction). Node attrs: "feat" (Discrete, 9),
/// "symbol" (String), and "pos" (Continuous, 3) when the molecule has a conformer. Edge attr:
/// "feat" (Discrete, 3). Hydrogens are as the molecule holds them; no graph attrs are set.
Graph moleculeToGraph(const RDKit::ROMol& mol);

/// Rebuilds an RDKit molecule from a graph with OGB "feat" columns: atoms from atomic number,
/// formal charge, hydrogen count (held fixed), radicals, chirality and aromaticity; bonds from
/// type, aromaticity and stereo (E/Z restored against CIP ranks). The result is sanitized;
/// positions from "pos" become a conformer. Throws std::invalid_argument when the graph lacks
/// atom or bond features, or RDKit rejects the structure.
std::unique_ptr<RDKit::RWMol> graphToMolecule(const Graph& graph);

/// Gives `mol` a conformer from the graph's "pos" column (continuous, width 2 or 3, every atom
/// placed; atoms in graph order). Returns false, leaving `mol` alone, when there is no such column.
bool addConformerFromPositions(RDKit::ROMol& mol, const Graph& graph);

}  // namespace gts::ogb
