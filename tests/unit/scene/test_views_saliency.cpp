#include <gtest/gtest.h>

#include <pugixml.hpp>

#include "scene/SvgWriter.h"
#include "scene/Views.h"

using namespace gts;
using namespace gts::scene;

TEST(ViewsSaliency, NodeHalosAndEdgeColoursFollowSaliency) {
    Graph g;
    g.addNodes(3);
    g.addEdge(0, 1);
    g.addEdge(1, 2);
    const std::vector<float> x{-0.5f, 0.0f, 0.5f}, y{0.0f, 0.2f, 0.0f};
    analysis::Saliency sal;
    sal.position = {0.1, 0.2};
    sal.node = {0.4, 0.2, 0.0};
    sal.edge = {0.05, 0.1};
    GraphFigureInput in;
    in.graph = &g;
    in.x = &x;
    in.y = &y;
    const Scene s = buildSaliency(in, sal, "flow", Theme::Paper, 200);
    const std::string svg = toSvg(s);
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(svg.c_str()));
    // Node 0 has the most saliency (halo viridis(1)); node 1 half of it (viridis(0.5)); node 2
    // none.
    EXPECT_STREQ(doc.select_node("//g[@class='node'][@data-node='0']/circle")
                     .node()
                     .attribute("fill")
                     .value(),
                 "#fde725");
    EXPECT_STREQ(doc.select_node("//g[@class='node'][@data-node='1']/circle")
                     .node()
                     .attribute("fill")
                     .value(),
                 "#21918c");
    EXPECT_EQ(doc.select_nodes("//g[@class='node'][@data-node='2']/circle").size(), 1u);
    // Edge 1 carries the edge maximum, edge 0 half of it.
    EXPECT_STREQ(doc.select_node("//g[@class='edge'][@data-edge='1']/line")
                     .node()
                     .attribute("stroke")
                     .value(),
                 "#fde725");
    EXPECT_STREQ(doc.select_node("//g[@class='edge'][@data-edge='0']/line")
                     .node()
                     .attribute("stroke")
                     .value(),
                 "#21918c");
    bool named = false;
    for (auto t : doc.select_nodes("//g[@class='colorbar']/text"))
        named = named || std::string(t.node().child_value()).find("saliency (attention flow)") !=
                             std::string::npos;
    EXPECT_TRUE(named);
}

TEST(ViewsSaliency, MismatchOrUnknownMethodIsAClearError) {
    Graph g;
    g.addNodes(2);
    g.addEdge(0, 1);
    const std::vector<float> x{0.0f, 0.5f}, y{0.0f, 0.0f};
    GraphFigureInput in;
    in.graph = &g;
    in.x = &x;
    in.y = &y;
    analysis::Saliency sal;
    sal.node = {1.0};
    sal.edge = {1.0};
    EXPECT_THROW(buildSaliency(in, sal, "rollout", Theme::Paper), std::invalid_argument);
    sal.node = {1.0, 0.5};
    EXPECT_THROW(buildSaliency(in, sal, "gradient", Theme::Paper), std::invalid_argument);
    EXPECT_NO_THROW(buildSaliency(in, sal, "rollout", Theme::Paper));
}
