#pragma once

#include <QString>

namespace gts {

/// The resources/ folder: beside an installed program (<prefix>/share/gtscope), or the source
/// tree's when run from a build folder. Empty when neither exists.
QString resourceDir();

}  // namespace gts
