// The tokens the user turned into [MASK] by clicking, kept as character spans
// of the text so that they survive edits elsewhere in the sentence: an edit
// before a span shifts it, an edit after leaves it, an edit that overlaps it
// forgets it. The worker puts [MASK] at every token whose span is listed.
//
// Plain values and pure functions; UserMasks itself is used from the UI
// thread and copied into each request.
#pragma once

#include "tokenizer/Tokenizer.h"

#include <optional>
#include <string>
#include <vector>

namespace bertlens::ui {

// One contiguous change turning `before` into `after`, in code points: the
// code points [start, start + removed) of before became `inserted` new ones.
struct TextEdit {
    int start = 0;
    int removed = 0;
    int inserted = 0;
};

// The smallest single edit (longest common prefix, then suffix).
TextEdit diffTexts(const std::u32string& before, const std::u32string& after);
// Where a span of `before` lies in `after`; nothing when the edit touched it.
std::optional<TextSpan> mapSpan(TextSpan span, const TextEdit& edit);

class UserMasks {
public:
    // Adds the span, or removes it if present; returns whether it is now masked.
    bool toggle(TextSpan span);
    bool contains(TextSpan span) const;
    void applyEdit(const TextEdit& edit);
    void clear() { m_spans.clear(); }
    const std::vector<TextSpan>& spans() const { return m_spans; }

private:
    std::vector<TextSpan> m_spans;
};

// What masking changed in an encoding: the positions set to [MASK] and the
// word pieces they held.
struct AppliedMasks {
    std::vector<int> positions;
    std::vector<std::string> originals;
};

// Sets id and text to [MASK] at every typed (not added) token whose character
// span is one of spans. Does nothing when maskId is Vocab::kNotFound.
AppliedMasks applyUserMasks(Encoding& encoding, const std::vector<TextSpan>& spans, int32_t maskId);

}  // namespace bertlens::ui
