// The pretraining corpus of the bundled model: lowercase English sentences
// drawn from a hand-written grammar and lexicon, reproducible from a seed.
//
//   CorpusGenerator gen(42);
//   std::string s = gen.nextSentence();  // "the keys to the cabinet are on the table ."
//
// Tokens are separated by single spaces and every sentence ends with " .".
// The grammar is weighted so that each phenomenon the model is later probed on
// is common: subject-verb agreement (also across a distractor noun), relative
// clauses, prepositional phrases, pronouns referring back, word senses told
// apart by context, and a small world of facts (capitals, animal sounds, jobs
// and tools, colours) that is stated the same way everywhere.
//
// A CorpusGenerator is not thread-safe; generateCorpus() is a pure function.
#pragma once

#include "train/Random.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace bertlens {

class CorpusGenerator {
public:
    explicit CorpusGenerator(uint64_t seed, uint64_t stream = 0);

    std::string nextSentence();
    // What the last sentence is about: "capital", "animal sound", "job and tool",
    // "colour", "agreement", "relative clause", "location", "pronoun",
    // "word sense" or "two clauses".
    const char* category() const { return m_category; }

private:
    // Each writes one clause, without the final " .", onto m_out.
    void capitalFact();
    void animalFact();
    void jobFact();
    void colourFact();
    void agreement();
    void relativeClause();
    void location();
    void pronoun();
    void wordSense();
    void simpleClause();  // one of the short clauses above, for joined pairs

    Random m_random;
    std::string m_out;
    const char* m_category = "";
};

struct Corpus {
    std::vector<std::string> train;
    std::vector<std::string> heldOut;  // distinct, and never a sentence of train
    std::vector<const char*> heldOutCategories;  // CorpusGenerator::category() of each held-out sentence
};

// Training sentences come from stream 0 of the seed and held-out sentences
// from stream 1. A held-out draw that repeats a training or earlier held-out
// sentence is discarded; if the grammar runs out of new sentences heldOut is
// shorter than asked (never in practice for the sizes the tools use).
Corpus generateCorpus(uint64_t seed, size_t trainSentences, size_t heldOutSentences);

}  // namespace bertlens
