#pragma once
// PDF 1.4 export of a scene (ISO 32000-1 / PDF Reference 1.4): one page the size of the scene,
// vector paths, text in the standard Type 1 font Helvetica (Helvetica-Bold) with
// WinAnsiEncoding (characters outside it become '?'), alpha through ExtGState /CA and /ca,
// images as Flate-compressed DeviceRGB XObjects with a soft mask, a Flate-compressed content
// stream, and a classic cross-reference table.

#include <filesystem>
#include <string>

#include "scene/Scene.h"

namespace gts::scene {

std::string toPdf(const Scene& scene);
/// Writes toPdf(scene) atomically (io::writeFileAtomically). Throws io::FileError.
void writePdf(const Scene& scene, const std::filesystem::path& path);

/// UTF-8 to WinAnsiEncoding (PDF Reference 1.4, Appendix D); unmappable characters become '?'.
std::string toWinAnsi(const std::string& utf8);

}  // namespace gts::scene
