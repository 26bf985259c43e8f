#pragma once
// Decoding GraphGPT token sequences back into graphs.
//
// Nodes are the distinct node indices, numbered in order of first appearance; edges are the
// walk's steps that are not jumps, one per distinct edge, in order of first traversal; node
// and edge attributes come from the first visit / traversal that carries attribute tokens.
// A default token means "no value"; an element with no value in any col of a column is absent.
//
// What GraphGPT's format cannot say, and what GTScope does about it:
// - Multi-edges: a pair walked twice may be two parallel edges or one edge repeated by
//   eulerization. From tokens alone every distinct node pair is one edge (GraphGPT's graphs are
//   simple). `stepEdges` (from TokenSequence provenance) says which traversals are one edge, so
//   a sequence made by GTScope decodes to its exact edge multiset.
// - Jumps in the stacked layouts with removeEdgeTypeToken: no token marks them. From tokens
//   alone a step is a jump when every edge attribute token it carries is a default (so a graph
//   with no edge attributes, or an edge without a value, is ambiguous); `stepEdges` decides.
// - Direction: "<edge_out>" / "<edge_in>" orient an edge and make the graph directed; with the
//   type tokens removed, or for "<edge_bi>", the decoded edge goes the way it was first walked.
// - A self loop on a single-node component is dropped by GraphGPT; GTScope's walk keeps it
//   (a step from the node to itself), so it decodes.
// - share_vocab cols (-1) name no column and are refused.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "graph/Graph.h"
#include "tokenize/TokenSequence.h"

namespace gts {

/// A token sequence that does not decode; what() says where (position, token) and what.
class DetokenizeError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct DetokenizeOptions {
    TokenLayout layout = TokenLayout::Stacked;
    std::string world = "molecule";
    /// The columns the cols belong to. Empty: one column "feat" per scope, as wide as the
    /// largest col + 1, Discrete (or Continuous when every col is continuous).
    std::vector<TokenColumn> nodeColumns;
    std::vector<TokenColumn> edgeColumns;
    /// Per walk step, the edge it travels (equal values: the same edge; kNoIndex: a jump).
    std::optional<std::vector<EdgeId>> stepEdges;
};

/// Decodes token positions (for the flat layout, positions are concatenated). Throws
/// DetokenizeError for a malformed sequence.
Graph detokenize(const std::vector<std::vector<std::string>>& positions, const DetokenizeOptions& options);

/// Decodes a sequence made by tokenize(), with its layout, world, columns and step provenance:
/// the result equals the tokenized graph up to node and edge order.
Graph detokenize(const TokenSequence& sequence);

}  // namespace gts
