// Messages that are safe to print (issue 19): text/SafeText.h by hand-worked
// cases and by properties over random bytes, checked with utf8proc
// (tests/common/PrintableCheck.h), then every message a hostile safetensors
// file gets from the parser, the model loader and bertlens-cli.
#include "../common/PrintableCheck.h"
#include "TestSupport.h"

#include "Errors.h"
#include "io/SafeTensors.h"
#include "model/Model.h"
#include "text/SafeText.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>

namespace bertlens {
namespace {

namespace fs = std::filesystem;

TEST(SafeText, EscapesControlsAndInvalidBytesByHand) {
    EXPECT_EQ(safeText("plain text, caf\u00e9 \u20ac \U0001F600"), "plain text, caf\u00e9 \u20ac \U0001F600");
    EXPECT_EQ(safeText("a\x1b[31mred"), "a\\x1b[31mred");
    EXPECT_EQ(safeText("line\rover"), "line\\rover");
    EXPECT_EQ(safeText("tab\there"), "tab\\there");
    EXPECT_EQ(safeText("two\nlines"), "two\nlines");
    EXPECT_EQ(safeText(std::string("nul\0byte", 8)), "nul\\x00byte");
    EXPECT_EQ(safeText("del\x7f"), "del\\x7f");
    EXPECT_EQ(safeText("\xff\xfe"), "\\xff\\xfe");                    // never a lead byte
    EXPECT_EQ(safeText("\xc0\xaf"), "\\xc0\\xaf");                    // overlong '/'
    EXPECT_EQ(safeText("\xed\xa0\x80"), "\\xed\\xa0\\x80");           // a UTF-16 surrogate
    EXPECT_EQ(safeText("cut \xe2\x82"), "cut \\xe2\\x82");            // truncated sequence
    EXPECT_EQ(safeText("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // above U+10FFFF
    EXPECT_EQ(safeText("next\u0085line"), "next\\u{0085}line");       // C1 control
    EXPECT_EQ(safeText("abc\u202edef"), "abc\\u{202e}def");           // right-to-left override
    EXPECT_EQ(safeText("\u2066x\u2069"), "\\u{2066}x\\u{2069}");      // isolates
}

TEST(SafeText, QuotesEscapeNewlinesAndAreCut) {
    EXPECT_EQ(safeQuote("two\nlines"), "two\\x0alines");
    EXPECT_EQ(safeQuote(std::string(100, 'a'), 10), std::string(10, 'a') + "\u2026");
    EXPECT_EQ(safeQuote("\u00e9\u00e9\u00e9\u00e9", 3), "\u00e9\u00e9\u00e9\u2026");  // counts characters, not bytes
    EXPECT_EQ(safeQuote("short", 5), "short");
}

TEST(SafeText, AnyBytesComeOutPrintableAndStayPut) {
    std::mt19937 random(7);
    // Bytes weighted towards the troublesome ones: controls, lead and
    // continuation bytes, and the pieces of U+202E and U+0085.
    const std::string alphabet =
        std::string("a\n\r\t\x1b\x07\x7f\x80\xbf\xc2\x85\xc0\xe2\x80\xae\xed\xa0\xf0\xf4\xff", 21);
    for (int round = 0; round < 3000; ++round) {
        std::string raw(random() % 48, '\0');
        for (char& c : raw) c = random() % 3 == 0 ? char(random() % 256) : alphabet[random() % alphabet.size()];
        const std::string safe = safeText(raw);
        ASSERT_EQ(test::printableProblem(safe), "") << "round " << round;
        ASSERT_EQ(safeText(safe), safe) << "not idempotent, round " << round;
        const std::string quote = safeQuote(raw, 12);
        ASSERT_EQ(test::printableProblem(quote), "") << "round " << round;
        ASSERT_EQ(quote.find('\n'), std::string::npos);
    }
}

TEST(SafeText, ErrorsAreMadeSafeWhenBuilt) {
    const CheckpointError e(std::string("tensor \x1b]2;x\x07 \xff"));
    EXPECT_EQ(std::string(e.what()), "tensor \\x1b]2;x\\x07 \\xff");
}

std::string regression(const std::string& name) {
    return test::readBytes(test::fixturesDir().parent_path() / "fuzz" / "regressions" / "safetensors" / name);
}

std::string parseMessage(const std::string& bytes) {
    try {
        SafeTensors::parse(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), "model.safetensors");
    } catch (const CheckpointError& e) {
        return e.what();
    }
    return {};
}

// The three hand-made hostile headers: each is refused, with its hostile
// part shown escaped.
TEST(SafeText, HostileHeadersGivePrintableMessages) {
    const std::string escape = parseMessage(regression("escape-in-tensor-name"));
    EXPECT_EQ(test::printableProblem(escape), "") << escape;
    EXPECT_NE(escape.find("bert.\\x1b]2;owned\\x07\\x1b[2J.weight"), std::string::npos) << escape;

    const std::string raw = parseMessage(regression("raw-bytes-in-json"));
    EXPECT_EQ(test::printableProblem(raw), "") << raw;
    EXPECT_NE(raw.find("not valid JSON"), std::string::npos) << raw;
    EXPECT_NE(raw.find("\\xff"), std::string::npos) << raw;

    test::ScratchDir dir;
    const fs::path folder = dir.copyModel("h12-f32");
    test::writeBytes(folder / "model.safetensors", regression("bidi-dtype-long-name"));
    std::string message;
    try {
        Model::load(folder.string());
    } catch (const CheckpointError& e) {
        message = e.what();
    }
    ASSERT_FALSE(message.empty()) << "a header with a right-to-left dtype was accepted";
    EXPECT_EQ(test::printableProblem(message), "") << message;
    EXPECT_LT(message.size(), 1000u) << "the 5,000-character tensor name was not cut";
    EXPECT_NE(message.find("\u2026"), std::string::npos) << message;
}

// The experiment, kept: 150 copies of a real model file with header
// bytes mutated at random. Every refusal's message must be printable; some
// must have needed escaping, or the experiment tested nothing.
TEST(SafeText, RandomlyMutatedHeadersGivePrintableMessages) {
    const std::string original = test::readBytes(test::fixturesDir() / "models" / "h12-f32" / "model.safetensors");
    uint64_t headerBytes = 0;
    for (int b = 7; b >= 0; --b) headerBytes = (headerBytes << 8) | static_cast<unsigned char>(original[b]);
    ASSERT_LT(headerBytes + 8, original.size());
    std::mt19937 random(2026);
    int refused = 0;
    int escaped = 0;
    for (int round = 0; round < 150; ++round) {
        std::string bytes = original;
        const int edits = 1 + int(random() % 4);
        for (int k = 0; k < edits; ++k) bytes[8 + random() % headerBytes] = char(0x7f + random() % 0x81);
        const std::string message = parseMessage(bytes);
        if (message.empty()) continue;
        ++refused;
        ASSERT_EQ(test::printableProblem(message), "") << "round " << round << ": " << message;
        if (message.find("\\x") != std::string::npos) ++escaped;
    }
    std::cout << "[ info     ] 150 mutated headers: " << refused << " refused, " << escaped
              << " of their messages needed escaping\n";
    EXPECT_GT(refused, 75) << "most mutated headers should be refused";
    EXPECT_GT(escaped, 10) << "the mutations never reached a message; the experiment is void";
}

TEST(SafeText, CliPrintsHostileNamesEscaped) {
    test::ScratchDir dir;
    const fs::path folder = dir.copyModel("h12-f32");
    test::writeBytes(folder / "model.safetensors", regression("escape-in-tensor-name"));
    const auto r = test::runCli("analyze --model " + folder.string() + " --text hello");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_EQ(test::printableProblem(r.err), "") << r.err;
    EXPECT_NE(r.err.find("\\x1b]2;owned"), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");
}

}  // namespace
}  // namespace bertlens
