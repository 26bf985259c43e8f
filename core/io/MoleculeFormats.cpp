// SMILES (.smi), SDF and MOL files through RDKit, with OGB's atom and bond features.
//
// Hydrogens follow OGB: SMILES are parsed like Chem.MolFromSmiles (sanitized, hydrogens
// implicit); mol blocks are parsed with RDKit's MolBlockToMol defaults (sanitize, removeHs), so
// plain explicit H atoms of a mol block become hydrogen counts, while the ones RDKit keeps
// (isotopes such as [2H], hydrogens that define stereo, H2) stay as atoms.

#include <GraphMol/Conformer.h>
#include <GraphMol/Depictor/RDDepictor.h>
#include <GraphMol/FileParsers/FileParsers.h>
#include <GraphMol/RWMol.h>
#include <GraphMol/SmilesParse/SmilesParse.h>
#include <GraphMol/SmilesParse/SmilesWrite.h>
#include <RDGeneral/RDLog.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include "graph/AttrNames.h"
#include "io/Formats.h"
#include "io/Molecule.h"
#include "io/OgbFeatures.h"
#include "io/TextInput.h"

namespace gts::io {

namespace {

/// While alive, RDKit's error and warning logs go to a string instead of stderr, and its info
/// log is off. RDKit's loggers are process-wide, so captures are serialized by a mutex.
class RdkitLogCapture {
public:
    RdkitLogCapture() : lock_(mutex()) {
        if (!rdErrorLog) RDLog::InitLogs();
        redirect(rdErrorLog, saved_[0]);
        redirect(rdWarningLog, saved_[1]);
        redirect(rdInfoLog, saved_[2]);
        if (rdInfoLog) rdInfoLog->df_enabled = false;
    }
    ~RdkitLogCapture() {
        restore(rdErrorLog, saved_[0]);
        restore(rdWarningLog, saved_[1]);
        restore(rdInfoLog, saved_[2]);
    }
    RdkitLogCapture(const RdkitLogCapture&) = delete;
    RdkitLogCapture& operator=(const RdkitLogCapture&) = delete;

    /// What RDKit logged, one message per line without its "[hh:mm:ss] " stamp, joined by "; ".
    std::string text() const {
        std::string out;
        std::istringstream lines(stream_.str());
        std::string line;
        while (std::getline(lines, line)) {
            std::string_view t = trim(line);
            if (t.size() > 11 && t[0] == '[' && t[9] == ']') t = trim(t.substr(10));
            if (t.empty()) continue;
            if (!out.empty()) out += "; ";
            out += t;
        }
        return out;
    }

private:
    struct Saved {
        std::ostream* dest = nullptr;
        bool enabled = false;
        boost::logging::RDTee* tee = nullptr;
        boost::logging::RDTeeStream* teestream = nullptr;
    };
    static std::mutex& mutex() {
        static std::mutex m;
        return m;
    }
    void redirect(const RDLogger& log, Saved& saved) {
        if (!log) return;
        saved = {log->dp_dest, log->df_enabled, log->tee, log->teestream};
        log->dp_dest = &stream_;
        log->df_enabled = true;
        log->tee = nullptr;
        log->teestream = nullptr;
    }
    static void restore(const RDLogger& log, const Saved& saved) {
        if (!log) return;
        log->dp_dest = saved.dest;
        log->df_enabled = saved.enabled;
        log->tee = saved.tee;
        log->teestream = saved.teestream;
    }

