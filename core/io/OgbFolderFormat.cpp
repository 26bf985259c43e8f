// OGB raw dataset folders: the CSV tables of an OGB dataset's raw/ directory.
//
//   edge.csv            "src,dst" per edge; node indices local to each graph
//   num-node-list.csv   nodes per graph    } both or neither; without them the folder holds
//   num-edge-list.csv   edges per graph    } one graph
//   node-feat.csv       one row per node (all graphs' nodes in order), comma-separated numbers
//   edge-feat.csv       one row per edge
//   graph-label.csv     one row per graph ("nan" where a task has no label)
//   node-label.csv, edge-label.csv
// Each table may be gzipped (name.csv.gz). Tables have no header row.
//
// Graphs are read as undirected with one edge per edge.csv row: OGB's molecule datasets store
// each bond once in raw/ and add the reverse direction only when loading. Integer tables become
// Discrete columns, tables with any non-integer value Continuous ones.
//
// Node counts: with node-feat present the claimed nodes must equal its rows. Without it nodes
// are only a count, and the claim is bounded by what the edges could touch (two per edge) plus
// kIsolatedNodeAllowance nodes with no edge, so that a small file cannot claim a huge graph.

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <limits>
#include <optional>
#include <stdexcept>
#include <system_error>

#include "graph/AttrNames.h"
#include "io/Formats.h"
#include "io/TextInput.h"

