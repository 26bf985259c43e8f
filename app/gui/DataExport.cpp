#include "DataExport.h"

#include <QFileInfo>
#include <map>
#include <stdexcept>

#include "Inspection.h"
#include "analysis/GraphExport.h"
#include "checkpoint/SafeTensors.h"
#include "io/GraphIO.h"
#include "tensor/Npy.h"

namespace gts {

namespace {

/// "saliency (rollout)" → "gts_saliency_rollout".
std::string columnName(const QString& overlay) {
    std::string out = "gts_";
    bool gap = false;
    for (QChar c : overlay.toLower()) {
        if (c.isLetterOrNumber() && c.unicode() < 128) {
            if (gap && out.size() > 4) out += '_';
            out += char(c.unicode());
            gap = false;
        } else {
            gap = true;
        }
    }
    return out;
}

/// The attention the canvas would draw for the current choice (not an overlay).
analysis::GraphAttention currentAttention(const Inspection& ins) {
    const auto& d = ins.data();
    const auto& a = ins.attention();
    if (a.empty()) return {};
    if (!ins.attentionDeferred())
        return analysis::attentionOnGraph(*d.graph, *d.tokens, a, ins.attentionSize(), ins.attentionPositions(), ins.query());
    const auto& positions = ins.attentionPositions();
    const auto q = std::find(positions.begin(), positions.end(), ins.query());
    const int64_t row = q == positions.end() ? -1 : int64_t(q - positions.begin()) - ins.attentionFirstRow();
    if (row < 0 || row >= ins.attentionRowCount()) return {};
    const auto begin = a.begin() + static_cast<ptrdiff_t>(row * ins.attentionSize());
    return analysis::attentionRowOnGraph(*d.graph, *d.tokens,
                                         std::vector<float>(begin, begin + static_cast<ptrdiff_t>(ins.attentionSize())),
                                         positions);
}

}  // namespace

QString dataExportFilter() {
    return QObject::tr("Graph with results (*.graphml *.gexf *.gml *.json);;Attention as NumPy (*.npy);;"
                       "Attention as safetensors (*.safetensors)");
}

void exportInspectionData(const Inspection& ins, const QString& path) {
    const auto& d = ins.data();
    const std::string file = path.toStdString();
    const QString ext = QFileInfo(path).suffix().toLower();
    if (ext == QLatin1String("npy") || ext == QLatin1String("safetensors")) {
        if (!d.result || d.result->layers.empty()) throw std::runtime_error("there is no run with attention to export");
        std::map<std::string, Tensor> tensors;
        for (const auto& c : d.result->layers) {
            if (c.attention.size() == 0)
                throw std::runtime_error("layer " + std::to_string(c.layer) +
                                         "'s attention was over the capture budget (Engine ▸ Attention Capture "
                                         "Budget) and was not kept: raise the budget or use gtscope-cli export");
            tensors["attn." + std::to_string(c.layer)] = c.attention;
        }
        if (ext == QLatin1String("safetensors")) {
            checkpoint::writeSafeTensors(file, tensors, {{"model", d.modelPath.toStdString()}, {"graph", d.graphPath.toStdString()}});
            return;
        }
        const Tensor& first = d.result->layers.front().attention;
        std::vector<float> all;
        for (const auto& c : d.result->layers) {
            if (c.attention.shape() != first.shape())
                throw std::runtime_error("layers have different sizes (a pruned run): export .safetensors instead");
            all.insert(all.end(), c.attention.data(), c.attention.data() + c.attention.size());
        }
        io::writeNpy(Tensor({int64_t(d.result->layers.size()), first.dim(0), first.dim(1), first.dim(2)}, std::move(all)), file);
        return;
    }
    const auto format = io::formatFromPath(file);
    if (!format || (*format != io::Format::GraphMl && *format != io::Format::Gexf && *format != io::Format::Gml &&
                    *format != io::Format::NodeLinkJson))
        throw std::runtime_error("cannot tell what to write from '" + file +
                                 "': use .graphml, .gexf, .gml, .json, .npy or .safetensors");
    if (!d.graph) throw std::runtime_error("there is no graph to export");
    Graph g = *d.graph;
    std::string about;
    if (d.tokens) {
        const auto attention = currentAttention(ins);
        if (attention.node.size() == g.nodeCount()) {
            analysis::addAttentionAttributes(g, attention);
            const auto agg = ins.aggregation();
            about = "gts_attention: layer " + std::to_string(ins.layer()) + ", " +
                    (agg == analysis::HeadAggregation::Single ? "head " + std::to_string(ins.head())
                                                              : std::string(analysis::headAggregationName(agg)) + " over heads") +
                    ", " + (ins.query() >= 0 ? "query position " + std::to_string(ins.query()) : "mean over queries");
        }
    }
    if (!ins.graphOverlayName().isEmpty()) {
        const auto& overlay = ins.graphAttention();
        const std::string name = columnName(ins.graphOverlayName());
        if (overlay.node.size() == g.nodeCount() && overlay.edge.size() == g.edgeCount()) {
            analysis::addAttentionAttributes(g, overlay, name);
            about += (about.empty() ? "" : "; ") + name + ": " + ins.graphOverlayName().toStdString();
        }
    }
    if (!about.empty()) g.graphAttrs().add("gts_results", AttrKind::String).setString(0, about + " (GTScope)");
    io::WriteOptions wo;
    wo.format = format;
    io::writeGraph(g, file, wo);
}

}  // namespace gts
