// libFuzzer target for a model folder's JSON files: config.json and tokenization.json. Bad
// input must end in io::ParseError; anything else escaping (or a crash, or a huge allocation
// on the word of a size field) is a bug.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "io/GraphIO.h"
#include "model/GraphGptConfig.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const auto config = gts::model::parseGraphGptConfigText(text, "fuzz/config.json");
        // What parses must write back to something that parses to the same sizes.
        const auto again = gts::model::parseGraphGptConfigText(gts::model::graphGptConfigToJson(config),
                                                               "fuzz/config-again.json");
        if (again.hiddenSize != config.hiddenSize || again.numLayers != config.numLayers ||
            again.headDim != config.headDim || again.intermediateSize != config.intermediateSize)
            __builtin_trap();
    } catch (const gts::io::ParseError&) {
    }
    try {
        (void)gts::model::parseTokenizationJson(text, "fuzz/tokenization.json");
    } catch (const gts::io::ParseError&) {
    }
    return 0;
}
