#include "tokenizer/Tokenizer.h"

#include "Errors.h"

#include <algorithm>
#include <array>

namespace bertlens {

using unicode::SpannedChar;
using unicode::SpannedText;

namespace {

constexpr std::array<std::u32string_view, 5> kSpecialTokens = {U"[CLS]", U"[SEP]", U"[MASK]", U"[PAD]", U"[UNK]"};

// Length of the special token starting at pos, or 0.
size_t specialTokenAt(const std::u32string& cps, size_t pos) {
    if (cps[pos] != U'[') return 0;
    for (std::u32string_view special : kSpecialTokens) {
        if (cps.compare(pos, special.size(), special) == 0) return special.size();
    }
    return 0;
}

bool isSpecialToken(const SpannedText& word) {
    for (std::u32string_view special : kSpecialTokens) {
        if (word.size() == special.size() && std::equal(word.begin(), word.end(), special.begin(),
                                                        [](const SpannedChar& c, char32_t cp) { return c.cp == cp; })) {
            return true;
        }
    }
    return false;
}

Token makeToken(std::string text, int32_t id, int32_t start, int32_t end, const unicode::DecodedText& src) {
    Token t;
    t.text = std::move(text);
    t.id = id;
    t.chars = {start, end};
    t.bytes = {src.byteOffsets[static_cast<size_t>(start)], src.byteOffsets[static_cast<size_t>(end)]};
    return t;
}

// Text cleaning of one code point: NUL, U+FFFD and control characters go;
// whitespace becomes a space.
void appendCleaned(SpannedText& fragment, char32_t cp, size_t index) {
    if (cp == 0 || cp == 0xFFFD || unicode::isBertControl(cp)) return;
    const auto at = static_cast<int32_t>(index);
    fragment.push_back({unicode::isBertWhitespace(cp) ? U' ' : cp, at, at + 1});
}

// Everything BasicTokenizer does after cleaning, on one fragment of text.
std::vector<SpannedText> splitWords(const SpannedText& fragment, const TokenizerOptions& options) {
    // Python's BertTokenizer composes (NFC) before splitting. Even when accents
    // are stripped later this matters for offsets: a letter and the accents
    // composed onto it share one span, so a word piece never ends mid-letter.
    const SpannedText text = unicode::composeNfc(fragment);

    std::vector<SpannedText> words;
    SpannedText word;
    auto finishWord = [&] {
        if (word.empty()) return;
        // A word that reads as a special token only after cleaning ("[CL\u200bS]")
        // is kept whole, as Hugging Face's never_split does. With lower casing
        // on, Hugging Face has lowered the text first, so this never happens.
        if (!options.lowerCase && isSpecialToken(word)) {
            words.push_back(std::move(word));
            word.clear();
            return;
        }
        SpannedText normalized = options.lowerCase ? unicode::toLowerPython(word) : word;
        if (options.stripAccents) normalized = unicode::stripAccents(normalized);
        SpannedText piece;
        for (const SpannedChar& c : normalized) {
            if (unicode::isBertPunctuation(c.cp)) {
                if (!piece.empty()) words.push_back(std::move(piece));
                piece.clear();
                words.push_back({c});
            } else {
                piece.push_back(c);
            }
        }
        if (!piece.empty()) words.push_back(std::move(piece));
        word.clear();
    };
    for (const SpannedChar& c : text) {
        if (unicode::isPythonSpace(c.cp)) {
            finishWord();
        } else if (options.splitChineseChars && unicode::isCjkIdeograph(c.cp)) {
            finishWord();
            word.push_back(c);
            finishWord();
        } else {
            word.push_back(c);
        }
    }
    finishWord();
    return words;
}

}  // namespace

Tokenizer::Tokenizer(std::shared_ptr<const Vocab> vocab, TokenizerOptions options)
    : m_vocab(std::move(vocab)), m_options(options) {
    if (m_vocab->unkId() == Vocab::kNotFound) {
        throw CheckpointError("the vocabulary has no [UNK] token; every BERT vocabulary needs one");
    }
}

std::vector<Token> Tokenizer::tokenize(std::string_view text) const {
    const unicode::DecodedText decoded = unicode::decodeUtf8(text);
    const std::u32string& cps = decoded.codePoints;
    std::vector<Token> out;
    SpannedText fragment;
    auto flushFragment = [&] {
        for (const SpannedText& word : splitWords(fragment, m_options)) appendWordPieces(word, decoded, out);
        fragment.clear();
    };
    for (size_t i = 0; i < cps.size();) {
        if (const size_t len = specialTokenAt(cps, i)) {
            flushFragment();
            std::string special = unicode::toUtf8(std::u32string_view(cps).substr(i, len));
            const int32_t id = m_vocab->find(special);
            const auto start = static_cast<int32_t>(i);
            const auto end = static_cast<int32_t>(i + len);
            out.push_back(makeToken(id == Vocab::kNotFound ? "[UNK]" : special,
                                    id == Vocab::kNotFound ? m_vocab->unkId() : id, start, end, decoded));
            i += len;
            continue;
        }
        appendCleaned(fragment, cps[i], i);
        ++i;
    }
    flushFragment();
    return out;
}

void Tokenizer::appendWordPieces(const SpannedText& word, const unicode::DecodedText& src,
                                 std::vector<Token>& out) const {
    const auto wordStart = word.front().start;
    const auto wordEnd = word.back().end;
    if (static_cast<int32_t>(word.size()) > m_options.maxCharsPerWord) {
        out.push_back(makeToken("[UNK]", m_vocab->unkId(), wordStart, wordEnd, src));
        return;
    }
    std::string utf8;
    std::vector<size_t> charByte;  // byte offset of each character in utf8, plus the end
    for (const SpannedChar& c : word) {
        charByte.push_back(utf8.size());
        unicode::appendUtf8(utf8, c.cp);
    }
    charByte.push_back(utf8.size());

    const size_t firstPiece = out.size();
    std::string candidate;
    size_t start = 0;
    while (start < word.size()) {
        size_t end = word.size();
        int32_t found = Vocab::kNotFound;
        for (; end > start; --end) {
            const size_t bytes = charByte[end] - charByte[start];
            if (bytes + (start > 0 ? 2 : 0) > m_vocab->maxTokenBytes()) continue;
            candidate.assign(start > 0 ? "##" : "");
            candidate.append(utf8, charByte[start], bytes);
            found = m_vocab->find(candidate);
            if (found != Vocab::kNotFound) break;
        }
        if (found == Vocab::kNotFound) {  // no piece fits: the whole word is unknown
            out.resize(firstPiece);
            out.push_back(makeToken("[UNK]", m_vocab->unkId(), wordStart, wordEnd, src));
            return;
        }
        out.push_back(makeToken(candidate, found, word[start].start, word[end - 1].end, src));
        start = end;
    }
}

std::vector<std::string> basicTokenize(std::string_view text, const TokenizerOptions& options) {
    const std::u32string cps = unicode::decodeUtf8(text).codePoints;
    SpannedText fragment;
    for (size_t i = 0; i < cps.size(); ++i) appendCleaned(fragment, cps[i], i);
    std::vector<std::string> words;
    for (const SpannedText& word : splitWords(fragment, options)) {
        std::string& utf8 = words.emplace_back();
        for (const SpannedChar& c : word) unicode::appendUtf8(utf8, c.cp);
    }
    return words;
}

Encoding Tokenizer::encode(std::string_view text) const {
    Encoding e;
    std::vector<Token> pieces = tokenize(text);
    const bool typedCls = !pieces.empty() && !pieces.front().added && pieces.front().text == "[CLS]";
    auto addedToken = [](const char* name, int32_t id) {
        Token t;  // like Hugging Face's offsets: an added special token has the empty span [0,0)
        t.text = name;
        t.id = id;
        t.added = true;
        return t;
    };
    if (!typedCls) {
        if (m_vocab->clsId() == Vocab::kNotFound || m_vocab->sepId() == Vocab::kNotFound) {
            throw CheckpointError("the vocabulary has no [CLS] or [SEP] token; BERT needs both");
        }
        e.tokens.push_back(addedToken("[CLS]", m_vocab->clsId()));
    }
    for (Token& t : pieces) e.tokens.push_back(std::move(t));
    if (!typedCls) e.tokens.push_back(addedToken("[SEP]", m_vocab->sepId()));
    bool afterFirstSep = false;
    for (const Token& t : e.tokens) {
        e.ids.push_back(t.id);
        e.typeIds.push_back(afterFirstSep ? 1 : 0);
        if (t.id == m_vocab->sepId() && t.text == "[SEP]") afterFirstSep = true;
    }
    return e;
}

}  // namespace bertlens
