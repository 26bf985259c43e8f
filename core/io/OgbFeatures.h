#pragma once
// OGB's molecule featurization (ogb.utils.features): 9 atom and 3 bond category indices.
// Each list ends in "misc", the index used for any value not listed.

#include <array>
#include <cstdint>

namespace gts::ogb {

inline constexpr int kAtomFeatureCount = 9;
inline constexpr int kBondFeatureCount = 3;

/// Number of categories per atom feature: atomic_num (1..118 as 0..117, misc 118), chirality,
/// degree, formal charge, numH, radical electrons, hybridization, aromatic, in ring.
inline constexpr std::array<int, kAtomFeatureCount> kAtomFeatureDims = {119, 5, 12, 12, 10,
                                                                        6,   6, 2,  2};
/// Bond type, stereo, conjugated.
inline constexpr std::array<int, kBondFeatureCount> kBondFeatureDims = {5, 6, 2};

}  // namespace gts::ogb
