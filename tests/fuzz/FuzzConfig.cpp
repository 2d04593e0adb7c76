// libFuzzer target: any bytes as config.json and as tokenizer_config.json.
// A config that is accepted must be one the encoder can trust.
#include "FuzzSupport.h"

#include "Errors.h"
#include "io/ModelConfig.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace bertlens;
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const ModelConfig c = ModelConfig::fromJsonText(text, "config.json");
        fuzz::require(c.layers > 0 && c.hidden > 0 && c.heads > 0 && c.hidden % c.heads == 0 && c.intermediate > 0 &&
                          c.vocabSize > 0 && c.maxPositions > 1 && c.typeVocabSize > 0 && c.layerNormEps >= 0.0f,
                      "an accepted config.json holds values the encoder cannot use");
    } catch (const CheckpointError& e) {
        fuzz::requirePrintable(e.what());
    }
    try {
        tokenizerOptionsFromJsonText(text, "tokenizer_config.json");
    } catch (const CheckpointError& e) {
        fuzz::requirePrintable(e.what());
    }
    return 0;
}
