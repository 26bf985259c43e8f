#include "backend/gl/GlFunctions.h"

#include <EGL/egl.h>

namespace gts::backend::gl {

std::string GlFunctions::load() {
#define GTS_GL_LOAD(type, name)                                                       \
    name = reinterpret_cast<type>(eglGetProcAddress("gl" #name));                   \
    if (!name) return "gl" #name;
    GTS_GL_FUNCTIONS(GTS_GL_LOAD)
#undef GTS_GL_LOAD
    return {};
}

}  // namespace gts::backend::gl
