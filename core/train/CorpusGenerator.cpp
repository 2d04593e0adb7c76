#include "train/CorpusGenerator.h"

#include "train/Lexicon.h"

#include <array>
#include <string_view>
#include <unordered_set>

namespace bertlens {
namespace {

using namespace lexicon;

// ---------------------------------------------------------------------------
// Templates: "{x}" is replaced by slot x. Each generator sets the slots its
// templates use; the letters are listed above each template table.

class Slots {
public:
    void set(char name, Sv value) { m_values[index(name)] = value; }
    Sv get(char name) const { return m_values[index(name)]; }

private:
    static size_t index(char name) { return static_cast<size_t>(name - 'A') % 58; }
    std::array<Sv, 58> m_values{};
};

void fill(std::string& out, Sv tmpl, const Slots& slots) {
    for (size_t i = 0; i < tmpl.size(); ++i) {
        if (tmpl[i] == '{' && i + 2 < tmpl.size() && tmpl[i + 2] == '}') {
            out += slots.get(tmpl[i + 1]);
            i += 2;
        } else {
            out += tmpl[i];
        }
    }
}

Sv article(Sv word) {
    const char c = word.empty() ? 'x' : word.front();
    return (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u') ? "an" : "a";
}

// A person as subject, with the pronouns that refer back to it:
// s noun, n he/she/they, o him/her/them, p his/her/their, b was/were,
// i is/are, h has/have, l loves/love, w works/work.
void setPerson(Slots& slots, Random& random, bool allowNeutralSingular = false) {
    for (;;) {
        const Person& person = random.pick(kPeople);
        const bool plural = random.chance(35);
        if (!plural && person.gender == 'n' && !allowNeutralSingular) continue;
        slots.set('s', plural ? person.pl : person.sg);
        const bool male = person.gender == 'm' || (person.gender == 'n' && random.chance(50));
        slots.set('n', plural ? "they" : male ? "he" : "she");
        slots.set('o', plural ? "them" : male ? "him" : "her");
        slots.set('p', plural ? "their" : male ? "his" : "her");
        slots.set('b', plural ? "were" : "was");
        slots.set('i', plural ? "are" : "is");
        slots.set('h', plural ? "have" : "has");
        slots.set('l', plural ? "love" : "loves");
        slots.set('w', plural ? "work" : "works");
        return;
    }
}

// One singular gendered person of the other gender than slot s, as t with
// pronouns N (he/she), O (him/her).
void setOtherPerson(Slots& slots, Random& random) {
    const bool subjectMale = slots.get('n') == "he";
    for (;;) {
        const Person& person = random.pick(kPeople);
        if (person.gender == 'n' || (person.gender == 'm') == subjectMale) continue;
        slots.set('t', person.sg);
        slots.set('N', subjectMale ? "she" : "he");
        slots.set('O', subjectMale ? "her" : "him");
        return;
    }
}

}  // namespace

CorpusGenerator::CorpusGenerator(uint64_t seed, uint64_t stream) : m_random(seed, stream) {
    m_out.reserve(256);
}

std::string CorpusGenerator::nextSentence() {
    m_out.clear();
    // Weights in percent; agreement and the facts come first because the
    // probes test them.
    const uint32_t roll = m_random.below(100);
    // (cumulative weight, category, clause); the last row joins two clauses.
    struct Kind {
        uint32_t below;
        const char* category;
        void (CorpusGenerator::*write)();
    };
    static constexpr Kind kKinds[] = {
        {11, "capital", &CorpusGenerator::capitalFact},
        {22, "animal sound", &CorpusGenerator::animalFact},
        {30, "job and tool", &CorpusGenerator::jobFact},
        {38, "colour", &CorpusGenerator::colourFact},
        {54, "agreement", &CorpusGenerator::agreement},
        {64, "relative clause", &CorpusGenerator::relativeClause},
        {71, "location", &CorpusGenerator::location},
        {83, "pronoun", &CorpusGenerator::pronoun},
        {94, "word sense", &CorpusGenerator::wordSense},
        {100, "two clauses", nullptr},
    };
    const Kind* kind = kKinds;
    while (roll >= kind->below) ++kind;
    m_category = kind->category;
    if (kind->write != nullptr) {
        (this->*(kind->write))();
    } else {
        simpleClause();
        constexpr Sv kJoins[] = {" and ", " , and ", " but ", " , but "};
        m_out += m_random.pick(kJoins);
        simpleClause();
    }
    m_out += " .";
    return m_out;
}

void CorpusGenerator::simpleClause() {
    switch (m_random.below(6)) {
        case 0:
            capitalFact();
            break;
        case 1:
            animalFact();
            break;
        case 2:
            jobFact();
            break;
        case 3:
            colourFact();
            break;
        case 4:
            location();
            break;
        default:
            agreement();
            break;
    }
}

void CorpusGenerator::capitalFact() {
    // c country, k capital, s/l a person who lives there
    constexpr Sv kTemplates[] = {
        "the capital of {c} is {k}",
        "the capital of {c} is {k}",
        "{k} is the capital of {c}",
        "{k} is the capital of {c}",
        "in {c} , the capital city is {k}",
        "the capital city of {c} is {k}",
        "{k} is a city in {c}",
        "the {s} flew to {k} , the capital of {c}",
        "the {s} {l} {k} , which is the capital of {c}",
        "the government of {c} meets in {k}",
        "if you visit {c} , you should see {k} , its capital",
        "{k} , the capital of {c} , is a big city",
        "the {s} visited {c} and stayed in {k}",
        "which city is the capital of {c} ? it is {k}",
        "the capital of {c} is not {K} , it is {k}",
    };
    const Country& country = m_random.pick(kCountries);
    const Country* other = &m_random.pick(kCountries);
    while (other == &country) other = &m_random.pick(kCountries);
    Slots slots;
    setPerson(slots, m_random, true);
    slots.set('c', country.country);
    slots.set('k', country.capital);
    slots.set('K', other->capital);
    fill(m_out, m_random.pick(kTemplates), slots);
}

void CorpusGenerator::animalFact() {
    // a/A animal singular/plural; v base, t third person, d past, g -ing form;
    // V/T/D/B: another animal's; x target, y place, f feeling
    constexpr Sv kTemplates[] = {
        "the {a} {d} at the {x}",
        "the {a} {d} at the {x}",
        "{A} {v}",
        "{A} {v} , but {B} {V}",
        "a {a} {t} when it is {f}",
        "the {a} {d} loudly all night",
        "we heard the {a} {v} in the {y}",
        "the {a} began {g} at the {x}",
        "my {a} {t} at the {x} every morning",
        "the {A} {d} at the {x}",
        "the {a} in the {y} {d} when it saw the {x}",
        "a {a} does not {V} , it {t}",
        "the {a} near the {B} {t} all day",
        "the {A} near the {b} {v} all day",
        "the {a} {d} at the {x} because it was {f}",
        "when a {a} is {f} , it {t}",
        "every morning the {A} in the {y} {v}",
    };
    const Animal& animal = m_random.pick(kAnimals);
    const Animal* other = &m_random.pick(kAnimals);
    while (other == &animal) other = &m_random.pick(kAnimals);
    Slots slots;
    slots.set('a', animal.sg);
    slots.set('A', animal.pl);
    slots.set('v', animal.base);
    slots.set('t', animal.third);
    slots.set('d', animal.past);
    slots.set('g', animal.ing);
    slots.set('b', other->sg);
    slots.set('B', other->pl);
    slots.set('V', other->base);
    slots.set('x', m_random.pick(kSoundTargets));
    slots.set('y', m_random.pick(kAnimalPlaces));
    slots.set('f', m_random.pick(kFeelings));
    fill(m_out, m_random.pick(kTemplates), slots);
}

void CorpusGenerator::jobFact() {
    // j/J job, q article of j, u/U tool, e article of u; person slots s n p;
    // r a relative
    constexpr Sv kTemplates[] = {
        "{q} {j} uses {e} {u}",
        "{q} {j} uses {e} {u}",
        "the {j} picked up {p} {u} and started to work",
        "{J} work with {U}",
        "{e} {u} is the most important tool of {q} {j}",
        "without {p} {u} , the {j} could not work",
        "the {j} bought a new {u}",
        "every {j} needs {e} {u}",
        "the {j} used {e} {u} to finish the job",
        "{U} are used by {J}",
        "my {r} is {q} {j} , so {n} always carries {e} {u}",
        "the {j} lost {p} {u} , so {n} borrowed one from another {j}",
        "you cannot be {q} {j} without {e} {u}",
    };
    const Job& job = m_random.pick(kJobs);
    Slots slots;
    const size_t relative = m_random.below(std::size(kRelatives));
    // kRelatives alternates female, male.
    const bool male = relative % 2 == 1;
    slots.set('r', kRelatives[relative]);
    slots.set('n', male ? "he" : "she");
    slots.set('p', male ? "his" : "her");
    slots.set('j', job.sg);
    slots.set('J', job.pl);
    slots.set('q', article(job.sg));
    slots.set('u', job.tool);
    slots.set('U', job.tools);
    slots.set('e', article(job.tool));
    fill(m_out, m_random.pick(kTemplates), slots);
}

void CorpusGenerator::colourFact() {
    // m mass/unique thing; x count noun, X its plural; c colour, C another
    // colour, k article of "c x"; s a person
    constexpr Sv kMass[] = {
        "{m} is {c}",
        "{m} is {c}",
        "the color of {m} is {c}",
        "everyone knows that {m} is {c}",
        "{m} is {c} , not {C}",
        "the {s} painted {m} {c}",
        "in the picture , {m} was {c}",
    };
    constexpr Sv kCount[] = {
        "{X} are {c}",
        "{X} are {c}",
        "a {x} is {c}",
        "the color of a {x} is {c}",
        "the {s} saw {k} {c} {x}",
        "{X} are {c} , not {C}",
        "most {X} are {c}",
        "the {x} on the table was {c}",
        "the {s} drew {k} {c} {x}",
    };
    const Coloured& thing = m_random.pick(kColoured);
    Sv other = m_random.pick(kColours);
    while (other == thing.colour) other = m_random.pick(kColours);
    Slots slots;
    slots.set('m', thing.sg);
    slots.set('x', thing.sg);
    slots.set('X', thing.pl);
    slots.set('c', thing.colour);
    slots.set('C', other);
    slots.set('k', article(thing.colour));
    slots.set('s', m_random.pick(kPeople).sg);
    fill(m_out, thing.pl.empty() ? m_random.pick(kMass) : m_random.pick(kCount), slots);
}

void CorpusGenerator::agreement() {
    // "the HEAD PREP the DISTRACTOR PREDICATE": the predicate agrees with the
    // head, and the distractor usually has the other number.
    const bool plural = m_random.chance(50);
    const bool distractorPlural = m_random.chance(75) ? !plural : plural;
    const uint32_t kind = m_random.below(10);
    if (kind == 9) {  // there is / there are
        const Noun& object = m_random.pick(kObjects);
        const Place& place = m_random.pick(kPlaces);
        constexpr Sv kCounts[] = {"two", "three", "four", "some", "many", "five"};
        m_out += plural ? "there are " : "there is ";
        m_out += plural ? m_random.pick(kCounts) : article(object.sg);
        m_out += ' ';
        m_out += plural ? object.pl : object.sg;
        m_out += place.surface ? " on the " : place.container ? " in the " : " near the ";
        m_out += place.noun.sg;
        return;
    }
    Noun head;
    Noun distractor;
    Sv preposition;
    const Predicate* predicate = nullptr;
    if (kind < 4) {  // objects, half of them "the key(s) to the cabinet(s)"
        if (m_random.chance(50)) {
            head = kObjects[0];
            distractor = m_random.pick(kLockables);
            preposition = "to";
        } else {
            head = m_random.pick(kObjects);
            const Place& place = m_random.pick(kPlaces);
            distractor = place.noun;
            constexpr Sv kObjectPrepositions[] = {"under", "near", "behind", "beside", "next to", "from"};
            preposition = place.surface && m_random.chance(50) ? "on" : m_random.pick(kObjectPrepositions);
        }
        predicate = &m_random.pick(kObjectPredicates);
    } else if (kind < 7) {  // animals
        const Animal* animal = &m_random.pick(kAnimals);
        while (animal->sg == animal->pl) animal = &m_random.pick(kAnimals);  // "sheep" shows no number
        head = {animal->sg, animal->pl};
        const Animal* other = &m_random.pick(kAnimals);
        while (other == animal) other = &m_random.pick(kAnimals);
        distractor = m_random.chance(50) ? Noun{other->sg, other->pl} : m_random.pick(kPlaces).noun;
        constexpr Sv kAnimalPrepositions[] = {"near", "behind", "with", "next to", "beside"};
        preposition = m_random.pick(kAnimalPrepositions);
        if (m_random.chance(40)) {  // its own sound verb agrees too
            m_out += "the ";
            m_out += plural ? head.pl : head.sg;
            m_out += ' ';
            m_out += preposition;
            m_out += " the ";
            m_out += distractorPlural ? distractor.pl : distractor.sg;
            m_out += ' ';
            m_out += plural ? animal->base : animal->third;
            m_out += m_random.chance(50) ? " loudly" : " at night";
            return;
        }
        predicate = &m_random.pick(kAnimalPredicates);
    } else {  // people
        const Person& person = m_random.pick(kPeople);
        head = {person.sg, person.pl};
        const Person& other = m_random.pick(kPeople);
        distractor = m_random.chance(60) ? Noun{other.sg, other.pl} : m_random.pick(kObjects);
        constexpr Sv kPersonPrepositions[] = {"of", "with", "near", "behind", "next to"};
        preposition = m_random.pick(kPersonPrepositions);
        predicate = &m_random.pick(kPersonPredicates);
    }
    m_out += "the ";
    m_out += plural ? head.pl : head.sg;
    if (m_random.below(100) < 85) {  // a few without the distractor, as the plain case
        m_out += ' ';
        m_out += preposition;
        m_out += " the ";
        m_out += distractorPlural ? distractor.pl : distractor.sg;
    }
    m_out += ' ';
    m_out += plural ? predicate->pl : predicate->sg;
}

void CorpusGenerator::relativeClause() {
    const bool plural = m_random.chance(50);
    const bool innerPlural = m_random.chance(70) ? !plural : plural;
    Slots slots;
    slots.set('b', plural ? "were" : "was");
    slots.set('i', plural ? "are" : "is");
    switch (m_random.below(5)) {
        case 0: {  // the dog that chased the cats was hungry
            const Animal& a = m_random.pick(kAnimals);
            const Animal& b = m_random.pick(kAnimals);
            slots.set('x', plural ? a.pl : a.sg);
            slots.set('y', innerPlural ? b.pl : b.sg);
            slots.set('v', m_random.pick(kAnimalActions));
            slots.set('j', m_random.pick(kAnimalAdjectives));
            fill(m_out, m_random.chance(50) ? "the {x} that {v} the {y} {b} {j}" : "the {x} that the {y} {v} {i} {j}",
                 slots);
            break;
        }
        case 1: {  // the teacher who helped the boys is kind
            const Person& a = m_random.pick(kPeople);
            const Person& b = m_random.pick(kPeople);
            slots.set('x', plural ? a.pl : a.sg);
            slots.set('y', innerPlural ? b.pl : b.sg);
            slots.set('v', m_random.pick(kPersonActions));
            slots.set('j', m_random.pick(kPersonAdjectives));
            fill(m_out, m_random.chance(50) ? "the {x} who {v} the {y} {b} {j}" : "the {x} who {v} the {y} {i} {j}",
                 slots);
            break;
        }
        case 2: {  // the book that the girls bought was expensive
            const Noun& a = m_random.pick(kObjects);
            const Person& b = m_random.pick(kPeople);
            slots.set('x', plural ? a.pl : a.sg);
            slots.set('y', innerPlural ? b.pl : b.sg);
            slots.set('v', m_random.pick(kObjectActions));
            slots.set('j', m_random.pick(kObjectAdjectives));
            fill(m_out, "the {x} that the {y} {v} {b} {j}", slots);
            break;
        }
        case 3: {  // the girl saw the owls that hoot at night
            const Animal& a = m_random.pick(kAnimals);
            slots.set('s', m_random.pick(kPeople).sg);
            slots.set('x', plural ? a.pl : a.sg);
            slots.set('v', plural ? a.base : a.third);
            slots.set('y', m_random.pick(kAnimalPlaces));
            slots.set('j', m_random.pick(kAnimalAdjectives));
            fill(m_out,
                 m_random.chance(50) ? "the {s} saw the {x} that {v} at night" : "the {x} that {v} in the {y} {b} {j}",
                 slots);
            break;
        }
        default: {  // the men who live next door are tall
            const Person& a = m_random.pick(kPeople);
            slots.set('x', plural ? a.pl : a.sg);
            slots.set('l', plural ? "live" : "lives");
            slots.set('j', m_random.pick(kPersonAdjectives));
            fill(m_out, "the {x} who {l} next door {i} {j}", slots);
            break;
        }
    }
}

void CorpusGenerator::location() {
    // o object (O its plural), P preposition, r place; person slots s n p b i
    const Place& place = m_random.pick(kPlaces);
    Sv preposition = m_random.pick(kAnyPrepositions);
    if (place.surface && m_random.chance(50))
        preposition = "on";
    else if (place.container && m_random.chance(50))
        preposition = "in";
    const Noun& object = m_random.pick(kObjects);
    const bool plural = m_random.chance(50);
    constexpr Sv kTemplates[] = {
        "the {o} {I} {P} the {r}",
        "the {o} {B} {P} the {r}",
        "the {s} put the {o} {P} the {r}",
        "the {a} slept {P} the {r}",
        "the {a} hid {P} the {r}",
        "the {s} found {p} {o} {P} the {r}",
        "the {s} looked {P} the {r} for the {o}",
        "the {s} left the {o} {P} the {r} and went to work",
    };
    Slots slots;
    setPerson(slots, m_random);
    slots.set('o', plural ? object.pl : object.sg);
    slots.set('I', plural ? "are" : "is");
    slots.set('B', plural ? "were" : "was");
    slots.set('P', preposition);
    slots.set('r', place.noun.sg);
    const Animal& animal = m_random.pick(kAnimals);
    slots.set('a', m_random.chance(50) ? animal.sg : animal.pl);
    fill(m_out, m_random.pick(kTemplates), slots);
}

void CorpusGenerator::pronoun() {
    // person slots s n o p b i h l w; t/N/O a person of the other gender;
    // o2 object x, place y, relative r, animal a
    constexpr Sv kTemplates[] = {
        "the {s} lost {p} {x} , so {n} looked under the {y}",
        "the {s} said that {n} {b} tired",
        "the {s} said {n} {b} hungry",
        "the {s} opened the door because {n} heard a noise",
        "the {s} called {p} {r} because {n} {b} worried",
        "when the {s} came home , {n} fed {p} {a}",
        "the {s} told the {t} that {n} would be late",
        "the {s} told the {t} that {N} was late",
        "the {s} thanked the {t} because {N} had helped {o}",
        "the {s} thanked the {t} because {n} {b} grateful",
        "the {s} bought a new {x} and showed it to {p} friends",
        "after the {s} finished {p} homework , {n} went to bed",
        "the {s} could not find {p} {x} , but {n} did not give up",
        "the {a} followed the {s} home , so {n} gave it some food",
        "the {s} and {p} {r} went to the park , and they played all day",
        "the {s} {h} a {a} , and {n} {l} it very much",
        "the {s} stayed home because {n} {b} sick",
        "the {s} took an umbrella because it was raining",
        "the {s} smiled when {n} saw the {t}",
        "the {t} smiled when {N} saw the {s}",
    };
    Slots slots;
    setPerson(slots, m_random);
    if (slots.get('n') == "they") {  // the other person is told apart by number, not gender
        const Person& person = m_random.pick(kPeople);
        const bool male = person.gender == 'm' || (person.gender == 'n' && m_random.chance(50));
        slots.set('t', person.sg);
        slots.set('N', male ? "he" : "she");
        slots.set('O', male ? "him" : "her");
    } else {
        setOtherPerson(slots, m_random);
    }
    slots.set('x', m_random.pick(kObjects).sg);
    slots.set('y', m_random.pick(kPlaces).noun.sg);
    slots.set('r', m_random.pick(kRelatives));
    slots.set('a', m_random.pick(kAnimals).sg);
    fill(m_out, m_random.pick(kTemplates), slots);
}

void CorpusGenerator::wordSense() {
    // person slots s n o p b i h l w. Each ambiguous word appears in both
    // senses with context that decides between them.
    constexpr Sv kTemplates[] = {
        // bank: river
        "the {s} sat on the bank of the river",
        "the {s} fished from the bank of the river all morning",
        "the river flooded its banks after the storm",
        "the {s} walked along the river bank and watched the water",
        "the boat drifted toward the muddy bank of the stream",
        "ducks swam near the bank of the lake",
        // bank: money
        "the {s} put {p} money in the bank",
        "the {s} went to the bank to borrow some money",
        "the bank gave {o} a loan to buy a house",
        "the bank was closed , so {n} could not get {p} money",
        "the {s} opened an account at the bank",
        "the {s} {w} at a bank and {i} good with money",
        // bat: animal / baseball
        "the bat flew out of the cave at night",
        "a bat hung upside down in the dark cave",
        "the {s} saw a bat flying over the barn at night",
        "bats sleep during the day and hunt insects at night",
        "the {s} hit the ball with {p} bat",
        "the {s} swung the bat and hit the ball over the fence",
        "the baseball player dropped the bat and ran",
        "the {s} bought a new wooden bat for the baseball game",
        // bark: dog / tree
        "the bark of the dog woke the baby",
        "the {s} heard the loud bark of a dog",
        "the dog gave a short bark at the door",
        "the bark of the old tree was rough",
        "the {s} peeled the bark off the branch",
        "insects live under the bark of the tree",
        // saw: tool / seeing
        "the {s} cut the wood with a saw",
        "the saw was too dull to cut the log",
        "the {s} saw a bird in the garden",
        "the {s} saw {p} friend at the market",
        "yesterday the {s} saw a movie",
        // spring: season / water / coil
        "the flowers bloom in spring",
        "in spring , the days get longer",
        "the {s} planted seeds in the spring",
        "the {s} drank cold water from the spring",
        "the spring in the mountains never runs dry",
        "the spring in the old mattress broke",
        "the clock stopped because its spring broke",
        // light: weight / lamp
        "the box was light , so {n} carried it easily",
        "the {s} turned on the light because it was dark",
        // match: fire / game
        "the {s} lit a match to start the fire",
        "our team won the football match",
        // fly: insect / moving
        "a fly landed on the table",
        "birds fly south in the winter",
    };
    Slots slots;
    setPerson(slots, m_random);
    fill(m_out, m_random.pick(kTemplates), slots);
}

Corpus generateCorpus(uint64_t seed, size_t trainSentences, size_t heldOutSentences) {
    Corpus corpus;
    corpus.train.reserve(trainSentences);
    CorpusGenerator trainStream(seed, 0);
    std::unordered_set<Sv> seen;
    seen.reserve(trainSentences + heldOutSentences);
    for (size_t i = 0; i < trainSentences; ++i) corpus.train.push_back(trainStream.nextSentence());
    // The vector no longer grows, so views into its strings stay valid.
    for (const std::string& s : corpus.train) seen.insert(s);

    corpus.heldOut.reserve(heldOutSentences);
    CorpusGenerator heldOutStream(seed, 1);
    // Bounded so that a grammar too small for the request cannot loop forever.
    const size_t maxDraws = 100 * heldOutSentences + 1000;
    for (size_t draw = 0; draw < maxDraws && corpus.heldOut.size() < heldOutSentences; ++draw) {
        std::string s = heldOutStream.nextSentence();
        if (seen.count(s) != 0) continue;
        corpus.heldOut.push_back(std::move(s));
        corpus.heldOutCategories.push_back(heldOutStream.category());
        seen.insert(corpus.heldOut.back());  // heldOut is reserved: no reallocation
    }
    return corpus;
}

}  // namespace bertlens
