// One evaluation for every way of reading: the same held-out masked words
// scored by five predictors, so that a class sees what bidirectionality buys.
//
//   bidirectional     BERT (masked-LM), the sentence with one word masked at
//                     a time (every other word in place, as the twins see)
//   masked-lm-causal  the same BERT and input under a left-to-right mask it
//                     was never trained with (an ablation, not a decoder)
//   l2r               the left-to-right twin (next-word objective), reading
//                     the true words to the left of each masked word
//   r2l               the right-to-left twin (previous-word), the true words
//                     to the right
//   shallow           ELMo-style: the twins' distributions multiplied and
//                     renormalised (analysis/ShallowBidirectional.h)
//
// Each predictor is scored by top-1 accuracy and cross-entropy (mean -ln p of
// the true word, in nats) over exactly the same words, overall and per
// category of the generated grammar. The twins are optional: without one,
// its row and the shallow row are absent.
//
// A DirectionEvaluator owns its encoders: one thread at a time.
#pragma once

#include "model/Encoder.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace bertlens {

// A held-out sentence as ids ([CLS] ... [SEP], the true words) and the
// positions whose words are to be guessed.
struct HeldOutWords {
    std::vector<int32_t> ids;
    std::vector<int> masked;
    std::string category;
};

struct PredictorScore {
    std::string predictor;
    int64_t masked = 0;
    int64_t correct = 0;
    double nats = 0.0;  // sum of -ln p(true word)

    double accuracy() const { return masked > 0 ? double(correct) / double(masked) : 0.0; }
    double crossEntropy() const { return masked > 0 ? nats / double(masked) : 0.0; }
};

struct DirectionComparison {
    std::vector<PredictorScore> rows;                                // in the order above
    std::map<std::string, std::vector<PredictorScore>> categories;  // the same rows, per category
};

// The same tokens under the same ids, and the same output size: what makes
// two models' guesses comparable word for word.
bool sameVocabulary(const Model& a, const Model& b);

// "" when model is a usable twin of bert for the objective (NextWord or
// PreviousWord); else a sentence saying what is wrong with it.
std::string twinProblem(const Model& bert, const Model& twin, Objective wanted);

class DirectionEvaluator {
public:
    // bert must be a masked-LM model with its head; leftToRight a next-word
    // and rightToLeft a previous-word model over the same vocabulary (either
    // may be null). Throws InputError naming the model that does not fit.
    DirectionEvaluator(std::shared_ptr<const Model> bert, std::shared_ptr<const Model> leftToRight,
                       std::shared_ptr<const Model> rightToLeft);
    ~DirectionEvaluator();

    // Scores the sentence's masked words with every predictor.
    void add(const HeldOutWords& sentence);
    const DirectionComparison& result() const { return m_result; }

private:
    void score(size_t row, const std::string& category, const Prediction& p, int32_t target);

    std::unique_ptr<Encoder> m_bert, m_leftToRight, m_rightToLeft;
    int32_t m_maskId = 0;
    DirectionComparison m_result;
};

}  // namespace bertlens
