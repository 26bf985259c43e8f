#include <gtest/gtest.h>

#include <pugixml.hpp>

#include <cstdio>
#include <limits>

#include "scene/ColorMaps.h"
#include "scene/SvgWriter.h"
#include "scene/Views.h"

using namespace gts;
using namespace gts::scene;

namespace {

struct Fixture {
    Graph graph;
    std::vector<float> x{-0.5f, 0.5f, 0.0f, 0.3f}, y{-0.3f, -0.3f, 0.5f, 0.1f};
    analysis::GraphAttention ga;
    Fixture() {
        graph.addNodes(4);
        graph.addEdge(0, 1);
        graph.addEdge(1, 2);
        graph.addEdge(2, 0);
        ga.node = {0.5f, 0.25f, 0.0f, 0.0f};
        ga.edge = {0.2f, 0.1f, 0.0f};
        ga.maxNode = 0.5f;
        ga.maxEdge = 0.2f;
    }
    GraphFigureInput input() {
        GraphFigureInput in;
        in.graph = &graph;
        in.x = &x;
        in.y = &y;
        in.attention = &ga;
        return in;
    }
};

/// Node v's own disc fill: its group's last circle (a halo, when drawn, comes first).
std::string nodeFill(const pugi::xml_document& doc, int v) {
    const auto circles = doc.select_nodes(("//g[@class='node'][@data-node='" + std::to_string(v) + "']/circle").c_str());
    return circles.empty() ? std::string() : std::string(circles[circles.size() - 1].node().attribute("fill").value());
}

}  // namespace

TEST(ViewsGraph, ViridisTableMatchesMatplotlib) {
    // matplotlib _viridis_data: index 0 (0.267004, 0.004874, 0.329415), 128 (0.127568, 0.566949,
    // 0.550556), 255 (0.993248, 0.906157, 0.143936), times 255 and rounded.
    EXPECT_EQ(colormaps::argb(colormaps::ColorMap::Viridis, 0.0f), 0xff440154u);
    EXPECT_EQ(colormaps::argb(colormaps::ColorMap::Viridis, 0.5f), 0xff21918cu);
    EXPECT_EQ(colormaps::argb(colormaps::ColorMap::Viridis, 1.0f), 0xfffde725u);
}

TEST(ViewsGraph, ElementsAndColoursFollowAttention) {
    Fixture f;
    const Scene s = buildGraphAttention(f.input(), Theme::Paper, 200);
    const std::string svg = toSvg(s);
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(svg.c_str()));
    EXPECT_EQ(doc.select_nodes("//g[@class='node']").size(), 4u);
    EXPECT_EQ(doc.select_nodes("//g[@class='edge']/line").size(), 3u);
    // Edge 0 carries the largest weight: t = 1, the top of viridis, fully opaque.
    auto e0 = doc.select_node("//g[@class='edge'][@data-edge='0']/line").node();
    EXPECT_STREQ(e0.attribute("stroke").value(), "#fde725");
    EXPECT_FALSE(e0.attribute("stroke-opacity"));
    // Edge 1 at half the largest: viridis(0.5), opacity 0.35 + 0.65 * 0.5 = 0.675 (172/255).
    auto e1 = doc.select_node("//g[@class='edge'][@data-edge='1']/line").node();
    EXPECT_STREQ(e1.attribute("stroke").value(), "#21918c");
    EXPECT_STREQ(e1.attribute("stroke-opacity").value(), "0.67");
    // Edge 2 is unattended: the faint skeleton colour (22 % from white to #202020:
    auto e2 = doc.select_node("//g[@class='edge'][@data-edge='2']/line").node();
    EXPECT_STREQ(e2.attribute("stroke").value(), "#cecece");  // 255 - 0.22 * 223 = 205.9
    // Strongest edge drawn last (on top).
    auto lines = doc.select_nodes("//g[@class='edge']");
    EXPECT_STREQ(lines[lines.size() - 1].node().attribute("data-edge").value(), "0");
    // Node 0 receives the most: a halo in viridis(1); node 2 none.
    auto n0 = doc.select_node("//g[@class='node'][@data-node='0']").node();
    EXPECT_STREQ(n0.first_child().attribute("fill").value(), "#fde725");
    EXPECT_EQ(doc.select_nodes("//g[@class='node'][@data-node='2']/circle").size(), 1u);
    // Colour bar with the metric name and the range.
    EXPECT_TRUE(doc.select_node("//g[@class='colorbar']/image"));
    bool named = false;
    for (auto t : doc.select_nodes("//g[@class='colorbar']/text"))
        named = named || std::string(t.node().child_value()).find("attention") != std::string::npos;
    EXPECT_TRUE(named);
}

TEST(ViewsGraph, CopiesJumpsAndThemes) {
    Fixture f;
    GraphFigureInput in = f.input();
    in.copiedEdges = {false, true, false};
    in.jumps = {{2, 3}};
    const Scene dark = buildGraphAttention(in, Theme::Dark, 200);
    const std::string svg = toSvg(dark);
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(svg.c_str()));
    auto copy = doc.select_node("//g[@class='copy']/line").node();
    EXPECT_STREQ(copy.attribute("stroke").value(), "#e69f00");
    EXPECT_TRUE(copy.attribute("stroke-dasharray"));
    EXPECT_STREQ(doc.select_node("//g[@class='jump']/line").node().attribute("stroke").value(), "#cc79a7");
    EXPECT_EQ(dark.background, Color::rgb(0x1e1e1e));
}

