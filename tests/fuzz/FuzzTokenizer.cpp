// libFuzzer target: any bytes as the text typed into BertLens, tokenized with
// the real bert-base-uncased vocabulary (and, from the first byte, the cased
// and no-CJK-splitting options). Besides "no crash, no sanitizer report" it
// checks what the views rely on: ids inside the vocabulary, every span inside
// the text and in order.
#include "FuzzSupport.h"

#include "tokenizer/Tokenizer.h"

#include <memory>

namespace {

const bertlens::Tokenizer& tokenizer(uint8_t flags) {
    static const auto vocab = std::make_shared<const bertlens::Vocab>(bertlens::fuzz::loadSharedVocab());
    static std::unique_ptr<bertlens::Tokenizer> variants[4];
    auto& t = variants[flags & 3];
    if (!t) {
        bertlens::TokenizerOptions o;
        o.lowerCase = (flags & 1) == 0;
        o.stripAccents = o.lowerCase;
        o.splitChineseChars = (flags & 2) == 0;
        t = std::make_unique<bertlens::Tokenizer>(vocab, o);
    }
    return *t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace bertlens;
    if (size == 0) return 0;
    const Tokenizer& t = tokenizer(data[0]);
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    const Encoding e = t.encode(text);
    fuzz::require(e.ids.size() == e.tokens.size() && e.typeIds.size() == e.ids.size(), "encoding sizes differ");
    int32_t lastByte = 0;
    for (const Token& token : e.tokens) {
        fuzz::require(token.id >= 0 && token.id < t.vocab().size(), "token id outside the vocabulary");
        fuzz::require(token.bytes.start <= token.bytes.end, "byte span reversed");
        fuzz::require(token.bytes.end <= static_cast<int32_t>(text.size()), "byte span past the text");
        fuzz::require(token.chars.start <= token.chars.end && token.chars.end <= token.bytes.end,
                      "character span reversed or longer than its bytes");
        if (!token.added) {
            fuzz::require(token.bytes.start >= lastByte, "tokens out of order");
            lastByte = token.bytes.start;
        }
    }
    return 0;
}
