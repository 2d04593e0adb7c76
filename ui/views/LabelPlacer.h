// Puts text labels next to points so that they overlap each other and the
// points as little as it can: for each point in turn it tries a ring of
// positions around the point (right, left, above, below, the diagonals, then
// the same further out) and keeps the first that collides with nothing placed
// so far, or else the one that collides least. Greedy and O(n^2): fine for
// the few hundred tokens a sentence has.
//
// Pure function; any thread.
#pragma once

#include <QPointF>
#include <QRectF>
#include <QSizeF>

#include <vector>

namespace bertlens::ui {

struct LabelPlacement {
    QRectF rect;         // where the label goes (same units as the input)
    bool clean = false;  // overlaps no other label, no point, and stays inside bounds
};

// points and label sizes in one unit (pixels); pointRadius is how far a label
// must keep from any point; bounds is where labels should stay.
std::vector<LabelPlacement> placeLabels(const std::vector<QPointF>& points, const std::vector<QSizeF>& sizes,
                                        double pointRadius, const QRectF& bounds);

}  // namespace bertlens::ui