    std::lock_guard<std::mutex> lock_;
    std::ostringstream stream_;
    Saved saved_[3];
};

std::string withReason(std::string message, const std::string& reason) {
    if (!reason.empty()) message += ": " + reason;
    return message;
}

/// Parses a SMILES like Chem.MolFromSmiles. On failure returns null and sets `reason`.
std::unique_ptr<RDKit::RWMol> parseSmiles(const std::string& smiles, std::string& reason) {
    RdkitLogCapture capture;
    std::unique_ptr<RDKit::RWMol> mol;
    try {
        RDKit::SmilesParserParams params;
        params.parseName = false;
        mol.reset(RDKit::SmilesToMol(smiles, params));
    } catch (const std::exception& ex) {
        reason = ex.what();
        return nullptr;
    }
    if (!mol) reason = capture.text();
    if (!mol && reason.empty()) reason = "RDKit cannot parse it";
    return mol;
}

/// Parses one mol block (sanitized, hydrogens removed). On failure returns null and sets `reason`.
std::unique_ptr<RDKit::RWMol> parseMolBlock(const std::string& block, std::string& reason) {
    RdkitLogCapture capture;
    std::unique_ptr<RDKit::RWMol> mol;
    try {
        mol.reset(RDKit::MolBlockToMol(block, true, true, true));
    } catch (const std::exception& ex) {
        // The exception says what is wrong; the log around it only repeats it as an invariant dump.
        reason = ex.what();
        return nullptr;
    }
    if (!mol) reason = capture.text();
    if (!mol && reason.empty()) reason = "RDKit cannot parse the mol block";
    return mol;
}

std::string canonicalSmiles(const RDKit::ROMol& mol) {
    RdkitLogCapture capture;
    return RDKit::MolToSmiles(mol);
}

const AttrColumn* featColumn(const AttrTable& table, uint32_t width) {
    const AttrColumn* c = table.find(attr::kFeat);
    if (!c || c->kind != AttrKind::Discrete || c->width != width || !c->allPresent()) return nullptr;
    return c;
}

/// Whether `mol` has the graph's atoms and bonds with the same OGB features: in the same order
/// (`ordered`), or as the same multisets of atom features and of bond features.
bool sameMolecule(const Graph& graph, const RDKit::ROMol& mol, bool ordered) {
    const AttrColumn* atomFeat = featColumn(graph.nodeAttrs(), ogb::kAtomFeatureCount);
    const AttrColumn* bondFeat = featColumn(graph.edgeAttrs(), ogb::kBondFeatureCount);
    if (!atomFeat || mol.getNumAtoms() != graph.nodeCount() || mol.getNumBonds() != graph.edgeCount())
        return false;
    if (graph.edgeCount() > 0 && !bondFeat) return false;
    std::vector<std::vector<int64_t>> fromGraph, fromMol, bondsFromGraph, bondsFromMol;
    for (size_t v = 0; v < graph.nodeCount(); ++v)
        fromGraph.emplace_back(atomFeat->ints.begin() + v * atomFeat->width,
                               atomFeat->ints.begin() + (v + 1) * atomFeat->width);
    for (const RDKit::Atom* atom : mol.atoms()) {
        const auto f = ogb::atomFeatures(*atom);
        fromMol.emplace_back(f.begin(), f.end());
    }
    for (EdgeId e = 0; e < graph.edgeCount(); ++e) {
        std::vector<int64_t> row(bondFeat->ints.begin() + e * bondFeat->width,
                                 bondFeat->ints.begin() + (e + 1) * bondFeat->width);
        if (ordered) {
            const RDKit::Bond* bond = mol.getBondWithIdx(e);
            const Edge& edge = graph.edge(e);
            const bool same = (bond->getBeginAtomIdx() == edge.src && bond->getEndAtomIdx() == edge.dst) ||
                              (bond->getBeginAtomIdx() == edge.dst && bond->getEndAtomIdx() == edge.src);
            if (!same) return false;
        }
        bondsFromGraph.push_back(std::move(row));
    }
    for (const RDKit::Bond* bond : mol.bonds()) {
        const auto f = ogb::bondFeatures(*bond);
        bondsFromMol.emplace_back(f.begin(), f.end());
    }
    if (!ordered) {
        std::sort(fromGraph.begin(), fromGraph.end());
        std::sort(fromMol.begin(), fromMol.end());
        std::sort(bondsFromGraph.begin(), bondsFromGraph.end());
        std::sort(bondsFromMol.begin(), bondsFromMol.end());
    }
    return fromGraph == fromMol && bondsFromGraph == bondsFromMol;
}

std::string graphSmilesAttr(const Graph& graph) {
    const AttrColumn* c = graph.graphAttrs().find(attr::kSmiles);
    if (!c || c->kind != AttrKind::String || !c->has(0)) return {};
    return c->stringAt(0);
}

std::string graphRecordName(const Graph& graph) {
    const AttrColumn* c = graph.graphAttrs().find(attr::kName);
    if (c && c->has(0)) return c->valueText(0);
    return graph.name();
}

/// The RDKit molecule a graph stands for: parsed from its "smiles" attr when that matches the
/// graph atom for atom (so stereo and charges come back exactly), else rebuilt from features.
std::unique_ptr<RDKit::RWMol> moleculeOf(const Graph& graph) {
    const std::string smiles = graphSmilesAttr(graph);
    if (!smiles.empty()) {
        std::string reason;
        auto mol = parseSmiles(smiles, reason);
        if (mol && sameMolecule(graph, *mol, true)) return mol;
    }
    RdkitLogCapture capture;
    return ogb::graphToMolecule(graph);
}

/// `moleculeOf` with coordinates: from "pos" when present, else RDKit's 2D depiction.
std::unique_ptr<RDKit::RWMol> moleculeWithCoords(const Graph& graph) {
    auto mol = moleculeOf(graph);
    if (mol->getNumConformers() == 0 && !ogb::addConformerFromPositions(*mol, graph)) {
        RdkitLogCapture capture;
        RDDepict::compute2DCoords(*mol);
    }
    return mol;
}

std::string molBlockOf(const Graph& graph) {
    auto mol = moleculeWithCoords(graph);
    mol->setProp(RDKit::common_properties::_Name, graphRecordName(graph));
    RdkitLogCapture capture;
    try {
        return RDKit::MolToMolBlock(*mol, true, -1, true);
    } catch (const std::exception&) {
        // Aromatic systems RDKit cannot kekulize are written with aromatic bonds (type 4).
        return RDKit::MolToMolBlock(*mol, true, -1, false);
    }
}

void setGraphString(Graph& g, const char* name, std::string value) {
    g.graphAttrs().add(name, AttrKind::String).setString(0, std::move(value));
}

// SDF ---------------------------------------------------------------------------------------

struct SdfRecord {
    size_t firstLine = 0;       // 1-based line of the record's header (title) line
    std::vector<std::string_view> lines;
};

/// The value of an SD data header "> <NAME> ..." or ">  <NAME>  (1)": the text inside the
/// first angle brackets; empty when there is none (a header that gives only a DT number).
std::string_view dataItemName(std::string_view header) {
    const size_t open = header.find('<');
    if (open == std::string_view::npos) return {};
    const size_t close = header.find('>', open + 1);
    if (close == std::string_view::npos) return {};
    return header.substr(open + 1, close - open - 1);
}

/// Graph attributes for the SD properties: one number → Continuous, anything else → String.
/// A property named like an attr the reader sets itself ("name", "smiles") is kept as "sd:<name>".
void addProperty(Graph& g, std::string name, const std::string& value) {
    if (name == attr::kName || name == attr::kSmiles) name = "sd:" + name;
    if (g.graphAttrs().find(name)) return;  // the first of repeated items wins
    if (value.find('\n') == std::string::npos) {
        if (auto number = parseReal(value)) {
            g.graphAttrs().add(name, AttrKind::Continuous).setReal(0, *number);
            return;
        }
    }
    g.graphAttrs().add(name, AttrKind::String).setString(0, value);
}

Graph readSdfRecord(const SdfRecord& record, const std::string& source) {
    // The mol block ends at "M  END"; the data items follow it.
    size_t end = record.lines.size();
    for (size_t i = 0; i < record.lines.size(); ++i) {
        if (record.lines[i].substr(0, 6) == "M  END") {
            end = i;
            break;
        }
        // V3000 counts: never let a claimed atom or bond count exceed the lines present.
        std::string_view l = record.lines[i];
        if (l.substr(0, 13) == "M  V30 COUNTS") {
            std::istringstream counts{std::string(l.substr(13))};
            long long atoms = 0, bonds = 0;
            counts >> atoms >> bonds;
            if (atoms < 0 || bonds < 0 || size_t(atoms) > record.lines.size() ||
                size_t(bonds) > record.lines.size())
                throw ParseError(source, record.firstLine + i,
                                 "V3000 counts claim more atoms or bonds than the record has lines");
        }
    }
    if (end == record.lines.size())
        throw ParseError(source, record.firstLine,
                         "record has no 'M  END' line (truncated mol block?)");
    std::string block;
    for (size_t i = 0; i <= end; ++i) {
        block.append(record.lines[i]);
        block += '\n';
    }
    std::string reason;
    auto mol = parseMolBlock(block, reason);
    if (!mol)
        throw ParseError(source, record.firstLine, "invalid mol block in record: " + reason);

    Graph g = ogb::moleculeToGraph(*mol);
    const std::string title(trim(record.lines[0]));
    setGraphString(g, attr::kSmiles, canonicalSmiles(*mol));
    if (!title.empty()) {
        setGraphString(g, attr::kName, title);
        g.setName(title);
    }
    for (size_t i = end + 1; i < record.lines.size(); ++i) {
        std::string_view line = record.lines[i];
        if (line.empty() || line[0] != '>') continue;
        const std::string name(trim(dataItemName(line)));
        std::string value;
        size_t j = i + 1;
        for (; j < record.lines.size() && !trim(record.lines[j]).empty(); ++j) {
            if (!value.empty()) value += '\n';
            value.append(record.lines[j]);
        }
        i = j;
        if (!name.empty()) addProperty(g, name, std::string(trim(value)));
    }
    return g;
}

std::vector<Graph> readMolRecords(std::string_view data, const std::string& source,
                                  const ReadOptions& options) {
    requireUtf8(data, source);
    std::vector<SdfRecord> records;
    SdfRecord current;
    auto finish = [&]() {
        const bool blank = std::all_of(current.lines.begin(), current.lines.end(),
                                       [](std::string_view l) { return trim(l).empty(); });
        if (!blank) {
            if (records.size() >= options.limits.maxRecords)
                throw ParseError(source, current.firstLine,
                                 "more than " + std::to_string(options.limits.maxRecords) +
                                     " records");
            records.push_back(std::move(current));
        }
        current = SdfRecord{};
    };
    LineReader reader(data);
    std::string_view line;
    while (reader.next(line)) {
        if (line.substr(0, 4) == "$$$$" && trim(line.substr(4)).empty()) {
            finish();
            continue;
        }
        if (current.lines.empty()) current.firstLine = reader.lineNumber();
        current.lines.push_back(line);
    }
    finish();

    std::vector<Graph> graphs;
    if (options.record) {
        if (*options.record >= records.size())
            throw ParseError(source, 0,
                             "record " + std::to_string(*options.record) + " requested, the file holds " +
                                 std::to_string(records.size()) + " (records count from 0)");
        graphs.push_back(readSdfRecord(records[*options.record], source));
        if (options.recordIndices) options.recordIndices->push_back(*options.record);
        return graphs;
    }
    graphs.reserve(records.size());
    for (size_t index = 0; index < records.size(); ++index) {
        const SdfRecord& record = records[index];
        if (!options.skipped) {
            graphs.push_back(readSdfRecord(record, source));
        } else {
            try {
                graphs.push_back(readSdfRecord(record, source));
            } catch (const ParseError& e) {
                options.skipped->push_back(e);
                continue;
            }
        }
        if (options.recordIndices) options.recordIndices->push_back(index);
    }
    return graphs;
}

}  // namespace

Graph moleculeFromSmiles(std::string_view smiles) {
    const std::string text(trim(smiles));
    if (text.empty()) throw ParseError("SMILES", 0, "empty SMILES");
    if (std::any_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); }))
        throw ParseError("SMILES", 0, "invalid SMILES \"" + text + "\": contains whitespace");
    if (auto bad = findInvalidUtf8(text))
        throw ParseError("SMILES", 0, "invalid SMILES: not UTF-8 at byte " + std::to_string(*bad));
    std::string reason;
    auto mol = parseSmiles(text, reason);
    if (!mol) throw ParseError("SMILES", 0, withReason("invalid SMILES \"" + text + "\"", reason));
    Graph g = ogb::moleculeToGraph(*mol);
    setGraphString(g, attr::kSmiles, text);
    return g;
}

