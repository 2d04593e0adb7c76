#include "train/WordPieceBuilder.h"

#include "Errors.h"
#include "io/AtomicFile.h"
#include "tokenizer/Tokenizer.h"

#include <algorithm>
#include <cstdint>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace bertlens {
namespace {

using Counts = std::unordered_map<std::string, uint64_t>;

constexpr const char* kSpecialTokens[] = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
// A suffix piece is worth a vocabulary line only when it ends several words,
// and only if what precedes it is a plausible stem.
constexpr uint64_t kMinSuffixWords = 2;
constexpr size_t kMinStemChars = 2;
constexpr size_t kMaxSuffixChars = 6;

// Byte offsets where each UTF-8 character of word starts, plus the end.
std::vector<size_t> charStarts(const std::string& word) {
    std::vector<size_t> starts;
    for (size_t i = 0; i < word.size(); ++i) {
        if ((static_cast<unsigned char>(word[i]) & 0xC0) != 0x80) starts.push_back(i);
    }
    starts.push_back(word.size());
    return starts;
}

std::vector<std::pair<std::string, uint64_t>> sortedByCount(Counts counts) {
    std::vector<std::pair<std::string, uint64_t>> sorted(std::make_move_iterator(counts.begin()),
                                                         std::make_move_iterator(counts.end()));
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    return sorted;
}

}  // namespace

std::vector<std::string> buildWordPieceVocab(const std::vector<std::string>& sentences, size_t targetSize) {
    // Words exactly as the Tokenizer will hand them to WordPiece.
    Counts words;
    const TokenizerOptions lowerCase;
    for (const std::string& sentence : sentences) {
        for (std::string& word : basicTokenize(sentence, lowerCase)) ++words[std::move(word)];
    }

    std::vector<std::string> vocab(std::begin(kSpecialTokens), std::end(kSpecialTokens));
    std::unordered_set<std::string> present(vocab.begin(), vocab.end());
    auto add = [&](const std::string& token) {
        if (present.insert(token).second) vocab.push_back(token);
    };

    std::vector<std::string> chars;
    Counts suffixWords;  // suffix -> how many distinct words end with it
    for (const auto& [word, count] : words) {
        const std::vector<size_t> starts = charStarts(word);
        const size_t length = starts.size() - 1;
        for (size_t i = 0; i < length; ++i) chars.push_back(word.substr(starts[i], starts[i + 1] - starts[i]));
        for (size_t stem = kMinStemChars; stem + 2 <= length; ++stem) {
            if (length - stem <= kMaxSuffixChars) ++suffixWords["##" + word.substr(starts[stem])];
        }
    }
    std::sort(chars.begin(), chars.end());
    chars.erase(std::unique(chars.begin(), chars.end()), chars.end());
    for (const std::string& c : chars) add(c);
    for (const std::string& c : chars) add("##" + c);

    for (const auto& [word, count] : sortedByCount(std::move(words))) {
        if (vocab.size() >= targetSize) return vocab;
        add(word);
    }
    for (const auto& [suffix, count] : sortedByCount(std::move(suffixWords))) {
        if (vocab.size() >= targetSize || count < kMinSuffixWords) break;
        add(suffix);
    }
    return vocab;
}

std::string vocabFileText(const std::vector<std::string>& tokens) {
    std::string text;
    for (const std::string& token : tokens) text += token + '\n';
    return text;
}

void writeVocabFile(const std::vector<std::string>& tokens, const std::string& path) {
    AtomicFile::writeAll(path, vocabFileText(tokens));
}

}  // namespace bertlens
