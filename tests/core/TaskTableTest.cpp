// The fine-tuning tasks: reproducible from the seed, held-out text never in
// training, labels balanced, and each label true of its example by checks
// written here (a hand list of verb forms, a few real-world facts), not by
// asking the generator.
#include "train/Lexicon.h"
#include "train/TaskTable.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

namespace bertlens::train {
namespace {

std::vector<std::string> words(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

TEST(TaskTable, UnknownNameIsNotFound) {
    EXPECT_EQ(findTask("sentiment"), nullptr);
    ASSERT_NE(findTask("agreement"), nullptr);
    ASSERT_NE(findTask("pair"), nullptr);
    EXPECT_EQ(findTask("pair")->labels.size(), 3u);
}

TEST(TaskTable, SameSeedSameExamplesOtherSeedOthers) {
    for (const TaskInfo& task : taskTable()) {
        const TaskSplits a = makeTaskSplits(task, 5, 200, 100);
        const TaskSplits b = makeTaskSplits(task, 5, 200, 100);
        const TaskSplits c = makeTaskSplits(task, 6, 200, 100);
        ASSERT_EQ(a.train.size(), 200u);
        ASSERT_EQ(a.heldOut.size(), 100u);
        int same = 0;
        for (size_t i = 0; i < 200; ++i) {
            EXPECT_EQ(a.train[i].a, b.train[i].a);
            EXPECT_EQ(a.train[i].label, b.train[i].label);
            same += a.train[i].a == c.train[i].a && a.train[i].b == c.train[i].b;
        }
        EXPECT_LT(same, 100) << task.name;
    }
}

TEST(TaskTable, NoHeldOutSentenceInTraining) {
    for (const TaskInfo& task : taskTable()) {
        const TaskSplits s = makeTaskSplits(task, 1, 3000, 1000);
        std::set<std::string> held;
        for (const TaskExample& e : s.heldOut) held.insert(e.a + "\n" + e.b);
        EXPECT_EQ(held.size(), s.heldOut.size()) << task.name << ": held-out examples repeat";
        for (const TaskExample& e : s.train) EXPECT_EQ(held.count(e.a + "\n" + e.b), 0u) << e.a << " / " << e.b;
        if (!task.pair) {
            // Neither twin of a held-out sentence: no training sentence equals
            // a held-out one with its verb's number flipped either.
            const std::map<std::string, std::string> flipWords = {{"is", "Vis"},   {"are", "Vis"},  {"was", "Vwas"},
                                                                  {"were", "Vwas"}, {"has", "Vhas"}, {"have", "Vhas"}};
            std::set<std::string> heldFrames;
            for (const TaskExample& e : s.heldOut) {
                std::string frame;
                for (const std::string& w : words(e.a)) frame += (flipWords.count(w) ? flipWords.at(w) : w) + " ";
                heldFrames.insert(frame);
            }
            for (const TaskExample& e : s.train) {
                std::string frame;
                for (const std::string& w : words(e.a)) frame += (flipWords.count(w) ? flipWords.at(w) : w) + " ";
                EXPECT_EQ(heldFrames.count(frame), 0u) << e.a;
            }
        }
    }
}

TEST(TaskTable, LabelsAreBalanced) {
    for (const TaskInfo& task : taskTable()) {
        const TaskSplits s = makeTaskSplits(task, 2, 3000, 500);
        for (const auto* split : {&s.train, &s.heldOut}) {
            const std::vector<size_t> counts = labelCounts(task, *split);
            const double even = double(split->size()) / double(counts.size());
            for (size_t c : counts) {
                EXPECT_GT(double(c), even * 0.85) << task.name;
                EXPECT_LT(double(c), even * 1.15) << task.name;
            }
        }
    }
}

// Grammatical exactly when the first finite verb after the subject's head
// noun (word 1) has the head's number.
TEST(TaskTable, AgreementLabelsFollowTheVerbsNumber) {
    const std::set<std::string> singularVerbs = {"is",    "was",   "has",   "belongs", "looks", "costs",
                                                 "sleeps", "runs", "eats",  "lives",   "walks", "likes",
                                                 "wants", "works", "knows"};
    const std::set<std::string> pluralVerbs = {"are",   "were",  "have", "belong", "look", "cost", "sleep", "run",
                                               "eat",   "live",  "walk", "like",   "want", "work", "know"};
    std::set<std::string> pluralNouns;
    for (const auto& n : lexicon::kObjects) pluralNouns.insert(std::string(n.pl));
    for (const auto& n : lexicon::kAnimals) pluralNouns.insert(std::string(n.pl));
    for (const auto& n : lexicon::kPeople) pluralNouns.insert(std::string(n.pl));
    const TaskSplits s = makeTaskSplits(*findTask("agreement"), 3, 2000, 500);
    int withDistractor = 0;
    for (const TaskExample& e : s.train) {
        const std::vector<std::string> w = words(e.a);
        ASSERT_GE(w.size(), 5u);
        EXPECT_TRUE(e.b.empty());
        const bool headPlural = pluralNouns.count(w[1]) > 0;
        size_t v = 2;
        while (v < w.size() && !singularVerbs.count(w[v]) && !pluralVerbs.count(w[v])) ++v;
        ASSERT_LT(v, w.size()) << e.a;
        withDistractor += v > 3;
        const bool verbPlural = pluralVerbs.count(w[v]) > 0;
        EXPECT_EQ(e.label, verbPlural == headPlural ? 0 : 1) << e.a;
    }
    EXPECT_EQ(withDistractor, 2000);
}

TEST(TaskTable, PairLabelsFollowTheFacts) {
    const TaskSplits s = makeTaskSplits(*findTask("pair"), 4, 3000, 0);
    int checked = 0;
    for (const TaskExample& e : s.train) {
        EXPECT_FALSE(e.b.empty());
        if (e.a != "the capital of france is paris .") continue;
        ++checked;
        if (e.label == 0) {
            EXPECT_EQ(e.b, "paris is the capital of france .");
        }
        if (e.label == 1) {
            EXPECT_NE(e.b, "paris is the capital of france .");
            EXPECT_NE(e.b.find("is the capital of france ."), std::string::npos) << e.b;
        }
        if (e.label == 2) {
            EXPECT_EQ(e.b.find("france"), std::string::npos) << e.b;
        }
    }
    EXPECT_GT(checked, 3);
    for (const TaskExample& e : s.train) {
        if (e.a.rfind("the dog barked", 0) != 0) continue;
        if (e.label == 0) {
            EXPECT_EQ(e.b, "dogs bark .");
        }
        if (e.label == 1) {
            EXPECT_TRUE(e.b.rfind("dogs ", 0) == 0 && e.b != "dogs bark .") << e.b;
        }
    }
}

}  // namespace
}  // namespace bertlens::train
