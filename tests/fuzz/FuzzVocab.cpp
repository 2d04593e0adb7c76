// libFuzzer target: any bytes as vocab.txt, then a fixed mixed-script text
// tokenized with that vocabulary (WordPiece on a hostile vocabulary: empty
// lines, "##" alone, duplicates, huge tokens, no [UNK]).
#include "FuzzSupport.h"

#include "Errors.h"
#include "tokenizer/Tokenizer.h"

#include <memory>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace bertlens;
    std::unique_ptr<Tokenizer> tokenizer;
    Encoding e;
    try {
        tokenizer = std::make_unique<Tokenizer>(
            std::make_shared<const Vocab>(
                Vocab::fromText(std::string_view(reinterpret_cast<const char*>(data), size), "vocab.txt")),
            TokenizerOptions());
        e = tokenizer->encode("The [MASK] barked at the mailman; Zoë saw 東京 and ##ing 🙂 unaffable.");
    } catch (const CheckpointError& e) {
        fuzz::requirePrintable(e.what());
        return 0;  // refused with a message: the right outcome for a broken vocabulary
    }
    const Vocab& vocab = tokenizer->vocab();
    for (const int32_t id : e.ids) fuzz::require(id >= 0 && id < vocab.size(), "token id outside the vocabulary");
    fuzz::require(e.ids.front() == vocab.clsId() && e.ids.back() == vocab.sepId(), "not wrapped in [CLS] ... [SEP]");
    return 0;
}
