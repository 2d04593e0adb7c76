// BERT's tokenizer: Hugging Face's BertTokenizer (BasicTokenizer followed by
// WordPiece), with every token's position in the original text.
//
//   Tokenizer tok(vocab, {.lowerCase = true});
//   Encoding e = tok.encode("The [MASK] barked.");  // [CLS] the [MASK] barked . [SEP]
//
// Special tokens typed by the user ([CLS] [SEP] [MASK] [PAD] [UNK], exact
// case) are kept whole. A Tokenizer is immutable: share it across threads.
#pragma once

#include "tokenizer/Unicode.h"
#include "tokenizer/Vocab.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace bertlens {

struct TextSpan {
    int32_t start = 0;  // inclusive
    int32_t end = 0;    // exclusive
};

struct Token {
    std::string text;
    int32_t id = 0;
    TextSpan chars;      // code point offsets in the original text; [0,0) for an added [CLS]/[SEP]
    TextSpan bytes;      // the same span in UTF-8 bytes
    bool added = false;  // [CLS]/[SEP] put in by encode(), not typed
};

struct Encoding {
    std::vector<Token> tokens;
    std::vector<int32_t> ids;
    std::vector<int32_t> typeIds;  // 0 up to and including the first [SEP], then 1
};

struct TokenizerOptions {
    bool lowerCase = true;          // tokenizer_config.json do_lower_case
    bool stripAccents = true;       // strip_accents; when unset in the file it follows lowerCase
    bool splitChineseChars = true;  // tokenize_chinese_chars
    int32_t maxCharsPerWord = 100;  // longer words become [UNK]
};

// Hugging Face's BasicTokenizer alone: the words WordPiece would receive
// (cleaned, lower-cased and accent-stripped as the options say, punctuation
// and CJK characters split off), as UTF-8. Typed special tokens get no special
// treatment. Needs no vocabulary; used to build one.
std::vector<std::string> basicTokenize(std::string_view text, const TokenizerOptions& options);

class Tokenizer {
public:
    Tokenizer(std::shared_ptr<const Vocab> vocab, TokenizerOptions options);

    // The word pieces of the text, without [CLS]/[SEP] added.
    std::vector<Token> tokenize(std::string_view text) const;
    // The model's input: [CLS] text [SEP], unless the text already starts with
    // [CLS]; token type 1 after the first [SEP] (a sentence pair).
    Encoding encode(std::string_view text) const;

    const Vocab& vocab() const { return *m_vocab; }
    const TokenizerOptions& options() const { return m_options; }

private:
    void appendWordPieces(const unicode::SpannedText& word, const unicode::DecodedText& text,
                          std::vector<Token>& out) const;

    std::shared_ptr<const Vocab> m_vocab;
    TokenizerOptions m_options;
};

}  // namespace bertlens
