// The eight statistics of the head summary as the heads view names them: a
// title for the colour bar and the chooser, a short column header, the unit,
// how values are written, and the range the colours span (shares of
// attention 0 to 1; entropy and distance 0 to the largest value shown).
//
// Pure functions and constant data; any thread.
#pragma once

#include "analysis/HeadSummary.h"

#include <QString>

#include <vector>

namespace bertlens::ui {

struct HeadStatisticKind {
    QString title;       // "entropy", "attention to [CLS]", ...
    QString column;      // "entropy", "[CLS]", ...
    QString unit;        // "nats", "tokens", "share of attention"
    QString meaning;     // one sentence for tooltips
    bool share = false;  // a share of the row's attention, in [0, 1]
    int decimals = 2;
    double (*value)(const HeadStatistics&) = nullptr;
};

// In the order of the table's columns.
const std::vector<HeadStatisticKind>& headStatisticKinds();
// kind's value written as the table and matrix write it.
QString formatStatistic(const HeadStatisticKind& kind, double value);
// The top of the colour scale for kind over these statistics: 1 for shares,
// else the largest value rounded up to a round number (at least 0.01).
double statisticScaleTop(const HeadStatisticKind& kind, const std::vector<HeadStatistics>& statistics);

}  // namespace bertlens::ui
