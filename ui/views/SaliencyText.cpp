#include "SaliencyText.h"

#include <QObject>

namespace bertlens::ui {

QString topWord(const Prediction& p) {
    return p.top.empty() ? QString() : QString::fromStdString(p.top.front().token);
}

namespace {

QString targetText(const Analysis& a, QString word, int position) {
    const QString at = position >= 0 && static_cast<size_t>(position) < a.tokens.size()
                           ? QString::fromStdString(a.tokens[static_cast<size_t>(position)].text)
                           : QString();
    return QObject::tr("\u201c%1\u201d at %2 (token %3)").arg(word, at).arg(position);
}

}  // namespace

QString predictionText(const Analysis& a, const Prediction& p) {
    return targetText(a, topWord(p), p.position);
}

QString saliencyTargetText(const Analysis& a, const Saliency& s) {
    QString word;
    for (const Prediction& p : a.predictions) {
        if (p.position == s.position && !p.top.empty() && p.top.front().id == s.target) word = topWord(p);
    }
    if (word.isEmpty()) word = QObject::tr("word %1").arg(s.target);
    return targetText(a, word, s.position);
}

}  // namespace bertlens::ui
