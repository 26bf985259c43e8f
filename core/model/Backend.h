#pragma once
// Choosing the engine of a run: the CPU backend (backend/cpu) or the OpenGL compute backend
// (backend/gl). `auto` takes the GPU when a GL 4.3 context can be made and the run fits it,
// else the CPU, and says why.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/Run.h"

namespace gts::model {

enum class Backend : uint8_t { Cpu, Gpu, Auto };
const char* backendName(Backend b);  // "cpu", "gpu", "auto"
std::optional<Backend> parseBackend(std::string_view name);

struct BackendRun {
    std::vector<RunResult> results;
    Backend ran = Backend::Cpu;  ///< Cpu or Gpu
    /// Why auto ran on the CPU (empty when it ran where asked).
    std::string fallbackReason;
};

/// Empty when the GPU backend can run here; else why not ("built without the GPU backend",
/// "no headless EGL display: ...", ...). Tries the context once per process.
std::string gpuUnavailableReason();
/// "vendor | renderer | version" of the GPU context, or empty.
std::string gpuDescription();

/// Runs `inputs` as runGraphGpt does (same validation, trimming and results) on `backend`.
/// Gpu throws std::runtime_error naming the reason when the GPU backend is unavailable or the
/// run does not fit it; Auto then runs on the CPU and sets fallbackReason. Errors in the
/// inputs (std::invalid_argument) and RunCancelled propagate from either backend.
BackendRun runModel(const GraphGptModel& model, const std::vector<SequenceInput>& inputs,
                    const RunOptions& options, Backend backend);

}  // namespace gts::model
