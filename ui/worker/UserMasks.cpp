#include "UserMasks.h"

#include <algorithm>

namespace bertlens::ui {

namespace {
bool sameSpan(TextSpan a, TextSpan b) {
    return a.start == b.start && a.end == b.end;
}
}  // namespace

TextEdit diffTexts(const std::u32string& before, const std::u32string& after) {
    const size_t common = std::min(before.size(), after.size());
    size_t prefix = 0;
    while (prefix < common && before[prefix] == after[prefix]) ++prefix;
    size_t suffix = 0;
    while (suffix < common - prefix && before[before.size() - 1 - suffix] == after[after.size() - 1 - suffix]) {
        ++suffix;
    }
    TextEdit edit;
    edit.start = static_cast<int>(prefix);
    edit.removed = static_cast<int>(before.size() - prefix - suffix);
    edit.inserted = static_cast<int>(after.size() - prefix - suffix);
    return edit;
}

std::optional<TextSpan> mapSpan(TextSpan span, const TextEdit& edit) {
    if (edit.removed == 0 && edit.inserted == 0) return span;
    const int editEnd = edit.start + edit.removed;
    // Typing right after a word (or right before it) leaves the span where it
    // was; the worker masks only a token with exactly this span, so "dog" ->
    // "dogs" unmasks, and deleting the "s" again masks "dog" again.
    if (span.end <= edit.start) return span;
    if (span.start >= editEnd) {
        const int shift = edit.inserted - edit.removed;
        return TextSpan{span.start + shift, span.end + shift};
    }
    return std::nullopt;
}

bool UserMasks::toggle(TextSpan span) {
    auto it = std::find_if(m_spans.begin(), m_spans.end(), [&](TextSpan s) { return sameSpan(s, span); });
    if (it != m_spans.end()) {
        m_spans.erase(it);
        return false;
    }
    m_spans.push_back(span);
    return true;
}

bool UserMasks::contains(TextSpan span) const {
    return std::any_of(m_spans.begin(), m_spans.end(), [&](TextSpan s) { return sameSpan(s, span); });
}

void UserMasks::applyEdit(const TextEdit& edit) {
    std::vector<TextSpan> kept;
    for (TextSpan s : m_spans) {
        if (auto mapped = mapSpan(s, edit)) kept.push_back(*mapped);
    }
    m_spans = std::move(kept);
}

AppliedMasks applyUserMasks(Encoding& encoding, const std::vector<TextSpan>& spans, int32_t maskId) {
    AppliedMasks applied;
    if (maskId == Vocab::kNotFound || spans.empty()) return applied;
    for (size_t i = 0; i < encoding.tokens.size(); ++i) {
        Token& t = encoding.tokens[i];
        if (t.added || t.id == maskId) continue;
        if (std::none_of(spans.begin(), spans.end(), [&](TextSpan s) { return sameSpan(s, t.chars); })) continue;
        applied.positions.push_back(static_cast<int>(i));
        applied.originals.push_back(t.text);
        t.text = "[MASK]";
        t.id = maskId;
        encoding.ids[i] = maskId;
    }
    return applied;
}

}  // namespace bertlens::ui