std::string graphToSmiles(const Graph& graph) {
    const std::string smiles = graphSmilesAttr(graph);
    if (!smiles.empty()) {
        std::string reason;
        auto mol = parseSmiles(smiles, reason);
        if (mol && sameMolecule(graph, *mol, false)) return smiles;
    }
    std::unique_ptr<RDKit::RWMol> mol;
    {
        RdkitLogCapture capture;
        mol = ogb::graphToMolecule(graph);
    }
    return canonicalSmiles(*mol);
}

namespace detail {

std::vector<Graph> readSmiles(std::string_view data, const std::string& source,
                              const ReadOptions& options) {
    requireUtf8(data, source);
    std::vector<Graph> graphs;
    LineReader reader(data);
    std::string_view line;
    bool firstContent = true;
    size_t recordIndex = 0;
    while (reader.next(line)) {
        const std::string_view text = trim(line);
        if (text.empty() || text[0] == '#') continue;
        size_t split = 0;
        while (split < text.size() && text[split] != ' ' && text[split] != '\t') ++split;
        const std::string smiles(text.substr(0, split));
        const std::string name(trim(text.substr(split)));
        if (firstContent) {
            firstContent = false;
            std::string lowered = smiles;
            std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                           [](unsigned char c) { return char(std::tolower(c)); });
            if (lowered == "smiles") continue;  // a column header
        }
        const size_t index = recordIndex++;
        if (index >= options.limits.maxRecords)
            throw ParseError(source, reader.lineNumber(),
                             "more than " + std::to_string(options.limits.maxRecords) + " records");
        if (options.record && index != *options.record) continue;
        std::string reason;
        auto mol = parseSmiles(smiles, reason);
        if (!mol) {
            ParseError error(source, reader.lineNumber(),
                             withReason("invalid SMILES \"" + smiles + "\"", reason));
            if (!options.skipped || options.record) throw error;
            options.skipped->push_back(std::move(error));
            continue;
        }
        Graph g = ogb::moleculeToGraph(*mol);
        setGraphString(g, attr::kSmiles, smiles);
        if (!name.empty()) {
            setGraphString(g, attr::kName, name);
            g.setName(name);
        }
        graphs.push_back(std::move(g));
        if (options.recordIndices) options.recordIndices->push_back(index);
        if (options.record) break;
    }
    if (options.record && graphs.empty())
        throw ParseError(source, 0,
                         "record " + std::to_string(*options.record) + " requested, the file holds " +
                             std::to_string(recordIndex) + " (records count from 0)");
    return graphs;
}

