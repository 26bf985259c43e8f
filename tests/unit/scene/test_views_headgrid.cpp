#include <gtest/gtest.h>

#include <pugixml.hpp>

#include "scene/SvgWriter.h"
#include "scene/Views.h"

using namespace gts;
using namespace gts::scene;

namespace {

// Two captured layers (numbers 1 and 3) of two heads over two positions: [heads, 2, 2].
model::RunResult twoLayers() {
    model::RunResult r;
    model::LayerCapture a;
    a.layer = 1;
    a.positions = {0, 1};
    a.attention = Tensor({2, 2, 2}, {1.0f, 0.0f, 0.5f, 0.5f, 0.25f, 0.75f, 1.0f, 0.0f});
    model::LayerCapture b = a;
    b.layer = 3;
    r.layers = {a, b};
    return r;
}

}  // namespace

TEST(ViewsHeadGrid, ThumbnailsAreBlockMeans) {
    // 4 x 4 plane at resolution 2: cell (0, 0) averages rows 0..1 x columns 0..1.
    const std::vector<float> plane = {1,    0,    0,     0,  //
                                      0,    1,    0,     0,  //
                                      0.5f, 0.5f, 0,     0,  //
                                      0,    0,    0.25f, 0.75f};
    int n = 0;
    const auto cells = attentionThumbnail(plane.data(), 4, 2, &n);
    EXPECT_EQ(n, 2);
    EXPECT_FLOAT_EQ(cells[0], 0.5f);  // (1 + 0 + 0 + 1) / 4
    EXPECT_FLOAT_EQ(cells[1], 0.0f);
    EXPECT_FLOAT_EQ(cells[2], 0.25f);  // (0.5 + 0.5 + 0 + 0) / 4
    EXPECT_FLOAT_EQ(cells[3], 0.25f);  // (0 + 0 + 0.25 + 0.75) / 4
    // Fewer positions than the resolution: one cell per position.
    attentionThumbnail(plane.data(), 4, 64, &n);
    EXPECT_EQ(n, 4);
}

TEST(ViewsHeadGrid, FramesFollowTheMetricInCividis) {
    const model::RunResult r = twoLayers();
    const std::vector<std::vector<double>> metric = {{0.2, 0.6}, {1.0, 0.6}};
    HeadGridFigureInput in;
    in.result = &r;
    in.metric = &metric;
    in.metricName = "entropy";
    in.currentLayer = 3;
    in.currentHead = 0;
    const Scene s = buildHeadGrid(in, Theme::Paper);
    const std::string svg = toSvg(s);
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(svg.c_str()));
    EXPECT_EQ(doc.select_nodes("//g[@class='head']").size(), 4u);
    EXPECT_EQ(doc.select_nodes("//g[@class='head']/image").size(), 4u);
    auto frame = [&](int layer, int head) {
        const std::string xp = "//g[@class='head'][@data-layer='" + std::to_string(layer) +
                               "'][@data-head='" + std::to_string(head) + "']/rect";
        return std::string(doc.select_node(xp.c_str()).node().attribute("fill").value());
    };
    // Metric range 0.2..1.0: 0.2 is the bottom of cividis, 1.0 the top (pnnl cividis.txt first and
    // last rows, (0, 0.1262, 0.3015) and (1, 0.9169, 0.2731) times 255).
    EXPECT_EQ(frame(1, 0), "#00204d");
    EXPECT_EQ(frame(3, 0), "#ffea46");
    EXPECT_EQ(frame(1, 1), frame(3, 1));
    // Axis labels name layers by number and heads by index.
    std::vector<std::string> rows, cols;
    for (auto t : doc.select_nodes("//g[@id='row-labels']/text"))
        rows.push_back(t.node().child_value());
    for (auto t : doc.select_nodes("//g[@id='column-labels']/text"))
        cols.push_back(t.node().child_value());
    EXPECT_EQ(rows, (std::vector<std::string>{"L1", "L3"}));
    EXPECT_EQ(cols, (std::vector<std::string>{"H0", "H1"}));
    // The current head outlined solid, 2.5 pt, in the text colour.
    auto cur = doc.select_nodes("//g[@id='current']/rect");
    ASSERT_EQ(cur.size(), 1u);
    EXPECT_STREQ(cur[0].node().attribute("stroke-width").value(), "2.5");
    EXPECT_STREQ(doc.select_node("//g[@class='colorbar']").node().attribute("data-min").value(),
                 "0.2");
}

TEST(ViewsHeadGrid, ThumbnailPixelsAreViridisOverThePeak) {
    const model::RunResult r = twoLayers();
    HeadGridFigureInput in;
    in.result = &r;
    const Scene s = buildHeadGrid(in, Theme::Paper);
    const Group* heads = nullptr;
    for (const auto& l : s.layers)
        if (l.id == "heads") heads = &l;
    ASSERT_NE(heads, nullptr);
    const auto& head0 = std::get<Group>(heads->items[0].value);
    const auto& image = std::get<Image>(head0.items[1].value);
    ASSERT_EQ(image.cols, 2);
    // Layer 1, head 0 is [[1, 0], [0.5, 0.5]]: peak 1; matplotlib viridis at 1, 0 and 0.5.
    EXPECT_EQ(image.argb,
              (std::vector<uint32_t>{0xfffde725u, 0xff440154u, 0xff21918cu, 0xff21918cu}));
    // Without a metric the frame is the theme's neutral mid colour and there is no colour bar.
    EXPECT_EQ(std::get<Rect>(head0.items[0].value).fill, midColor(Theme::Paper));
    for (const auto& l : s.layers) EXPECT_NE(l.klass, "colorbar-layer");
}

TEST(ViewsHeadGrid, NoAttentionOrAShortMetricIsAClearError) {
    model::RunResult empty;
    HeadGridFigureInput in;
    in.result = &empty;
    EXPECT_THROW(buildHeadGrid(in, Theme::Paper), std::invalid_argument);
    const model::RunResult r = twoLayers();
    const std::vector<std::vector<double>> metric = {{0.2}, {1.0, 0.6}};
    in.result = &r;
    in.metric = &metric;
    EXPECT_THROW(buildHeadGrid(in, Theme::Paper), std::invalid_argument);
}
