// Unicode helpers for the BERT tokenizer, built on utf8proc.
//
// The character classes follow Hugging Face's BertTokenizer (which follows
// Python's unicodedata and str methods), not the Unicode standard's own
// definitions where the two differ: "whitespace" and "control" below are
// BERT's. All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bertlens::unicode {

// A text decoded to code points. Invalid UTF-8 bytes each become U+FFFD, so
// decoding never fails. byteOffsets[i] is where code point i starts in the
// original bytes; byteOffsets[size] is the byte length.
struct DecodedText {
    std::u32string codePoints;
    std::vector<int32_t> byteOffsets;
};

DecodedText decodeUtf8(std::string_view bytes);
bool isValidUtf8(std::string_view bytes);
void appendUtf8(std::string& out, char32_t cp);
std::string toUtf8(std::u32string_view cps);

bool isBertWhitespace(char32_t cp);   // space, \t \n \r, or category Zs
bool isBertControl(char32_t cp);      // category C*, except \t \n \r
bool isBertPunctuation(char32_t cp);  // ASCII symbol ranges, or category P*
bool isCjkIdeograph(char32_t cp);     // the CJK blocks BERT splits per character
bool isPythonSpace(char32_t cp);      // what Python's str.split() splits on
bool isNonspacingMark(char32_t cp);   // category Mn, what accent stripping drops

// A character with the span of original code points it came from.
struct SpannedChar {
    char32_t cp;
    int32_t start;
    int32_t end;
};
using SpannedText = std::vector<SpannedChar>;

// Python's str.lower() applied one character at a time, as Hugging Face's
// tokenizer does before anything else: full case mapping (U+0130 becomes
// i + U+0307), and so never the word-final sigma.
SpannedText toLowerPython(const SpannedText& word);
// Canonical decomposition with every Mn character dropped.
SpannedText stripAccents(const SpannedText& word);
// NFC, applied per grapheme cluster so that every output character keeps the
// span of the cluster it was composed from.
SpannedText composeNfc(const SpannedText& word);

}  // namespace bertlens::unicode
