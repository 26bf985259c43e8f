#pragma once
// The compute device: one worker thread that owns a headless EGL context with desktop OpenGL
// 4.3 core (compute shaders, shader storage buffers). Every GL call of the backend runs on that
// thread; other threads post work with run() and wait for it.
//
// The display is Mesa's surfaceless platform (EGL_MESA_platform_surfaceless: no window system,
// no X) or, failing that, the first EGL device (EGL_EXT_platform_device, vendor drivers). The
// context has no config and no surface (EGL_KHR_no_config_context, EGL_KHR_surfaceless_context):
// compute needs neither.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "backend/gl/GlFunctions.h"

namespace gts::backend::gl {

struct GlLimits {
    int64_t maxStorageBlockBytes = 0;  ///< GL_MAX_SHADER_STORAGE_BLOCK_SIZE
    int maxSharedBytes = 0;            ///< GL_MAX_COMPUTE_SHARED_MEMORY_SIZE
    int maxInvocations = 0;            ///< GL_MAX_COMPUTE_WORK_GROUP_INVOCATIONS
    int maxGroupsX = 0, maxGroupsY = 0, maxGroupsZ = 0;
};

class GlDevice {
public:
    /// The process's device, created (and its context tried) on first use. Setting the
    /// environment variable GTS_GL_DISABLE (any value) makes it unavailable, for trying the
    /// CPU fallback on a machine that has GL.
    static GlDevice& instance();

    ~GlDevice();
    GlDevice(const GlDevice&) = delete;
    GlDevice& operator=(const GlDevice&) = delete;

    /// Whether a GL 4.3 core context was made; if not, unavailableReason() says why.
    bool available() const { return available_; }
    const std::string& unavailableReason() const { return reason_; }
    /// "vendor | renderer | version" of the context, e.g. "Mesa | llvmpipe (LLVM 15.0.6, 256
    /// bits) | 4.5 (Core Profile) Mesa 22.3.6".
    const std::string& description() const { return description_; }
    const GlLimits& limits() const { return limits_; }

    /// Runs `work` on the device thread and waits; rethrows what it throws. Throws
    /// std::runtime_error when the device is unavailable. Called from the device thread itself
    /// (nested), runs `work` directly.
    void run(const std::function<void()>& work);

    /// The loaded functions; valid on the device thread only.
    const GlFunctions& gl() const { return gl_; }
    bool onDeviceThread() const { return std::this_thread::get_id() == thread_.get_id(); }

private:
    GlDevice();
    void threadMain();
    bool createContext();
    void destroyContext();

    GlFunctions gl_;
    GlLimits limits_;
    bool available_ = false;
    std::string reason_, description_;

    void* display_ = nullptr;  // EGLDisplay
    void* context_ = nullptr;  // EGLContext

    std::mutex mutex_;
    std::condition_variable wake_, started_;
    std::deque<std::function<void()>> queue_;
    bool stop_ = false, ready_ = false;
    std::thread thread_;
};

}  // namespace gts::backend::gl
