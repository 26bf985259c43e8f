#include "tokenize/VocabBuilder.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "tokenize/TokenText.h"

namespace gts {
namespace {

/// What the graphs hold for the cols of one scope (node or edge).
struct ScopeValues {
    std::map<int32_t, AttrKind> cols;
    std::set<std::pair<int32_t, int64_t>> discrete;  // (col, value)
};

void collect(const AttrTable& table, const std::optional<std::vector<std::string>>& names, ScopeValues& out) {
    for (const TokenColumn& spec : selectTokenColumns(table, names)) {
        const AttrColumn* col = table.find(spec.name);
        for (uint32_t k = 0; k < spec.width; ++k) {
            const int32_t c = spec.firstCol + int32_t(k);
            out.cols.emplace(c, spec.kind);
            if (spec.kind != AttrKind::Discrete) continue;
            for (size_t i = 0; i < col->size(); ++i)
                if (col->has(i)) out.discrete.emplace(c, col->intAt(i, k));
        }
    }
}

void appendScope(std::vector<std::string>& out, const ScopeValues& values, const std::string& world, bool edge) {
    auto sortedText = [](std::vector<std::string> v) {
        std::sort(v.begin(), v.end());
        return v;
    };
    std::vector<std::string> discreteDefaults, continuousDefaults, continuousLeads;
    for (const auto& [c, kind] : values.cols) {
        if (kind == AttrKind::Discrete) {
            discreteDefaults.push_back(tokens::attrDefaultToken(world, edge, c));
        } else {
            continuousDefaults.push_back(tokens::attrDefaultToken(world, edge, c));
            continuousLeads.push_back(tokens::continuousLeadToken(world, edge, c));
        }
    }
    // Values sorted by (prefix text, integer value), as GraphGPT's _get_vocab.
    std::vector<std::pair<std::string, int64_t>> keyed;
    keyed.reserve(values.discrete.size());
    for (const auto& [c, v] : values.discrete) keyed.emplace_back(tokens::attrDefaultToken(world, edge, c), v);
    std::sort(keyed.begin(), keyed.end());
    for (std::string& t : sortedText(std::move(discreteDefaults))) out.push_back(std::move(t));
    for (const auto& [prefix, v] : keyed) out.push_back(prefix + "#" + std::to_string(v));
    for (std::string& t : sortedText(std::move(continuousDefaults))) out.push_back(std::move(t));
    for (std::string& t : sortedText(std::move(continuousLeads))) out.push_back(std::move(t));
}

}  // namespace

std::vector<std::string> vocabTokens(std::span<const Graph> graphs, const TokenizeOptions& options) {
    std::vector<std::string> out = {tokens::kMask, tokens::kIcl, tokens::kSep};
    for (int k = 0; k < tokens::kReservedTokenCount; ++k) out.push_back("structure_" + std::to_string(k));
    out.push_back(tokens::kGsum);
    for (const char* t : {tokens::kEdgeIn, tokens::kEdgeOut, tokens::kEdgeBi, tokens::kEdgeJump}) out.push_back(t);
    for (const char* t : {tokens::kEos, tokens::kBos, tokens::kNew}) out.push_back(t);
    const uint32_t base = options.scopeBase == 0 ? options.nodeScope : options.scopeBase;
    for (uint32_t i = 0; i < base; ++i) out.push_back(std::to_string(i));
    if (options.scopeBase > 0) {
        const uint64_t high = (uint64_t(options.nodeScope) + base - 1) / base;
        for (uint64_t q = 1; q < high; ++q) out.push_back(std::to_string(q) + "*" + std::to_string(base));
    }
    for (int k = 0; k < tokens::kReservedTokenCount; ++k) out.push_back("semantics_" + std::to_string(k));
    for (const char* t : tokens::kNumberTokens) out.push_back(t);
    ScopeValues nodes, edges;
    for (const Graph& g : graphs) {
        collect(g.nodeAttrs(), options.nodeColumns, nodes);
        collect(g.edgeAttrs(), options.edgeColumns, edges);
    }
    appendScope(out, nodes, options.world, false);
    appendScope(out, edges, options.world, true);
    return out;
}

Vocab buildVocab(std::span<const Graph> graphs, const TokenizeOptions& options) {
    return Vocab::fromTokens(vocabTokens(graphs, options));
}

std::vector<std::string> missingTokens(const Vocab& vocab, std::span<const Graph> graphs,
                                       const TokenizeOptions& options) {
    std::vector<std::string> out;
    for (std::string& t : vocabTokens(graphs, options))
        if (!vocab.contains(t)) out.push_back(std::move(t));
    return out;
}

}  // namespace gts
