#include <gtest/gtest.h>

#include <pugixml.hpp>

#include "scene/SvgWriter.h"
#include "scene/Views.h"

using namespace gts;
using namespace gts::scene;

namespace {

// A stacked sequence: a node position with two tokens, an edge position, and <eos>.
TokenSequence stacked() {
    TokenSequence t;
    t.positions = {{"molecule#node#0#12", "molecule#node#1#6"}, {"<edge_bi>"}, {"<eos>"}};
    t.sources = {{TokenSource{TokenRole::NodeIndex}, TokenSource{TokenRole::NodeAttr}},
                 {TokenSource{TokenRole::EdgeType}},
                 {TokenSource{TokenRole::Eos}}};
    return t;
}

}  // namespace

TEST(ViewsSequence, CellsTakeTheirRoleColourAndShortText) {
    const TokenSequence t = stacked();
    SequenceFigureInput in;
    in.tokens = &t;
    const Scene s = buildSequence(in, Theme::Paper);
    const std::string svg = toSvg(s);
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(svg.c_str()));
    EXPECT_EQ(doc.select_nodes("//g[@class='position']").size(), 3u);
    EXPECT_EQ(doc.select_nodes("//g[@class='token']").size(), 4u);
    // ColorBrewer Blues/Oranges tints of TokenTableView: node index C6DBEF, node attribute E5EEF7,
    // edge type FDD0A2, special DADADA; text #202020.
    auto cell = [&](int position, int slot) {
        const std::string xp = "//g[@class='position'][@data-position='" +
                               std::to_string(position) + "']/g[" + std::to_string(slot + 1) + "]";
        return doc.select_node(xp.c_str()).node();
    };
    EXPECT_STREQ(cell(0, 0).child("rect").attribute("fill").value(), "#c6dbef");
    EXPECT_STREQ(cell(0, 1).child("rect").attribute("fill").value(), "#e5eef7");
    EXPECT_STREQ(cell(1, 0).child("rect").attribute("fill").value(), "#fdd0a2");
    EXPECT_STREQ(cell(2, 0).child("rect").attribute("fill").value(), "#dadada");
    EXPECT_STREQ(cell(0, 0).child_value("text"), "12");
    EXPECT_STREQ(cell(1, 0).child_value("text"), "bi");
    EXPECT_STREQ(cell(2, 0).child_value("text"), "eos");
    EXPECT_STREQ(cell(0, 0).child("text").attribute("fill").value(), "#202020");
    EXPECT_STREQ(cell(0, 0).attribute("data-role").value(), "node-index");
    // Legend: node index, node attribute, edge type, end of sequence.
    EXPECT_EQ(doc.select_nodes("//g[@class='legend-item']").size(), 4u);
}

TEST(ViewsSequence, WrapsIntoRowsAndNumbersEveryKth) {
    TokenSequence t;
    for (int i = 0; i < 100; ++i) {
        t.positions.push_back({"molecule#node#0#" + std::to_string(i)});
        t.sources.push_back({TokenSource{TokenRole::NodeIndex}});
    }
    SequenceFigureInput in;
    in.tokens = &t;
    // 26 pt cells: (320 - 2 * 16) / 26 = 11 positions a row, 10 rows.
    const Scene s = buildSequence(in, Theme::Paper, 320);
    const Group* strip = nullptr;
    for (const auto& l : s.layers)
        if (l.id == "strip") strip = &l;
    ASSERT_NE(strip, nullptr);
    auto firstRect = [&](size_t p) {
        const auto& col = std::get<Group>(strip->items[p].value);
        return std::get<Rect>(std::get<Group>(col.items[0].value).items[0].value).rect;
    };
    EXPECT_FLOAT_EQ(firstRect(11).x, firstRect(0).x);
    EXPECT_GT(firstRect(11).y, firstRect(10).y);
    EXPECT_FLOAT_EQ(firstRect(10).y, firstRect(0).y);
    // "99" plus 6 pt of room is 14.9 pt < 26: every position is numbered.
    const Group* numbers = nullptr;
    for (const auto& l : s.layers)
        if (l.id == "position-numbers") numbers = &l;
    EXPECT_EQ(numbers->items.size(), 100u);
}

TEST(ViewsSequence, AttentionRowIsTheNormalizedReceivedAttention) {
    // Layer of positions {0, 2} of a 3-position sequence (1 pruned): rows [0.25 0.75; 0.5 0.5].
    const std::vector<float> a = {0.25f, 0.75f, 0.5f, 0.5f};
    const std::vector<int32_t> positions = {0, 2};
    // Query 0: (0.25, 0.75) / 0.75; mean over queries: (0.375, 0.625) / 0.625.
    const auto q = attentionReceived(a, 2, positions, 0, 3);
    EXPECT_FLOAT_EQ(q[0], 1.0f / 3.0f);
    EXPECT_FLOAT_EQ(q[1], -1.0f);
    EXPECT_FLOAT_EQ(q[2], 1.0f);
    const auto m = attentionReceived(a, 2, positions, -1, 3);
    EXPECT_FLOAT_EQ(m[0], 0.6f);
    EXPECT_FLOAT_EQ(m[2], 1.0f);

    const TokenSequence t = stacked();
    SequenceFigureInput in;
    in.tokens = &t;
    in.attention = &q;
    in.query = 0;
    const std::string svg = toSvg(buildSequence(in, Theme::Paper));
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(svg.c_str()));
    EXPECT_STREQ(doc.select_node("//g[@class='received'][@data-position='2']/rect")
                     .node()
                     .attribute("fill")
                     .value(),
                 "#fde725");
    EXPECT_STREQ(doc.select_node("//g[@class='received'][@data-position='1']")
                     .node()
                     .attribute("data-value")
                     .value(),
                 "pruned");
    EXPECT_EQ(doc.select_nodes("//g[@class='received'][@data-position='0']/rect").size(),
              2u);  // + query outline
    std::vector<float> wrong(2, 0.0f);
    in.attention = &wrong;
    EXPECT_THROW(buildSequence(in, Theme::Paper), std::invalid_argument);
}
