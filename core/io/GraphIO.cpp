#include "io/GraphIO.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <random>
#include <system_error>

#include "io/Formats.h"

namespace gts::io {

namespace fs = std::filesystem;

namespace {

struct FormatInfo {
    Format format;
    const char* name;
    std::vector<const char*> aliases;     // names accepted by parseFormat
    std::vector<const char*> extensions;  // lower case, with the dot
    bool writable;
};

const std::vector<FormatInfo>& formatTable() {
    static const std::vector<FormatInfo> table = {
        {Format::EdgeList, "edgelist", {"edges", "edgelist", "csv", "tsv", "txt"},
         {".edges", ".edgelist", ".el", ".csv", ".tsv", ".txt"}, true},
        {Format::Gml, "gml", {"gml"}, {".gml"}, true},
        {Format::GraphMl, "graphml", {"graphml", "xml"}, {".graphml", ".xml"}, true},
        {Format::Gexf, "gexf", {"gexf"}, {".gexf"}, true},
        {Format::NodeLinkJson, "json", {"json", "node-link", "nodelink"}, {".json"}, true},
        {Format::Smiles, "smiles", {"smi", "smiles"}, {".smi", ".smiles", ".ism"}, true},
        {Format::Sdf, "sdf", {"sdf", "sd"}, {".sdf", ".sd"}, true},
        {Format::Mol, "mol", {"mol", "molfile"}, {".mol"}, true},
        {Format::OgbFolder, "ogb", {"ogb"}, {}, true},
    };
    return table;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

bool allDigits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool readerSelectsRecord(Format f) {
    return f == Format::Smiles || f == Format::Sdf || f == Format::Mol;
}

/// Readers of other formats return every record; a requested one is picked here.
std::vector<Graph> selectRecord(std::vector<Graph> graphs, std::optional<size_t> record,
                                const std::string& source) {
    if (!record) return graphs;
    if (*record >= graphs.size())
        throw ParseError(source, 0,
                         "record " + std::to_string(*record) + " requested, the input holds " +
                             std::to_string(graphs.size()) + " (records count from 0)");
    std::vector<Graph> one;
    one.push_back(std::move(graphs[*record]));
    return one;
}

}  // namespace

ParseError::ParseError(std::string source, size_t line, std::string message)
    : std::runtime_error(line ? source + ":" + std::to_string(line) + ": " + message
                              : source + ": " + message),
      source_(std::move(source)),
      line_(line),
      message_(std::move(message)) {}

const char* formatName(Format f) {
    for (const auto& info : formatTable())
        if (info.format == f) return info.name;
    return "?";
}

std::optional<Format> parseFormat(std::string_view name) {
    std::string n = lower(std::string(name));
    if (!n.empty() && n[0] == '.') n.erase(0, 1);
    for (const auto& info : formatTable())
        for (const char* a : info.aliases)
            if (n == a) return info.format;
    return std::nullopt;
}

std::optional<Format> formatFromPath(const fs::path& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) return Format::OgbFolder;
    fs::path p = path;
    std::string ext = lower(p.extension().string());
    if (ext == ".gz") ext = lower(p.stem().extension().string());
    for (const auto& info : formatTable())
        for (const char* e : info.extensions)
            if (ext == e) return info.format;
    return std::nullopt;
}

bool canWrite(Format f) {
    for (const auto& info : formatTable())
        if (info.format == f) return info.writable;
    return false;
}

GraphPath parseGraphPath(const std::string& text) {
    const size_t hash = text.rfind('#');
    if (hash != std::string::npos && allDigits(std::string_view(text).substr(hash + 1))) {
        std::error_code ec;
        const fs::path whole(text);
        const fs::path file(text.substr(0, hash));
        if (fs::exists(file, ec) || !fs::exists(whole, ec)) {
            size_t record = 0;
            try {
                record = std::stoull(text.substr(hash + 1));
            } catch (const std::exception&) {
                throw ParseError(text, 0, "record number out of range");
            }
            return {file, record};
        }
    }
    return {fs::path(text), std::nullopt};
}

std::string readFileBytes(const fs::path& path, size_t maxBytes) {
    std::error_code ec;
    if (fs::is_directory(path, ec))
        throw FileError(path.string() + ": is a directory, not a file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw FileError(path.string() + ": cannot open file");
    std::string data;
    in.seekg(0, std::ios::end);
    const auto size = in.tellg();
    if (size < 0) throw FileError(path.string() + ": cannot read file");
    if (size_t(size) > maxBytes)
        throw FileError(path.string() + ": file larger than " + std::to_string(maxBytes) +
                                 " bytes");
    data.resize(size_t(size));
    in.seekg(0);
    in.read(data.data(), std::streamsize(data.size()));
    if (!in) throw FileError(path.string() + ": read error");

    const bool gzip = data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1F &&
                      static_cast<unsigned char>(data[1]) == 0x8B;
    if (!gzip) return data;

    z_stream zs{};
    if (inflateInit2(&zs, 15 + 32) != Z_OK)
        throw FileError(path.string() + ": zlib initialisation failed");
    std::string out;
    zs.next_in = reinterpret_cast<Bytef*>(data.data());
    zs.avail_in = uInt(std::min<size_t>(data.size(), 0x7FFFFFFF));
    char buf[1 << 16];
    int rc = Z_OK;
    while (true) {
        zs.next_out = reinterpret_cast<Bytef*>(buf);
        zs.avail_out = sizeof buf;
        rc = inflate(&zs, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END) break;
        out.append(buf, sizeof buf - zs.avail_out);
        if (out.size() > maxBytes) {
            inflateEnd(&zs);
            throw FileError(path.string() + ": inflates to more than " +
                                     std::to_string(maxBytes) + " bytes");
        }
        if (rc == Z_STREAM_END) {
            // Concatenated gzip members are legal; continue with the next one if any.
            if (zs.avail_in == 0) break;
            inflateReset(&zs);
            continue;
        }
        if (zs.avail_in == 0 && zs.avail_out != 0) {
            rc = Z_BUF_ERROR;
            break;
        }
    }
    inflateEnd(&zs);
    if (rc != Z_STREAM_END)
        throw ParseError(path.string(), 0, "corrupt or truncated gzip data");
    return out;
}

std::vector<Graph> readGraphsFromText(std::string_view data, Format format,
                                      const std::string& sourceName, const ReadOptions& options) {
    std::vector<Graph> graphs;
    switch (format) {
        case Format::EdgeList: graphs = detail::readEdgeList(data, sourceName, options); break;
        case Format::Gml: graphs = detail::readGml(data, sourceName, options); break;
        case Format::GraphMl: graphs = detail::readGraphMl(data, sourceName, options); break;
        case Format::Gexf: graphs = detail::readGexf(data, sourceName, options); break;
        case Format::NodeLinkJson: graphs = detail::readNodeLinkJson(data, sourceName, options); break;
        case Format::Smiles: graphs = detail::readSmiles(data, sourceName, options); break;
        case Format::Sdf: graphs = detail::readSdf(data, sourceName, options); break;
        case Format::Mol: graphs = detail::readMol(data, sourceName, options); break;
        case Format::OgbFolder:
            throw std::invalid_argument("an OGB folder cannot be read from memory");
    }
    const bool fillsIndices = format == Format::Smiles || format == Format::Sdf || format == Format::Mol;
    if (!readerSelectsRecord(format)) graphs = selectRecord(std::move(graphs), options.record, sourceName);
    if (options.recordIndices && !fillsIndices)
        for (size_t i = 0; i < graphs.size(); ++i)
            options.recordIndices->push_back(options.record ? *options.record : i);
    return graphs;
}

std::vector<Graph> readGraphs(const fs::path& path, const ReadOptions& options) {
    std::optional<Format> format = options.format ? options.format : formatFromPath(path);
    if (!format)
        throw ParseError(path.string(), 0,
                         "unknown graph format (extension '" + path.extension().string() +
                             "'); name one with --format");
    std::vector<Graph> graphs;
    if (*format == Format::OgbFolder) {
        graphs = selectRecord(detail::readOgbFolder(path, options), options.record, path.string());
        if (options.recordIndices)
            for (size_t i = 0; i < graphs.size(); ++i)
                options.recordIndices->push_back(options.record ? *options.record : i);
    } else {
        const std::string data = readFileBytes(path);
        graphs = readGraphsFromText(data, *format, path.string(), options);
    }
    const std::string stem = path.filename().string();
    for (size_t i = 0; i < graphs.size(); ++i) {
        if (!graphs[i].name().empty()) continue;
        if (options.record) graphs[i].setName(stem + "#" + std::to_string(*options.record));
        else graphs[i].setName(graphs.size() > 1 ? stem + "#" + std::to_string(i) : stem);
    }
    return graphs;
}

Graph readGraph(const std::string& text, ReadOptions options) {
    GraphPath gp = parseGraphPath(text);
    if (gp.record) options.record = gp.record;
    std::vector<Graph> graphs = readGraphs(gp.file, options);
    if (graphs.empty()) throw ParseError(gp.file.string(), 0, "the file holds no graph");
    return std::move(graphs.front());
}

std::string writeGraphsToText(const std::vector<Graph>& graphs, Format format) {
    auto single = [&]() -> const Graph& {
        if (graphs.size() != 1)
            throw std::invalid_argument(std::string(formatName(format)) +
                                        " holds one graph per file; got " +
                                        std::to_string(graphs.size()));
        return graphs.front();
    };
    switch (format) {
        case Format::EdgeList: return detail::writeEdgeList(single());
        case Format::Gml: return detail::writeGml(single());
        case Format::GraphMl: return detail::writeGraphMl(graphs);
        case Format::Gexf: return detail::writeGexf(single());
        case Format::NodeLinkJson: return detail::writeNodeLinkJson(single());
        case Format::Smiles: return detail::writeSmiles(graphs);
        case Format::Sdf: return detail::writeSdf(graphs);
        case Format::Mol: return detail::writeMol(single());
        case Format::OgbFolder: break;
    }
    throw std::invalid_argument("an OGB folder cannot be written to memory");
}

void writeFileAtomically(const fs::path& path, const std::string& bytes) {
    const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
    std::random_device rd;
    const fs::path tmp = dir / ("." + path.filename().string() + ".tmp" + std::to_string(rd()));
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw FileError(path.string() + ": cannot create file");
        out.write(bytes.data(), std::streamsize(bytes.size()));
        out.flush();
        if (!out) {
            std::error_code ec;
            fs::remove(tmp, ec);
            throw FileError(path.string() + ": write failed");
        }
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) {
        fs::remove(tmp, ec);
        throw FileError(path.string() + ": cannot replace file: " + ec.message());
    }
}

void writeGraphs(const std::vector<Graph>& graphs, const fs::path& path,
                 const WriteOptions& options) {
    std::optional<Format> format = options.format ? options.format : formatFromPath(path);
    if (!format) {
        std::error_code ec;
        if (path.extension().empty() && !fs::exists(path, ec)) format = Format::OgbFolder;
    }
    if (!format)
        throw std::invalid_argument(path.string() + ": unknown output format (extension '" +
                                    path.extension().string() + "')");
    if (*format == Format::OgbFolder) {
        detail::writeOgbFolder(graphs, path);
        return;
    }
    writeFileAtomically(path, writeGraphsToText(graphs, *format));
}

void writeGraph(const Graph& graph, const fs::path& path, const WriteOptions& options) {
    writeGraphs(std::vector<Graph>{graph}, path, options);
}

}  // namespace gts::io
