#include "tokenizer/Vocab.h"

#include "Errors.h"
#include "io/FileBytes.h"
#include "tokenizer/Unicode.h"

#include <algorithm>
#include <filesystem>

namespace bertlens {

Vocab Vocab::fromFile(const std::string& path) {
    if (!std::filesystem::exists(path)) {
        throw CheckpointError("cannot open " + path + ": the model folder needs a vocab.txt");
    }
    // The largest released vocabularies are a few MB; this is the most a
    // vocab.txt is read into memory for.
    constexpr uint64_t kMaxVocabBytes = uint64_t(256) << 20;
    return fromText(readRegularFile(path, kMaxVocabBytes, "a vocab.txt"), path);
}

Vocab Vocab::fromText(std::string_view text, const std::string& fileName) {
    std::vector<std::string> tokens;
    while (!text.empty()) {
        const size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (!unicode::isValidUtf8(line)) {
            throw CheckpointError(fileName + " line " + std::to_string(tokens.size() + 1) +
                                  " is not valid UTF-8; save the vocabulary as UTF-8");
        }
        tokens.emplace_back(line);
    }
    if (tokens.empty()) throw CheckpointError(fileName + " is empty: a vocabulary needs one token per line");
    return Vocab(std::move(tokens));
}

Vocab::Vocab(std::vector<std::string> tokens) : m_tokens(std::move(tokens)) {
    m_ids.reserve(m_tokens.size());
    for (size_t i = 0; i < m_tokens.size(); ++i) {
        // Like Hugging Face: a repeated token maps to its last line.
        m_ids[m_tokens[i]] = static_cast<int32_t>(i);
        m_maxTokenBytes = std::max(m_maxTokenBytes, m_tokens[i].size());
    }
    m_pad = find("[PAD]");
    m_unk = find("[UNK]");
    m_cls = find("[CLS]");
    m_sep = find("[SEP]");
    m_mask = find("[MASK]");
}

int32_t Vocab::find(std::string_view token) const {
    const auto it = m_ids.find(std::string(token));
    return it == m_ids.end() ? kNotFound : it->second;
}

}  // namespace bertlens
