#include <gtest/gtest.h>

#include <pugixml.hpp>

#include "scene/SvgWriter.h"
#include "scene/Views.h"

using namespace gts;
using namespace gts::scene;

namespace {

/// A w × h figure with a rect at (1, 2), a rotated text at (5, 6) and a clipped group.
Scene panel(float w, float h) {
    Scene s;
    s.width = w;
    s.height = h;
    s.background = Color::rgb(0xffffff);
    Group& l = s.addLayer("marks", "marks");
    l.add(Rect{{1, 2, 3, 4}, Color::rgb(0xff0000), std::nullopt});
    Text t;
    t.pos = {5, 6};
    t.text = "label";
    t.rotation = -90;
    l.add(t);
    Group& clipped = l.addGroup("inner", "inner");
    clipped.clip = RectF{0, 0, 10, 10};
    clipped.add(Line{{0, 0}, {10, 10}, {}});
    return s;
}

}  // namespace

TEST(ViewsCompose, PanelsSitSideBySideWithUniqueIds) {
    const Scene s = composeFigures({panel(100, 50), panel(80, 70)},
                                   {"graph-attention", "head-grid"}, 2, Theme::Paper, 10);
    EXPECT_FLOAT_EQ(s.width, 100 + 10 + 80);
    EXPECT_FLOAT_EQ(s.height, 70);
    const std::string svg = toSvg(s);
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(svg.c_str()));
    ASSERT_EQ(doc.select_nodes("//g[@class='panel']").size(), 2u);
    EXPECT_STREQ(doc.select_node("//g[@id='panel-1']").node().attribute("data-view").value(),
                 "head-grid");
    // The second panel starts at x = 100 + 10: its rect at 111, 2; its text and clip shifted.
    EXPECT_STREQ(doc.select_node("//g[@id='p1-marks']/rect").node().attribute("x").value(), "111");
    EXPECT_STREQ(doc.select_node("//g[@id='p0-marks']/rect").node().attribute("x").value(), "1");
    EXPECT_STREQ(doc.select_node("//g[@id='p1-marks']/text").node().attribute("transform").value(),
                 "rotate(-90 115 6)");
    EXPECT_TRUE(doc.select_node("//g[@id='p1-inner']"));
    EXPECT_STREQ(doc.select_node("(//clipPath)[2]/rect").node().attribute("x").value(), "110");
    // Same-coloured backgrounds are not repeated per panel.
    EXPECT_EQ(doc.select_nodes("//g[@class='panel']/rect").size(), 0u);
}

TEST(ViewsCompose, OneColumnStacksAndDarkPanelsKeepTheirBackground) {
    Scene dark = panel(60, 40);
    dark.background = Color::rgb(0x1e1e1e);
    const Scene s = composeFigures({panel(100, 50), dark}, {"a", "b"}, 1, Theme::Paper, 8);
    EXPECT_FLOAT_EQ(s.width, 100);
    EXPECT_FLOAT_EQ(s.height, 50 + 8 + 40);
    const auto& second = s.layers[1];
    const auto& bg = std::get<Rect>(second.items[0].value);
    EXPECT_EQ(bg.fill, Color::rgb(0x1e1e1e));
    EXPECT_FLOAT_EQ(bg.rect.y, 58);
    const auto& marks = std::get<Group>(second.items[1].value);
    EXPECT_FLOAT_EQ(std::get<Rect>(marks.items[0].value).rect.y, 2 + 58);
}

TEST(ViewsCompose, BadArgumentsAreClearErrors) {
    EXPECT_THROW(composeFigures({}, {}, 1, Theme::Paper), std::invalid_argument);
    EXPECT_THROW(composeFigures({panel(1, 1)}, {"a"}, 0, Theme::Paper), std::invalid_argument);
    EXPECT_THROW(composeFigures({panel(1, 1)}, {}, 1, Theme::Paper), std::invalid_argument);
}
