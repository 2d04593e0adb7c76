#include "analysis/DirectionComparison.h"

#include "Errors.h"
#include "analysis/ShallowBidirectional.h"

#include <cmath>

namespace bertlens {
namespace {

std::string objectiveProblem(const Model& model, Objective wanted, const char* role) {
    if (model.config().objective != wanted) {
        return std::string("the ") + role + " model in " + model.folder() + " was trained as " +
               objectiveName(model.config().objective) + ", not " + objectiveName(wanted) +
               "; choose a folder made with bertlens-cli train --objective " + objectiveName(wanted);
    }
    if (!model.hasMlmHead()) {
        return std::string("the ") + role + " model in " + model.folder() +
               " has no prediction head (cls.predictions.*), so it cannot guess words";
    }
    return {};
}

void requireObjective(const Model& model, Objective wanted, const char* role) {
    const std::string problem = objectiveProblem(model, wanted, role);
    if (!problem.empty()) throw InputError(problem);
}

std::string vocabularyProblem(const Model& a, const Model& b) {
    if (sameVocabulary(a, b)) return {};
    return "the models in " + a.folder() + " and " + b.folder() +
           " have different vocabularies, so their guesses cannot be compared word for word; "
           "use twins trained with the same seed and corpus";
}

void requireSameVocabulary(const Model& a, const Model& b) {
    if (!sameVocabulary(a, b)) {
        throw InputError(vocabularyProblem(a, b));
    }
}

}  // namespace

bool sameVocabulary(const Model& a, const Model& b) {
    bool same = a.vocab().size() == b.vocab().size() && a.config().vocabSize == b.config().vocabSize;
    for (int32_t id = 0; same && id < a.vocab().size(); ++id) same = a.vocab().token(id) == b.vocab().token(id);
    return same;
}

std::string twinProblem(const Model& bert, const Model& twin, Objective wanted) {
    std::string problem =
        objectiveProblem(twin, wanted, wanted == Objective::NextWord ? "left-to-right" : "right-to-left");
    return problem.empty() ? vocabularyProblem(bert, twin) : problem;
}

DirectionEvaluator::DirectionEvaluator(std::shared_ptr<const Model> bert, std::shared_ptr<const Model> leftToRight,
                                       std::shared_ptr<const Model> rightToLeft) {
    if (!bert) throw InputError("there is no masked-LM model to evaluate");
    requireObjective(*bert, Objective::MaskedLm, "bidirectional");
    m_maskId = bert->vocab().maskId();
    if (m_maskId == Vocab::kNotFound) throw InputError("the vocabulary of " + bert->folder() + " has no [MASK]");
    m_result.rows = {{"bidirectional"}, {"masked-lm-causal"}};
    if (leftToRight) {
        requireObjective(*leftToRight, Objective::NextWord, "left-to-right");
        requireSameVocabulary(*bert, *leftToRight);
        m_result.rows.push_back({"l2r"});
    }
    if (rightToLeft) {
        requireObjective(*rightToLeft, Objective::PreviousWord, "right-to-left");
        requireSameVocabulary(*bert, *rightToLeft);
        m_result.rows.push_back({"r2l"});
    }
    if (leftToRight && rightToLeft) m_result.rows.push_back({"shallow"});
    m_bert = std::make_unique<Encoder>(std::move(bert));
    if (leftToRight) m_leftToRight = std::make_unique<Encoder>(std::move(leftToRight));
    if (rightToLeft) m_rightToLeft = std::make_unique<Encoder>(std::move(rightToLeft));
}

DirectionEvaluator::~DirectionEvaluator() = default;

void DirectionEvaluator::score(size_t row, const std::string& category, const Prediction& p, int32_t target) {
    const double logProb = double(p.logProbabilities.at(size_t(target)));
    const bool right = !p.top.empty() && p.top[0].id == target;
    for (PredictorScore* s : {&m_result.rows[row], &m_result.categories[category][row]}) {
        ++s->masked;
        s->correct += right ? 1 : 0;
        s->nats -= logProb;
    }
}

void DirectionEvaluator::add(const HeldOutWords& sentence) {
    if (sentence.masked.empty()) return;
    std::vector<PredictorScore>& perCategory = m_result.categories[sentence.category];
    if (perCategory.empty()) {
        for (const PredictorScore& r : m_result.rows) perCategory.push_back({r.predictor});
    }
    const std::vector<int32_t> types(sentence.ids.size(), 0);
    for (int p : sentence.masked) {
        if (p <= 0 || p + 1 >= int(sentence.ids.size())) {
            throw InputError("masked position " + std::to_string(p) + " is not a word between [CLS] and [SEP] of a " +
                             std::to_string(sentence.ids.size()) + "-token sentence");
        }
    }
    AnalyzeOptions options;
    options.topK = 1;
    options.keepDistributions = true;

    // BERT guesses one word at a time with every other word in place: the
    // twins read the true words on their side, so BERT reads them too, and
    // the rows differ only in which side each predictor may use.
    std::vector<std::vector<Prediction>> byRow(2);
    std::vector<int32_t> masked = sentence.ids;
    for (int p : sentence.masked) {
        masked[size_t(p)] = m_maskId;
        const std::vector<int> target = {p};
        options.maskMode = MaskMode::Bidirectional;
        for (Prediction& guess : m_bert->forward(masked, types, options, target).predictions)
            byRow[0].push_back(std::move(guess));
        options.maskMode = MaskMode::Causal;
        for (Prediction& guess : m_bert->forward(masked, types, options, target).predictions)
            byRow[1].push_back(std::move(guess));
        masked[size_t(p)] = sentence.ids[size_t(p)];
    }
    std::vector<Prediction> left, right;
    if (m_leftToRight) byRow.push_back(left = m_leftToRight->forward(sentence.ids, types, options, sentence.masked).predictions);
    if (m_rightToLeft) byRow.push_back(right = m_rightToLeft->forward(sentence.ids, types, options, sentence.masked).predictions);
    if (m_leftToRight && m_rightToLeft) {
        std::vector<Prediction> shallow;
        for (size_t i = 0; i < left.size(); ++i)
            shallow.push_back(combinePredictions(left[i], right[i], m_bert->model().vocab(), 1, true));
        byRow.push_back(std::move(shallow));
    }
    for (size_t row = 0; row < byRow.size(); ++row) {
        // Every predictor answers for every masked word: a masked word is
        // never [CLS] or [SEP], so both neighbours exist.
        if (byRow[row].size() != sentence.masked.size()) {
            throw InputError("the " + m_result.rows[row].predictor + " predictor gave " +
                             std::to_string(byRow[row].size()) + " guesses for " +
                             std::to_string(sentence.masked.size()) + " masked words; mask only words between "
                             "[CLS] and [SEP]");
        }
        for (size_t i = 0; i < sentence.masked.size(); ++i) {
            const int position = sentence.masked[i];
            if (byRow[row][i].position != position) throw InputError("predictions out of order");
            score(row, sentence.category, byRow[row][i], sentence.ids[size_t(position)]);
        }
    }
}

}  // namespace bertlens
