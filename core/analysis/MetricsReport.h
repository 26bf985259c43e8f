#pragma once
// The per-head metrics of one run or of many graphs (HeadStats.h) as a report, with writers
// for JSON and CSV. The JSON schema is the one `gtscope-cli metrics --json` prints, so files
// saved by the app and by the CLI read the same:
//   {"model": str, "graphs": n, "skipped": n, "max_hops": K, "graph_aware": bool,
//    "heads": [{"layer": l, "head": h, "graphs": n, "mean": {metric: v}, "std": {metric: v}}],
//    "similarity": {"heads": [[l, h]...], "jsd": [n×n, null where undefined], "order": [...]}}
// ("similarity" only when a head similarity is attached). CSV: one row per head and metric,
//   layer,head,metric,mean,std,graphs
// Metric names and order: namedValues (HeadStats.h); std is the population standard deviation
// over graphs (0 for a single graph).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/HeadStats.h"
#include "analysis/Saliency.h"

namespace gts::analysis {

struct MetricsReport {
    std::string model;         ///< the model folder, as given
    int64_t graphs = 0;        ///< graphs aggregated
    int64_t skipped = 0;       ///< graphs of the inputs that could not be read or tokenized
    int maxHops = 4;
    bool graphAware = true;    ///< false when any run was too long for hop distances
    std::vector<HeadStatsSummary> heads;
    std::optional<HeadSimilarity> similarity;
};

/// The report of per-graph metrics: summarizeHeadStats over them; graphs = perGraph.size(),
/// maxHops from the runs (they must agree: std::invalid_argument otherwise).
MetricsReport metricsReport(const std::vector<RunHeadStats>& perGraph, std::string model = {});

/// The report as JSON (schema above), compact, ending with a newline.
std::string metricsReportJson(const MetricsReport& report);

/// The report as CSV (header and rows above); values printed with 17 significant digits so
/// they read back exactly.
std::string metricsReportCsv(const MetricsReport& report);

}  // namespace gts::analysis
