#pragma once
// File ▸ Export Data: what the window shows, as data for other tools (the GUI side of
// `gtscope-cli export`).

#include <QString>

namespace gts {

class Inspection;

/// Writes, by the extension of `path`:
/// - .graphml .gexf .gml .json: the graph with node/edge attributes `gts_attention` (the current
///   layer/head/aggregation/query carried onto the graph, as the canvas draws it) and, when the
///   canvas draws an overlay instead (saliency, pruning survival), that overlay as
///   `gts_<overlay name>`; a graph attribute `gts_results` says what they are;
/// - .npy: the attention of every captured layer [layers, heads, S, S]; .safetensors: `attn.L`.
/// Whole file or nothing. Throws std::runtime_error with a message for the user (nothing to
/// export, a layer over the capture budget, an unknown extension) and io errors when writing.
void exportInspectionData(const Inspection& inspection, const QString& path);

/// The file dialog's filter for exportInspectionData.
QString dataExportFilter();

}  // namespace gts
