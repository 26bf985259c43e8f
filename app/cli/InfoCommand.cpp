// gtscope-cli info GRAPH [--format FMT] [--json]

#include <iostream>
#include <nlohmann/json.hpp>

#include "CliArgs.h"
#include "Commands.h"
#include "graph/GraphSummary.h"
#include "io/GraphIO.h"

namespace gts::cli {

namespace {

nlohmann::json summaryJson(const GraphSummary& s) {
    nlohmann::json attrs = {{"graph", nlohmann::json::array()},
                            {"node", nlohmann::json::array()},
                            {"edge", nlohmann::json::array()}};
    for (const AttrSummary& a : s.attributes)
        attrs[a.scope].push_back({{"name", a.name},
                                  {"kind", attrKindName(a.kind)},
                                  {"width", a.width},
                                  {"present", a.present},
                                  {"example", a.example}});
    return {{"name", s.name},
            {"nodes", s.nodes},
            {"edges", s.edges},
            {"directed", s.directed},
            {"components", s.components},
            {"largest_component", s.largestComponent},
            {"isolated_nodes", s.isolatedNodes},
            {"self_loops", s.selfLoops},
            {"multi_edges", s.multiEdges},
            {"attributes", attrs}};
}

void printSummary(const GraphSummary& s, std::ostream& out) {
    out << s.name << "\n"
        << "  nodes       " << s.nodes << "\n"
        << "  edges       " << s.edges << (s.directed ? " (directed)" : " (undirected)") << "\n"
        << "  components  " << s.components << " (largest " << s.largestComponent << " nodes)\n";
    if (s.isolatedNodes) out << "  isolated    " << s.isolatedNodes << " nodes\n";
    if (s.selfLoops) out << "  self loops  " << s.selfLoops << "\n";
    if (s.multiEdges) out << "  multi-edges yes\n";
    if (s.attributes.empty()) return;
    out << "  attributes\n";
    for (const AttrSummary& a : s.attributes) {
        out << "    " << a.scope << "." << a.name << "  " << attrKindName(a.kind);
        if (a.width != 1) out << "[" << a.width << "]";
        out << "  " << a.present << "/" << a.size;
        if (!a.example.empty()) {
            std::string ex = a.example.size() > 40 ? a.example.substr(0, 37) + "..." : a.example;
            out << "  e.g. " << ex;
        }
        out << "\n";
    }
}

}  // namespace

int runInfo(const std::vector<std::string>& args) {
    CliArgs a(args, {"json"}, {"format"});
    a.requirePositional(1, "gtscope-cli info GRAPH[#RECORD] [--format FMT] [--json]");
    io::ReadOptions options;
    if (auto f = a.value("format")) {
        options.format = io::parseFormat(*f);
        if (!options.format) throw UsageError("unknown format '" + *f + "'");
    }
    const io::GraphPath gp = io::parseGraphPath(a.positional()[0]);
    options.record = gp.record;
    const std::vector<Graph> graphs = io::readGraphs(gp.file, options);

    std::vector<GraphSummary> summaries;
    for (const Graph& g : graphs) summaries.push_back(summarize(g));
    if (a.flag("json")) {
        // One graph: its summary object. Several records: {"records": n, "graphs": [...]}.
        nlohmann::json j;
        if (summaries.size() == 1) {
            j = summaryJson(summaries[0]);
        } else {
            j["records"] = summaries.size();
            j["graphs"] = nlohmann::json::array();
            for (const auto& s : summaries) j["graphs"].push_back(summaryJson(s));
        }
        std::cout << j.dump(2) << "\n";
        return 0;
    }
    if (summaries.size() > 1)
        std::cout << gp.file.string() << ": " << summaries.size()
                  << " graphs (address one as FILE#N, from 0)\n";
    for (const auto& s : summaries) printSummary(s, std::cout);
    return 0;
}

}  // namespace gts::cli
