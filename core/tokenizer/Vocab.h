// A WordPiece vocabulary: token strings and their ids (line numbers of
// vocab.txt). Immutable after construction, so safe to share across threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace bertlens {

class Vocab {
public:
    static constexpr int32_t kNotFound = -1;

    // Reads vocab.txt (one token per line, UTF-8). Throws CheckpointError
    // naming the file and line when it cannot be read or is not UTF-8.
    static Vocab fromFile(const std::string& path);
    // The same from the file's bytes; fileName is used in messages only.
    static Vocab fromText(std::string_view text, const std::string& fileName);
    explicit Vocab(std::vector<std::string> tokens);
    Vocab() = default;

    int32_t size() const { return static_cast<int32_t>(m_tokens.size()); }
    int32_t find(std::string_view token) const;
    const std::string& token(int32_t id) const { return m_tokens.at(static_cast<size_t>(id)); }
    // The longest token in bytes; WordPiece never looks for a longer piece.
    size_t maxTokenBytes() const { return m_maxTokenBytes; }

    int32_t padId() const { return m_pad; }
    int32_t unkId() const { return m_unk; }
    int32_t clsId() const { return m_cls; }
    int32_t sepId() const { return m_sep; }
    int32_t maskId() const { return m_mask; }

private:
    std::vector<std::string> m_tokens;
    std::unordered_map<std::string, int32_t> m_ids;
    size_t m_maxTokenBytes = 0;
    int32_t m_pad = kNotFound;
    int32_t m_unk = kNotFound;
    int32_t m_cls = kNotFound;
    int32_t m_sep = kNotFound;
    int32_t m_mask = kNotFound;
};

}  // namespace bertlens
