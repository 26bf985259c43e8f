#pragma once
// Several figures on one page (e.g. the graph beside its attention matrix, the head grid
// below): each scene is moved to its place and wrapped in a group of class "panel" with
// data-view, and its ids are prefixed with the panel's name so they stay unique.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "scene/Scene.h"

namespace gts::scene {

/// Moves every primitive of `group` (and its clip) by (dx, dy), recursively.
void translate(Group& group, float dx, float dy);

struct Panel {
    Scene scene;
    std::string name;  ///< data-view and id prefix, e.g. "graph"
    float x = 0, y = 0;
};

/// One scene holding the panels at their places, width and height spanning them all, with
/// `background` (the panels' own backgrounds are dropped: the page has one).
Scene compose(std::vector<Panel> panels, std::optional<Color> background);

/// Panels in rows: each row's panels side by side with `gap` points between them, rows below one
/// another, top-aligned; returns the composed scene.
Scene composeRows(std::vector<std::vector<std::pair<std::string, Scene>>> rows, float gap,
                  std::optional<Color> background);

}  // namespace gts::scene
