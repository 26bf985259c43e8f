#pragma once
// Input saliency from attention: rollout and flow (Abnar & Zuidema 2020, "Quantifying
// Attention Flow in Transformers", §3), and head similarity (Jensen–Shannon divergence) with
// a clustering of heads.

#include <cstdint>
#include <vector>

#include "analysis/HeadStats.h"
#include "graph/Graph.h"
#include "model/Run.h"
#include "tokenize/TokenSequence.h"

namespace gts::analysis {

/// Per input position (original positions 0..S−1) saliency for the chosen output rows.
struct Saliency {
    std::vector<double> position;  ///< [S]
    std::vector<double> node;      ///< [nodeCount], summed over the node's positions
    std::vector<double> edge;      ///< [edgeCount], over positions that step along the edge
};

/// The output rows a saliency is read for: the last remaining position (fine-tuning models pool
/// it), or the mean over all remaining positions.
enum class SaliencyTarget : uint8_t { LastPosition, AllPositions };

/// Attention rollout. With A_l the mean over heads of layer l's attention, the residual is
/// accounted for by Â_l = ½ (A_l + I) (rows still sum to 1), and J_l = Â_l J_{l−1}, J_0 = I;
/// the saliency of input j for output row i is J_L[i, j]. Tokens pruned before a layer keep
/// their state from then on, so their rows of Â are rows of I. Layers without captured
/// attention are refused (std::invalid_argument): rollout needs every layer. S = the
/// sequence length of the run (positions of the first layer).
Saliency attentionRollout(const model::RunResult& result, SaliencyTarget target);

/// Attention flow: the graph has a node per (layer boundary l = 0..L, position) and an edge
/// (l−1, j) → (l, i) of capacity Â_l[i, j]; the saliency of input j is the maximum flow from
/// (0, j) to the output rows at layer L (to a super-sink for AllPositions). Exact (Dinic's
/// algorithm, O(V² E) per input); refused above kMaxFlowPositions positions.
constexpr int64_t kMaxFlowPositions = 128;
Saliency attentionFlow(const model::RunResult& result, SaliencyTarget target);

/// Carries position saliency onto the graph through provenance (like attentionOnGraph):
/// a Node position's value to its node, an Edge position's (and a stacked node position's
/// arriving step over an original or repeated edge) to that edge.
void saliencyOnGraph(Saliency& s, const Graph& graph, const TokenSequence& tokens);

/// Jensen–Shannon divergence (base 2, in [0, 1]) between two heads' attention of the same
/// size, the mean over query rows of JSD(a_i, b_i) = ½ KL(a_i‖m) + ½ KL(b_i‖m), m = ½(a_i+b_i).
double attentionJsd(const float* a, const float* b, int64_t size);

struct HeadId {
    int layer = 0;
    int head = 0;
};
/// Pairwise JSD of the heads of the captured layers (heads of layers of different sizes, under
/// pruning, are compared only within their layer; other pairs get NaN). `withinLayers` limits
/// it to pairs of the same layer (the others NaN), which is L times cheaper.
struct HeadSimilarity {
    std::vector<HeadId> heads;
    std::vector<double> jsd;  ///< [n × n]
};
HeadSimilarity headSimilarity(const model::RunResult& result, bool withinLayers);

/// Agglomerative clustering with average linkage (UPGMA) over the JSD matrix (NaN pairs count
/// as the largest distance, 1). merges[k] = {a, b, height}: clusters a and b merged at `height`,
/// cluster ids 0..n−1 the heads and n + k the k-th merge. `order` is the leaf order of the
/// dendrogram (heads grouped by cluster).
struct HeadClustering {
    struct Merge {
        int a = 0, b = 0;
        double height = 0.0;
    };
    std::vector<Merge> merges;
    std::vector<int> order;
    /// Cluster label per head when the dendrogram is cut into `clusters` groups.
    std::vector<int> labels(int clusters) const;
    int leaves = 0;
};
HeadClustering clusterHeads(const HeadSimilarity& similarity);

/// Fills each head's cluster (the dendrogram cut into `clusters` groups) and its nearest other
/// head by JSD (pairs without a value are skipped) in `stats`, matching heads by (layer, head).
void annotateSimilarity(RunHeadStats& stats, const HeadSimilarity& similarity, int clusters);

}  // namespace gts::analysis
