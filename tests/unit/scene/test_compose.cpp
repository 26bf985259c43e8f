// Several figures on one page: every primitive kind moves by the panel's offset, ids get the
// panel's prefix (unique in the SVG), and the page spans the panels.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "scene/Compose.h"
#include "scene/SvgWriter.h"

using namespace gts::scene;

namespace {

Scene sample(float w, float h) {
    Scene s;
    s.width = w;
    s.height = h;
    s.background = Color::rgb(0xffffff);
    Group& layer = s.addLayer("nodes", "nodes");
    layer.clip = RectF{0, 0, w, h};
    layer.add(Line{{1, 2}, {3, 4}, {}});
    layer.add(Polyline{{{5, 6}, {7, 8}}, Stroke{}, std::nullopt, false});
    layer.add(Circle{{9, 10}, 2.0f, Color{}, std::nullopt});
    layer.add(Rect{{11, 12, 5, 5}, Color{}, std::nullopt});
    Path p;
    p.moveTo({1, 1}).cubicTo({2, 2}, {3, 3}, {4, 4}).close();
    layer.add(p);
    Text label;
    label.pos = {13, 14};
    label.text = "x";
    layer.add(label);
    layer.add(Image{{15, 16, 2, 2}, 1, 1, {0xff000000u}});
    Group& inner = layer.addGroup("node", "node-0");
    inner.add(Circle{{20, 21}, 1.0f, Color{}, std::nullopt});
    return s;
}

}  // namespace

TEST(Compose, TranslateMovesEveryPrimitive) {
    Scene s = sample(50, 40);
    translate(s.layers[0], 100, 200);
    const auto& items = s.layers[0].items;
    const auto& line = std::get<Line>(items[0].value);
    EXPECT_FLOAT_EQ(line.a.x, 101);
    EXPECT_FLOAT_EQ(line.b.y, 204);
    EXPECT_FLOAT_EQ(std::get<Polyline>(items[1].value).points[1].x, 107);
    EXPECT_FLOAT_EQ(std::get<Circle>(items[2].value).center.y, 210);
    EXPECT_FLOAT_EQ(std::get<Rect>(items[3].value).rect.x, 111);
    const auto& path = std::get<Path>(items[4].value);
    EXPECT_FLOAT_EQ(path.segments[0].p[0].x, 101);
    EXPECT_FLOAT_EQ(path.segments[1].p[2].y, 204);
    EXPECT_FLOAT_EQ(path.segments[2].p[0].x, 0);  // Close carries no point
    EXPECT_FLOAT_EQ(std::get<Text>(items[5].value).pos.x, 113);
    EXPECT_FLOAT_EQ(std::get<Image>(items[6].value).rect.y, 216);
    EXPECT_FLOAT_EQ(std::get<Circle>(std::get<Group>(items[7].value).items[0].value).center.x, 120);
    EXPECT_FLOAT_EQ(s.layers[0].clip->x, 100);
}

TEST(Compose, RowsPlacePanelsAndKeepIdsUnique) {
    const Scene page = composeRows({{{"graph", sample(50, 40)}, {"matrix", sample(30, 60)}}, {{"heads", sample(80, 10)}}},
                                   8.0f, Color::rgb(0xffffff));
    EXPECT_FLOAT_EQ(page.width, 88);     // 50 + 8 + 30
    EXPECT_FLOAT_EQ(page.height, 78);    // max(40, 60) + 8 + 10
    ASSERT_EQ(page.layers.size(), 3u);
    EXPECT_EQ(page.layers[1].klass, "panel");
    EXPECT_EQ(page.layers[1].id, "matrix");
    const auto& matrixLayer = std::get<Group>(page.layers[1].items[0].value);
    EXPECT_EQ(matrixLayer.id, "matrix-nodes");
    EXPECT_FLOAT_EQ(std::get<Line>(matrixLayer.items[0].value).a.x, 59);  // 1 + 58
    const auto& headsLayer = std::get<Group>(page.layers[2].items[0].value);
    EXPECT_FLOAT_EQ(std::get<Line>(headsLayer.items[0].value).a.y, 70);  // 2 + 68
    EXPECT_EQ(std::get<Group>(headsLayer.items[7].value).id, "heads-node-0");

    const auto file = std::filesystem::temp_directory_path() / "gts-test-compose.svg";
    writeSvg(page, file);
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    std::filesystem::remove(file);
    const std::string svg = text.str();
    for (const char* id : {"graph-node-0", "matrix-node-0", "heads-node-0"})
        EXPECT_NE(svg.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
    EXPECT_EQ(svg.find("id=\"node-0\""), std::string::npos);
}
