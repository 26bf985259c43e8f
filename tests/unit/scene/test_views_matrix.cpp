#include <gtest/gtest.h>

#include <pugixml.hpp>

#include "scene/SvgWriter.h"
#include "scene/Views.h"

using namespace gts;
using namespace gts::scene;

namespace {

pugi::xml_document parse(const Scene& s, std::string& keep) {
    keep = toSvg(s);
    pugi::xml_document doc;
    EXPECT_TRUE(doc.load_string(keep.c_str()));
    return doc;
}

std::string cellFill(const pugi::xml_document& doc, int row, int col) {
    const std::string xpath = "//g[@class='cell'][@data-row='" + std::to_string(row) +
                              "'][@data-col='" + std::to_string(col) + "']/rect";
    return doc.select_node(xpath.c_str()).node().attribute("fill").value();
}

TokenSequence threeTokens() {
    TokenSequence t;
    t.positions = {{"molecule#node#0#5"}, {"<edge_bi>"}, {"<eos>"}};
    t.sources.resize(3);
    t.sources[0] = {TokenSource{TokenRole::NodeAttr}};
    t.sources[1] = {TokenSource{TokenRole::EdgeType}};
    t.sources[2] = {TokenSource{TokenRole::Eos}};
    return t;
}

}  // namespace

TEST(ViewsMatrix, CellsTakeTheColourMapOverTheMaximum) {
    // Row-stochastic 3 x 3 attention; the largest weight is 0.6.
    const std::vector<float> a = {0.6f, 0.4f, 0.0f, 0.3f, 0.3f, 0.4f, 0.2f, 0.2f, 0.6f};
    const TokenSequence tokens = threeTokens();
    MatrixFigureInput in;
    in.matrix = &a;
    in.size = 3;
    in.tokens = &tokens;
    in.query = 1;
    in.title = "Layer 0, head 1";
    const Scene s = buildAttentionMatrix(in, Theme::Paper, 240);
    std::string svg;
    const auto doc = parse(s, svg);
    EXPECT_EQ(doc.select_nodes("//g[@id='heatmap']/g[@class='cell']/rect").size(), 9u);
    // matplotlib's viridis at 1 (0.6 / 0.6), 0.5 (0.3 / 0.6) and 0: index 255, 128, 0.
    EXPECT_EQ(cellFill(doc, 0, 0), "#fde725");
    EXPECT_EQ(cellFill(doc, 1, 0), "#21918c");
    EXPECT_EQ(cellFill(doc, 0, 2), "#440154");
    // Cells of 80 pt: token labels "position: short token" on both axes, the query row in bold.
    std::vector<std::string> rows;
    for (auto t : doc.select_nodes("//g[@id='row-labels']/text"))
        rows.push_back(t.node().child_value());
    EXPECT_EQ(rows, (std::vector<std::string>{"0: 5", "1: bi", "2: eos"}));
    EXPECT_STREQ(
        doc.select_nodes("//g[@id='row-labels']/text")[1].node().attribute("font-weight").value(),
        "bold");
    EXPECT_EQ(doc.select_nodes("//g[@id='column-labels']/text").size(), 3u);
    EXPECT_NE(
        std::string(
            doc.select_node("//g[@id='column-labels']/text").node().attribute("transform").value())
            .find("rotate(-90"),
        std::string::npos);
    // The query row outlined dashed across the matrix (3 cells of 80 pt).
    auto q = doc.select_node("//g[@id='query']/rect").node();
    EXPECT_STREQ(q.attribute("width").value(), "240");
    EXPECT_TRUE(q.attribute("stroke-dasharray"));
    // Colour bar from 0 to the maximum.
    auto bar = doc.select_node("//g[@class='colorbar']").node();
    EXPECT_STREQ(bar.attribute("data-max").value(), "0.6");
    EXPECT_TRUE(doc.select_node("//g[@class='colorbar']/image"));
    EXPECT_STREQ(doc.select_node("//g[@id='title']/text").node().child_value(), "Layer 0, head 1");
}

TEST(ViewsMatrix, CividisOnRequestAndPositionsOfAPrunedLayer) {
    const std::vector<float> a = {1.0f, 0.0f, 0.5f, 0.5f};
    MatrixFigureInput in;
    in.matrix = &a;
    in.size = 2;
    in.positions = {3, 7};
    in.map = colormaps::ColorMap::Cividis;
    const Scene s = buildAttentionMatrix(in, Theme::Dark, 100);
    std::string svg;
    const auto doc = parse(s, svg);
    // The first and last rows of the authors' table (pnnl/cmaputil cividis.txt):
    // (0.0000, 0.1262, 0.3015) and (1.0000, 0.9169, 0.2731), times 255, rounded.
    EXPECT_EQ(cellFill(doc, 0, 0), "#ffea46");
    EXPECT_EQ(cellFill(doc, 0, 1), "#00204d");
    // Without tokens, the axes carry the original positions of the layer's rows.
    std::vector<std::string> rows;
    for (auto t : doc.select_nodes("//g[@id='row-labels']/text"))
        rows.push_back(t.node().child_value());
    EXPECT_EQ(rows, (std::vector<std::string>{"3", "7"}));
    EXPECT_EQ(s.background, Color::rgb(0x1e1e1e));
}

TEST(ViewsMatrix, LargeMatricesAreOneImageWithEveryKthLabel) {
    const int64_t S = 100;  // 10,000 cells > kMaxVectorCells
    std::vector<float> a(size_t(S * S), 1.0f / float(S));
    MatrixFigureInput in;
    in.matrix = &a;
    in.size = S;
    const Scene s = buildAttentionMatrix(in, Theme::Paper, 480);
    std::string svg;
    const auto doc = parse(s, svg);
    EXPECT_EQ(doc.select_nodes("//g[@id='heatmap']/image").size(), 1u);
    EXPECT_EQ(doc.select_nodes("//g[@id='heatmap']//rect").size(), 0u);
    // Cells of 4.8 pt; labels 1.5 font heights (12 pt) apart at least: every 4th, 25 per axis.
    EXPECT_EQ(doc.select_nodes("//g[@id='row-labels']/text").size(), 25u);
    EXPECT_STREQ(doc.select_nodes("//g[@id='row-labels']/text")[1].node().child_value(), "4");
}

TEST(ViewsMatrix, MismatchedInputIsAClearError) {
    const std::vector<float> a = {1.0f, 0.0f, 0.5f};
    MatrixFigureInput in;
    in.matrix = &a;
    in.size = 2;
    EXPECT_THROW(buildAttentionMatrix(in, Theme::Paper), std::invalid_argument);
    const std::vector<float> b = {1.0f, 0.0f, 0.5f, 0.5f};
    in.matrix = &b;
    in.positions = {1, 2, 3};
    EXPECT_THROW(buildAttentionMatrix(in, Theme::Paper), std::invalid_argument);
}
