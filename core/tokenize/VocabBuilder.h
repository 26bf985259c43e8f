#pragma once
// Building a GraphGPT vocabulary for a set of graphs, and checking one against them.
//
// Order (alibaba/graph-gpt src/data/vocab_builder.py build_vocab): structure tokens, then
// semantics tokens:
//   <mask> <icl> <sep> structure_0..9 | <gsum> | <edge_in> <edge_out> <edge_bi> <edge_jump> |
//   <eos> <bos> <new> "0".."b-1" "1*b".."(ceil(scope/b)-1)*b" | semantics_0..9 |
//   <e> <.> <-> <0>..<9> | node attributes | edge attributes
// where b = scopeBase (0: "0".."nodeScope-1"). Attributes of a scope: the discrete defaults
// "{world}#{scope}#{col}" sorted as text, then the discrete values sorted by (text of
// "{world}#{scope}#{col}", integer value), then the continuous defaults and the continuous lead
// tokens "...#{col}#1" sorted as text. GraphGPT lists a default only for cols with a value in
// the dataset; here every selected col gets one, because the stacked layout emits it.
//
// GraphGPT's published data/OGB/pcqm4m-v2/vocab differs: its values are sorted as text
// (molecule#node#0#0, #1, #10, #100, ..., #11, ...), its node indices stop at 63 (node_scope
// 64), and it holds every value of OGB's full feature lists, not those of a dataset. Ids of one
// vocab are not ids of another: a checkpoint needs the vocab it was trained with.

#include <span>
#include <string>
#include <vector>

#include "graph/Graph.h"
#include "tokenize/TokenSequence.h"
#include "tokenize/Vocab.h"

namespace gts {

/// Every token that tokenizing `graphs` with `options` can produce, in GraphGPT's order (the
/// structure and number tokens always; attribute tokens for the values in the graphs).
/// Throws std::invalid_argument when a selected column is missing or holds strings.
std::vector<std::string> vocabTokens(std::span<const Graph> graphs, const TokenizeOptions& options);
Vocab buildVocab(std::span<const Graph> graphs, const TokenizeOptions& options);

/// The tokens of vocabTokens(graphs, options) that `vocab` lacks, in that order (empty: every
/// sequence of these graphs, under any seed, encodes).
std::vector<std::string> missingTokens(const Vocab& vocab, std::span<const Graph> graphs,
                                       const TokenizeOptions& options);

}  // namespace gts
