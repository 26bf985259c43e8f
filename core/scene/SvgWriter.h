#pragma once
// SVG 1.1 export of a scene: text stays <text>, lines stay <line>, groups become <g> with their
// id, class and data-* attributes; numbers are written with at most 2 decimals (1/200 pt).

#include <filesystem>
#include <string>

#include "scene/Scene.h"

namespace gts::scene {

std::string toSvg(const Scene& scene);
/// Writes toSvg(scene) atomically (io::writeFileAtomically). Throws io::FileError.
void writeSvg(const Scene& scene, const std::filesystem::path& path);

}  // namespace gts::scene
