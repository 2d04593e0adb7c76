#include "LabelPlacer.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace bertlens::ui {

namespace {

double overlapArea(const QRectF& a, const QRectF& b) {
    const QRectF i = a.intersected(b);
    return i.isValid() ? i.width() * i.height() : 0.0;
}

// The label's rectangle for a direction (dx, dy in {-1, 0, 1}) at a distance.
QRectF candidate(const QPointF& p, const QSizeF& s, int dx, int dy, double distance) {
    double x = p.x() - s.width() / 2;
    double y = p.y() - s.height() / 2;
    if (dx > 0) x = p.x() + distance;
    if (dx < 0) x = p.x() - distance - s.width();
    if (dy > 0) y = p.y() + distance;
    if (dy < 0) y = p.y() - distance - s.height();
    return QRectF(QPointF(x, y), s);
}

}  // namespace

std::vector<LabelPlacement> placeLabels(const std::vector<QPointF>& points, const std::vector<QSizeF>& sizes,
                                        double pointRadius, const QRectF& bounds) {
    // Right first: labels read left to right, so text after its point reads best.
    static constexpr std::array<std::pair<int, int>, 8> kDirections = {
        {{1, 0}, {-1, 0}, {0, -1}, {0, 1}, {1, -1}, {1, 1}, {-1, -1}, {-1, 1}}};
    const size_t n = std::min(points.size(), sizes.size());
    std::vector<LabelPlacement> out(n);
    std::vector<QRectF> placed;
    placed.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        double bestCost = std::numeric_limits<double>::infinity();
        QRectF best;
        for (double distance :
             {pointRadius + 2.0, pointRadius + 2.0 + sizes[i].height(), pointRadius + 2.0 + 2.5 * sizes[i].height()}) {
            for (auto [dx, dy] : kDirections) {
                const QRectF r = candidate(points[i], sizes[i], dx, dy, distance);
                double cost = 0.0;
                for (const QRectF& other : placed) cost += overlapArea(r, other);
                for (size_t j = 0; j < points.size(); ++j) {
                    const QRectF dot(points[j].x() - pointRadius, points[j].y() - pointRadius, 2 * pointRadius,
                                     2 * pointRadius);
                    cost += overlapArea(r, dot);
                }
                cost += r.width() * r.height() - overlapArea(r, bounds);  // the part outside
                // Farther positions cost a little, so a free near one wins.
                cost += 1e-3 * distance;
                if (cost < bestCost) {
                    bestCost = cost;
                    best = r;
                }
            }
            if (bestCost < 1.0) break;  // a clean spot at this distance
        }
        out[i].rect = best;
        placed.push_back(best);
    }
    // "clean" is judged against every final label, not only the earlier ones.
    for (size_t i = 0; i < n; ++i) {
        bool clean = bounds.contains(out[i].rect);
        for (size_t j = 0; j < n && clean; ++j) {
            if (j != i && overlapArea(out[i].rect, out[j].rect) > 0.0) clean = false;
        }
        for (size_t j = 0; j < points.size() && clean; ++j) {
            const QRectF dot(points[j].x() - pointRadius, points[j].y() - pointRadius, 2 * pointRadius,
                             2 * pointRadius);
            if (overlapArea(out[i].rect, dot) > 0.0) clean = false;
        }
        out[i].clean = clean;
    }
    return out;
}

}  // namespace bertlens::ui
