// libFuzzer target for one graph reader, chosen at build time by GTS_FUZZ_FORMAT (an
// io::Format enumerator name). A reader may reject input with ParseError; anything else that
// escapes (another exception, a crash, a sanitizer report, a hang) is a bug.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "io/GraphIO.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    gts::io::ReadOptions options;
    // Keep the fuzzer's memory bounded: the limits are what a reader must honour anyway.
    options.limits.maxNodes = 1'000'000;
    options.limits.maxEdges = 1'000'000;
    options.limits.maxRecords = 100'000;
    try {
        auto graphs = gts::io::readGraphsFromText(text, gts::io::Format::GTS_FUZZ_FORMAT, "fuzz",
                                                  options);
        // Whatever was read must write back out, or be refused by the writer's documented
        // std::invalid_argument (a molecule whose features RDKit will not rebuild, for one).
        if (!graphs.empty()) {
            std::vector<gts::Graph> one{graphs.front()};
            try {
                (void)gts::io::writeGraphsToText(one, gts::io::Format::GTS_FUZZ_FORMAT);
            } catch (const std::invalid_argument&) {
            }
        }
    } catch (const gts::io::ParseError&) {
    }
    return 0;
}
