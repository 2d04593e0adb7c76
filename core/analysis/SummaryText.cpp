#include "analysis/SummaryText.h"

#include "model/Encoder.h"

#include <utility>

namespace bertlens {

std::string addTextToSummary(Encoder& encoder, const std::string& text, MaskMode mask, HeadSummaryAccumulator& acc,
                             const std::atomic<bool>* cancel) {
    Encoding e = encoder.model().tokenizer().encode(text);
    bool anyWord = false;
    for (const Token& t : e.tokens) anyWord = anyWord || (!t.added && t.text != "[CLS]" && t.text != "[SEP]");
    if (!anyWord) return "empty";
    if (static_cast<int>(e.ids.size()) > encoder.model().config().maxPositions) return "too_long_for_model";
    AnalyzeOptions o;
    o.maskMode = mask;
    o.cancel = cancel;
    Analysis a = encoder.forward(e.ids, e.typeIds, o, {});
    a.tokens = std::move(e.tokens);
    acc.add(a.attentions.data(), a.tokenCount, keyRoles(a.tokens), a.maskMode, cancel);
    return "";
}

}  // namespace bertlens
