// gtscope-cli run MODEL GRAPH    — tokenize with the model's settings, run, print the prediction
// gtscope-cli bench MODEL ...     — throughput of the CPU engine on many graphs

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "CliArgs.h"
#include "Commands.h"
#include "checkpoint/SafeTensors.h"
#include "io/TextInput.h"
#include "model/Backend.h"
#include "model/NodeModel.h"
#include "model/ModelFolder.h"
#include "model/Run.h"

namespace gts::cli {

namespace {

using nlohmann::json;
using model::GraphGptModel;
using model::HeadKind;
using model::ProblemType;
using model::RunOptions;
using model::RunResult;
using model::SequenceInput;

/// --backend cpu|gpu|auto (default cpu).
model::Backend backendArg(const CliArgs& a) {
    const auto name = a.value("backend");
    if (!name) return model::Backend::Cpu;
    const auto backend = model::parseBackend(*name);
    if (!backend) throw UsageError("--backend " + *name + ": expected cpu, gpu or auto");
    return *backend;
}

/// Runs on the chosen backend; a GPU that cannot be used is a usage error for gpu, and a note
/// on stderr for auto (once per process).
model::BackendRun runOnBackend(const GraphGptModel& m, const std::vector<SequenceInput>& inputs,
                               const RunOptions& options, model::Backend backend) {
    model::BackendRun run;
    try {
        run = model::runModel(m, inputs, options, backend);
    } catch (const std::invalid_argument&) {
        throw;
    } catch (const model::RunCancelled&) {
        throw;
    } catch (const std::runtime_error& e) {
        if (backend == model::Backend::Gpu) throw UsageError(std::string("--backend gpu: ") + e.what());
        throw;
    }
    static bool noted = false;
    if (!run.fallbackReason.empty() && !noted) {
        noted = true;
        std::cerr << "gtscope-cli: running on the CPU: " << run.fallbackReason << "\n";
    }
    return run;
}

std::shared_ptr<const GraphGptModel> loadModel(const std::string& path) {
    try {
        return model::loadGraphGptModel(path);
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string(e.what()) + " (" + path + ")");
    }
}

std::string readText(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw io::FileError("cannot open " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// {"ids": [[...], ...]} (one sequence) or {"sequences": [{"ids": ...}, ...]}.
std::vector<SequenceInput> readIdsFile(const std::string& path) {
    json j;
    try {
        j = json::parse(readText(path));
    } catch (const json::exception& e) {  // parse_error, or out_of_range for a huge number
        throw io::ParseError(path, 0, std::string("not JSON: ") + e.what());
    }
    auto sequence = [&](const json& ids, const std::string& where) {
        SequenceInput in;
        if (!ids.is_array()) throw io::ParseError(path, 0, where + ": \"ids\" must be a list of lists");
        for (size_t p = 0; p < ids.size(); ++p) {
            const json& pos = ids[p];
            std::vector<int32_t> slots;
            if (pos.is_number_integer()) {
                slots.push_back(pos.get<int32_t>());  // a flat sequence: one id per position
            } else if (pos.is_array()) {
                for (const json& id : pos) {
                    if (!id.is_number_integer())
                        throw io::ParseError(path, 0, where + ", position " + std::to_string(p) +
                                                          ": ids must be integers");
                    slots.push_back(id.get<int32_t>());
                }
            } else {
                throw io::ParseError(path, 0, where + ", position " + std::to_string(p) +
                                                  ": expected a list of ids or an id");
            }
            in.ids.push_back(std::move(slots));
        }
        return in;
    };
    std::vector<SequenceInput> out;
    if (j.is_object() && j.contains("ids")) {
        out.push_back(sequence(j["ids"], "ids"));
    } else if (j.is_object() && j.contains("sequences") && j["sequences"].is_array()) {
        for (size_t s = 0; s < j["sequences"].size(); ++s) {
            const json& seq = j["sequences"][s];
            if (!seq.is_object() || !seq.contains("ids"))
                throw io::ParseError(path, 0, "sequence " + std::to_string(s) + " has no \"ids\"");
            out.push_back(sequence(seq["ids"], "sequence " + std::to_string(s)));
        }
    } else {
        throw io::ParseError(path, 0, "expected {\"ids\": [[...], ...]} or {\"sequences\": [...]}");
    }
    return out;
}

/// "L.H,L.H" → headMask[L][H] = true.
std::vector<std::vector<bool>> parseHeadMask(const std::string& text, const model::GraphGptConfig& cfg) {
    std::vector<std::vector<bool>> mask;
    for (const std::string& item : splitList(text)) {
        const auto dot = item.find('.');
        const auto layer = dot == std::string::npos ? std::nullopt : io::parseInt(item.substr(0, dot));
        const auto head = dot == std::string::npos ? std::nullopt : io::parseInt(item.substr(dot + 1));
        if (!layer || !head)
            throw UsageError("--head-mask takes LAYER.HEAD items like 0.3,2.1, not '" + item + "'");
        if (*layer < 0 || *layer >= cfg.numLayers || *head < 0 || *head >= cfg.numHeads)
            throw UsageError("--head-mask " + item + ": the model has layers 0.." +
                             std::to_string(cfg.numLayers - 1) + " and heads 0.." +
                             std::to_string(cfg.numHeads - 1));
        if (mask.size() <= size_t(*layer)) mask.resize(size_t(*layer) + 1);
        auto& heads = mask[size_t(*layer)];
        if (heads.size() <= size_t(*head)) heads.resize(size_t(*head) + 1, false);
        heads[size_t(*head)] = true;
    }
    return mask;
}

std::vector<bool> parseLayerList(const std::string& text, const model::GraphGptConfig& cfg,
                                 const char* option) {
    std::vector<bool> layers;
    for (const std::string& item : splitList(text)) {
        const auto l = io::parseInt(item);
        if (!l || *l < 0 || *l >= cfg.numLayers)
            throw UsageError(std::string(option) + ": '" + item + "' is not a layer (0.." +
                             std::to_string(cfg.numLayers - 1) + ")");
        if (layers.size() <= size_t(*l)) layers.resize(size_t(*l) + 1, false);
        layers[size_t(*l)] = true;
    }
    return layers;
}

/// --attention auto|dense|blockwise and --attention-budget MB (run and bench).
void applyAttentionOptions(const CliArgs& a, RunOptions& o) {
    if (auto m = a.value("attention")) {
        if (*m == "auto") o.attentionBlock = 0;
        else if (*m == "dense") o.attentionBlock = -1;
        else if (*m == "blockwise") o.attentionBlock = 128;
        else throw UsageError("--attention " + *m + ": expected auto, dense or blockwise");
    }
    if (auto b = a.value("attention-budget")) {
        // Megabytes, fractions allowed (0.01 = 10 kB); 0 keeps every map.
        char* end = nullptr;
        const double mb = std::strtod(b->c_str(), &end);
        if (end == b->c_str() || *end != '\0' || !(mb >= 0.0) || mb > 1e7)
            throw UsageError("--attention-budget " + *b + ": expected megabytes, e.g. 512 or 0.5");
        o.attentionBudgetBytes = mb == 0.0 ? 0 : std::max<size_t>(1, size_t(mb * 1048576.0));
    }
}

void applyCapture(const std::string& text, RunOptions& o) {
    for (const std::string& item : splitList(text)) {
        if (item == "attention") o.captureAttention = true;
        else if (item == "scores") o.captureScores = true;
        else if (item == "residual") o.captureResidual = true;
        else if (item == "heads") o.captureHeadOutputs = true;
        else
            throw UsageError("--capture takes attention, scores, residual, heads (comma-separated), not '" +
                             item + "'");
    }
}

std::string taskName(const GraphGptModel& m) {
    switch (m.weights.head) {
        case HeadKind::Pretrain: return "pretrain";
        case HeadKind::Task: return model::problemTypeName(m.config.effectiveProblemType());
        case HeadKind::None: return "none";
    }
    return "none";
}

std::vector<double> softmax(const float* v, size_t n) {
    std::vector<double> p(n);
    const double m = n ? *std::max_element(v, v + n) : 0.0;
    double sum = 0;
    for (size_t i = 0; i < n; ++i) sum += p[i] = std::exp(double(v[i]) - m);
    for (double& x : p) x /= sum;
    return p;
}

/// A token id as text: its vocab token, "<pad>" for the pad id, else "#id".
std::string tokenText(const GraphGptModel& m, int32_t id) {
    if (m.hasVocab)
        if (const std::string* token = m.vocab.findToken(id)) return *token;
    return id == m.config.padTokenId ? "<pad>" : "#" + std::to_string(id);
}

/// The prediction as JSON: task outputs, or per position and slot the top-k tokens.
json predictionJson(const GraphGptModel& m, const RunResult& r, size_t topK) {
    json out;
    if (m.weights.head == HeadKind::Task) {
        std::vector<float> values(r.logits.data(), r.logits.data() + r.logits.size());
        out["output"] = values;
        const auto type = m.config.effectiveProblemType();
        if (type == ProblemType::SingleLabelClassification) {
            const auto p = softmax(values.data(), values.size());
            out["probabilities"] = p;
            out["class"] = std::max_element(p.begin(), p.end()) - p.begin();
        } else if (type == ProblemType::MultiLabelClassification) {
            std::vector<double> p;
            for (float v : values) p.push_back(1.0 / (1.0 + std::exp(-double(v))));
            out["probabilities"] = p;
        }
    } else if (m.weights.head == HeadKind::Pretrain) {
        const auto S = size_t(r.logits.dim(0)), slots = size_t(r.logits.dim(1)), V = size_t(r.logits.dim(2));
        json positions = json::array();
        for (size_t s = 0; s < S; ++s) {
            json perSlot = json::array();
            for (size_t f = 0; f < slots; ++f) {
                const float* row = r.logits.data() + (s * slots + f) * V;
                const auto p = softmax(row, V);
                std::vector<size_t> order(V);
                for (size_t i = 0; i < V; ++i) order[i] = i;
                const size_t k = std::min(topK, V);
                std::partial_sort(order.begin(), order.begin() + ptrdiff_t(k), order.end(),
                                  [&](size_t a, size_t b) { return p[a] > p[b]; });
                json top = json::array();
                for (size_t i = 0; i < k; ++i)
                    top.push_back({{"id", order[i]}, {"token", tokenText(m, int32_t(order[i]))}, {"p", p[order[i]]}});
                perSlot.push_back(std::move(top));
            }
            positions.push_back(std::move(perSlot));
        }
        out["predictions"] = std::move(positions);
    }
    return out;
}

struct Tokenized {
    std::vector<SequenceInput> inputs;
    std::vector<std::vector<std::vector<std::string>>> tokens;  // empty when run on ids
    std::vector<std::string> names;
    size_t skipped = 0;
    std::string firstSkipReason;
};

std::vector<std::vector<int32_t>> idsFor(const GraphGptModel& m, const TokenSequence& seq,
                                         const std::string& what) {
    if (!m.hasVocab)
        throw UsageError("the model has no vocab file, so graphs cannot be turned into ids; give --ids "
                         "FILE.json (" + m.files.folder.string() + ")");
    try {
        return seq.ids(m.vocab);
    } catch (const UnknownTokenError& e) {
        throw UsageError(std::string(e.what()) + " (" + what + ", vocab " +
                         (m.files.vocab ? m.files.vocab->string() : std::string("?")) + ")");
    }
}

void writeRunTensors(const std::string& path, const RunResult& r, const GraphGptModel& m,
                     const std::string& source) {
    std::map<std::string, Tensor> tensors;
    if (r.logits.size()) tensors["logits"] = r.logits;
    if (r.tokenLogits.size()) tensors["token_logits"] = r.tokenLogits;
    tensors["hidden"] = r.hidden;
    if (r.embeddings.size()) tensors["embeddings"] = r.embeddings;
    for (const auto& layer : r.layers) {
        const std::string l = std::to_string(layer.layer);
        if (layer.attention.size()) tensors["attn." + l] = layer.attention;
        if (layer.scores.size()) tensors["scores." + l] = layer.scores;
        if (layer.residual.size()) tensors["residual." + l] = layer.residual;
        if (layer.headOutputs.size()) tensors["heads." + l] = layer.headOutputs;
        const auto count = int64_t(layer.positions.size());
        tensors["positions." + l] =
            Tensor({count}, std::vector<float>(layer.positions.begin(), layer.positions.end()));
    }
    std::map<std::string, std::string> meta = {{"format", "gtscope-run"},
                                               {"model", m.files.folder.string()},
                                               {"input", source},
                                               {"task", taskName(m)}};
    checkpoint::writeSafeTensors(path, tensors, meta);
}

}  // namespace

int runModel(const std::vector<std::string>& args) {
    auto valued = kTokenizeValued;
    valued.insert({"attention", "attention-budget", "row"});
    valued.insert({"seed", "start", "path", "capture", "out", "o", "head-mask", "skip-layers", "ids",
                   "threads", "top", "backend"});
    auto flags = kTokenizeFlags;
    flags.insert("json");
    CliArgs a(args, flags, valued);
    const std::string usage =
        "gtscope-cli run MODEL GRAPH[#N] [--seed N] [--start NODE] [--path n0,n1,...] "
        "[--capture attention,scores,residual,heads] [--out result.safetensors] [--head-mask L.H,...] "
        "[--skip-layers L,...] [--threads N] [--top K] [--attention auto|dense|blockwise] "
        "[--attention-budget MB] [--row L.H.P] [--backend cpu|gpu|auto] [--json] | gtscope-cli run MODEL --ids FILE.json";
    const auto idsFile = a.value("ids");
    if (a.positional().size() != (idsFile ? 1u : 2u)) throw UsageError("usage: " + usage);
    if (model::isNodeLevelModelPath(a.positional()[0])) return nodeModelRun(a);
    const auto m = loadModel(a.positional()[0]);

    SequenceInput input;
    std::vector<std::vector<std::string>> tokens;
    std::string source;
    if (idsFile) {
        auto inputs = readIdsFile(*idsFile);
        if (inputs.size() != 1)
            throw UsageError("run takes one sequence; " + *idsFile + " holds " +
                             std::to_string(inputs.size()) + " (use bench for many)");
        input = std::move(inputs.front());
        source = *idsFile;
    } else {
        source = a.positional()[1];
        const Graph g = io::readGraph(source, graphReadOptions(a));
        const TokenSequence seq = tokenizeWithArgs(a, g, tokenizeOptions(a, m->tokenization), source);
        input.ids = idsFor(*m, seq, source);
        tokens = seq.positions;
    }

    RunOptions options;
    if (auto c = a.value("capture")) applyCapture(*c, options);
    applyAttentionOptions(a, options);
    const auto out = a.value("out") ? a.value("out") : a.value("o");
    if ((out || a.value("row")) && !a.value("capture")) options.captureAttention = true;
    if (auto h = a.value("head-mask")) options.headMask = parseHeadMask(*h, m->config);
    if (auto s = a.value("skip-layers")) options.skipLayers = parseLayerList(*s, m->config, "--skip-layers");
    options.threads = int(parseCount(a, "threads", 0));
    const size_t topK = std::max<uint64_t>(1, parseCount(a, "top", 1));

    RunResult result;
    model::BackendRun ran;
    try {
        ran = runOnBackend(*m, {input}, options, backendArg(a));
        result = std::move(ran.results.front());
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string(e.what()) + " (" + source + ")");
    }
    if (out) writeRunTensors(*out, result, *m, source);

    // --row L.H.P: one attention row, from the captured map or recomputed from the layer's
    // queries and keys when the map was over --attention-budget.
    json rowJson;
    if (auto r = a.value("row")) {
        int layer = -1, head = -1, position = -1;
        if (std::sscanf(r->c_str(), "%d.%d.%d", &layer, &head, &position) != 3)
            throw UsageError("--row " + *r + ": expected LAYER.HEAD.POSITION");
        const auto it = std::find_if(result.layers.begin(), result.layers.end(),
                                     [&](const model::LayerCapture& c) { return c.layer == layer; });
        if (it == result.layers.end()) throw UsageError("--row: layer " + std::to_string(layer) + " was not captured");
        const auto p = std::find(it->positions.begin(), it->positions.end(), position);
        if (p == it->positions.end()) throw UsageError("--row: position " + std::to_string(position) + " is not in layer " + std::to_string(layer));
        const auto t0 = std::chrono::steady_clock::now();
        std::vector<float> row;
        try {
            row = model::attentionRows(*m, *it, head, p - it->positions.begin(), 1);
        } catch (const std::invalid_argument& e) {
            throw UsageError(std::string("--row: ") + e.what());
        }
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        std::vector<size_t> order(row.size());
        std::iota(order.begin(), order.end(), size_t{0});
        const size_t k = std::min<size_t>(topK > 1 ? topK : 5, row.size());
        std::partial_sort(order.begin(), order.begin() + static_cast<ptrdiff_t>(k), order.end(),
                          [&](size_t x, size_t y) { return row[x] > row[y]; });
        rowJson = {{"layer", layer}, {"head", head}, {"position", position}, {"milliseconds", ms},
                   {"recomputed", it->attentionDeferred}};
        for (size_t i = 0; i < k; ++i) rowJson["top"].push_back({it->positions[order[i]], row[order[i]]});
    }

    if (a.flag("json")) {
        json j = predictionJson(*m, result, topK);
        j["model"] = m->files.folder.string();
        j["input"] = source;
        j["task"] = taskName(*m);
        j["positions"] = input.ids.size();
        j["ids"] = input.ids;
        if (!tokens.empty()) j["tokens"] = tokens;
        j["layers"] = m->config.numLayers;
        j["heads"] = m->config.numHeads;
        j["backend"] = model::backendName(ran.ran);
        if (!ran.fallbackReason.empty()) j["backend_fallback"] = ran.fallbackReason;
        j["milliseconds"] = result.milliseconds;
        if (out) j["out"] = *out;
        if (!rowJson.is_null()) j["row"] = rowJson;
        std::cout << j.dump() << "\n";
        return 0;
    }
    if (!rowJson.is_null()) {
        std::cout << "attention row " << rowJson["layer"] << "." << rowJson["head"] << " of position "
                  << rowJson["position"] << (rowJson["recomputed"].get<bool>() ? " (recomputed from queries and keys)" : "")
                  << " in " << std::fixed << std::setprecision(2) << rowJson["milliseconds"].get<double>() << " ms; top keys:";
        for (const auto& t : rowJson["top"]) std::cout << " " << t[0] << " (" << std::setprecision(4) << t[1].get<double>() << ")";
        std::cout << "\n";
    }
    std::cout << source << ": " << input.ids.size() << " positions, " << m->config.numLayers
              << " layers x " << m->config.numHeads << " heads, " << std::fixed << std::setprecision(2)
              << result.milliseconds << " ms (" << model::backendName(ran.ran) << ")\n";
    std::cout << "task: " << taskName(*m) << "\n";
    const json pred = predictionJson(*m, result, topK);
    std::cout << std::setprecision(6);
    if (pred.contains("output")) {
        std::cout << "output:";
        for (const auto& v : pred["output"]) std::cout << " " << v.get<double>();
        std::cout << "\n";
        if (pred.contains("class")) std::cout << "class: " << pred["class"].get<int64_t>() << "\n";
    }
    if (pred.contains("predictions")) {
        const auto& P = pred["predictions"];
        std::cout << "position: input tokens -> most likely token per slot (probability)\n";
        for (size_t p = 0; p < P.size(); ++p) {
            std::cout << p << ":";
            if (p < tokens.size())
                for (const auto& t : tokens[p]) std::cout << " " << t;
            else
                for (int32_t id : input.ids[p]) std::cout << " " << tokenText(*m, id);
            std::cout << " ->";
            for (const auto& slot : P[p]) {
                const auto& best = slot.front();
                std::cout << " " << best["token"].get<std::string>() << "(" << std::setprecision(2)
                          << best["p"].get<double>() << ")";
            }
            std::cout << "\n";
        }
    }
    if (out) std::cout << "wrote " << *out << "\n";
    return 0;
}

int runBench(const std::vector<std::string>& args) {
    auto valued = kTokenizeValued;
    valued.insert({"graphs", "ids", "limit", "batch", "threads", "repeat", "capture", "seed", "dump-ids",
                   "attention", "attention-budget", "backend"});
    auto flags = kTokenizeFlags;
    flags.insert("json");
    CliArgs a(args, flags, valued);
    a.requirePositional(1, "gtscope-cli bench MODEL (--graphs FILE | --ids FILE.json) [--limit N] "
                           "[--batch N] [--threads N] [--repeat N] [--capture attention] "
                           "[--dump-ids FILE.json] [--backend cpu|gpu|auto] [--json]");
    const auto m = loadModel(a.positional()[0]);
    const auto graphsFile = a.value("graphs");
    const auto idsFile = a.value("ids");
    if (bool(graphsFile) == bool(idsFile)) throw UsageError("bench needs one of --graphs FILE or --ids FILE.json");

    const size_t limit = parseCount(a, "limit", 0);
    Tokenized data;
    double tokenizeSeconds = 0;
    if (idsFile) {
        data.inputs = readIdsFile(*idsFile);
        if (limit && data.inputs.size() > limit) data.inputs.resize(limit);
    } else {
        io::ReadOptions ro = graphReadOptions(a);
        std::vector<io::ParseError> unreadable;
        ro.skipped = &unreadable;
        const auto graphs = io::readGraphs(*graphsFile, ro);
        data.skipped = unreadable.size();
        if (!unreadable.empty()) data.firstSkipReason = unreadable.front().what();
        const TokenizeOptions options = tokenizeOptions(a, m->tokenization);
        const uint64_t seed = parseCount(a, "seed", 0);
        const auto t0 = std::chrono::steady_clock::now();
        for (const Graph& g : graphs) {
            if (limit && data.inputs.size() >= limit) break;
            try {
                const TokenSequence seq = tokenize(g, options, seed);
                SequenceInput in;
                in.ids = idsFor(*m, seq, g.name());
                data.inputs.push_back(std::move(in));
            } catch (const std::exception& e) {  // too many nodes for the scope, unknown token
                if (data.skipped++ == 0) data.firstSkipReason = e.what();
            }
        }
        tokenizeSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    if (data.inputs.empty()) throw UsageError("no sequence to run" + (data.firstSkipReason.empty() ? std::string() : ": " + data.firstSkipReason));

    if (auto dump = a.value("dump-ids")) {
        json j;
        j["sequences"] = json::array();
        for (const auto& in : data.inputs) j["sequences"].push_back({{"ids", in.ids}});
        io::writeFileAtomically(*dump, j.dump() + "\n");
    }

    RunOptions options;
    if (auto c = a.value("capture")) applyCapture(*c, options);
    applyAttentionOptions(a, options);
    options.threads = int(parseCount(a, "threads", 0));
    const size_t batch = std::max<uint64_t>(1, parseCount(a, "batch", data.inputs.size()));
    const size_t repeat = std::max<uint64_t>(1, parseCount(a, "repeat", 5));
    size_t positions = 0, stackedIds = 0;
    for (const auto& in : data.inputs) {
        positions += in.ids.size();
        for (const auto& p : in.ids) stackedIds += p.size();
    }

    const model::Backend backend = backendArg(a);
    model::Backend ranOn = model::Backend::Cpu;
    std::string fallback;
    auto once = [&] {
        const auto t0 = std::chrono::steady_clock::now();
        for (size_t b = 0; b < data.inputs.size(); b += batch) {
            std::vector<SequenceInput> chunk(data.inputs.begin() + ptrdiff_t(b),
                                             data.inputs.begin() + ptrdiff_t(std::min(b + batch, data.inputs.size())));
            try {
                const auto run = runOnBackend(*m, chunk, options, backend);
                ranOn = run.ran;
                fallback = run.fallbackReason;
            } catch (const std::invalid_argument& e) {
                throw UsageError(e.what());
            }
        }
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    };
    once();  // warm-up: page in the weights, size the allocations
    std::vector<double> seconds;
    for (size_t i = 0; i < repeat; ++i) seconds.push_back(once());
    std::vector<double> sorted = seconds;
    std::sort(sorted.begin(), sorted.end());
    const double median = sorted.size() % 2 ? sorted[sorted.size() / 2]
                                            : 0.5 * (sorted[sorted.size() / 2 - 1] + sorted[sorted.size() / 2]);
    double flops = 0;
    for (const auto& in : data.inputs) flops += model::graphGptFlops(*m, int64_t(in.ids.size()));

    if (a.flag("json")) {
        json j;
        j["model"] = m->files.folder.string();
        j["input"] = graphsFile ? *graphsFile : *idsFile;
        j["sequences"] = data.inputs.size();
        j["positions"] = positions;
        j["stacked_ids"] = stackedIds;
        j["skipped"] = data.skipped;
        if (!data.firstSkipReason.empty()) j["first_skip_reason"] = data.firstSkipReason;
        j["batch"] = batch;
        j["threads"] = options.threads;
        j["backend"] = model::backendName(ranOn);
        if (ranOn == model::Backend::Gpu) j["gpu"] = model::gpuDescription();
        if (!fallback.empty()) j["backend_fallback"] = fallback;
        j["capture_attention"] = options.captureAttention;
        j["repeat"] = repeat;
        j["seconds"] = seconds;
        j["seconds_median"] = median;
        j["positions_per_second"] = double(positions) / median;
        j["gflops_per_second"] = flops / median / 1e9;
        j["tokenize_seconds"] = tokenizeSeconds;
        std::cout << j.dump() << "\n";
        return 0;
    }
    std::cout << std::fixed << std::setprecision(3) << data.inputs.size() << " sequences, " << positions
              << " positions (" << stackedIds << " stacked ids)";
    if (data.skipped) std::cout << ", " << data.skipped << " skipped (" << data.firstSkipReason << ")";
    std::cout << "\nmedian of " << repeat << ": " << median << " s, " << std::setprecision(0)
              << double(positions) / median << " positions/s, " << std::setprecision(2)
              << flops / median / 1e9 << " GFLOP/s on the " << model::backendName(ranOn)
              << (ranOn == model::Backend::Gpu ? " (" + model::gpuDescription() + ")" : std::string()) << "\n";
    return 0;
}

}  // namespace gts::cli
