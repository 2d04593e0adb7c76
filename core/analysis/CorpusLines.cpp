#include "analysis/CorpusLines.h"

#include "tokenizer/Unicode.h"

namespace bertlens {

const char* lineProblemName(LineProblem p) {
    switch (p) {
        case LineProblem::None:
            return "none";
        case LineProblem::Empty:
            return "empty";
        case LineProblem::TooLong:
            return "too_long";
        case LineProblem::NotUtf8:
            return "not_utf8";
        case LineProblem::ContainsNul:
            return "contains_nul";
    }
    return "none";
}

CorpusLineReader::CorpusLineReader(std::istream& in, size_t maxBytes) : m_buf(in.rdbuf()), m_maxBytes(maxBytes) {}

bool CorpusLineReader::next(std::string& text, LineProblem& problem) {
    text.clear();
    problem = LineProblem::None;
    if (m_buf == nullptr) return false;
    bool any = false, tooLong = false, nul = false;
    for (;;) {
        const int c = m_buf->sbumpc();
        if (c == std::char_traits<char>::eof()) break;
        any = true;
        ++m_bytes;
        if (c == '\n') break;
        if (c == 0) nul = true;
        if (text.size() < m_maxBytes) {
            text.push_back(static_cast<char>(c));
        } else {
            tooLong = true;
        }
    }
    if (!any) return false;
    ++m_line;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (tooLong) {
        text.clear();
        problem = LineProblem::TooLong;
    } else if (nul) {
        problem = LineProblem::ContainsNul;
    } else if (!unicode::isValidUtf8(text)) {
        problem = LineProblem::NotUtf8;
    } else if (text.find_first_not_of(" \t\r\f\v") == std::string::npos) {
        problem = LineProblem::Empty;
    }
    return true;
}

std::string corpusLineToText(const std::string& line) {
    const size_t tab = line.find('\t');
    if (tab == std::string::npos) return line;
    return line.substr(0, tab) + " [SEP] " + line.substr(tab + 1);
}

}  // namespace bertlens
