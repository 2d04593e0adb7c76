#include "text/SafeText.h"

#include <cstdint>
#include <cstdio>

namespace bertlens {
namespace {

// Decodes one well-formed UTF-8 sequence at s[i] (shortest form, no
// surrogates, at most U+10FFFF). Returns its length, or 0 if the byte at i
// does not start one.
size_t decode(std::string_view s, size_t i, char32_t& code) {
    const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char b0 = byte(i);
    if (b0 < 0x80) {
        code = b0;
        return 1;
    }
    size_t length = 0;
    char32_t min = 0;
    if ((b0 & 0xE0) == 0xC0) {
        length = 2, code = b0 & 0x1F, min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
        length = 3, code = b0 & 0x0F, min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
        length = 4, code = b0 & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (i + length > s.size()) return 0;
    for (size_t k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) return 0;
        code = (code << 6) | (byte(i + k) & 0x3F);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
    return length;
}

// Code points that change how the rest of a line is shown.
bool isFormatControl(char32_t c) {
    return (c >= 0x80 && c <= 0x9F) || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E ||
           c == 0x200F || c == 0x061C;
}

void appendByteEscape(std::string& out, unsigned char b) {
    char buf[5];
    std::snprintf(buf, sizeof buf, "\\x%02x", b);
    out += buf;
}

std::string escape(std::string_view raw, bool keepNewline, size_t maxCharacters) {
    std::string out;
    out.reserve(raw.size());
    size_t characters = 0;
    for (size_t i = 0; i < raw.size();) {
        if (characters == maxCharacters) {
            out += "\u2026";
            break;
        }
        ++characters;
        char32_t c = 0;
        const size_t n = decode(raw, i, c);
        if (n == 0) {
            appendByteEscape(out, static_cast<unsigned char>(raw[i]));
            ++i;
            continue;
        }
        if (c == '\n' && keepNewline) {
            out += '\n';
        } else if (c == '\t') {
            out += "\\t";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c < 0x20 || c == 0x7F) {
            appendByteEscape(out, static_cast<unsigned char>(c));
        } else if (isFormatControl(c)) {
            char buf[16];
            std::snprintf(buf, sizeof buf, "\\u{%04x}", static_cast<unsigned>(c));
            out += buf;
        } else {
            out.append(raw.substr(i, n));
        }
        i += n;
    }
    return out;
}

}  // namespace

std::string safeText(std::string_view raw) {
    return escape(raw, true, SIZE_MAX);
}

std::string safeQuote(std::string_view raw, size_t maxCharacters) {
    return escape(raw, false, maxCharacters);
}

}  // namespace bertlens
