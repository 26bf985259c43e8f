#pragma once
// The OpenGL 4.3 core functions the compute backend calls, loaded with eglGetProcAddress
// (EGL_KHR_get_all_proc_addresses: core entry points too) once a context is current. No
// loader library: the list below is all the backend uses.

#include <string>

#include <GL/glcorearb.h>

namespace gts::backend::gl {

// X(type, name): one entry per function.
#define GTS_GL_FUNCTIONS(X)                                      \
    X(PFNGLGETSTRINGPROC, GetString)                             \
    X(PFNGLGETINTEGERVPROC, GetIntegerv)                         \
    X(PFNGLGETINTEGERI_VPROC, GetIntegeri_v)                     \
    X(PFNGLGETERRORPROC, GetError)                               \
    X(PFNGLCREATESHADERPROC, CreateShader)                       \
    X(PFNGLSHADERSOURCEPROC, ShaderSource)                       \
    X(PFNGLCOMPILESHADERPROC, CompileShader)                     \
    X(PFNGLGETSHADERIVPROC, GetShaderiv)                         \
    X(PFNGLGETSHADERINFOLOGPROC, GetShaderInfoLog)               \
    X(PFNGLDELETESHADERPROC, DeleteShader)                       \
    X(PFNGLCREATEPROGRAMPROC, CreateProgram)                     \
    X(PFNGLATTACHSHADERPROC, AttachShader)                       \
    X(PFNGLLINKPROGRAMPROC, LinkProgram)                         \
    X(PFNGLGETPROGRAMIVPROC, GetProgramiv)                       \
    X(PFNGLGETPROGRAMINFOLOGPROC, GetProgramInfoLog)             \
    X(PFNGLDELETEPROGRAMPROC, DeleteProgram)                     \
    X(PFNGLUSEPROGRAMPROC, UseProgram)                           \
    X(PFNGLGETUNIFORMLOCATIONPROC, GetUniformLocation)           \
    X(PFNGLUNIFORM1IPROC, Uniform1i)                             \
    X(PFNGLUNIFORM1FPROC, Uniform1f)                             \
    X(PFNGLGENBUFFERSPROC, GenBuffers)                           \
    X(PFNGLDELETEBUFFERSPROC, DeleteBuffers)                     \
    X(PFNGLBINDBUFFERPROC, BindBuffer)                           \
    X(PFNGLBUFFERDATAPROC, BufferData)                           \
    X(PFNGLBUFFERSUBDATAPROC, BufferSubData)                     \
    X(PFNGLGETBUFFERSUBDATAPROC, GetBufferSubData)               \
    X(PFNGLCLEARBUFFERDATAPROC, ClearBufferData)                 \
    X(PFNGLBINDBUFFERBASEPROC, BindBufferBase)                   \
    X(PFNGLDISPATCHCOMPUTEPROC, DispatchCompute)                 \
    X(PFNGLMEMORYBARRIERPROC, MemoryBarrier)                     \
    X(PFNGLFINISHPROC, Finish)

struct GlFunctions {
#define GTS_GL_DECLARE(type, name) type name = nullptr;
    GTS_GL_FUNCTIONS(GTS_GL_DECLARE)
#undef GTS_GL_DECLARE

    /// Loads every entry; returns the name of the first one missing, or "" when all loaded.
    std::string load();
};

}  // namespace gts::backend::gl
