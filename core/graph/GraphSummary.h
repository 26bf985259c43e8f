#pragma once
// A description of a graph for people: counts, structure flags and the attribute schema.

#include <string>
#include <vector>

#include "graph/Graph.h"

namespace gts {

/// One attribute column as described to a user.
struct AttrSummary {
    std::string scope;  // "node", "edge" or "graph"
    std::string name;
    AttrKind kind = AttrKind::Discrete;
    uint32_t width = 1;
    size_t present = 0;  // elements with a value
    size_t size = 0;     // elements in the scope
    std::string example;  // the first present value as text
};

/// What `gtscope-cli info` and the app's graph panel show.
struct GraphSummary {
    std::string name;
    size_t nodes = 0;
    size_t edges = 0;
    bool directed = false;
    size_t components = 0;
    size_t largestComponent = 0;
    size_t selfLoops = 0;
    bool multiEdges = false;
    size_t isolatedNodes = 0;
    std::vector<AttrSummary> attributes;
};

GraphSummary summarize(const Graph& graph);

}  // namespace gts
