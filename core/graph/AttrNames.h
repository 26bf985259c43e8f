#pragma once
// Column names with a shared meaning across readers, writers, the tokenizer and the views.

namespace gts::attr {

/// Discrete feature vector: OGB's 9 atom / 3 bond indices for molecules, node-feat.csv rows.
inline constexpr const char* kFeat = "feat";
/// Element symbol of an atom ("C", "N", "Cl"), for display.
inline constexpr const char* kSymbol = "symbol";
/// A display label (GML/GEXF label, GraphML "label" key).
inline constexpr const char* kLabel = "label";
/// Position: continuous [x, y] or [x, y, z] (GEXF viz:position, SDF coordinates).
inline constexpr const char* kPos = "pos";
/// Colour: continuous [r, g, b, a] with r, g, b in 0..255 and a in 0..1 (GEXF viz:color).
inline constexpr const char* kColor = "color";
/// Size: continuous (GEXF viz:size).
inline constexpr const char* kSize = "size";
/// Edge weight: continuous (edge lists' third column, "weight" keys).
inline constexpr const char* kWeight = "weight";
/// Graph-level: SMILES of a molecule (as read, or canonical when built from a mol block).
inline constexpr const char* kSmiles = "smiles";
/// Graph-level: a record's name (SMILES file second column, SDF title line).
inline constexpr const char* kName = "name";

}  // namespace gts::attr
