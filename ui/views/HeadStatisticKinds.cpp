#include "HeadStatisticKinds.h"

#include <QObject>

#include <algorithm>
#include <cmath>

namespace bertlens::ui {

const std::vector<HeadStatisticKind>& headStatisticKinds() {
    static const std::vector<HeadStatisticKind> kinds = {
        {QObject::tr("entropy"), QObject::tr("entropy"), QObject::tr("nats"),
         QObject::tr("How spread out each row is: 0 when a token looks at one token only, ln n when evenly at all n."),
         false, 2, [](const HeadStatistics& s) { return s.entropy; }},
        {QObject::tr("mean distance"), QObject::tr("distance"), QObject::tr("tokens"),
         QObject::tr("How far away, on average, the tokens a token looks at are."), false, 2,
         [](const HeadStatistics& s) { return s.distance; }},
        {QObject::tr("attention to [CLS]"), QObject::tr("[CLS]"), QObject::tr("share"),
         QObject::tr("The share of each token's attention that goes to [CLS]."), true, 2,
         [](const HeadStatistics& s) { return s.toCls; }},
        {QObject::tr("attention to [SEP]"), QObject::tr("[SEP]"), QObject::tr("share"),
         QObject::tr("The share of each token's attention that goes to [SEP]."), true, 2,
         [](const HeadStatistics& s) { return s.toSep; }},
        {QObject::tr("attention to punctuation"), QObject::tr("punct."), QObject::tr("share"),
         QObject::tr("The share that goes to punctuation tokens (. , ; ! ? and the like)."), true, 2,
         [](const HeadStatistics& s) { return s.toPunctuation; }},
        {QObject::tr("attention to itself"), QObject::tr("self"), QObject::tr("share"),
         QObject::tr("The share each token gives to itself."), true, 2,
         [](const HeadStatistics& s) { return s.toSelf; }},
        {QObject::tr("attention to the previous token"), QObject::tr("previous"), QObject::tr("share"),
         QObject::tr("The share each token gives to the token just before it."), true, 2,
         [](const HeadStatistics& s) { return s.toPrevious; }},
        {QObject::tr("attention to the next token"), QObject::tr("next"), QObject::tr("share"),
         QObject::tr("The share each token gives to the token just after it (0 under the left-to-right mask)."), true,
         2, [](const HeadStatistics& s) { return s.toNext; }},
    };
    return kinds;
}

QString formatStatistic(const HeadStatisticKind& kind, double value) {
    // Distances past 10 tokens need no second decimal.
    const int decimals = !kind.share && std::abs(value) >= 10.0 ? 1 : kind.decimals;
    return QString::number(value, 'f', decimals);
}

double statisticScaleTop(const HeadStatisticKind& kind, const std::vector<HeadStatistics>& statistics) {
    if (kind.share) return 1.0;
    double largest = 0.0;
    for (const HeadStatistics& s : statistics) largest = std::max(largest, kind.value(s));
    if (!(largest > 0.01)) return 0.01;
    // Up to 1, 2, 2.5 or 5 times a power of ten, so the colour bar's ends read cleanly.
    const double power = std::pow(10.0, std::floor(std::log10(largest)));
    for (double step : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        if (step * power >= largest * (1 - 1e-12)) return step * power;
    }
    return 10.0 * power;
}

}  // namespace bertlens::ui
