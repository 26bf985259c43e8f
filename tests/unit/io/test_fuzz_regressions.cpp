// Inputs the fuzzers once broke a reader with: each must now be read or rejected with a
// ParseError, nothing else. Files live in tests/fixtures/fuzz-regressions/<format>/.

#include <gtest/gtest.h>

#include <filesystem>

#include "io/GraphIO.h"

using namespace gts;

TEST(FuzzRegressions, EveryInputIsReadOrRejectedCleanly) {
    const std::filesystem::path root = GTS_FIXTURES_DIR "/fuzz-regressions";
    size_t seen = 0;
    for (const auto& dir : std::filesystem::directory_iterator(root)) {
        const auto format = io::parseFormat(dir.path().filename().string());
        ASSERT_TRUE(format) << dir.path();
        for (const auto& file : std::filesystem::directory_iterator(dir.path())) {
            SCOPED_TRACE(file.path().string());
            const std::string data = io::readFileBytes(file.path());
            try {
                auto graphs = io::readGraphsFromText(data, *format, file.path().string());
                for (const Graph& g : graphs) {
                    try {
                        (void)io::writeGraphsToText({g}, *format);
                    } catch (const std::invalid_argument&) {
                        // The writer's documented refusal (e.g. RDKit rejects a rebuilt molecule).
                    }
                }
            } catch (const io::ParseError& e) {
                EXPECT_NE(std::string(e.what()).find(file.path().string()), std::string::npos);
            } catch (const std::exception& e) {
                ADD_FAILURE() << "escaped as " << typeid(e).name() << ": " << e.what();
            }
            ++seen;
        }
    }
    EXPECT_GE(seen, 4u);
}

TEST(FuzzRegressions, NumberTooLargeForJsonIsAParseError) {
    const std::string text = R"({"nodes": [{"id": 0, "w": 1e999}], "links": []})";
    EXPECT_THROW(io::readGraphsFromText(text, io::Format::NodeLinkJson, "big.json"), io::ParseError);
}
