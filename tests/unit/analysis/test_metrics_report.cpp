// The metrics report's aggregation and its JSON/CSV writers, on per-graph stats set by hand
// (means and population standard deviations worked out in the comments).

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/MetricsReport.h"

using namespace gts;
using namespace gts::analysis;

namespace {

HeadStats head(int layer, int h, double entropy, double hop1) {
    HeadStats s;
    s.layer = layer;
    s.head = h;
    s.entropy = entropy;
    s.hopProfile = {0.0, hop1};
    s.hopChance = {0.1, 0.2};
    return s;
}

// Two graphs, heads 0.0 and 1.1 (maxHops 1): entropy of 0.0 is 0.2 and 0.6 (mean 0.4, sd
// 0.2), of 1.1 is 0.5 and 0.5 (sd 0); hop_1 of 0.0 is 0.1 and 0.4 (mean 0.25, sd 0.15).
std::vector<RunHeadStats> twoGraphs() {
    RunHeadStats a, b;
    a.maxHops = b.maxHops = 1;
    a.heads = {head(0, 0, 0.2, 0.1), head(1, 1, 0.5, 0.0)};
    b.heads = {head(0, 0, 0.6, 0.4), head(1, 1, 0.5, 0.0)};
    b.graphAware = false;
    return {a, b};
}

}  // namespace

TEST(MetricsReport, JsonHasMeanAndSpreadPerHead) {
    MetricsReport r = metricsReport(twoGraphs(), "models/x");
    EXPECT_EQ(r.graphs, 2);
    EXPECT_FALSE(r.graphAware);
    const auto j = nlohmann::json::parse(metricsReportJson(r));
    EXPECT_EQ(j["model"], "models/x");
    EXPECT_EQ(j["graphs"], 2);
    EXPECT_EQ(j["max_hops"], 1);
    EXPECT_EQ(j["graph_aware"], false);
    ASSERT_EQ(j["heads"].size(), 2u);
    const auto& h0 = j["heads"][0];
    EXPECT_EQ(h0["layer"], 0);
    EXPECT_EQ(h0["head"], 0);
    EXPECT_EQ(h0["graphs"], 2);
    EXPECT_NEAR(h0["mean"]["entropy"].get<double>(), 0.4, 1e-12);
    EXPECT_NEAR(h0["std"]["entropy"].get<double>(), 0.2, 1e-12);
    EXPECT_NEAR(h0["mean"]["hop_1"].get<double>(), 0.25, 1e-12);
    EXPECT_NEAR(h0["std"]["hop_1"].get<double>(), 0.15, 1e-12);
    EXPECT_NEAR(h0["mean"]["chance_hop_1"].get<double>(), 0.2, 1e-12);
    const auto& h1 = j["heads"][1];
    EXPECT_EQ(h1["layer"], 1);
    EXPECT_EQ(h1["head"], 1);
    EXPECT_NEAR(h1["std"]["entropy"].get<double>(), 0.0, 1e-12);
    EXPECT_FALSE(j.contains("similarity"));
}

TEST(MetricsReport, CsvRowsPerHeadAndMetric) {
    const MetricsReport r = metricsReport(twoGraphs());
    const std::string csv = metricsReportCsv(r);
    std::istringstream in(csv);
    std::string line;
    std::getline(in, line);
    EXPECT_EQ(line, "layer,head,metric,mean,std,graphs");
    std::getline(in, line);
    std::vector<std::string> fields;
    std::istringstream row(line);
    for (std::string f; std::getline(row, f, ',');) fields.push_back(f);
    ASSERT_EQ(fields.size(), 6u) << line;
    EXPECT_EQ(fields[0] + "," + fields[1] + "," + fields[2] + "," + fields[5], "0,0,entropy,2");
    EXPECT_NEAR(std::stod(fields[3]), 0.4, 1e-12);
    EXPECT_NEAR(std::stod(fields[4]), 0.2, 1e-12);
    EXPECT_GT(fields[3].size(), 15u) << "written with full precision";
    size_t rows = 0;
    while (std::getline(in, line)) ++rows;
    // Both heads have every named metric: 8 scalars, hop_0..hop_1, beyond, special, mean_hops,
    // chance_hop_0..1 = 15 each; one row of head 0.0 was read above.
    EXPECT_EQ(rows, 2u * 15u - 1u);
    EXPECT_NE(csv.find("\n1,1,hop_1,0,0,2\n"), std::string::npos);
}

TEST(MetricsReport, SimilarityWithUndefinedPairsAsNull) {
    MetricsReport r = metricsReport(twoGraphs());
    HeadSimilarity sim;
    sim.heads = {{0, 0}, {0, 1}, {1, 0}};
    const double nan = std::numeric_limits<double>::quiet_NaN();
    // Heads 0.0 and 0.1 are close (0.1); layer 1's head is not comparable (NaN counts as 1).
    sim.jsd = {0.0, 0.1, nan, 0.1, 0.0, nan, nan, nan, 0.0};
    r.similarity = sim;
    const auto j = nlohmann::json::parse(metricsReportJson(r));
    ASSERT_EQ(j["similarity"]["heads"].size(), 3u);
    EXPECT_EQ(j["similarity"]["heads"][2], nlohmann::json({1, 0}));
    EXPECT_TRUE(j["similarity"]["jsd"][2].is_null());
    EXPECT_NEAR(j["similarity"]["jsd"][1].get<double>(), 0.1, 1e-12);
    EXPECT_EQ(j["similarity"]["order"].get<std::vector<int>>(), clusterHeads(sim).order);
    // The two close heads are neighbours in the dendrogram order.
    const auto order = j["similarity"]["order"].get<std::vector<int>>();
    ASSERT_EQ(order.size(), 3u);
    EXPECT_EQ(std::abs(static_cast<int>(std::find(order.begin(), order.end(), 0) - order.begin()) -
                       static_cast<int>(std::find(order.begin(), order.end(), 1) - order.begin())),
              1);
}

TEST(MetricsReport, RefusesRunsWithDifferentHopBins) {
    auto runs = twoGraphs();
    runs[1].maxHops = 3;
    EXPECT_THROW(metricsReport(runs), std::invalid_argument);
}
