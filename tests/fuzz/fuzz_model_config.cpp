// libFuzzer target for a model folder's JSON files: config.json (GraphGPT's, and the node-level
// families' — Graph Transformer and GraphGPS) and tokenization.json. Bad input must end in
// io::ParseError; anything else escaping (or a crash, or a huge allocation on the word of a
// size field) is a bug.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "io/GraphIO.h"
#include <nlohmann/json.hpp>

#include "model/GraphGps.h"
#include "model/GraphGptConfig.h"
#include "model/GraphTransformer.h"

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
    // The node-level families read the same file as a JSON document: whatever it holds, the
    // family's parser names the problem with io::ParseError.
    const nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!doc.is_discarded()) {
        for (const char* family : {"graph_transformer", "graphgps"}) {
            nlohmann::json j = doc;
            if (j.is_object() && !j.contains("model_type")) j["model_type"] = family;
            try {
                if (gts::model::isGraphTransformerConfig(j)) {
                    const auto c = gts::model::parseGraphTransformerConfig(j, "fuzz/config.json");
                    // What parses writes back to a config that parses to the same model.
                    const auto again =
                        gts::model::parseGraphTransformerConfig(gts::model::graphTransformerConfigJson(c), "again");
                    if (again.hiddenDim != c.hiddenDim || again.numLayers != c.numLayers ||
                        again.numHeads != c.numHeads)
                        __builtin_trap();
                } else if (gts::model::isGraphGpsConfig(j)) {
                    (void)gts::model::parseGraphGpsConfig(j, "fuzz/config.json");
                }
            } catch (const gts::io::ParseError&) {
            }
        }
    }
    return 0;
}
