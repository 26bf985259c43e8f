#include "analysis/MetricsReport.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>
#include <stdexcept>

namespace gts::analysis {

MetricsReport metricsReport(const std::vector<RunHeadStats>& perGraph, std::string model) {
    MetricsReport r;
    r.model = std::move(model);
    r.graphs = static_cast<int64_t>(perGraph.size());
    if (!perGraph.empty()) r.maxHops = perGraph.front().maxHops;
    for (const auto& run : perGraph) {
        if (run.maxHops != r.maxHops)
            throw std::invalid_argument("metrics report: runs with " + std::to_string(r.maxHops) + " and " +
                                        std::to_string(run.maxHops) + " hop bins cannot be aggregated");
        r.graphAware = r.graphAware && run.graphAware;
    }
    r.heads = summarizeHeadStats(perGraph);
    return r;
}

std::string metricsReportJson(const MetricsReport& report) {
    using nlohmann::json;
    // Non-finite values have no JSON number; they are written as null.
    const auto number = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
    json j;
    j["model"] = report.model;
    j["graphs"] = report.graphs;
    j["skipped"] = report.skipped;
    j["max_hops"] = report.maxHops;
    j["graph_aware"] = report.graphAware;
    j["heads"] = json::array();
    for (const auto& s : report.heads) {
        json h = {{"layer", s.layer}, {"head", s.head}, {"graphs", s.graphs}};
        h["mean"] = json::object();
        h["std"] = json::object();
        for (size_t k = 0; k < s.names.size(); ++k) {
            h["mean"][s.names[k]] = number(s.mean[k]);
            h["std"][s.names[k]] = number(s.stddev[k]);
        }
        j["heads"].push_back(std::move(h));
    }
    if (report.similarity) {
        const HeadSimilarity& sim = *report.similarity;
        j["similarity"]["heads"] = json::array();
        for (const auto& h : sim.heads) j["similarity"]["heads"].push_back({h.layer, h.head});
        json m = json::array();
        for (double v : sim.jsd) m.push_back(number(v));
        j["similarity"]["jsd"] = std::move(m);
        j["similarity"]["order"] = sim.heads.empty() ? std::vector<int>{} : clusterHeads(sim).order;
    }
    return j.dump() + "\n";
}

std::string metricsReportCsv(const MetricsReport& report) {
    std::ostringstream out;
    out << std::setprecision(17);
    out << "layer,head,metric,mean,std,graphs\n";
    for (const auto& s : report.heads)
        for (size_t k = 0; k < s.names.size(); ++k)
            out << s.layer << "," << s.head << "," << s.names[k] << "," << s.mean[k] << "," << s.stddev[k] << ","
                << s.graphs << "\n";
    return out.str();
}

}  // namespace gts::analysis
