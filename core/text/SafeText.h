// Text that is safe to print: every message BertLens shows (on stderr, in a
// dialog, in the status bar) goes through safeText, and every quote of a
// file's bytes, a file name or the user's text through safeQuote.
//
// Hostile files put anything into a message: bytes that are not UTF-8, an
// escape sequence in a tensor name that would drive the user's terminal, a
// carriage return that hides the start of a line, a right-to-left override
// that reverses what follows. These functions make such text inert and
// visible: invalid bytes become \xNN, control characters become \xNN (C0 and
// DEL) or \u{NNNN} (C1 controls, bidirectional overrides and isolates), and
// everything else passes unchanged. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace bertlens {

// Valid UTF-8 with every control character escaped except '\n' (messages
// may hold line breaks on purpose). Idempotent: safeText(safeText(s)) ==
// safeText(s).
std::string safeText(std::string_view raw);

// A quote for inside a message: as safeText, with '\n' escaped too, cut
// after maxCharacters code points with an ellipsis.
std::string safeQuote(std::string_view raw, size_t maxCharacters = 80);

}  // namespace bertlens
