// The lexicon of the pretraining corpus: every word the grammar uses, and
// the facts of its small world (capitals, animal sounds, jobs and tools,
// colours). Every fact lives in exactly one table row, so it is stated the
// same way in every template that uses it. Constant data; thread-safe.
#pragma once

#include <string_view>

namespace bertlens::lexicon {

using Sv = std::string_view;

struct Person {
    Sv sg, pl;
    char gender;  // 'm', 'f' or 'n' (either: no pronoun template picks these alone)
};
inline constexpr Person kPeople[] = {
    {"man", "men", 'm'},
    {"woman", "women", 'f'},
    {"boy", "boys", 'm'},
    {"girl", "girls", 'f'},
    {"king", "kings", 'm'},
    {"queen", "queens", 'f'},
    {"father", "fathers", 'm'},
    {"mother", "mothers", 'f'},
    {"brother", "brothers", 'm'},
    {"sister", "sisters", 'f'},
    {"son", "sons", 'm'},
    {"daughter", "daughters", 'f'},
    {"uncle", "uncles", 'm'},
    {"aunt", "aunts", 'f'},
    {"teacher", "teachers", 'n'},
    {"doctor", "doctors", 'n'},
    {"student", "students", 'n'},
    {"child", "children", 'n'},
    {"neighbor", "neighbors", 'n'},
    {"friend", "friends", 'n'},
    {"nurse", "nurses", 'n'},
    {"lawyer", "lawyers", 'n'},
};
inline constexpr Sv kRelatives[] = {"mother", "father", "sister",      "brother",
                                    "aunt",   "uncle",  "grandmother", "grandfather"};

struct Animal {
    Sv sg, pl, base, third, past, ing;  // the animal and the verb of its sound
};
inline constexpr Animal kAnimals[] = {
    {"dog", "dogs", "bark", "barks", "barked", "barking"},
    {"cat", "cats", "meow", "meows", "meowed", "meowing"},
    {"cow", "cows", "moo", "moos", "mooed", "mooing"},
    {"lion", "lions", "roar", "roars", "roared", "roaring"},
    {"duck", "ducks", "quack", "quacks", "quacked", "quacking"},
    {"sheep", "sheep", "bleat", "bleats", "bleated", "bleating"},
    {"horse", "horses", "neigh", "neighs", "neighed", "neighing"},
    {"pig", "pigs", "oink", "oinks", "oinked", "oinking"},
    {"wolf", "wolves", "howl", "howls", "howled", "howling"},
    {"snake", "snakes", "hiss", "hisses", "hissed", "hissing"},
    {"bee", "bees", "buzz", "buzzes", "buzzed", "buzzing"},
    {"owl", "owls", "hoot", "hoots", "hooted", "hooting"},
    {"frog", "frogs", "croak", "croaks", "croaked", "croaking"},
    {"mouse", "mice", "squeak", "squeaks", "squeaked", "squeaking"},
    {"donkey", "donkeys", "bray", "brays", "brayed", "braying"},
    {"hen", "hens", "cluck", "clucks", "clucked", "clucking"},
    {"bear", "bears", "growl", "growls", "growled", "growling"},
    {"dove", "doves", "coo", "coos", "cooed", "cooing"},
    {"bird", "birds", "sing", "sings", "sang", "singing"},
    {"goose", "geese", "honk", "honks", "honked", "honking"},
    {"elephant", "elephants", "trumpet", "trumpets", "trumpeted", "trumpeting"},
};
inline constexpr Sv kSoundTargets[] = {"mailman",  "stranger", "neighbor", "postman", "moon",   "farmer", "visitors",
                                       "children", "car",      "door",     "fence",   "shadow", "boy",    "girl"};
inline constexpr Sv kAnimalPlaces[] = {"yard", "field", "barn", "garden", "forest", "zoo", "park"};
inline constexpr Sv kFeelings[] = {"hungry", "scared", "angry", "happy", "excited"};

struct Country {
    Sv country, capital;
};
inline constexpr Country kCountries[] = {
    {"france", "paris"},       {"germany", "berlin"},     {"italy", "rome"},       {"spain", "madrid"},
    {"japan", "tokyo"},        {"china", "beijing"},      {"russia", "moscow"},    {"egypt", "cairo"},
    {"england", "london"},     {"ireland", "dublin"},     {"portugal", "lisbon"},  {"greece", "athens"},
    {"poland", "warsaw"},      {"austria", "vienna"},     {"sweden", "stockholm"}, {"norway", "oslo"},
    {"denmark", "copenhagen"}, {"finland", "helsinki"},   {"canada", "ottawa"},    {"peru", "lima"},
    {"chile", "santiago"},     {"kenya", "nairobi"},      {"thailand", "bangkok"}, {"cuba", "havana"},
    {"turkey", "ankara"},      {"iran", "tehran"},        {"hungary", "budapest"}, {"belgium", "brussels"},
    {"switzerland", "bern"},   {"australia", "canberra"}, {"korea", "seoul"},      {"vietnam", "hanoi"},
};

struct Job {
    Sv sg, pl, tool, tools;
};
inline constexpr Job kJobs[] = {
    {"carpenter", "carpenters", "hammer", "hammers"},
    {"painter", "painters", "brush", "brushes"},
    {"writer", "writers", "pen", "pens"},
    {"chef", "chefs", "knife", "knives"},
    {"gardener", "gardeners", "shovel", "shovels"},
    {"tailor", "tailors", "needle", "needles"},
    {"barber", "barbers", "comb", "combs"},
    {"photographer", "photographers", "camera", "cameras"},
    {"fisherman", "fishermen", "net", "nets"},
    {"plumber", "plumbers", "wrench", "wrenches"},
    {"baker", "bakers", "oven", "ovens"},
    {"astronomer", "astronomers", "telescope", "telescopes"},
    {"scientist", "scientists", "microscope", "microscopes"},
    {"surgeon", "surgeons", "scalpel", "scalpels"},
    {"drummer", "drummers", "drum", "drums"},
    {"guitarist", "guitarists", "guitar", "guitars"},
    {"miner", "miners", "pickaxe", "pickaxes"},
    {"farmer", "farmers", "tractor", "tractors"},
    {"mechanic", "mechanics", "screwdriver", "screwdrivers"},
    {"pilot", "pilots", "airplane", "airplanes"},
    {"sailor", "sailors", "rope", "ropes"},
};

struct Coloured {
    Sv sg, pl;  // pl empty: a mass noun or a unique thing, sg with its article if any
    Sv colour;
};
inline constexpr Coloured kColoured[] = {
    {"the sky", "", "blue"},
    {"the sea", "", "blue"},
    {"the sun", "", "yellow"},
    {"grass", "", "green"},
    {"snow", "", "white"},
    {"milk", "", "white"},
    {"coal", "", "black"},
    {"blood", "", "red"},
    {"chocolate", "", "brown"},
    {"salt", "", "white"},
    {"ink", "", "black"},
    {"banana", "bananas", "yellow"},
    {"lemon", "lemons", "yellow"},
    {"strawberry", "strawberries", "red"},
    {"cherry", "cherries", "red"},
    {"tomato", "tomatoes", "red"},
    {"carrot", "carrots", "orange"},
    {"pumpkin", "pumpkins", "orange"},
    {"leaf", "leaves", "green"},
    {"crow", "crows", "black"},
    {"grape", "grapes", "purple"},
    {"plum", "plums", "purple"},
    {"flamingo", "flamingos", "pink"},
    {"lime", "limes", "green"},
};
inline constexpr Sv kColours[] = {"blue", "yellow", "green",  "white",  "black",
                                  "red",  "brown",  "orange", "purple", "pink"};

struct Noun {
    Sv sg, pl;
};
inline constexpr Noun kObjects[] = {
    {"key", "keys"},       {"book", "books"},       {"box", "boxes"},        {"cup", "cups"},     {"bottle", "bottles"},
    {"letter", "letters"}, {"picture", "pictures"}, {"lamp", "lamps"},       {"bag", "bags"},     {"coin", "coins"},
    {"pen", "pens"},       {"shoe", "shoes"},       {"plate", "plates"},     {"ball", "balls"},   {"map", "maps"},
    {"clock", "clocks"},   {"toy", "toys"},         {"hat", "hats"},         {"coat", "coats"},   {"phone", "phones"},
    {"glove", "gloves"},   {"candle", "candles"},   {"blanket", "blankets"}, {"photo", "photos"},
};
inline constexpr Noun kLockables[] = {{"cabinet", "cabinets"}, {"door", "doors"},     {"house", "houses"},
                                      {"car", "cars"},         {"drawer", "drawers"}, {"office", "offices"},
                                      {"room", "rooms"},       {"garage", "garages"}};

struct Place {
    Noun noun;
    bool container;  // takes "in"
    bool surface;    // takes "on"
};
inline constexpr Place kPlaces[] = {
    {{"table", "tables"}, false, true},   {{"box", "boxes"}, true, true},        {{"bed", "beds"}, false, true},
    {{"desk", "desks"}, false, true},     {{"chair", "chairs"}, false, true},    {{"shelf", "shelves"}, false, true},
    {{"bench", "benches"}, false, true},  {{"bag", "bags"}, true, false},        {{"drawer", "drawers"}, true, false},
    {{"basket", "baskets"}, true, false}, {{"cabinet", "cabinets"}, true, true}, {{"car", "cars"}, true, false},
    {{"sofa", "sofas"}, false, true},     {{"door", "doors"}, false, false},     {{"window", "windows"}, false, false},
    {{"tree", "trees"}, false, false},    {{"stove", "stoves"}, false, true},    {{"sink", "sinks"}, true, false},
};
inline constexpr Sv kAnyPrepositions[] = {"under", "near", "behind", "beside", "next to"};

// A predicate in both numbers: the subject agrees with its first word.
struct Predicate {
    Sv sg, pl;
};
inline constexpr Predicate kObjectPredicates[] = {
    {"is on the table", "are on the table"},
    {"was on the table", "were on the table"},
    {"is old", "are old"},
    {"was lost", "were lost"},
    {"was found under the bed", "were found under the bed"},
    {"has been broken", "have been broken"},
    {"is very heavy", "are very heavy"},
    {"was missing", "were missing"},
    {"belongs to my brother", "belong to my brother"},
    {"looks new", "look new"},
    {"has a small crack", "have a small crack"},
    {"costs a lot", "cost a lot"},
    {"is in the drawer", "are in the drawer"},
    {"was expensive", "were expensive"},
};
inline constexpr Predicate kAnimalPredicates[] = {
    {"is hungry", "are hungry"},
    {"was hungry", "were hungry"},
    {"has a long tail", "have a long tail"},
    {"sleeps all day", "sleep all day"},
    {"runs very fast", "run very fast"},
    {"is asleep", "are asleep"},
    {"was tired", "were tired"},
    {"eats a lot", "eat a lot"},
    {"has been sick", "have been sick"},
    {"looks happy", "look happy"},
    {"lives in the barn", "live in the barn"},
};
inline constexpr Predicate kPersonPredicates[] = {
    {"is kind", "are kind"},
    {"was late", "were late"},
    {"has a red car", "have a red car"},
    {"lives near the park", "live near the park"},
    {"walks to school", "walk to school"},
    {"likes music", "like music"},
    {"was happy", "were happy"},
    {"wants to go home", "want to go home"},
    {"is tall", "are tall"},
    {"has two cats", "have two cats"},
    {"works every day", "work every day"},
    {"was very tired", "were very tired"},
    {"knows the answer", "know the answer"},
};
inline constexpr Sv kPersonAdjectives[] = {"happy", "tired", "kind", "angry", "tall", "young", "old", "busy", "sad"};
inline constexpr Sv kAnimalAdjectives[] = {"hungry", "tired", "small", "big", "fast", "old", "angry", "scared"};
inline constexpr Sv kObjectAdjectives[] = {"old", "new", "heavy", "broken", "expensive", "small", "large", "dusty"};
inline constexpr Sv kAnimalActions[] = {"chased", "bit", "followed", "watched", "scared", "found"};
inline constexpr Sv kPersonActions[] = {"helped", "saw", "met", "called", "visited", "followed", "thanked", "knew"};
inline constexpr Sv kObjectActions[] = {"bought", "found", "lost", "sold", "made", "broke", "wanted"};

}  // namespace bertlens::lexicon
