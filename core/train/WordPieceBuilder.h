// Builds the lowercase WordPiece vocabulary of the bundled model from its
// training sentences, and writes it as a vocab.txt that Vocab::fromFile and
// the Tokenizer (lowerCase options) read.
//
// Layout: [PAD] [UNK] [CLS] [SEP] [MASK]; every character seen, then each
// with "##"; whole words by frequency; then "##" suffix pieces shared by
// several words (##ed ##ing ##er ...) until targetSize. Within each group the
// order is frequency descending, then bytewise ascending, so the same
// sentences always give the same file. Because every character is in it, no
// text made of those characters tokenizes to [UNK].
//
// Words are split as the Tokenizer splits them (whitespace and punctuation,
// lower-cased, accents stripped). Special tokens typed in the sentences are
// not treated specially. Pure functions: thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace bertlens {

constexpr size_t kDefaultVocabSize = 4000;

// The result may be shorter than targetSize (the corpus has fewer useful
// pieces) and is never shorter than the special tokens and characters, even
// when targetSize is.
std::vector<std::string> buildWordPieceVocab(const std::vector<std::string>& sentences,
                                             size_t targetSize = kDefaultVocabSize);

// One token per line, '\n' after each. Throws Error naming the path when it
// cannot be written.
void writeVocabFile(const std::vector<std::string>& tokens, const std::string& path);
// The text of that file: one token per line.
std::string vocabFileText(const std::vector<std::string>& tokens);

}  // namespace bertlens
