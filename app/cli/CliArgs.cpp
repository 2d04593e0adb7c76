#include "cli/CliArgs.h"

#include <cstdio>
#include <cstdlib>

#include <charconv>

namespace bertlens::cli {
namespace {

int parseInt(const std::string& text, const std::string& flag, int lo, int hi) {
    int v = 0;
    const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
    if (r.ec != std::errc() || r.ptr != text.data() + text.size() || v < lo || v > hi) {
        throw UsageError(flag + " takes a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) +
                         ", not \"" + text + "\"");
    }
    return v;
}

}  // namespace

CliArgs::CliArgs(const std::vector<std::string>& args, const std::set<std::string>& valueFlags,
                 const std::set<std::string>& switchFlags) {
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (valueFlags.count(a)) {
            if (i + 1 >= args.size()) throw UsageError(a + " needs a value");
            m_values[a] = args[++i];
        } else if (a == "--help" || a == "-h") {
            throw HelpRequested();
        } else if (switchFlags.count(a)) {
            m_values[a] = "1";
        } else {
            throw UsageError("unknown option \"" + a + "\"");
        }
    }
}

std::string CliArgs::value(const std::string& flag) const {
    const auto it = m_values.find(flag);
    if (it == m_values.end()) throw UsageError("missing " + flag);
    return it->second;
}

std::string CliArgs::valueOr(const std::string& flag, const std::string& fallback) const {
    const auto it = m_values.find(flag);
    return it == m_values.end() ? fallback : it->second;
}

int CliArgs::intValue(const std::string& flag, int fallback, int lo, int hi) const {
    return has(flag) ? parseInt(value(flag), flag, lo, hi) : fallback;
}

double CliArgs::doubleValue(const std::string& flag, double fallback, double lo, double hi) const {
    if (!has(flag)) return fallback;
    const std::string text = value(flag);
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !(v >= lo && v <= hi)) {
        char range[64];
        std::snprintf(range, sizeof range, "%g to %g", lo, hi);
        throw UsageError(flag + " takes a number from " + range + ", not \"" + text + "\"");
    }
    return v;
}

std::vector<int> CliArgs::intList(const std::string& flag, const std::string& fallback, int lo, int hi) const {
    const std::string text = valueOr(flag, fallback);
    std::vector<int> out;
    size_t start = 0;
    while (start <= text.size()) {
        const size_t comma = text.find(',', start);
        const size_t end = comma == std::string::npos ? text.size() : comma;
        out.push_back(parseInt(text.substr(start, end - start), flag, lo, hi));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

}  // namespace bertlens::cli
