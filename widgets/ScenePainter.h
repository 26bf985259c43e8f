#pragma once
// Draws a core/scene figure with QPainter (on any paint device) and writes it as PNG at a DPI.

#include <QImage>
#include <QPainter>
#include <filesystem>

#include "scene/Scene.h"

namespace gts {

/// Paints `scene` in figure points; the painter's transform maps points to device pixels.
void paintScene(QPainter& painter, const scene::Scene& scene);
/// The figure as an image of round(width·dpi/72) × round(height·dpi/72) pixels.
QImage renderScene(const scene::Scene& scene, double dpi);
/// renderScene as PNG, written atomically; throws io::FileError naming the file, and
/// std::invalid_argument for a DPI outside 1..2400 or an image over 400 megapixels.
void writePng(const scene::Scene& scene, const std::filesystem::path& path, double dpi);

}  // namespace gts
