// Helpers shared by the libFuzzer targets: invariant checks that stop the
// fuzzer with a message, and the real vocabulary the tokenizer target uses.
#pragma once

#include "../common/PrintableCheck.h"
#include "tokenizer/Vocab.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace bertlens::fuzz {

// A broken invariant is a finding: print it and abort so libFuzzer saves the input.
inline void require(bool condition, const char* what) {
    if (!condition) {
        std::fprintf(stderr, "invariant broken: %s\n", what);
        std::abort();
    }
}

// Every message a refused input gets must be fit to print (issue 19).
inline void requirePrintable(const char* message) {
    const std::string problem = test::printableProblem(message);
    if (!problem.empty()) {
        std::fprintf(stderr, "invariant broken: the message is not printable (%s)\n", problem.c_str());
        std::abort();
    }
}

// Reads every byte so AddressSanitizer sees any out-of-bounds view.
inline void touch(const uint8_t* data, size_t size) {
    volatile uint8_t sink = 0;
    for (size_t i = 0; i < size; ++i) sink = sink ^ data[i];
    (void)sink;
}

// ../shared/reference/bert-base-uncased/vocab.txt (or $BERTLENS_FUZZ_VOCAB).
inline Vocab loadSharedVocab() {
    const char* path = std::getenv("BERTLENS_FUZZ_VOCAB");
    return Vocab::fromFile(path ? path : BERTLENS_SHARED_DIR "/reference/bert-base-uncased/vocab.txt");
}

}  // namespace bertlens::fuzz
