#include "analysis/SameWords.h"

#include "Errors.h"

#include <algorithm>
#include <map>

namespace bertlens {
namespace {

bool isSpecial(const Token& t) {
    return t.added || t.text == "[CLS]" || t.text == "[SEP]" || t.text == "[PAD]";
}

}  // namespace

double cosineSimilarity(const Eigen::Ref<const Eigen::VectorXd>& a, const Eigen::Ref<const Eigen::VectorXd>& b) {
    const double norms = a.norm() * b.norm();
    if (norms == 0.0) return 0.0;
    return std::clamp(a.dot(b) / norms, -1.0, 1.0);
}

std::vector<SameWord> sameWords(const std::vector<Token>& first, const ConstRowMatrixMap& firstStates,
                                const std::vector<Token>& second, const ConstRowMatrixMap& secondStates) {
    if (firstStates.cols() != secondStates.cols()) {
        throw InputError("the two sentences' states differ in width: only states of one model can be compared");
    }
    const auto rows = [](const std::vector<Token>& tokens, const ConstRowMatrixMap& states) {
        return std::min<Eigen::Index>(static_cast<Eigen::Index>(tokens.size()), states.rows());
    };
    // Where each word appears in the second sentence, in order.
    std::map<std::string, std::vector<int>> inSecond;
    for (Eigen::Index i = 0; i < rows(second, secondStates); ++i) {
        const Token& t = second[static_cast<size_t>(i)];
        if (!isSpecial(t)) inSecond[t.text].push_back(static_cast<int>(i));
    }
    std::map<std::string, int> seen;  // appearances so far in the first sentence
    std::vector<SameWord> words;
    for (Eigen::Index i = 0; i < rows(first, firstStates); ++i) {
        const Token& t = first[static_cast<size_t>(i)];
        if (isSpecial(t)) continue;
        const int k = seen[t.text]++;
        const auto found = inSecond.find(t.text);
        if (found == inSecond.end() || k >= static_cast<int>(found->second.size())) continue;
        SameWord w;
        w.word = t.text;
        w.occurrence = k;
        w.firstPosition = static_cast<int>(i);
        w.secondPosition = found->second[static_cast<size_t>(k)];
        const Eigen::VectorXd a = firstStates.row(i).cast<double>().transpose();
        const Eigen::VectorXd b = secondStates.row(w.secondPosition).cast<double>().transpose();
        w.cosine = cosineSimilarity(a, b);
        words.push_back(std::move(w));
    }
    std::stable_sort(words.begin(), words.end(),
                     [](const SameWord& a, const SameWord& b) { return a.cosine < b.cosine; });
    return words;
}

}  // namespace bertlens
