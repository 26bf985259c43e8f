#include <gtest/gtest.h>

#include <pugixml.hpp>

#include "scene/SvgWriter.h"
#include "scene/Views.h"

using namespace gts;
using namespace gts::scene;

TEST(ViewsPruning, RowsKeepSurvivorsInRoleColoursAndGreyThePruned) {
    TokenSequence t;
    t.positions = {{"a"}, {"<edge_bi>"}, {"b"}, {"<eos>"}};
    t.sources = {{TokenSource{TokenRole::NodeIndex}},
                 {TokenSource{TokenRole::EdgeType}},
                 {TokenSource{TokenRole::NodeIndex}},
                 {TokenSource{TokenRole::Eos}}};
    // Layer 0 keeps all, layer 1 drops position 1, layer 2 also position 0.
    const std::vector<std::vector<int32_t>> dropped = {{}, {1}, {0}};
    PruningFigureInput in;
    in.positions = 4;
    in.dropped = &dropped;
    in.tokens = &t;
    in.title = "Zero-TPrune, keep 0.5";
    const std::string svg = toSvg(buildPruning(in, Theme::Paper));
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(svg.c_str()));
    EXPECT_EQ(doc.select_nodes("//g[@class='layer']").size(), 3u);
    std::vector<std::string> kept;
    for (auto l : doc.select_nodes("//g[@class='layer']"))
        kept.push_back(l.node().attribute("data-kept").value());
    EXPECT_EQ(kept, (std::vector<std::string>{"4", "3", "2"}));
    // 12 cells, 3 of them pruned (1 in layer 1; 0 and 1 in layer 2), each crossed by a line.
    EXPECT_EQ(doc.select_nodes("//g[@class='layer']/g").size(), 12u);
    EXPECT_EQ(doc.select_nodes("//g[@class='pruned']").size(), 3u);
    EXPECT_EQ(doc.select_nodes("//g[@class='pruned']/line").size(), 3u);
    // A pruned cell takes the background (white), its stroke the mid grey (45 % from white to
    // #202020: 255 - 0.45 * 223 = 154.65 -> #9b9b9b); a kept one its role's colour.
    auto pruned = doc.select_node("//g[@data-layer='2']/g[@data-position='0']").node();
    EXPECT_STREQ(pruned.attribute("class").value(), "pruned");
    EXPECT_STREQ(pruned.child("rect").attribute("fill").value(), "#ffffff");
    EXPECT_STREQ(pruned.child("line").attribute("stroke").value(), "#9b9b9b");
    EXPECT_STREQ(doc.select_node("//g[@data-layer='2']/g[@data-position='1']/rect")
                     .node()
                     .attribute("fill")
                     .value(),
                 "#ffffff");
    EXPECT_STREQ(doc.select_node("//g[@data-layer='2']/g[@data-position='2']/rect")
                     .node()
                     .attribute("fill")
                     .value(),
                 "#c6dbef");
    EXPECT_STREQ(doc.select_node("//g[@data-layer='0']/g[@data-position='1']/rect")
                     .node()
                     .attribute("fill")
                     .value(),
                 "#fdd0a2");
    // Labels "L<layer> · <survivors>" (U+00B7 middle dot).
    EXPECT_STREQ(doc.select_nodes("//g[@id='labels']/text")[1].node().child_value(),
                 "L1 \xC2\xB7 3");
}

TEST(ViewsPruning, CellsNarrowToFitAndBadPositionsAreRefused) {
    const std::vector<std::vector<int32_t>> dropped = {{}, {5}};
    PruningFigureInput in;
    in.positions = 400;
    in.dropped = &dropped;
    // (960 - 2 * 16 - 70) / 400 = 2.145 pt per cell instead of 12.
    const Scene s = buildPruning(in, Theme::Paper, 960);
    EXPECT_NEAR(s.width, 2 * 16 + 70 + 400 * 2.145f, 0.01f);
    const std::vector<std::vector<int32_t>> bad = {{400}};
    in.dropped = &bad;
    EXPECT_THROW(buildPruning(in, Theme::Paper), std::invalid_argument);
}
