#include "model/Backend.h"

#include <algorithm>
#include <stdexcept>

#include "model/ModelFolder.h"

#ifdef GTS_HAVE_GL
#include "backend/gl/GlDevice.h"
#include "backend/gl/GlGraphGpt.h"
#include "backend/gl/GlKernels.h"
#endif

namespace gts::model {
namespace {

// The GPU path validates as model::runGraphGpt does (Run.cpp: same rules and messages), since
// that validation is private to Run.cpp.
std::string where(size_t sequence, size_t position) {
    return "sequence " + std::to_string(sequence) + ", position " + std::to_string(position);
}

SequenceInput trimmed(const SequenceInput& input, int pad) {
    SequenceInput out = input;
    while (!out.ids.empty()) {
        bool allPad = true;
        for (int32_t id : out.ids.back()) allPad = allPad && id == pad;
        if (!allPad) break;
        out.ids.pop_back();
    }
    return out;
}

void validate(const GraphGptModel& model, const std::vector<SequenceInput>& inputs, const RunOptions& options) {
    const auto& cfg = model.config;
    const int slots = std::max(1, cfg.stackedFeat);
    for (size_t s = 0; s < inputs.size(); ++s) {
        const auto& ids = inputs[s].ids;
        if (ids.empty()) throw std::invalid_argument("sequence " + std::to_string(s) + " has no positions");
        for (size_t p = 0; p < ids.size(); ++p) {
            if (ids[p].empty()) throw std::invalid_argument(where(s, p) + ": no token ids");
            if (static_cast<int>(ids[p].size()) > slots)
                throw std::invalid_argument(where(s, p) + ": " + std::to_string(ids[p].size()) +
                                            " stacked ids, the model takes at most " + std::to_string(slots));
            for (int32_t id : ids[p])
                if (id < 0 || id >= cfg.vocabSize)
                    throw std::invalid_argument(where(s, p) + ": token id " + std::to_string(id) +
                                                " is outside the vocabulary (0.." +
                                                std::to_string(cfg.vocabSize - 1) + ")");
        }
        for (size_t l = 0; l < options.keepTokens.size(); ++l)
            for (int32_t pos : options.keepTokens[l])
                if (pos < 0 || static_cast<size_t>(pos) >= ids.size())
                    throw std::invalid_argument("keep-set of layer " + std::to_string(l) + ": position " +
                                                std::to_string(pos) + " is outside sequence " +
                                                std::to_string(s) + " (" + std::to_string(ids.size()) +
                                                " positions)");
    }
    const auto layers = static_cast<size_t>(cfg.numLayers);
    if (options.headMask.size() > layers)
        throw std::invalid_argument("head mask names layer " + std::to_string(options.headMask.size() - 1) +
                                    "; the model has " + std::to_string(layers) + " layers");
    for (size_t l = 0; l < options.headMask.size(); ++l)
        if (options.headMask[l].size() > static_cast<size_t>(cfg.numHeads))
            throw std::invalid_argument("head mask of layer " + std::to_string(l) + " names head " +
                                        std::to_string(options.headMask[l].size() - 1) + "; the model has " +
                                        std::to_string(cfg.numHeads) + " heads");
    if (options.skipLayers.size() > layers || options.keepTokens.size() > layers)
        throw std::invalid_argument("layer skips or keep-sets name layers beyond the model's " +
                                    std::to_string(layers));
    for (int l : options.captureLayers)
        if (l < 0 || l >= cfg.numLayers)
            throw std::invalid_argument("capture layer " + std::to_string(l) + " does not exist (layers 0.." +
                                        std::to_string(cfg.numLayers - 1) + ")");
}

}  // namespace

const char* backendName(Backend b) {
    switch (b) {
    case Backend::Cpu: return "cpu";
    case Backend::Gpu: return "gpu";
    case Backend::Auto: return "auto";
    }
    return "?";
}

std::optional<Backend> parseBackend(std::string_view name) {
    if (name == "cpu") return Backend::Cpu;
    if (name == "gpu") return Backend::Gpu;
    if (name == "auto") return Backend::Auto;
    return std::nullopt;
}

std::string gpuUnavailableReason() {
#ifdef GTS_HAVE_GL
    const auto& device = backend::gl::GlDevice::instance();
    return device.available() ? std::string() : device.unavailableReason();
#else
    return "this build has no GPU backend (configured with GTS_WITH_GL=OFF or without EGL)";
#endif
}

std::string gpuDescription() {
#ifdef GTS_HAVE_GL
    const auto& device = backend::gl::GlDevice::instance();
    return device.available() ? device.description() : std::string();
#else
    return {};
#endif
}

BackendRun runModel(const GraphGptModel& model, const std::vector<SequenceInput>& inputs,
                    const RunOptions& options, Backend backend) {
    BackendRun run;
    if (backend == Backend::Cpu) {
        run.results = runGraphGpt(model, inputs, options);
        return run;
    }
    std::string reason = gpuUnavailableReason();
#ifdef GTS_HAVE_GL
    if (reason.empty()) {
        std::vector<SequenceInput> clean;
        clean.reserve(inputs.size());
        for (const auto& input : inputs) clean.push_back(trimmed(input, model.config.padTokenId));
        validate(model, clean, options);
        try {
            run.results = backend::gl::runGraphGpt(model, clean, options);
            run.ran = Backend::Gpu;
            return run;
        } catch (const backend::gl::GpuUnsupported& e) {
            reason = e.what();
        }
    }
#endif
    if (backend == Backend::Gpu) throw std::runtime_error("GPU backend: " + reason);
    run.results = runGraphGpt(model, inputs, options);
    run.ran = Backend::Cpu;
    run.fallbackReason = reason;
    return run;
}

}  // namespace gts::model
