#include "backend/gl/GlDevice.h"

#include <cstdlib>
#include <exception>
#include <future>
#include <stdexcept>
#include <vector>

#include <EGL/egl.h>
#include <EGL/eglext.h>

namespace gts::backend::gl {
namespace {

std::string eglErrorName(EGLint error) {
    switch (error) {
    case EGL_NOT_INITIALIZED: return "EGL_NOT_INITIALIZED";
    case EGL_BAD_ACCESS: return "EGL_BAD_ACCESS";
    case EGL_BAD_ALLOC: return "EGL_BAD_ALLOC";
    case EGL_BAD_ATTRIBUTE: return "EGL_BAD_ATTRIBUTE";
    case EGL_BAD_CONFIG: return "EGL_BAD_CONFIG";
    case EGL_BAD_CONTEXT: return "EGL_BAD_CONTEXT";
    case EGL_BAD_DISPLAY: return "EGL_BAD_DISPLAY";
    case EGL_BAD_MATCH: return "EGL_BAD_MATCH";
    case EGL_BAD_PARAMETER: return "EGL_BAD_PARAMETER";
    default: return "EGL error " + std::to_string(error);
    }
}

bool hasExtension(const char* list, const std::string& name) {
    if (!list) return false;
    const std::string all = std::string(" ") + list + " ";
    return all.find(" " + name + " ") != std::string::npos;
}

}  // namespace

GlDevice& GlDevice::instance() {
    static GlDevice device;
    return device;
}

GlDevice::GlDevice() {
    thread_ = std::thread([this] { threadMain(); });
    std::unique_lock lock(mutex_);
    started_.wait(lock, [this] { return ready_; });
}

GlDevice::~GlDevice() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void GlDevice::threadMain() {
    available_ = createContext();
    {
        std::lock_guard lock(mutex_);
        ready_ = true;
    }
    started_.notify_all();
    for (;;) {
        std::function<void()> work;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
            if (queue_.empty()) break;
            work = std::move(queue_.front());
            queue_.pop_front();
        }
        work();
    }
    destroyContext();
}

