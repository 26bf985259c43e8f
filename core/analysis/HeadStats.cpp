#include "analysis/HeadStats.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <unordered_map>

#include "graph/Algorithms.h"

namespace gts::analysis {

PositionPlaces positionPlaces(const Graph& graph, const TokenSequence& tokens) {
    PositionPlaces p;
    const size_t n = tokens.positionSources.size();
    p.kind.assign(n, PositionPlaces::Kind::Special);
    p.a.assign(n, kNoIndex);
    p.b.assign(n, kNoIndex);
    p.walkIndex.assign(n, 0);
    for (size_t i = 0; i < n; ++i) {
        const PositionSource& s = tokens.positionSources[i];
        if (s.kind == PositionKind::Node && s.node != kNoIndex && s.node < graph.nodeCount()) {
            p.kind[i] = PositionPlaces::Kind::Node;
            p.a[i] = p.b[i] = s.node;
            p.walkIndex[i] = s.walkIndex;
        } else if (s.kind == PositionKind::Edge && s.edgeOrigin != EdgeOrigin::Jump &&
                   s.edge != kNoIndex && s.edge < graph.edgeCount()) {
            p.kind[i] = PositionPlaces::Kind::Edge;
            p.a[i] = graph.edge(s.edge).src;
            p.b[i] = graph.edge(s.edge).dst;
        }
    }
    return p;
}

std::vector<int16_t> positionHops(const Graph& graph, const PositionPlaces& places,
                                  const std::vector<int32_t>& positions) {
    const size_t n = positions.size();
    if (n > kMaxHopPositions)
        throw std::invalid_argument("hop distances of " + std::to_string(n) +
                                    " positions: more than " + std::to_string(kMaxHopPositions));
    for (int32_t p : positions)
        if (p < 0 || static_cast<size_t>(p) >= places.kind.size())
            throw std::invalid_argument("position " + std::to_string(p) + " outside the sequence");

    // One search per distinct node that some position stands for.
    std::vector<NodeId> sources;
    std::unordered_map<NodeId, size_t> row;
    for (int32_t p : positions) {
        if (places.kind[static_cast<size_t>(p)] == PositionPlaces::Kind::Special) continue;
        for (NodeId v : {places.a[static_cast<size_t>(p)], places.b[static_cast<size_t>(p)]})
            if (row.emplace(v, sources.size()).second) sources.push_back(v);
    }
    std::vector<std::vector<int32_t>> dist(sources.size());
    tbb::parallel_for(size_t{0}, sources.size(),
                      [&](size_t s) { dist[s] = bfsHops(graph, sources[s]); });

    std::vector<int16_t> hops(n * n, -2);
    tbb::parallel_for(size_t{0}, n, [&](size_t i) {
        const auto pi = static_cast<size_t>(positions[i]);
        if (places.kind[pi] == PositionPlaces::Kind::Special) return;
        const auto& da = dist[row.at(places.a[pi])];
        const auto& db = dist[row.at(places.b[pi])];
        for (size_t j = 0; j < n; ++j) {
            const auto pj = static_cast<size_t>(positions[j]);
            if (places.kind[pj] == PositionPlaces::Kind::Special) continue;
            int32_t best = -1;
            for (NodeId v : {places.a[pj], places.b[pj]})
                for (int32_t d : {da[v], db[v]})
                    if (d >= 0 && (best < 0 || d < best)) best = d;
            hops[i * n + j] = static_cast<int16_t>(std::min<int32_t>(best, 32767));
        }
    });
    return hops;
}

namespace {

struct LayerContext {
    const model::LayerCapture* capture = nullptr;
    std::vector<int16_t> hops;  // empty when not graph-aware
    std::vector<uint8_t> sink;  // [S_l]
    std::vector<double> hopChance;  // [maxHops + 1]
};

/// The hop profile of uniform attention over the allowed keys (see HeadStats::hopChance).
std::vector<double> uniformHopProfile(const std::vector<int16_t>& hops, size_t n,
                                      const std::vector<PositionPlaces::Kind>& rowKind,
                                      const HeadStatsOptions& options) {
    std::vector<double> chance(static_cast<size_t>(options.maxHops) + 1, 0.0);
    if (hops.empty()) return chance;
    int64_t rows = 0;
    for (size_t i = 0; i < n; ++i) {
        if (rowKind[i] == PositionPlaces::Kind::Special) continue;
        ++rows;
        const size_t allowed = options.causal ? i + 1 : n;
        for (size_t j = 0; j < allowed; ++j) {
            const int16_t d = hops[i * n + j];
            if (d >= 0 && d <= options.maxHops) chance[static_cast<size_t>(d)] += 1.0 / static_cast<double>(allowed);
        }
    }
    for (double& c : chance) c = rows ? c / static_cast<double>(rows) : 0.0;
    return chance;
}

HeadStats headStats(const LayerContext& ctx, int head, const PositionPlaces& places,
                    const HeadStatsOptions& options) {
    const model::LayerCapture& c = *ctx.capture;
    const int64_t S = c.attention.dim(1);
    const auto n = static_cast<size_t>(S);
    const float* A = c.attention.data() + static_cast<size_t>(head) * n * n;
    const auto& pos = c.positions;
    const int K = options.maxHops;

    HeadStats s;
    s.layer = c.layer;
    s.head = head;
    s.positions = S;
    s.hopProfile.assign(static_cast<size_t>(K) + 1, 0.0);
    s.hopChance = ctx.hopChance;
    double entropySum = 0.0;
    int64_t entropyRows = 0, graphRows = 0, nodeRows = 0;
    double reachMass = 0.0, reachHops = 0.0;
    for (size_t i = 0; i < n; ++i) {
        const float* row = A + i * n;
        const size_t allowed = options.causal ? i + 1 : n;
        double h = 0.0, mx = 0.0, special = 0.0, sink = 0.0, dist = 0.0;
        for (size_t j = 0; j < allowed; ++j) {
            const double a = row[j];
            if (a > 0.0) h -= a * std::log(a);
            mx = std::max(mx, a);
            if (places.kind[static_cast<size_t>(pos[j])] == PositionPlaces::Kind::Special) special += a;
            if (ctx.sink[j]) sink += a;
            dist += a * std::abs(static_cast<double>(pos[i]) - static_cast<double>(pos[j]));
        }
        if (allowed >= 2) {
            entropySum += h / std::log(static_cast<double>(allowed));
            ++entropyRows;
        }
        s.confidence += mx;
        s.selfMass += row[i];
        s.specialMass += special;
        s.sinkMass += sink;
        s.sequenceDistance += dist;

        const auto pi = static_cast<size_t>(pos[i]);
        const auto kind = places.kind[pi];
        if (kind == PositionPlaces::Kind::Node) {
            double same = 0.0;
            for (size_t j = 0; j < allowed; ++j) {
                const auto pj = static_cast<size_t>(pos[j]);
                if (places.kind[pj] == PositionPlaces::Kind::Node && places.a[pj] == places.a[pi] &&
                    places.walkIndex[pj] != places.walkIndex[pi])
                    same += row[j];
            }
            s.sameNodeMass += same;
            ++nodeRows;
        }
        if (kind != PositionPlaces::Kind::Special && !ctx.hops.empty()) {
            ++graphRows;
            const int16_t* hr = ctx.hops.data() + i * n;
            for (size_t j = 0; j < allowed; ++j) {
                const double a = row[j];
                const int16_t d = hr[j];
                if (d == -2) s.hopSpecial += a;
                else if (d < 0 || d > K) s.hopBeyond += a;
                else s.hopProfile[static_cast<size_t>(d)] += a;
                if (d >= 0) {
                    reachMass += a;
                    reachHops += a * d;
                }
            }
        }
    }
    const double inv = n ? 1.0 / static_cast<double>(n) : 0.0;
    s.entropy = entropyRows ? entropySum / static_cast<double>(entropyRows) : 0.0;
    s.confidence *= inv;
    s.selfMass *= inv;
    s.specialMass *= inv;
    s.sinkMass *= inv;
    s.sequenceDistance *= inv;
    s.noOp = s.sinkMass >= options.noOpThreshold;
    if (nodeRows) s.sameNodeMass /= static_cast<double>(nodeRows);
    if (graphRows) {
        const double g = 1.0 / static_cast<double>(graphRows);
        for (double& m : s.hopProfile) m *= g;
        s.hopBeyond *= g;
        s.hopSpecial *= g;
    }
    s.meanHops = reachMass > 0.0 ? reachHops / reachMass : 0.0;
    return s;
}

}  // namespace

RunHeadStats computeHeadStats(const model::RunResult& result, const TokenSequence& tokens,
                              const Graph& graph, const HeadStatsOptions& options) {
    if (options.maxHops < 0 || options.maxHops > 64)
        throw std::invalid_argument("hop profile: maxHops " + std::to_string(options.maxHops) +
                                    " outside 0..64");
    RunHeadStats out;
    out.maxHops = options.maxHops;
    const PositionPlaces places = positionPlaces(graph, tokens);
    std::vector<LayerContext> layers;
    for (const auto& c : result.layers) {
        if (c.attention.size() == 0) continue;
        if (c.attention.rank() != 3 || c.attention.dim(1) != c.attention.dim(2) ||
            c.attention.dim(1) != static_cast<int64_t>(c.positions.size()))
            throw std::invalid_argument("layer " + std::to_string(c.layer) +
                                        ": attention shape does not match its positions");
        for (int32_t p : c.positions)
            if (p < 0 || static_cast<size_t>(p) >= places.kind.size())
                throw std::invalid_argument("layer " + std::to_string(c.layer) + ": position " +
                                            std::to_string(p) + " is not in the token sequence");
        LayerContext ctx;
        ctx.capture = &c;
        if (c.positions.size() <= kMaxHopPositions) ctx.hops = positionHops(graph, places, c.positions);
        else out.graphAware = false;
        std::vector<PositionPlaces::Kind> rowKind;
        for (int32_t p : c.positions) rowKind.push_back(places.kind[static_cast<size_t>(p)]);
        ctx.hopChance = uniformHopProfile(ctx.hops, c.positions.size(), rowKind, options);
        ctx.sink.assign(c.positions.size(), 0);
        for (size_t j = 0; j < c.positions.size(); ++j)
            ctx.sink[j] = c.positions[j] == 0 ||
                          places.kind[static_cast<size_t>(c.positions[j])] == PositionPlaces::Kind::Special;
        layers.push_back(std::move(ctx));
    }
    std::vector<std::pair<size_t, int>> tasks;
    for (size_t l = 0; l < layers.size(); ++l)
        for (int h = 0; h < layers[l].capture->attention.dim(0); ++h) tasks.emplace_back(l, h);
    out.heads.resize(tasks.size());
    tbb::parallel_for(size_t{0}, tasks.size(), [&](size_t t) {
        out.heads[t] = headStats(layers[tasks[t].first], tasks[t].second, places, options);
    });
    return out;
}

std::vector<std::pair<std::string, double>> namedValues(const HeadStats& s) {
    std::vector<std::pair<std::string, double>> v = {
        {"entropy", s.entropy},       {"confidence", s.confidence},
        {"self_mass", s.selfMass},    {"special_mass", s.specialMass},
        {"sink_mass", s.sinkMass},    {"no_op", s.noOp ? 1.0 : 0.0},
        {"seq_distance", s.sequenceDistance}, {"same_node_mass", s.sameNodeMass},
    };
    for (size_t k = 0; k < s.hopProfile.size(); ++k) v.emplace_back("hop_" + std::to_string(k), s.hopProfile[k]);
    v.emplace_back("hop_beyond", s.hopBeyond);
    v.emplace_back("hop_special", s.hopSpecial);
    v.emplace_back("mean_hops", s.meanHops);
    for (size_t k = 0; k < s.hopChance.size(); ++k) v.emplace_back("chance_hop_" + std::to_string(k), s.hopChance[k]);
    return v;
}

std::vector<HeadStatsSummary> summarizeHeadStats(const std::vector<RunHeadStats>& perGraph) {
    std::map<std::pair<int, int>, HeadStatsSummary> acc;
    std::map<std::pair<int, int>, std::vector<double>> sumSq;
    for (const auto& run : perGraph)
        for (const auto& h : run.heads) {
            const auto values = namedValues(h);
            auto [it, fresh] = acc.try_emplace({h.layer, h.head});
            HeadStatsSummary& s = it->second;
            if (fresh) {
                s.layer = h.layer;
                s.head = h.head;
                for (const auto& [name, value] : values) s.names.push_back(name);
                s.mean.assign(values.size(), 0.0);
                sumSq[{h.layer, h.head}].assign(values.size(), 0.0);
            }
            if (values.size() != s.names.size())
                throw std::invalid_argument("head statistics with different hop ranges");
            auto& sq = sumSq[{h.layer, h.head}];
            for (size_t k = 0; k < values.size(); ++k) {
                s.mean[k] += values[k].second;
                sq[k] += values[k].second * values[k].second;
            }
            ++s.graphs;
        }
    std::vector<HeadStatsSummary> out;
    for (auto& [key, s] : acc) {
        const auto& sq = sumSq[key];
        const double n = static_cast<double>(s.graphs);
        s.stddev.assign(s.mean.size(), 0.0);
        for (size_t k = 0; k < s.mean.size(); ++k) {
            s.mean[k] /= n;
            s.stddev[k] = std::sqrt(std::max(0.0, sq[k] / n - s.mean[k] * s.mean[k]));
        }
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace gts::analysis
