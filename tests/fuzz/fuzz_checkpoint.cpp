// libFuzzer target for the checkpoint readers, chosen at build time: GTS_FUZZ_SAFETENSORS or
// GTS_FUZZ_TORCH. Bad input must end in io::ParseError; anything else escaping is a bug.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "checkpoint/SafeTensors.h"
#include "checkpoint/TorchCheckpoint.h"
#include "io/GraphIO.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    try {
#if defined(GTS_FUZZ_SAFETENSORS)
        (void)gts::checkpoint::readSafeTensorsFromBytes(bytes, "fuzz.safetensors");
#else
        (void)gts::checkpoint::readTorchCheckpointFromBytes(bytes, "fuzz.pt");
#endif
    } catch (const gts::io::ParseError&) {
    }
    return 0;
}
