// Reads a corpus file one line at a time for the head summary: one sentence,
// or a pair separated by a tab, per line. A line longer than the cap is never
// held whole: its first bytes are dropped with the rest and the line is
// reported as too long. Bad lines are classified, never fatal.
// One reader belongs to one thread.
#pragma once

#include <cstdint>
#include <istream>
#include <string>

namespace bertlens {

enum class LineProblem { None, Empty, TooLong, NotUtf8, ContainsNul };
const char* lineProblemName(LineProblem p);  // "empty", "too_long", "not_utf8", "contains_nul"

class CorpusLineReader {
public:
    static constexpr size_t kDefaultMaxBytes = 64 * 1024;
    explicit CorpusLineReader(std::istream& in, size_t maxBytes = kDefaultMaxBytes);

    // The next line (without its \n or \r\n) and what is wrong with it; false at the end.
    bool next(std::string& text, LineProblem& problem);
    int64_t lineNumber() const { return m_line; }
    int64_t bytesRead() const { return m_bytes; }

private:
    std::streambuf* m_buf;
    size_t m_maxBytes;
    int64_t m_line = 0;
    int64_t m_bytes = 0;
};

// A pair's tab becomes " [SEP] ", the way analyze reads a pair; trailing
// spaces are not trimmed (the tokenizer ignores them).
std::string corpusLineToText(const std::string& line);

}  // namespace bertlens
