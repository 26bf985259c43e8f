#pragma once
// Per-head interpretability metrics over one run, with the graph-aware ones read through token
// provenance, and their aggregation over many graphs.
//
// Notation: a_ij is the attention of query row i to key row j in one layer and head (rows are
// the positions present in that layer, LayerCapture::positions); every row is a probability
// distribution over the keys the mask allows (all rows, or j <= i under a causal mask). No
// padding is ever formed by the engine, so there is nothing to exclude.

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "graph/Graph.h"
#include "model/Run.h"
#include "tokenize/TokenSequence.h"

namespace gts::analysis {

/// Where each original position sits on the graph.
///  - Node: a walk node (stacked layouts: the node position; flat: its index and attribute
///    tokens), standing for the node set {node}.
///  - Edge: a walk step over an original edge (StackedLong's edge positions, flat edge
///    tokens), standing for the set of the edge's two endpoints.
///  - Special: <eos> and steps with no element (jumps between components): no place on the
///    graph.
struct PositionPlaces {
    enum class Kind : uint8_t { Node, Edge, Special };
    std::vector<Kind> kind;           ///< [positions]
    std::vector<NodeId> a, b;         ///< endpoints (a == b for Node), kNoIndex for Special
    std::vector<uint32_t> walkIndex;  ///< the walk visit of a Node position
};
PositionPlaces positionPlaces(const Graph& graph, const TokenSequence& tokens);

/// Hop distance between two positions: the least number of edges between the node sets they
/// stand for (so 0 for the same node, a node and an edge at it, or two edges that meet), -1
/// when no path joins them (another component), -2 when either is Special. Computed by one
/// breadth-first search per distinct node, for every pair of the given positions: [n × n]
/// row-major, n = positions.size(). Throws std::invalid_argument above kMaxHopPositions
/// positions (the matrix alone would be ≥ 64 MB).
constexpr size_t kMaxHopPositions = 4096;
std::vector<int16_t> positionHops(const Graph& graph, const PositionPlaces& places,
                                  const std::vector<int32_t>& positions);

struct HeadStatsOptions {
    /// Hop profile bins 0..maxHops, then one bin for "farther or unreachable".
    int maxHops = 4;
    /// A head is flagged a no-op when its mean sink mass reaches this.
    double noOpThreshold = 0.5;
    /// The model's mask: rows have i + 1 allowed keys when causal, else S.
    bool causal = false;
};

/// Every metric of one layer × head.
struct HeadStats {
    int layer = 0;
    int head = 0;
    int64_t positions = 0;  ///< S_l
    /// Normalized entropy (1/|R|) Σ_{i∈R} H(a_i) / log n_i, n_i the number of keys row i may
    /// attend to and R the rows with n_i ≥ 2 (a single key has no choice); H(p) = −Σ p log p.
    /// Clark et al. 2019, "What Does BERT Look At?", §3.
    double entropy = 0.0;
    /// (1/S) Σ_i max_j a_ij. Voita et al. 2019, "Analyzing Multi-Head Self-Attention", §4.1.
    double confidence = 0.0;
    /// (1/S) Σ_i a_ii. Kovaleva et al. 2019, "Revealing the Dark Secrets of BERT", §4.
    double selfMass = 0.0;
    /// (1/S) Σ_i Σ_{j special} a_ij: attention to <eos> and element-less positions.
    double specialMass = 0.0;
    /// (1/S) Σ_i Σ_{j ∈ sinks} a_ij, sinks = the special positions and the first position of
    /// the sequence: the tokens heads use as "no-op" targets (Bondarenko et al. 2023,
    /// "Quantizable Transformers: Removing Outliers by Helping Attention Heads Do Nothing", §3;
    /// the first token as sink: Xiao et al. 2023, "Efficient Streaming Language Models with
    /// Attention Sinks", §3.1).
    double sinkMass = 0.0;
    /// sinkMass ≥ HeadStatsOptions::noOpThreshold.
    bool noOp = false;
    /// (1/S) Σ_i Σ_j a_ij |p_i − p_j|, p the original positions (RoPE positions).
    double sequenceDistance = 0.0;

    // Graph-aware metrics: over the graph queries G (Node and Edge rows); empty G gives 0.
    /// Node queries only: mean over them of the attention to other visits of the same node
    /// (same node, another walk index) — how much a head links a node's occurrences.
    double sameNodeMass = 0.0;
    /// m_k = (1/|G|) Σ_{i∈G} Σ_{j: hop(i,j)=k} a_ij for k = 0..maxHops; hopBeyond takes the
    /// keys farther than maxHops or unreachable, hopSpecial the Special keys; the bins of a
    /// row sum to 1.
    std::vector<double> hopProfile;
    /// The profile a head attending uniformly over the allowed keys would have (the chance
    /// level of each bin for this layer's sequence and graph): hopProfile[k] / hopChance[k]
    /// above 1 means the head prefers keys k hops away.
    std::vector<double> hopChance;
    double hopBeyond = 0.0;
    double hopSpecial = 0.0;
    /// Σ_k k m_k over reachable graph keys divided by their mass (the expected hop distance of
    /// what a graph query attends to, sinks aside).
    double meanHops = 0.0;

    // Head similarity (annotateSimilarity; unset until then): the cluster of the head in an
    // average-linkage clustering of all heads by Jensen–Shannon divergence, and its most
    // similar other head.
    int cluster = -1;
    int nearestLayer = -1, nearestHead = -1;
    double nearestJsd = 0.0;
};

/// The metrics of every captured layer and head (attention captured; layers in result order,
/// heads in order). Graph-aware metrics need hop distances: they stay 0 (and `graphAware` is
/// false) for layers wider than kMaxHopPositions.
struct RunHeadStats {
    std::vector<HeadStats> heads;
    bool graphAware = true;
    int maxHops = 4;
};
RunHeadStats computeHeadStats(const model::RunResult& result, const TokenSequence& tokens,
                              const Graph& graph, const HeadStatsOptions& options = {});

/// The metrics as (name, value) pairs in a fixed order: entropy, confidence, self_mass,
/// special_mass, sink_mass, no_op (0/1), seq_distance, same_node_mass, hop_0 .. hop_K,
/// hop_beyond, hop_special, mean_hops, chance_hop_0 .. chance_hop_K.
std::vector<std::pair<std::string, double>> namedValues(const HeadStats& s);

/// Mean and (population) standard deviation of each named metric of each head over graphs.
struct HeadStatsSummary {
    int layer = 0;
    int head = 0;
    int64_t graphs = 0;
    std::vector<std::string> names;
    std::vector<double> mean, stddev;
};
/// Aggregates per-graph results; heads are matched by (layer, head).
std::vector<HeadStatsSummary> summarizeHeadStats(const std::vector<RunHeadStats>& perGraph);

}  // namespace gts::analysis
