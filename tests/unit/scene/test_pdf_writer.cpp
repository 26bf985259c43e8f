#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "io/GraphIO.h"
#include "scene/PdfWriter.h"
#include "scene/Scene.h"

using namespace gts::scene;
namespace fs = std::filesystem;

namespace {

struct Ppm {
    int width = 0, height = 0;
    std::vector<uint8_t> rgb;
    std::array<int, 3> at(int x, int y) const {
        const size_t i = (size_t(y) * size_t(width) + size_t(x)) * 3;
        return {rgb[i], rgb[i + 1], rgb[i + 2]};
    }
};

/// Binary PPM (P6, maxval 255) as written by pdftoppm.
Ppm readPpm(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::string magic;
    int maxval = 0;
    Ppm p;
    in >> magic >> p.width >> p.height >> maxval;
    in.get();
    EXPECT_EQ(magic, "P6");
    EXPECT_EQ(maxval, 255);
    p.rgb.resize(size_t(p.width) * size_t(p.height) * 3);
    in.read(reinterpret_cast<char*>(p.rgb.data()), std::streamsize(p.rgb.size()));
    return p;
}

std::string run(const std::string& command) {
    std::string out;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return out;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
    pclose(pipe);
    return out;
}

Scene sampleScene() {
    Scene s;
    s.width = 100;
    s.height = 80;
    s.background = Color::rgb(0xffffff);
    Group& g = s.addLayer("shapes");
    g.add(Circle{{20, 20}, 8, Color::rgb(0xff0000), std::nullopt});
    g.add(Rect{{50, 10, 20, 20}, Color::rgb(0x000000, 128), std::nullopt});
    g.add(Image{{10, 50, 40, 20}, 2, 1, {0xff000000u, 0xff0000ffu}});
    g.add(Line{{80, 40}, {80, 75}, {Color::rgb(0x00ff00), 3.0f, {}}});
    Text t;
    t.pos = {60, 50};
    t.text = "H\xc3\xa9llo (x)\\";
    t.size = 9;
    g.add(t);
    // Clipped away: a clip rect far from the circle it holds.
    Group& clipped = s.addLayer("clipped");
    clipped.clip = RectF{0, 0, 5, 5};
    clipped.add(Circle{{90, 10}, 5, Color::rgb(0x0000ff), std::nullopt});
    return s;
}

bool haveTool(const char* tool) {
    return run(std::string("command -v ") + tool + " 2>/dev/null").size() > 0;
}

}  // namespace

TEST(PdfWriter, CrossReferenceOffsetsPointAtTheirObjects) {
    const std::string pdf = toPdf(sampleScene());
    const size_t xref = pdf.rfind("\nxref\n");
    ASSERT_NE(xref, std::string::npos);
    const size_t startxref = pdf.rfind("startxref\n");
    EXPECT_EQ(std::stoul(pdf.substr(startxref + 10)), xref + 1);
    std::istringstream table(pdf.substr(xref + 6));
    int first = -1, count = 0;
    table >> first >> count;
    ASSERT_EQ(first, 0);
    ASSERT_GT(count, 6);
    std::string offset, generation, kind;
    table >> offset >> generation >> kind;
    EXPECT_EQ(kind, "f");
    for (int id = 1; id < count; ++id) {
        table >> offset >> generation >> kind;
        ASSERT_EQ(offset.size(), 10u);
        ASSERT_EQ(kind, "n");
        const std::string head = std::to_string(id) + " 0 obj";
        EXPECT_EQ(pdf.compare(std::stoul(offset), head.size(), head), 0) << "object " << id;
    }
    // Every entry is exactly 20 bytes (PDF Reference 1.4, section 3.4.3).
    const size_t firstEntry = pdf.find("0000000000 65535 f \n", xref);
    EXPECT_EQ(pdf.find("trailer", xref), firstEntry + size_t(count) * 20);
}

TEST(PdfWriter, WinAnsiEncoding) {
    EXPECT_EQ(toWinAnsi("abc"), "abc");
    EXPECT_EQ(toWinAnsi("\xc3\xa9"), "\xe9");           // é U+00E9
    EXPECT_EQ(toWinAnsi("\xe2\x80\x94"), "\x97");       // em dash U+2014
    EXPECT_EQ(toWinAnsi("\xe2\x82\xac"), "\x80");       // euro U+20AC
    EXPECT_EQ(toWinAnsi("\xce\xb1"), "?");              // alpha U+03B1: not in WinAnsi
    EXPECT_EQ(toWinAnsi("\xff"), "?");                  // invalid UTF-8
    EXPECT_EQ(toWinAnsi("a\nb"), "ab");
}

TEST(PdfWriter, RendersWithPopplerAtTheRightPlaces) {
    if (!haveTool("pdftoppm") || !haveTool("pdfinfo") || !haveTool("pdftotext"))
        GTEST_SKIP() << "poppler-utils not installed (packaging/install-deps.sh)";
    const fs::path dir = fs::temp_directory_path() / ("gts_pdf_test_" + std::to_string(getpid()));
    fs::create_directories(dir);
    writePdf(sampleScene(), dir / "fig.pdf");
    const std::string info = run("pdfinfo '" + (dir / "fig.pdf").string() + "' 2>&1");
    EXPECT_NE(info.find(" 100 x 80 pts"), std::string::npos) << info;
    EXPECT_EQ(info.find("Error"), std::string::npos) << info;
    // At 72 dpi one point is one pixel.
    const std::string err = run("pdftoppm -r 72 -aa no -aaVector no '" +
                                (dir / "fig.pdf").string() + "' '" + (dir / "page").string() +
                                "' 2>&1");
    EXPECT_EQ(err, "");
    const Ppm page = readPpm(dir / "page-1.ppm");
    ASSERT_EQ(page.width, 100);
    ASSERT_EQ(page.height, 80);
    EXPECT_EQ(page.at(20, 20), (std::array<int, 3>{255, 0, 0}));   // circle centre (y down)
    EXPECT_EQ(page.at(20, 31), (std::array<int, 3>{255, 255, 255})); // below its radius
    const auto half = page.at(60, 20);                                // 50 % black over white
    EXPECT_NEAR(half[0], 127, 2);
    EXPECT_EQ(page.at(20, 60), (std::array<int, 3>{0, 0, 0}));     // image's left pixel
    EXPECT_EQ(page.at(40, 60), (std::array<int, 3>{0, 0, 255}));   // image's right pixel
    EXPECT_EQ(page.at(80, 60), (std::array<int, 3>{0, 255, 0}));   // line
    EXPECT_EQ(page.at(90, 10), (std::array<int, 3>{255, 255, 255})); // clipped away
    const std::string text = run("pdftotext '" + (dir / "fig.pdf").string() + "' - 2>&1");
    EXPECT_NE(text.find("H\xc3\xa9llo (x)\\"), std::string::npos) << text;
    fs::remove_all(dir);
}

TEST(PdfWriter, RefusesAnEmptyFigureAndNamesABadPath) {
    EXPECT_THROW(toPdf(Scene{}), std::invalid_argument);
    try {
        writePdf(sampleScene(), "/nonexistent-dir-gts/fig.pdf");
        FAIL();
    } catch (const gts::io::FileError& e) {
        EXPECT_NE(std::string(e.what()).find("nonexistent-dir-gts"), std::string::npos);
    }
}
