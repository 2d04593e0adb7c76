// Command-line parsing for bertlens-cli: a command word followed by --flags.
#pragma once

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace bertlens::cli {

// A mistake in how the command was called (exit code 2, with usage).
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// COMMAND --help (or -h) where an option could stand: main prints the command's help, exit 0.
class HelpRequested : public std::exception {};

class CliArgs {
public:
    // valueFlags take an argument, switchFlags do not; --help and -h throw
    // HelpRequested; anything else is a UsageError.
    CliArgs(const std::vector<std::string>& args, const std::set<std::string>& valueFlags,
            const std::set<std::string>& switchFlags);

    bool has(const std::string& flag) const { return m_values.count(flag) > 0; }
    std::string value(const std::string& flag) const;  // UsageError when absent
    std::string valueOr(const std::string& flag, const std::string& fallback) const;
    int intValue(const std::string& flag, int fallback, int lo, int hi) const;
    double doubleValue(const std::string& flag, double fallback, double lo, double hi) const;
    std::vector<int> intList(const std::string& flag, const std::string& fallback, int lo, int hi) const;

private:
    std::map<std::string, std::string> m_values;
};

}  // namespace bertlens::cli