namespace gts::io::detail {

namespace fs = std::filesystem;

namespace {

constexpr uint64_t kIsolatedNodeAllowance = uint64_t(1) << 20;

const char* const kTableStems[] = {"edge",       "num-node-list", "num-edge-list",
                                   "node-feat",  "edge-feat",     "graph-label",
                                   "node-label", "edge-label"};

/// The table file for a stem: stem.csv.gz, else stem.csv; nullopt when neither exists.
std::optional<fs::path> findTable(const fs::path& dir, const std::string& stem) {
    std::error_code ec;
    for (const char* ext : {".csv.gz", ".csv"}) {
        fs::path p = dir / (stem + ext);
        if (fs::is_regular_file(p, ec)) return p;
    }
    return std::nullopt;
}

fs::path resolveRawDir(const fs::path& path) {
    if (findTable(path, "edge")) return path;
    if (findTable(path / "raw", "edge")) return path / "raw";
    std::error_code ec;
    if (!fs::is_directory(path, ec))
        throw std::runtime_error(path.string() + ": not a directory");
    throw ParseError(path.string(), 0, "no edge.csv or edge.csv.gz here or in raw/ (not an OGB raw folder)");
}

/// A table of numbers: `rows` x `width`, row r on line r + 1. Integers while every cell is one
/// (`ints`), else reals (`reals`). Missing cells ("nan" where allowed) are flagged.
struct NumericTable {
    std::string source;
    size_t rows = 0;
    uint32_t width = 0;
    bool integral = true;
    std::vector<int64_t> ints;
    std::vector<double> reals;
    std::vector<uint8_t> missing;  // [rows * width] when any cell is missing, else empty
    bool anyMissing() const { return !missing.empty(); }
    bool cellMissing(size_t r, uint32_t k) const {
        return !missing.empty() && missing[r * width + k] != 0;
    }
    bool rowMissing(size_t r) const {
        if (missing.empty()) return false;
        for (uint32_t k = 0; k < width; ++k)
            if (!missing[r * width + k]) return false;
        return true;
    }
};

bool isNanText(std::string_view s) {
    return s.size() == 3 && std::tolower(static_cast<unsigned char>(s[0])) == 'n' &&
           std::tolower(static_cast<unsigned char>(s[1])) == 'a' &&
           std::tolower(static_cast<unsigned char>(s[2])) == 'n';
}

NumericTable readTable(const fs::path& path, size_t maxRows, bool allowMissing,
                       bool requireIntegers) {
    NumericTable t;
    t.source = path.string();
    const std::string data = readFileBytes(path);
    requireUtf8(data, t.source);
    LineReader reader(data);
    std::string_view line;
    size_t blankRun = 0;
    std::vector<std::string_view> cells;
    while (reader.next(line)) {
        if (trim(line).empty()) {
            ++blankRun;
            continue;
        }
        if (blankRun)
            throw ParseError(t.source, reader.lineNumber() - 1, "blank line inside the table");
        if (t.rows >= maxRows)
            throw ParseError(t.source, reader.lineNumber(),
                             "more than " + std::to_string(maxRows) + " rows");
        cells.clear();
        size_t start = 0;
        while (true) {
            const size_t comma = line.find(',', start);
            cells.push_back(trim(line.substr(start, comma == std::string_view::npos ? comma : comma - start)));
            if (comma == std::string_view::npos) break;
            start = comma + 1;
        }
        if (t.rows == 0) {
            t.width = uint32_t(cells.size());
        } else if (cells.size() != t.width) {
            throw ParseError(t.source, reader.lineNumber(),
                             "row has " + std::to_string(cells.size()) + " values, the first row has " +
                                 std::to_string(t.width));
        }
        for (uint32_t k = 0; k < cells.size(); ++k) {
            const std::string_view cell = cells[k];
            bool isMissing = false;
            std::optional<int64_t> asInt;
            double asReal = 0;
            if (allowMissing && isNanText(cell)) {
                isMissing = true;
            } else if ((asInt = parseInt(cell))) {
                asReal = double(*asInt);
            } else if (auto r = parseReal(cell); r && !requireIntegers && !std::isnan(*r)) {
                asReal = *r;
            } else {
                throw ParseError(t.source, reader.lineNumber(),
                                 "value " + std::to_string(k + 1) + " is not " +
                                     (requireIntegers ? "an integer" : "a number") + ": '" +
                                     std::string(cell.substr(0, 40)) + "'");
            }
            if (isMissing && t.missing.empty()) t.missing.assign(t.ints.size() + t.reals.size(), 0);
            if (!t.missing.empty()) t.missing.push_back(isMissing ? 1 : 0);
            if (t.integral && !isMissing && !asInt) {
                // First non-integer: the whole table becomes real.
                t.integral = false;
                t.reals.assign(t.ints.begin(), t.ints.end());
                t.ints.clear();
                t.ints.shrink_to_fit();
            }
            if (t.integral) t.ints.push_back(isMissing ? 0 : *asInt);
            else t.reals.push_back(isMissing ? std::numeric_limits<double>::quiet_NaN() : asReal);
        }
        ++t.rows;
    }
    return t;
}

/// A list of per-graph counts (num-node-list, num-edge-list): one non-negative integer a line.
std::vector<uint64_t> countList(const NumericTable& t) {
    if (t.rows == 0) throw ParseError(t.source, 0, "empty file: no graph counts");
    if (t.width != 1) throw ParseError(t.source, 1, "expected one count per line");
    std::vector<uint64_t> counts;
    counts.reserve(t.rows);
    for (size_t r = 0; r < t.rows; ++r) {
        if (t.ints[r] < 0) throw ParseError(t.source, r + 1, "negative count");
        counts.push_back(uint64_t(t.ints[r]));
    }
    return counts;
}

/// Copies rows [first, first + count) of `t` into column `name` of `table` (elements 0..count).
void addRows(AttrTable& table, const char* name, const NumericTable& t, size_t first, size_t count) {
    if (t.width == 0) return;
    // Single-column labels with "nan" rows stay Discrete with those rows absent; a "nan" inside
    // a multi-task row needs a real NaN, so such tables are Continuous.
    const bool discrete = t.integral && (!t.anyMissing() || t.width == 1);
    AttrColumn& col = table.add(name, discrete ? AttrKind::Discrete : AttrKind::Continuous, t.width);
    for (size_t i = 0; i < count; ++i) {
        const size_t r = first + i;
        if (t.rowMissing(r)) continue;
        for (uint32_t k = 0; k < t.width; ++k) {
            const size_t cell = r * t.width + k;
            if (discrete) col.setInt(i, t.ints[cell], k);
            else if (t.integral)
                col.setReal(i, t.cellMissing(r, k) ? std::numeric_limits<double>::quiet_NaN()
                                                   : double(t.ints[cell]), k);
            else col.setReal(i, t.reals[cell], k);
        }
    }
}

void requireRows(const NumericTable& t, size_t expected, const std::string& what) {
    if (t.rows != expected)
        throw ParseError(t.source, 0,
                         std::to_string(t.rows) + " rows, expected one per " + what + " (" +
                             std::to_string(expected) + ")");
}

}  // namespace

std::vector<Graph> readOgbFolder(const fs::path& path, const ReadOptions& options) {
    const fs::path dir = resolveRawDir(path);
    const ReadLimits& limits = options.limits;

    const NumericTable edges = readTable(*findTable(dir, "edge"), limits.maxEdges, false, true);
    if (edges.rows > 0 && edges.width != 2)
        throw ParseError(edges.source, 1, "expected two node indices per line (src,dst)");
    const size_t edgeTotal = edges.rows;

    auto optionalTable = [&](const char* stem, size_t maxRows, bool allowMissing,
                             bool integers) -> std::optional<NumericTable> {
        if (auto p = findTable(dir, stem)) return readTable(*p, maxRows, allowMissing, integers);
        return std::nullopt;
    };
    const auto nodeList = optionalTable("num-node-list", limits.maxRecords, false, true);
    const auto edgeList = optionalTable("num-edge-list", limits.maxRecords, false, true);
    if (nodeList.has_value() != edgeList.has_value())
        throw ParseError(dir.string(), 0,
                         "num-node-list and num-edge-list must be given together");
    const auto nodeFeat = optionalTable("node-feat", limits.maxNodes, false, false);
    const auto edgeFeat = optionalTable("edge-feat", limits.maxEdges, false, false);
    if (edgeFeat) requireRows(*edgeFeat, edgeTotal, "edge in edge.csv");

    std::vector<uint64_t> nodeCounts, edgeCounts;
    if (nodeList) {
        nodeCounts = countList(*nodeList);
        edgeCounts = countList(*edgeList);
        if (nodeCounts.size() != edgeCounts.size())
            throw ParseError(edgeList->source, 0,
                             std::to_string(edgeCounts.size()) + " graphs, num-node-list has " +
                                 std::to_string(nodeCounts.size()));
        uint64_t edgeSum = 0;
        for (size_t g = 0; g < edgeCounts.size(); ++g) {
            edgeSum += edgeCounts[g];
            if (edgeSum > edgeTotal)
                throw ParseError(edgeList->source, g + 1,
                                 "edge counts add up to more than the " + std::to_string(edgeTotal) +
                                     " edges in edge.csv");
        }
        if (edgeSum != edgeTotal)
            throw ParseError(edgeList->source, 0,
                             "edge counts add up to " + std::to_string(edgeSum) + ", edge.csv has " +
                                 std::to_string(edgeTotal) + " edges");
        // The bound on claimed nodes, checked line by line before any graph is built.
        const uint64_t bound =
            nodeFeat ? uint64_t(nodeFeat->rows)
                     : std::min<uint64_t>(limits.maxNodes, 2 * uint64_t(edgeTotal) + kIsolatedNodeAllowance);
        uint64_t nodeSum = 0;
        for (size_t g = 0; g < nodeCounts.size(); ++g) {
            nodeSum += nodeCounts[g];
            if (nodeSum > bound)
                throw ParseError(nodeList->source, g + 1,
                                 nodeFeat ? "node counts add up to more than the " +
                                                std::to_string(bound) + " rows of node-feat"
                                          : "node counts add up to more than " +
                                                std::to_string(bound) +
                                                " (two per edge plus isolated nodes)");
        }
        if (nodeFeat && nodeSum != nodeFeat->rows)
            throw ParseError(nodeList->source, 0,
                             "node counts add up to " + std::to_string(nodeSum) + ", node-feat has " +
                                 std::to_string(nodeFeat->rows) + " rows");
    } else {
        uint64_t nodes = 0;
        if (nodeFeat) {
            nodes = nodeFeat->rows;
        } else {
            for (int64_t v : edges.ints) nodes = std::max<uint64_t>(nodes, uint64_t(std::max<int64_t>(v, 0)) + 1);
            const uint64_t bound = std::min<uint64_t>(
                limits.maxNodes, 2 * uint64_t(edgeTotal) + kIsolatedNodeAllowance);
            if (nodes > bound)
                throw ParseError(edges.source, 0,
                                 "node index " + std::to_string(nodes - 1) + " implies more than " +
                                     std::to_string(bound) +
                                     " nodes (two per edge plus isolated nodes); give node-feat "
                                     "or num-node-list");
        }
        if (nodes == 0)
            throw ParseError(dir.string(), 0, "no nodes: edge.csv is empty and no node count or "
                                              "node-feat is given");
        nodeCounts = {nodes};
        edgeCounts = {edgeTotal};
    }
    const size_t graphCount = nodeCounts.size();
    if (graphCount > limits.maxRecords)
        throw ParseError(dir.string(), 0, "more than " + std::to_string(limits.maxRecords) + " graphs");
    size_t nodeTotal = 0;
    for (uint64_t n : nodeCounts) nodeTotal += size_t(n);
    if (nodeTotal > limits.maxNodes)
        throw ParseError(dir.string(), 0, "more than " + std::to_string(limits.maxNodes) + " nodes");

    const auto graphLabel = optionalTable("graph-label", limits.maxRecords, true, false);
    if (graphLabel) requireRows(*graphLabel, graphCount, "graph");
    const auto nodeLabel = optionalTable("node-label", limits.maxNodes, true, false);
    if (nodeLabel) requireRows(*nodeLabel, nodeTotal, "node");
    const auto edgeLabel = optionalTable("edge-label", limits.maxEdges, true, false);
    if (edgeLabel) requireRows(*edgeLabel, edgeTotal, "edge");

    std::vector<Graph> graphs;
    graphs.reserve(graphCount);
    size_t nodeOffset = 0, edgeOffset = 0;
    for (size_t gi = 0; gi < graphCount; ++gi) {
        Graph g(false);
        const size_t n = size_t(nodeCounts[gi]);
        const size_t m = size_t(edgeCounts[gi]);
        g.addNodes(n);
        g.reserveEdges(m);
        for (size_t i = 0; i < m; ++i) {
            const size_t row = edgeOffset + i;
            const int64_t src = edges.ints[2 * row], dst = edges.ints[2 * row + 1];
            if (src < 0 || dst < 0 || uint64_t(src) >= n || uint64_t(dst) >= n)
                throw ParseError(edges.source, row + 1,
                                 "edge " + std::to_string(src) + "," + std::to_string(dst) +
                                     " of graph " + std::to_string(gi) +
                                     " names a node outside 0.." +
                                     (n ? std::to_string(n - 1) : std::string("(no nodes)")));
            g.addEdge(NodeId(src), NodeId(dst));
        }
        if (nodeFeat) addRows(g.nodeAttrs(), attr::kFeat, *nodeFeat, nodeOffset, n);
        if (edgeFeat) addRows(g.edgeAttrs(), attr::kFeat, *edgeFeat, edgeOffset, m);
        if (nodeLabel) addRows(g.nodeAttrs(), attr::kLabel, *nodeLabel, nodeOffset, n);
        if (edgeLabel) addRows(g.edgeAttrs(), attr::kLabel, *edgeLabel, edgeOffset, m);
        if (graphLabel) addRows(g.graphAttrs(), attr::kLabel, *graphLabel, gi, 1);
        nodeOffset += n;
        edgeOffset += m;
        graphs.push_back(std::move(g));
    }
    return graphs;
}

namespace {

/// The numeric column `name` of one scope in every graph, checked to agree in kind and width;
/// nullopt when no graph has it. Elements without a value are written as "nan" when
/// `allowMissing`, else they are an error.
struct ColumnSet {
    AttrKind kind = AttrKind::Discrete;
    uint32_t width = 0;
};

std::optional<ColumnSet> numericColumns(const std::vector<Graph>& graphs,
                                        const AttrTable& (*scope)(const Graph&), const char* name,
                                        const char* what, bool allowMissing) {
    std::optional<ColumnSet> set;
    bool someLack = false;
    for (const Graph& g : graphs) {
        const AttrColumn* c = scope(g).find(name);
        if (!c || c->kind == AttrKind::String) {
            someLack = someLack || scope(g).size() > 0;
            continue;
        }
        if (!allowMissing && !c->allPresent())
            throw std::invalid_argument(std::string("OGB folder: some ") + what + " lack \"" + name +
                                        "\"; every one needs a value");
        if (set && (set->kind != c->kind || set->width != c->width))
            throw std::invalid_argument(std::string("OGB folder: \"") + name + "\" of the " + what +
                                        " differs in type or width between graphs");
        set = ColumnSet{c->kind, c->width};
    }
    if (set && someLack && !allowMissing)
        throw std::invalid_argument(std::string("OGB folder: some graphs' ") + what + " have \"" +
                                    name + "\" and others do not");
    return set;
}

void appendRow(std::string& out, const AttrColumn* c, const ColumnSet& set, size_t i) {
    for (uint32_t k = 0; k < set.width; ++k) {
        if (k) out += ',';
        if (!c || !c->has(i)) out += "nan";
        else if (c->kind == AttrKind::Discrete) out += std::to_string(c->intAt(i, k));
        else out += formatReal(c->realAt(i, k));
    }
    out += '\n';
}

void writeTextFile(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error(path.string() + ": cannot create file");
    out.write(text.data(), std::streamsize(text.size()));
    if (!out.flush()) throw std::runtime_error(path.string() + ": write failed");
}

const AttrTable& nodeScope(const Graph& g) { return g.nodeAttrs(); }
const AttrTable& edgeScope(const Graph& g) { return g.edgeAttrs(); }
const AttrTable& graphScope(const Graph& g) { return g.graphAttrs(); }

}  // namespace

void writeOgbFolder(const std::vector<Graph>& graphs, const fs::path& dir) {
    if (graphs.empty()) throw std::invalid_argument("OGB folder: no graphs to write");
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw std::runtime_error(dir.string() + ": cannot create folder: " + ec.message());

    struct Table {
        const char* stem;
        const AttrTable& (*scope)(const Graph&);
        const char* attr;
        const char* what;
        bool allowMissing;
        std::optional<ColumnSet> set;
    };
    std::vector<Table> tables = {
        {"node-feat", nodeScope, attr::kFeat, "nodes", false, {}},
        {"edge-feat", edgeScope, attr::kFeat, "edges", false, {}},
        {"graph-label", graphScope, attr::kLabel, "graphs", true, {}},
        {"node-label", nodeScope, attr::kLabel, "nodes", true, {}},
        {"edge-label", edgeScope, attr::kLabel, "edges", true, {}},
    };
    for (Table& t : tables) t.set = numericColumns(graphs, t.scope, t.attr, t.what, t.allowMissing);

    // Tables from an earlier write would be read back with these; the writer owns these names.
    for (const char* stem : kTableStems)
        for (const char* ext : {".csv.gz", ".csv"}) fs::remove(dir / (std::string(stem) + ext), ec);

    std::string edgeText, nodeCounts, edgeCounts;
    for (const Graph& g : graphs) {
        for (const Edge& e : g.edges())
            edgeText += std::to_string(e.src) + "," + std::to_string(e.dst) + "\n";
        nodeCounts += std::to_string(g.nodeCount()) + "\n";
        edgeCounts += std::to_string(g.edgeCount()) + "\n";
    }
    writeTextFile(dir / "edge.csv", edgeText);
    writeTextFile(dir / "num-node-list.csv", nodeCounts);
    writeTextFile(dir / "num-edge-list.csv", edgeCounts);
    for (const Table& t : tables) {
        if (!t.set) continue;
        std::string text;
        for (const Graph& g : graphs) {
            const AttrTable& scope = t.scope(g);
            const AttrColumn* c = scope.find(t.attr);
            if (c && c->kind == AttrKind::String) c = nullptr;
            for (size_t i = 0; i < scope.size(); ++i) appendRow(text, c, *t.set, i);
        }
        writeTextFile(dir / (std::string(t.stem) + ".csv"), text);
    }
}

}  // namespace gts::io::detail
