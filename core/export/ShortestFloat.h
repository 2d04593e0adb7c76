// A float as the shortest text that reads back as the same float (what the
// JSON and CSV exports write, so a reader gets the engine's bits back).
#pragma once

#include <charconv>
#include <ostream>

namespace bertlens {

inline void writeShortestFloat(std::ostream& out, float v) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.write(buf, r.ptr - buf);
}

}  // namespace bertlens
