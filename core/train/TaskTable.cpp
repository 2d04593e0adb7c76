#include "train/TaskTable.h"

#include "Errors.h"
#include "train/Lexicon.h"

#include <iterator>
#include <string_view>
#include <unordered_set>

namespace bertlens::train {
namespace {

using namespace lexicon;

std::string join(std::initializer_list<Sv> words) {
    std::string out;
    for (Sv w : words) {
        if (w.empty()) continue;
        if (!out.empty()) out += ' ';
        out += w;
    }
    return out;
}

Sv article(Sv word) {
    const char c = word.empty() ? 'x' : word.front();
    return (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u') ? "an" : "a";
}

// ---------------------------------------------------------------------------
// agreement

Noun pickAnimalNoun(Random& random) {
    const Animal* a = &random.pick(kAnimals);
    while (a->sg == a->pl) a = &random.pick(kAnimals);  // "sheep" shows no number
    return {a->sg, a->pl};
}

TaskExample drawAgreement(Random& random) {
    const bool plural = random.chance(50);
    const bool distractorPlural = !plural;  // the distractor always has the other number
    Noun head, distractor;
    const Predicate* predicate = nullptr;
    switch (random.below(3)) {
        case 0:
            head = random.pick(kObjects);
            distractor = random.pick(kPlaces).noun;
            predicate = &random.pick(kObjectPredicates);
            break;
        case 1:
            head = pickAnimalNoun(random);
            distractor = pickAnimalNoun(random);
            predicate = &random.pick(kAnimalPredicates);
            break;
        default: {
            const Person& p = random.pick(kPeople);
            const Person& q = random.pick(kPeople);
            head = {p.sg, p.pl};
            distractor = {q.sg, q.pl};
            predicate = &random.pick(kPersonPredicates);
            break;
        }
    }
    const Sv headWord = plural ? head.pl : head.sg;
    const Sv other = distractorPlural ? distractor.pl : distractor.sg;
    std::string middle;
    switch (random.below(3)) {
        case 0: {  // a prepositional phrase: "the keys near the table"
            constexpr Sv kPrepositions[] = {"near", "behind", "beside", "next to", "with", "of"};
            middle = join({random.pick(kPrepositions), "the", other});
            break;
        }
        case 1:  // an object relative clause: "the dog that the boys chased"
            middle = join({"that the", other, random.pick(kPersonActions)});
            break;
        default:  // a subject relative clause in the past: "the man that helped the women"
            middle = join({"that", random.pick(kPersonActions), "the", other});
            break;
    }
    const bool grammatical = random.chance(50);
    const Sv right = plural ? predicate->pl : predicate->sg;
    const Sv wrong = plural ? predicate->sg : predicate->pl;
    TaskExample e;
    e.a = join({"the", headWord, middle, grammatical ? right : wrong, "."});
    e.key = join({"the", headWord, middle, right, "."});
    e.label = grammatical ? 0 : 1;
    return e;
}

// ---------------------------------------------------------------------------
// pair: each fact kind states a fact two ways and can state a wrong one.

enum class Form { Premise, Restated, Wrong };

std::string capitalFact(Random& random, Form form, size_t& index) {
    const Country& c = kCountries[index];
    if (form == Form::Premise) return join({"the capital of", c.country, "is", c.capital, "."});
    if (form == Form::Restated) return join({c.capital, "is the capital of", c.country, "."});
    const Country* w = &random.pick(kCountries);
    while (w == &c) w = &random.pick(kCountries);
    return join({w->capital, "is the capital of", c.country, "."});
}

std::string animalFact(Random& random, Form form, size_t& index) {
    const Animal& a = kAnimals[index];
    if (form == Form::Premise) return join({"the", a.sg, a.past, "at the", random.pick(kSoundTargets), "."});
    if (form == Form::Restated) return join({a.pl, a.base, "."});
    const Animal* w = &random.pick(kAnimals);
    while (w == &a || w->base == a.base) w = &random.pick(kAnimals);
    return join({a.pl, w->base, "."});
}

std::string jobFact(Random& random, Form form, size_t& index) {
    const Job& j = kJobs[index];
    if (form == Form::Premise) return join({"the", j.sg, "works with", article(j.tool), j.tool, "."});
    if (form == Form::Restated) return join({j.pl, "use", j.tools, "."});
    const Job* w = &random.pick(kJobs);
    while (w == &j) w = &random.pick(kJobs);
    return join({j.pl, "use", w->tools, "."});
}

std::string colourFact(Random& random, Form form, size_t& index) {
    const Coloured& c = kColoured[index];
    const Sv thing = c.pl.empty() ? c.sg : c.pl;
    const Sv verb = c.pl.empty() ? "is" : "are";
    if (form == Form::Premise) return join({thing, verb, c.colour, "."});
    if (form == Form::Restated) return join({"the colour of", thing, "is", c.colour, "."});
    Sv w = random.pick(kColours);
    while (w == c.colour) w = random.pick(kColours);
    return join({"the colour of", thing, "is", w, "."});
}

struct FactKind {
    size_t count;
    std::string (*state)(Random&, Form, size_t&);
};
const FactKind kFactKinds[] = {
    {std::size(kCountries), capitalFact},
    {std::size(kAnimals), animalFact},
    {std::size(kJobs), jobFact},
    {std::size(kColoured), colourFact},
};

TaskExample drawPair(Random& random) {
    const uint32_t kind = random.below(uint32_t(std::size(kFactKinds)));
    const FactKind& k = kFactKinds[kind];
    size_t index = random.below(uint32_t(k.count));
    TaskExample e;
    e.label = int(random.below(3));
    e.a = k.state(random, Form::Premise, index);
    if (e.label == 0) {
        e.b = k.state(random, Form::Restated, index);
    } else if (e.label == 1) {
        e.b = k.state(random, Form::Wrong, index);
    } else {  // a true fact of another kind
        uint32_t otherKind = random.below(uint32_t(std::size(kFactKinds)));
        while (otherKind == kind) otherKind = random.below(uint32_t(std::size(kFactKinds)));
        const FactKind& o = kFactKinds[otherKind];
        size_t otherIndex = random.below(uint32_t(o.count));
        e.b = o.state(random, Form::Restated, otherIndex);
    }
    e.key = e.a + " | " + e.b;
    return e;
}

}  // namespace

const std::vector<TaskInfo>& taskTable() {
    static const std::vector<TaskInfo> kTable = {
        {"agreement",
         "is the sentence grammatical? subject-verb agreement across a distractor noun or a relative clause",
         {"grammatical", "ungrammatical"},
         false,
         drawAgreement},
        {"pair",
         "does sentence B agree with sentence A about the world's facts, contradict it, or say something unrelated?",
         {"agrees", "contradicts", "unrelated"},
         true,
         drawPair},
    };
    return kTable;
}

const TaskInfo* findTask(const std::string& name) {
    for (const TaskInfo& t : taskTable())
        if (name == t.name) return &t;
    return nullptr;
}

std::string taskNames() {
    std::string out;
    for (const TaskInfo& t : taskTable()) out += (out.empty() ? "" : ", ") + std::string(t.name);
    return out;
}

TaskSplits makeTaskSplits(const TaskInfo& task, uint64_t seed, size_t train, size_t heldOut) {
    TaskSplits s;
    std::unordered_set<std::string> heldKeys;
    Random held(seed, kTaskHeldOutStream);
    int wanted = -1;
    // Rejection draws; the limit only trips when the grammar has too few
    // distinct examples for the size asked.
    for (size_t tries = 0; s.heldOut.size() < heldOut; ++tries) {
        if (tries > 50 * heldOut + 1000)
            throw Error("the task \"" + std::string(task.name) + "\" cannot make " + std::to_string(heldOut) +
                        " distinct held-out examples; ask for fewer");
        // A repeat is replaced by the next new draw of its label (see below).
        TaskExample e = task.draw(held);
        if (heldKeys.count(e.key)) {
            if (wanted < 0) wanted = e.label;
            continue;
        }
        if (wanted >= 0 && e.label != wanted) continue;
        wanted = -1;
        heldKeys.insert(e.key);
        s.heldOut.push_back(std::move(e));
    }
    Random drawTrain(seed, kTaskTrainStream);
    wanted = -1;
    for (size_t tries = 0; s.train.size() < train; ++tries) {
        if (tries > 50 * train + 1000)
            throw Error("the task \"" + std::string(task.name) + "\" has too few sentences outside its held-out set for " +
                        std::to_string(train) + " training examples; ask for fewer");
        // A rejected draw is replaced by the next draw of the same label, so
        // the held-out set does not skew the training labels (a small world
        // has few distinct "agrees" pairs, and the held-out set takes some).
        TaskExample e = task.draw(drawTrain);
        if (heldKeys.count(e.key)) {
            if (wanted < 0) wanted = e.label;
            continue;
        }
        if (wanted >= 0 && e.label != wanted) continue;
        wanted = -1;
        s.train.push_back(std::move(e));
    }
    return s;
}

std::vector<size_t> labelCounts(const TaskInfo& task, const std::vector<TaskExample>& examples) {
    std::vector<size_t> counts(task.labels.size(), 0);
    for (const TaskExample& e : examples) counts[size_t(e.label)]++;
    return counts;
}

}  // namespace bertlens::train
