// bertlens-cli as a new user meets it: --help and --version, COMMAND --help,
// the bundled model when --model is left out, and analyze --format text,
// whose numbers are checked against the JSON of the same run.
#include "TestSupport.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

namespace bertlens {
namespace {

const char* kCommands[] = {"tokenize", "analyze", "bench", "models", "download", "train", "finetune", "evaluate", "tasks"};

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

TEST(CliManners, HelpAndVersionGoToStdoutAndExitZero) {
    for (const char* flag : {"--help", "-h", "help"}) {
        const auto r = test::runCli(flag);
        EXPECT_EQ(r.exitCode, 0) << flag;
        EXPECT_TRUE(r.err.empty()) << r.err;
        for (const char* c : kCommands) EXPECT_NE(r.out.find(std::string("bertlens-cli ") + c), std::string::npos) << c;
    }
    const auto v = test::runCli("--version");
    EXPECT_EQ(v.exitCode, 0);
    EXPECT_EQ(v.out, "bertlens-cli " BERTLENS_PROJECT_VERSION "\n");
}

TEST(CliManners, EveryCommandHasItsHelpAndTheTopUsageRepeatsItsSynopsis) {
    const std::string usage = test::runCli("--help").out;
    for (const char* c : kCommands) {
        for (const std::string& form : {std::string(c) + " --help", std::string(c) + " -h", "help " + std::string(c)}) {
            const auto r = test::runCli(form);
            ASSERT_EQ(r.exitCode, 0) << form << ": " << r.err;
            ASSERT_EQ(r.out.rfind(std::string("usage:\n  bertlens-cli ") + c, 0), 0u) << form << ": " << r.out;
        }
        // The synopsis lines (up to the first line that is not indented) are the top-level usage's.
        for (const std::string& line : lines(test::runCli(std::string(c) + " --help").out)) {
            if (line == "usage:") continue;
            if (line.rfind("  ", 0) != 0) break;
            EXPECT_NE(usage.find(line + "\n"), std::string::npos) << c << ": \"" << line << "\" not in the usage";
        }
    }
    // A --help given after other options is still help, not an error.
    EXPECT_EQ(test::runCli("analyze --top-k 3 --help").exitCode, 0);
}

// Every flag a command's help names is one its parser takes: followed by two
// unknown words, the complaint is about the second, never about the flag.
TEST(CliManners, EveryFlagInAHelpIsAcceptedByItsCommand) {
    const std::regex flag("--[a-z][a-z0-9-]*");
    for (const char* c : kCommands) {
        const std::string help = test::runCli(std::string(c) + " --help").out;
        std::set<std::string> flags;
        for (auto it = std::sregex_iterator(help.begin(), help.end(), flag); it != std::sregex_iterator(); ++it)
            flags.insert(it->str());
        EXPECT_FALSE(flags.empty()) << c;
        const std::string prefix = std::string(c) == "download" ? "download some/repo " : std::string(c) + " ";
        for (const std::string& f : flags) {
            const auto r = test::runCli(prefix + f + " --zz --zz");
            EXPECT_EQ(r.exitCode, 2) << c << " " << f << ": " << r.err;
            EXPECT_NE(r.err.find("unknown option \"--zz\""), std::string::npos) << c << " " << f << ": " << r.err;
        }
    }
}

TEST(CliManners, MistakesExitTwoWithTheUsage) {
    for (const std::string args : {"analyze --bogus", "analyze --text x --format xml", "frobnicate", ""}) {
        const auto r = test::runCli(args);
        EXPECT_EQ(r.exitCode, 2) << args;
        EXPECT_NE(r.err.find("usage:\n"), std::string::npos) << args << ": " << r.err;
        EXPECT_TRUE(r.out.empty()) << args;
    }
}

TEST(CliManners, LeavingOutTheModelUsesTheBundledOneAndSaysSoOnce) {
    const auto implicit = test::runCli("tokenize --text 'the [MASK] barked .'");
    ASSERT_EQ(implicit.exitCode, 0) << implicit.err;
    EXPECT_EQ(lines(implicit.err).size(), 1u) << implicit.err;
    const auto canonical = std::filesystem::canonical(test::bundledModel()).string();
    EXPECT_NE(implicit.err.find("using the bundled model " + canonical), std::string::npos) << implicit.err;
    const auto explicitModel = test::runCli("tokenize --model '" + test::bundledModel() + "' --text 'the [MASK] barked .'");
    EXPECT_EQ(implicit.out, explicitModel.out);
    EXPECT_TRUE(explicitModel.err.empty()) << explicitModel.err;
}

// The text summary, read back and compared with the JSON attentions and
// probabilities of the same sentence (the maximum found here, not by the writer).
TEST(CliManners, AnalyzeTextAgreesWithItsJson) {
    const std::string args =
        "analyze --model '" + test::bundledModel() + "' --top-k 3 --text 'the dog [MASK] at the [MASK] .'";
    const auto json = test::runCli(args);
    const auto text = test::runCli(args + " --format text");
    ASSERT_EQ(json.exitCode, 0) << json.err;
    ASSERT_EQ(text.exitCode, 0) << text.err;
    const auto j = nlohmann::json::parse(json.out);
    const std::vector<std::string> out = lines(text.out);
    const std::vector<std::string> tokens = j["tokens"];
    std::string tokenLine = "tokens (" + std::to_string(tokens.size()) + "):";
    for (const auto& t : tokens) tokenLine += " " + t;
    ASSERT_FALSE(out.empty());
    EXPECT_EQ(out[0], tokenLine);
    // The parameter count, grouped by threes, is the JSON's.
    ASSERT_GE(out.size(), 3u);
    std::string count = std::to_string(j["parameters"].get<int64_t>());
    for (int i = int(count.size()) - 3; i > 0; i -= 3) count.insert(size_t(i), ",");
    EXPECT_EQ(out[2].rfind("parameters: " + count + " (", 0), 0u) << out[2];

    size_t at = 0;
    while (at < out.size() && out[at] != "predictions:") ++at;
    ASSERT_LT(at, out.size()) << text.out;
    for (const auto& p : j["predictions"]) {
        const int position = p["position"];
        std::string expected = "  " + tokens[size_t(position)] + " (" + std::to_string(position) + "):";
        for (size_t i = 0; i < p["top"].size(); ++i) {
            const double percent = 100.0 * p["top"][i]["prob"].get<double>();
            char number[32];
            std::snprintf(number, sizeof number, "%.1f%%", percent);
            expected += (i ? ", " : " ") + p["top"][i]["token"].get<std::string>() + " " +
                        (percent < 0.05 ? std::string("<0.1%") : std::string(number));
        }
        EXPECT_EQ(out[++at], expected);
    }
    EXPECT_EQ(out[++at], "strongest attention per head (layer head: from -> to weight):");
    const auto& att = j["attentions"];
    const int layers = j["model"]["layers"], heads = j["model"]["heads"];
    ASSERT_EQ(out.size(), at + 1 + size_t(layers * heads));
    const std::regex row(R"(  +(\d+) +(\d+): .* \((\d+)\) -> .* \((\d+)\) (\d\.\d{3}))");
    for (int l = 0; l < layers; ++l) {
        for (int h = 0; h < heads; ++h) {
            double best = -1;
            for (const auto& queryRow : att[size_t(l)][size_t(h)])
                for (const auto& w : queryRow) best = std::max(best, w.get<double>());
            std::smatch m;
            const std::string& line = out[++at];
            ASSERT_TRUE(std::regex_match(line, m, row)) << line;
            EXPECT_EQ(std::stoi(m[1]), l);
            EXPECT_EQ(std::stoi(m[2]), h);
            const double weight = att[size_t(l)][size_t(h)][std::stoul(m[3])][std::stoul(m[4])];
            EXPECT_NEAR(weight, best, 1e-6) << line;  // the cell named holds the head's largest weight
            EXPECT_NEAR(std::stod(m[5]), best, 0.0005 + 1e-9) << line;
        }
    }
}

}  // namespace
}  // namespace bertlens