bool GlDevice::createContext() {
    if (std::getenv("GTS_GL_DISABLE")) {
        reason_ = "the GPU backend is disabled by the environment variable GTS_GL_DISABLE";
        return false;
    }
    const char* clientExtensions = eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS);
    auto getPlatformDisplay =
        reinterpret_cast<PFNEGLGETPLATFORMDISPLAYEXTPROC>(eglGetProcAddress("eglGetPlatformDisplayEXT"));
    if (!clientExtensions || !getPlatformDisplay) {
        reason_ = "EGL has no platform displays (EGL_EXT_platform_base missing)";
        return false;
    }
    std::vector<std::string> tried;
    EGLDisplay display = EGL_NO_DISPLAY;
    auto tryDisplay = [&](EGLDisplay candidate, const std::string& what) {
        if (candidate == EGL_NO_DISPLAY) {
            tried.push_back(what + ": no display");
            return false;
        }
        EGLint major = 0, minor = 0;
        if (!eglInitialize(candidate, &major, &minor)) {
            tried.push_back(what + ": eglInitialize failed (" + eglErrorName(eglGetError()) + ")");
            return false;
        }
        display = candidate;
        return true;
    };
    if (hasExtension(clientExtensions, "EGL_MESA_platform_surfaceless"))
        tryDisplay(getPlatformDisplay(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, nullptr),
                   "surfaceless platform");
    if (display == EGL_NO_DISPLAY && hasExtension(clientExtensions, "EGL_EXT_platform_device")) {
        auto queryDevices =
            reinterpret_cast<PFNEGLQUERYDEVICESEXTPROC>(eglGetProcAddress("eglQueryDevicesEXT"));
        EGLDeviceEXT devices[8];
        EGLint count = 0;
        if (queryDevices && queryDevices(8, devices, &count))
            for (EGLint i = 0; i < count && display == EGL_NO_DISPLAY; ++i)
                tryDisplay(getPlatformDisplay(EGL_PLATFORM_DEVICE_EXT, devices[i], nullptr),
                           "EGL device " + std::to_string(i));
    }
    if (display == EGL_NO_DISPLAY) {
        reason_ = "no headless EGL display";
        for (size_t i = 0; i < tried.size(); ++i) reason_ += (i ? "; " : ": ") + tried[i];
        if (tried.empty()) reason_ += " (EGL offers neither the surfaceless nor the device platform)";
        return false;
    }
    display_ = display;
    const char* displayExtensions = eglQueryString(display, EGL_EXTENSIONS);
    if (!hasExtension(displayExtensions, "EGL_KHR_surfaceless_context") ||
        !hasExtension(displayExtensions, "EGL_KHR_no_config_context")) {
        reason_ = "the EGL display lacks EGL_KHR_surfaceless_context or EGL_KHR_no_config_context";
        return false;
    }
    if (!eglBindAPI(EGL_OPENGL_API)) {
        reason_ = "EGL cannot bind desktop OpenGL (" + eglErrorName(eglGetError()) + ")";
        return false;
    }
    const EGLint attributes[] = {EGL_CONTEXT_MAJOR_VERSION, 4, EGL_CONTEXT_MINOR_VERSION, 3,
                                 EGL_CONTEXT_OPENGL_PROFILE_MASK, EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT,
                                 EGL_NONE};
    EGLContext context = eglCreateContext(display, EGL_NO_CONFIG_KHR, EGL_NO_CONTEXT, attributes);
    if (context == EGL_NO_CONTEXT) {
        reason_ = "no OpenGL 4.3 core context (" + eglErrorName(eglGetError()) +
                  "): the driver offers an older OpenGL";
        return false;
    }
    context_ = context;
    if (!eglMakeCurrent(display, EGL_NO_SURFACE, EGL_NO_SURFACE, context)) {
        reason_ = "eglMakeCurrent failed (" + eglErrorName(eglGetError()) + ")";
        return false;
    }
    if (const std::string missing = gl_.load(); !missing.empty()) {
        reason_ = "the OpenGL driver does not export " + missing;
        return false;
    }
    auto text = [&](GLenum name) {
        const auto* s = reinterpret_cast<const char*>(gl_.GetString(name));
        return std::string(s ? s : "?");
    };
    description_ = text(GL_VENDOR) + " | " + text(GL_RENDERER) + " | " + text(GL_VERSION);
    GLint value = 0;
    gl_.GetIntegerv(GL_MAX_SHADER_STORAGE_BLOCK_SIZE, &value);
    limits_.maxStorageBlockBytes = value;
    gl_.GetIntegerv(GL_MAX_COMPUTE_SHARED_MEMORY_SIZE, &limits_.maxSharedBytes);
    gl_.GetIntegerv(GL_MAX_COMPUTE_WORK_GROUP_INVOCATIONS, &limits_.maxInvocations);
    gl_.GetIntegeri_v(GL_MAX_COMPUTE_WORK_GROUP_COUNT, 0, &limits_.maxGroupsX);
    gl_.GetIntegeri_v(GL_MAX_COMPUTE_WORK_GROUP_COUNT, 1, &limits_.maxGroupsY);
    gl_.GetIntegeri_v(GL_MAX_COMPUTE_WORK_GROUP_COUNT, 2, &limits_.maxGroupsZ);
    if (gl_.GetError() != GL_NO_ERROR || limits_.maxInvocations < 256 || limits_.maxSharedBytes < 16384) {
        reason_ = "the OpenGL context (" + description_ + ") lacks the compute limits the kernels need";
        return false;
    }
    return true;
}

void GlDevice::destroyContext() {
    auto display = static_cast<EGLDisplay>(display_);
    if (!display) return;
    eglMakeCurrent(display, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
    if (context_) eglDestroyContext(display, static_cast<EGLContext>(context_));
    eglTerminate(display);
    eglReleaseThread();
    context_ = display_ = nullptr;
}

void GlDevice::run(const std::function<void()>& work) {
    if (!available_) throw std::runtime_error("GPU backend unavailable: " + reason_);
    if (onDeviceThread()) {
        work();
        return;
    }
    std::packaged_task<void()> task(work);
    auto done = task.get_future();
    {
        std::lock_guard lock(mutex_);
        queue_.emplace_back([&task] { task(); });
    }
    wake_.notify_one();
    done.get();
}

}  // namespace gts::backend::gl
