#include <gtest/gtest.h>

#include <pugixml.hpp>

#include <filesystem>
#include <fstream>

#include "io/GraphIO.h"
#include "scene/RasterEncode.h"
#include "scene/Scene.h"
#include "scene/SvgWriter.h"

using namespace gts::scene;

namespace {

Scene sampleScene() {
    Scene s;
    s.width = 200;
    s.height = 100.5f;
    s.background = Color::rgb(0xffffff);
    Group& edges = s.addLayer("edges");
    Line l{{1, 2}, {30.25f, 40}, {Color::rgb(0x112233, 128), 1.5f, {3, 2}}};
    edges.add(l);
    Group& nodes = s.addLayer("nodes");
    for (int i = 0; i < 3; ++i) {
        Group& n = nodes.addGroup("node");
        n.data.push_back({"node", std::to_string(i)});
        n.add(Circle{{10.0f * float(i), 5}, 4, Color::rgb(0x440154), std::nullopt});
        Text label;
        label.pos = {10.0f * float(i), 5};
        label.text = i == 1 ? "a<b & \"c\"" : "C";
        n.add(label);
    }
    Group& clipped = s.addLayer("matrix");
    clipped.clip = RectF{0, 0, 50, 50};
    clipped.add(Rect{{0, 0, 10, 10}, Color::rgb(0xfde725), std::nullopt});
    clipped.add(Image{{10, 10, 20, 20}, 2, 1, {0xff000000u, 0x80ffffffu}});
    Path p;
    p.moveTo({0, 0}).cubicTo({1, 1}, {2, 2}, {3, 0}).close();
    p.fill = Color::rgb(0xff0000);
    clipped.add(p);
    return s;
}

}  // namespace

TEST(SvgWriter, ParsesAndContainsEveryPrimitive) {
    const std::string svg = toSvg(sampleScene());
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(svg.c_str())) << svg;
    pugi::xml_node root = doc.child("svg");
    EXPECT_STREQ(root.attribute("width").value(), "200");
    EXPECT_STREQ(root.attribute("height").value(), "100.5");
    EXPECT_EQ(doc.select_nodes("//g[@class='node']").size(), 3u);
    auto node1 = doc.select_node("//g[@class='node'][@data-node='1']").node();
    ASSERT_TRUE(node1);
    EXPECT_STREQ(node1.child("circle").attribute("fill").value(), "#440154");
    EXPECT_STREQ(node1.child("circle").attribute("cx").value(), "10");
    // Text stays text and round-trips through escaping.
    EXPECT_STREQ(node1.child("text").child_value(), "a<b & \"c\"");
    // pugixml keeps a stray '&' as is, so check the escaped form literally too.
    EXPECT_NE(svg.find(">a&lt;b &amp; &quot;c&quot;</text>"), std::string::npos);
    auto line = doc.select_node("//g[@class='edges']/line").node();
    ASSERT_TRUE(line);
    EXPECT_STREQ(line.attribute("x2").value(), "30.25");
    EXPECT_STREQ(line.attribute("stroke").value(), "#112233");
    EXPECT_STREQ(line.attribute("stroke-opacity").value(), "0.5");  // 128/255 = 0.502
    EXPECT_STREQ(line.attribute("stroke-dasharray").value(), "3 2");
    auto matrix = doc.select_node("//g[@class='matrix']").node();
    EXPECT_STREQ(matrix.attribute("clip-path").value(), "url(#clip0)");
    EXPECT_TRUE(doc.select_node("//clipPath[@id='clip0']/rect"));
    EXPECT_STREQ(matrix.child("path").attribute("d").value(), "M0,0C1,1 2,2 3,0Z");
    std::string href = matrix.child("image").attribute("xlink:href").value();
    EXPECT_EQ(href.rfind("data:image/png;base64,iVBORw0KGgo", 0), 0u) << href;
    EXPECT_EQ(primitiveCount(sampleScene()), 1u + 6u + 3u);
}

TEST(SvgWriter, Base64AndPngFollowTheirSpecs) {
    // RFC 4648 section 10 test vectors.
    EXPECT_EQ(base64(""), "");
    EXPECT_EQ(base64("f"), "Zg==");
    EXPECT_EQ(base64("fo"), "Zm8=");
    EXPECT_EQ(base64("foo"), "Zm9v");
    EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
    const std::string png = encodePng(1, 1, {0xff102030u});
    ASSERT_GT(png.size(), 33u);
    EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    EXPECT_EQ(png.substr(12, 4), "IHDR");
    EXPECT_THROW(encodePng(2, 2, {0u}), std::invalid_argument);
}

TEST(SvgWriter, TextWidthUsesHelveticaMetrics) {
    // "Hi": H 722 + i 222 = 944 units -> 9.44 pt at 10 pt.
    EXPECT_FLOAT_EQ(textWidth("Hi", 10), 9.44f);
    EXPECT_FLOAT_EQ(textWidth("", 10), 0.0f);
}

TEST(SvgWriter, WritesAtomicallyAndNamesABadPath) {
    const auto dir = std::filesystem::temp_directory_path() / "gts_svg_writer_test";
    std::filesystem::create_directories(dir);
    const auto file = dir / "fig.svg";
    writeSvg(sampleScene(), file);
    std::ifstream in(file);
    std::string first;
    std::getline(in, first);
    EXPECT_EQ(first, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    try {
        writeSvg(sampleScene(), dir / "no-such-dir" / "fig.svg");
        FAIL() << "expected an error";
    } catch (const gts::io::FileError& e) {
        EXPECT_NE(std::string(e.what()).find("no-such-dir"), std::string::npos) << e.what();
    }
    std::filesystem::remove_all(dir);
}