std::string writeSmiles(const std::vector<Graph>& graphs) {
    std::string out;
    for (const Graph& g : graphs) {
        out += graphToSmiles(g);
        const std::string name = graphRecordName(g);
        if (!name.empty()) {
            out += '\t';
            // A name is the rest of its line: line breaks would start a new record.
            for (char c : name) out += (c == '\n' || c == '\r') ? ' ' : c;
        }
        out += '\n';
    }
    return out;
}

std::vector<Graph> readSdf(std::string_view data, const std::string& source,
                           const ReadOptions& options) {
    return readMolRecords(data, source, options);
}

std::string writeSdf(const std::vector<Graph>& graphs) {
    std::string out;
    for (const Graph& g : graphs) {
        out += molBlockOf(g);
        for (const AttrColumn& c : g.graphAttrs().columns()) {
            if (c.name == attr::kName || c.name == attr::kSmiles || !c.has(0)) continue;
            std::string value = c.valueText(0);
            // A blank line ends a data item, so blank lines inside a value are given a space.
            std::string safe;
            for (size_t i = 0; i < value.size(); ++i) {
                safe += value[i];
                if (value[i] == '\n' && (i + 1 == value.size() || value[i + 1] == '\n')) safe += ' ';
            }
            out += ">  <" + c.name + ">\n" + safe + "\n\n";
        }
        out += "$$$$\n";
    }
    return out;
}

std::vector<Graph> readMol(std::string_view data, const std::string& source,
                           const ReadOptions& options) {
    std::vector<Graph> graphs = readMolRecords(data, source, options);
    if (graphs.empty()) throw ParseError(source, 0, "empty mol file");
    return graphs;
}

std::string writeMol(const Graph& graph) { return molBlockOf(graph); }

}  // namespace detail
}  // namespace gts::io
