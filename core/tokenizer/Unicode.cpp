#include "tokenizer/Unicode.h"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>

namespace bertlens::unicode {
namespace {

utf8proc_category_t categoryOf(char32_t cp) {
    return utf8proc_category(static_cast<utf8proc_int32_t>(cp));
}

bool isAscii(const SpannedText& text, size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
        if (text[i].cp >= 0x80) return false;
    }
    return true;
}

}  // namespace

namespace {

// Calls visit(codePoint, bytePosition, valid) for each code point; an invalid
// byte is reported alone with valid == false. Stops when visit returns false.
template <typename Visit>
void walkUtf8(std::string_view bytes, Visit&& visit) {
    const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(bytes.data());
    const auto size = static_cast<utf8proc_ssize_t>(bytes.size());
    utf8proc_ssize_t pos = 0;
    while (pos < size) {
        utf8proc_int32_t cp = 0;
        const utf8proc_ssize_t n = utf8proc_iterate(p + pos, size - pos, &cp);
        if (!visit(static_cast<char32_t>(cp), pos, n > 0)) return;
        pos += n > 0 ? n : 1;
    }
}

}  // namespace

DecodedText decodeUtf8(std::string_view bytes) {
    DecodedText out;
    out.codePoints.reserve(bytes.size());
    out.byteOffsets.reserve(bytes.size() + 1);
    walkUtf8(bytes, [&](char32_t cp, utf8proc_ssize_t pos, bool valid) {
        out.byteOffsets.push_back(static_cast<int32_t>(pos));
        out.codePoints.push_back(valid ? cp : char32_t(0xFFFD));  // one invalid byte: replace it and go on
        return true;
    });
    out.byteOffsets.push_back(static_cast<int32_t>(bytes.size()));
    return out;
}

bool isValidUtf8(std::string_view bytes) {
    bool valid = true;
    walkUtf8(bytes, [&](char32_t, utf8proc_ssize_t, bool ok) { return valid = ok; });
    return valid;
}

void appendUtf8(std::string& out, char32_t cp) {
    utf8proc_uint8_t buf[4];
    const auto n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(cp), buf);
    out.append(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
}

std::string toUtf8(std::u32string_view cps) {
    std::string out;
    out.reserve(cps.size());
    for (char32_t cp : cps) appendUtf8(out, cp);
    return out;
}

bool isBertWhitespace(char32_t cp) {
    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r') return true;
    return categoryOf(cp) == UTF8PROC_CATEGORY_ZS;
}

bool isBertControl(char32_t cp) {
    if (cp == '\t' || cp == '\n' || cp == '\r') return false;
    switch (categoryOf(cp)) {
        case UTF8PROC_CATEGORY_CC:
        case UTF8PROC_CATEGORY_CF:
        case UTF8PROC_CATEGORY_CN:
        case UTF8PROC_CATEGORY_CO:
        case UTF8PROC_CATEGORY_CS:
            return true;
        default:
            return false;
    }
}

bool isBertPunctuation(char32_t cp) {
    if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
        return true;
    }
    switch (categoryOf(cp)) {
        case UTF8PROC_CATEGORY_PC:
        case UTF8PROC_CATEGORY_PD:
        case UTF8PROC_CATEGORY_PS:
        case UTF8PROC_CATEGORY_PE:
        case UTF8PROC_CATEGORY_PI:
        case UTF8PROC_CATEGORY_PF:
        case UTF8PROC_CATEGORY_PO:
            return true;
        default:
            return false;
    }
}

bool isCjkIdeograph(char32_t cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF) ||
           (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

bool isPythonSpace(char32_t cp) {
    switch (cp) {
        case 0x09:
        case 0x0A:
        case 0x0B:
        case 0x0C:
        case 0x0D:
        case 0x1C:
        case 0x1D:
        case 0x1E:
        case 0x1F:
        case 0x20:
        case 0x85:
        case 0xA0:
        case 0x1680:
        case 0x2028:
        case 0x2029:
        case 0x202F:
        case 0x205F:
        case 0x3000:
            return true;
        default:
            return cp >= 0x2000 && cp <= 0x200A;
    }
}

bool isNonspacingMark(char32_t cp) {
    return categoryOf(cp) == UTF8PROC_CATEGORY_MN;
}

SpannedText toLowerPython(const SpannedText& word) {
    SpannedText out;
    out.reserve(word.size());
    for (const SpannedChar& c : word) {
        if (c.cp == 0x130) {  // LATIN CAPITAL LETTER I WITH DOT ABOVE lowers to two characters
            out.push_back({U'i', c.start, c.end});
            out.push_back({0x307, c.start, c.end});
        } else {
            out.push_back(
                {static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c.cp))), c.start, c.end});
        }
    }
    return out;
}

SpannedText stripAccents(const SpannedText& word) {
    SpannedText out;
    out.reserve(word.size());
    utf8proc_int32_t buf[32];
    for (const SpannedChar& c : word) {
        if (c.cp < 0x80) {
            out.push_back(c);
            continue;
        }
        int boundClass = 0;
        const auto n =
            utf8proc_decompose_char(static_cast<utf8proc_int32_t>(c.cp), buf, 32, UTF8PROC_DECOMPOSE, &boundClass);
        if (n <= 0 || n > 32) {
            out.push_back(c);
            continue;
        }
        for (utf8proc_ssize_t k = 0; k < n; ++k) {
            const auto cp = static_cast<char32_t>(buf[k]);
            if (!isNonspacingMark(cp)) out.push_back({cp, c.start, c.end});
        }
    }
    return out;
}

SpannedText composeNfc(const SpannedText& word) {
    SpannedText out;
    out.reserve(word.size());
    size_t begin = 0;
    while (begin < word.size()) {
        // A grapheme cluster: canonical composition never crosses one.
        size_t end = begin + 1;
        utf8proc_int32_t state = 0;
        while (end < word.size() &&
               !utf8proc_grapheme_break_stateful(static_cast<utf8proc_int32_t>(word[end - 1].cp),
                                                 static_cast<utf8proc_int32_t>(word[end].cp), &state)) {
            ++end;
        }
        if (isAscii(word, begin, end)) {
            out.insert(out.end(), word.begin() + begin, word.begin() + end);
            begin = end;
            continue;
        }
        std::string utf8;
        for (size_t i = begin; i < end; ++i) appendUtf8(utf8, word[i].cp);
        utf8proc_uint8_t* composed = nullptr;
        const auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(utf8.data()),
                                    static_cast<utf8proc_ssize_t>(utf8.size()), &composed,
                                    static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
        std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owner(composed, &std::free);
        if (n < 0) {  // cannot happen for valid code points; keep the cluster as it was
            out.insert(out.end(), word.begin() + begin, word.begin() + end);
            begin = end;
            continue;
        }
        const std::u32string cps =
            decodeUtf8(std::string_view(reinterpret_cast<char*>(composed), static_cast<size_t>(n))).codePoints;
        if (cps.size() == end - begin) {  // nothing merged: keep each character's own span
            for (size_t k = 0; k < cps.size(); ++k) out.push_back({cps[k], word[begin + k].start, word[begin + k].end});
        } else {
            for (char32_t cp : cps) out.push_back({cp, word[begin].start, word[end - 1].end});
        }
        begin = end;
    }
    return out;
}

}  // namespace bertlens::unicode
