// gtscope-cli convert IN[#RECORD] OUT [--from FMT] [--to FMT]
// gtscope-cli convert CHECKPOINT OUT.safetensors [--dtype f32|f16|bf16]
// gtscope-cli convert MODEL_FOLDER OUT_FOLDER [--dtype f32|f16|bf16]

#include <algorithm>
#include <cctype>
#include <iostream>

#include "CliArgs.h"
#include "Commands.h"
#include "checkpoint/SafeTensors.h"
#include "io/GraphIO.h"
#include "model/ModelFolder.h"

namespace gts::cli {

namespace {

namespace fs = std::filesystem;

const char* kConvertUsage =
    "gtscope-cli convert IN[#RECORD] OUT [--from FMT] [--to FMT] | "
    "convert CHECKPOINT|MODEL OUT.safetensors|OUT_FOLDER [--dtype f32|f16|bf16]";

DType parseOutputDType(const std::string& text) {
    std::string upper = text;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char ch) { return char(std::toupper(ch)); });
    if (upper == "F32" || upper == "F16" || upper == "BF16") return *parseDType(upper);
    throw UsageError("--dtype is f32, f16 or bf16, not '" + text + "'");
}

/// Copies a model's tensors into a safetensors file, every tensor as `dtype`; the metadata
/// {"format": "pt"} is what HF writes for PyTorch weights.
size_t writeCheckpoint(const std::map<std::string, Tensor>& tensors, const fs::path& target,
                       DType dtype) {
    std::map<std::string, DType> dtypes;
    for (const auto& [name, t] : tensors) dtypes[name] = dtype;
    checkpoint::writeSafeTensors(target, tensors, {{"format", "pt"}}, dtypes);
    return tensors.size();
}

int convertModel(const CliArgs& a, DType dtype) {
    const fs::path source(a.positional()[0]);
    const fs::path target(a.positional()[1]);
    std::error_code ec;
    if (target.extension() == ".safetensors") {
        const size_t n = writeCheckpoint(model::readCheckpointTensors(source), target, dtype);
        if (!a.flag("quiet"))
            std::cerr << "wrote " << n << " tensors to " << target.string() << " ("
                      << dtypeName(dtype) << ")\n";
        return 0;
    }
    if (target.has_extension() && !fs::is_directory(target, ec))
        throw UsageError("a checkpoint converts to a .safetensors file or a model folder, not '" +
                         target.string() + "'");
    // Folder to folder: the whole model is loaded first, so a broken model writes nothing.
    const auto m = model::loadGraphGptModel(source);
    if (fs::exists(target, ec) && fs::equivalent(target, m->files.folder, ec))
        throw UsageError("OUT is the model's own folder; name another folder or a .safetensors file");
    fs::create_directories(target, ec);
    if (ec) throw io::FileError(target.string() + ": cannot create the folder (" + ec.message() + ")");
    const size_t n = writeCheckpoint(m->tensors, target / "model.safetensors", dtype);
    auto copy = [&](const fs::path& file) {
        io::writeFileAtomically(target / file.filename(), io::readFileBytes(file));
    };
    copy(m->files.config);
    if (m->files.vocab) copy(*m->files.vocab);
    if (m->files.tokenization) copy(*m->files.tokenization);
    if (!a.flag("quiet"))
        std::cerr << "wrote " << n << " tensors to " << (target / "model.safetensors").string()
                  << " (" << dtypeName(dtype) << ") with the model's config"
                  << (m->files.vocab ? ", vocab" : "")
                  << (m->files.tokenization ? ", tokenization" : "") << "\n";
    return 0;
}

}  // namespace

int runConvert(const std::vector<std::string>& args) {
    CliArgs a(args, {"quiet"}, {"from", "to", "dtype"});
    a.requirePositional(2, kConvertUsage);
    if (!a.value("from") && model::isModelPath(a.positional()[0])) {
        if (a.value("to")) throw UsageError("--to is for graph formats; a model converts by OUT's name");
        return convertModel(a, a.value("dtype") ? parseOutputDType(*a.value("dtype")) : DType::F32);
    }
    if (a.value("dtype")) throw UsageError("--dtype is for checkpoints; '" + a.positional()[0] +
                                           "' is not a model folder or weights file");
    io::ReadOptions in;
    if (auto f = a.value("from")) {
        in.format = io::parseFormat(*f);
        if (!in.format) throw UsageError("unknown input format '" + *f + "'");
    }
    io::WriteOptions out;
    if (auto f = a.value("to")) {
        out.format = io::parseFormat(*f);
        if (!out.format) throw UsageError("unknown output format '" + *f + "'");
    }
    const std::filesystem::path target(a.positional()[1]);
    if (!out.format && !io::formatFromPath(target) && target.has_extension())
        throw UsageError("cannot tell the output format from '" + target.string() +
                         "'; name it with --to");

    const io::GraphPath gp = io::parseGraphPath(a.positional()[0]);
    in.record = gp.record;
    const std::vector<Graph> graphs = io::readGraphs(gp.file, in);
    const io::Format outFormat = out.format ? *out.format
                                            : io::formatFromPath(target).value_or(io::Format::OgbFolder);
    const bool multi = outFormat == io::Format::GraphMl || outFormat == io::Format::Smiles ||
                       outFormat == io::Format::Sdf || outFormat == io::Format::OgbFolder;
    if (graphs.size() != 1 && !multi)
        throw UsageError(gp.file.string() + " holds " + std::to_string(graphs.size()) +
                         " graphs and " + io::formatName(outFormat) +
                         " holds one; pick one as IN#N (from 0)");
    io::writeGraphs(graphs, target, out);
    if (!a.flag("quiet"))
        std::cerr << "wrote " << graphs.size() << (graphs.size() == 1 ? " graph" : " graphs")
                  << " to " << target.string() << " (" << io::formatName(outFormat) << ")\n";
    return 0;
}

}  // namespace gts::cli
