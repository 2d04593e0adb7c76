// The test side of text/SafeText.h, written apart from it: utf8proc decides
// what is valid UTF-8, and the rule is the issue's own — a message a user
// sees is valid UTF-8 and holds no C0 control character but '\n', no DEL,
// no C1 control and no bidirectional override. Used by the unit tests and
// by every fuzz target on every message it sees.
#pragma once

#include <utf8proc.h>

#include <cstdio>
#include <string>
#include <string_view>

namespace bertlens::test {

// Empty when `message` is fit to print, else what is wrong and where.
inline std::string printableProblem(std::string_view message) {
    const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(message.data());
    utf8proc_ssize_t at = 0;
    const auto size = static_cast<utf8proc_ssize_t>(message.size());
    while (at < size) {
        utf8proc_int32_t c = -1;
        const utf8proc_ssize_t n = utf8proc_iterate(p + at, size - at, &c);
        char where[64];
        std::snprintf(where, sizeof where, " at byte %lld", static_cast<long long>(at));
        if (n <= 0 || c < 0) return "not valid UTF-8" + std::string(where);
        const bool c0 = c < 0x20 && c != '\n';
        const bool c1 = c == 0x7F || (c >= 0x80 && c <= 0x9F);
        const bool bidi = (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
        if (c0 || c1 || bidi) {
            char code[32];
            std::snprintf(code, sizeof code, "control U+%04X", static_cast<unsigned>(c));
            return code + std::string(where);
        }
        at += n;
    }
    return {};
}

}  // namespace bertlens::test