TEST(ViewsGraph, MismatchedInputIsAClearError) {
    Fixture f;
    f.x.pop_back();
    EXPECT_THROW(buildGraphAttention(f.input(), Theme::Paper), std::invalid_argument);
    Fixture g;
    g.ga.edge.pop_back();
    EXPECT_THROW(buildGraphAttention(g.input(), Theme::Paper), std::invalid_argument);
}

TEST(ViewsGraph, NodeClassesFillNodesWithALegend) {
    // Okabe & Ito's palette without black, grey last; repeats after 8.
    EXPECT_EQ(colormaps::categoryArgb(0), 0xffe69f00u);
    EXPECT_EQ(colormaps::categoryArgb(1), 0xff56b4e9u);
    EXPECT_EQ(colormaps::categoryArgb(9), colormaps::categoryArgb(1));
    Fixture f;
    GraphFigureInput in = f.input();
    in.nodeClasses = {2, 0, -1, 2};  // node 2 has no prediction (pruned)
    const std::string svg = toSvg(buildGraphAttention(in, Theme::Paper, 200));
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(svg.c_str()));
    // The node's own disc takes its class colour.
    auto fill = [&](int v) { return nodeFill(doc, v); };
    EXPECT_EQ(fill(0), "#009e73");
    EXPECT_EQ(fill(1), "#e69f00");
    EXPECT_EQ(fill(2), "#e9e9e9");  // the plain node fill: 10 % from white to #202020
    EXPECT_EQ(fill(3), "#009e73");
    EXPECT_STREQ(doc.select_node("//g[@class='node'][@data-node='3']").node().attribute("data-class").value(), "2");
    EXPECT_FALSE(doc.select_node("//g[@class='node'][@data-node='2']").node().attribute("data-class"));
    // A legend swatch for classes 0..2 under the colour bar, named.
    const auto swatches = doc.select_nodes("//g[@class='class']");
    ASSERT_EQ(swatches.size(), 3u);
    EXPECT_STREQ(swatches[1].node().child("circle").attribute("fill").value(), "#56b4e9");
    EXPECT_NE(svg.find("predicted class:"), std::string::npos);
    EXPECT_EQ(svg.find("colours repeat"), std::string::npos);
    // Past 8 classes the palette repeats, and the legend says so.
    in.nodeClasses = {9, 0, -1, 2};
    EXPECT_NE(toSvg(buildGraphAttention(in, Theme::Paper, 200)).find("(10 classes; colours repeat)"), std::string::npos);
    in.nodeClasses.pop_back();
    EXPECT_THROW(buildGraphAttention(in, Theme::Paper), std::invalid_argument);
}

TEST(ViewsGraph, NodeValuesFillNodesInCividisWithTheirOwnBar) {
    Fixture f;
    GraphFigureInput in = f.input();
    in.nodeValues = {-1.0f, 3.0f, std::numeric_limits<float>::quiet_NaN(), 1.0f};
    in.valueLegend = "depth (m)";
    const std::string svg = toSvg(buildGraphAttention(in, Theme::Paper, 200));
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(svg.c_str()));
    auto fill = [&](int v) { return nodeFill(doc, v); };
    auto hex = [](uint32_t argb) {
        char text[8];
        std::snprintf(text, sizeof(text), "#%06x", argb & 0xffffffu);
        return std::string(text);
    };
    // Over the range [-1, 3]: -1 → cividis(0), 3 → cividis(1), 1 → cividis(0.5); NaN: plain.
    EXPECT_EQ(fill(0), hex(colormaps::argb(colormaps::ColorMap::Cividis, 0.0f)));
    EXPECT_EQ(fill(1), hex(colormaps::argb(colormaps::ColorMap::Cividis, 1.0f)));
    EXPECT_EQ(fill(3), hex(colormaps::argb(colormaps::ColorMap::Cividis, 0.5f)));
    EXPECT_EQ(fill(2), "#e9e9e9");
    EXPECT_STREQ(doc.select_node("//g[@class='node'][@data-node='1']").node().attribute("data-value").value(), "3");
    // Two colour bars: attention (viridis) and the values' (cividis) from -1 to 3, named.
    EXPECT_EQ(doc.select_nodes("//g[@class='colorbar']").size(), 2u);
    EXPECT_NE(svg.find("depth (m) (node fill)"), std::string::npos);
    EXPECT_NE(svg.find(">-1<"), std::string::npos);
    // Classes win over values; a size mismatch is an error.
    in.nodeClasses = {0, 1, 0, 1};
    EXPECT_EQ(toSvg(buildGraphAttention(in, Theme::Paper, 200)).find("data-value"), std::string::npos);
    in.nodeClasses.clear();
    in.nodeValues.pop_back();
    EXPECT_THROW(buildGraphAttention(in, Theme::Paper), std::invalid_argument);
}
