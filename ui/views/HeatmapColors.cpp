#include "HeatmapColors.h"

#include <algorithm>
#include <cmath>

namespace bertlens::ui {

namespace {
// Enough stops that QCustomPlot's linear interpolation between them follows
// the theme's own interpolation to within one 8-bit step.
constexpr int kGradientStops = 41;
}  // namespace

QCPColorGradient themeGradient(const Theme& theme) {
    QCPColorGradient g;
    g.setColorInterpolation(QCPColorGradient::ciRGB);
    g.setLevelCount(256);
    QMap<double, QColor> stops;
    for (int i = 0; i < kGradientStops; ++i) {
        const double t = static_cast<double>(i) / (kGradientStops - 1);
        stops.insert(t, theme.color(t));
    }
    g.setColorStops(stops);
    return g;
}

QCPColorGradient differenceGradient(const Theme& theme) {
    QCPColorGradient g;
    g.setColorInterpolation(QCPColorGradient::ciRGB);
    g.setLevelCount(256);
    QMap<double, QColor> stops;
    stops.insert(0.0, theme.negative);
    stops.insert(0.5, Qt::white);
    stops.insert(1.0, theme.positive);
    g.setColorStops(stops);
    return g;
}

QColor differenceColor(const Theme& theme, double value) {
    const double v = std::isfinite(value) ? std::clamp(value, -1.0, 1.0) : 0.0;
    const QColor end = v < 0 ? theme.negative : theme.positive;
    const double t = std::abs(v);
    auto mix = [t](int white, int c) { return static_cast<int>(std::lround(white + (c - white) * t)); };
    return QColor(mix(255, end.red()), mix(255, end.green()), mix(255, end.blue()));
}

QImage heatmapImage(const float* values, int rows, int cols, const Theme& theme, double low, double high,
                    MaskMode hiddenBy, QColor hidden) {
    QImage image(std::max(cols, 1), std::max(rows, 1), QImage::Format_RGB32);
    image.fill(theme.background);
    if (!values || rows <= 0 || cols <= 0) return image;
    // A lookup table: the theme's interpolation per pixel would dominate the
    // cost of painting 144 maps on every keystroke.
    QRgb table[256];
    for (int i = 0; i < 256; ++i) table[i] = theme.color(i / 255.0).rgb();
    const double span = high > low ? high - low : 1.0;
    for (int r = 0; r < rows; ++r) {
        auto* line = reinterpret_cast<QRgb*>(image.scanLine(r));
        for (int c = 0; c < cols; ++c) {
            const double v = values[static_cast<size_t>(r) * cols + c];
            const double t = std::isfinite(v) ? std::clamp((v - low) / span, 0.0, 1.0) : 0.0;
            const bool masked = hiddenBy == MaskMode::Causal ? c > r : hiddenBy == MaskMode::AntiCausal && c < r;
            line[c] = masked ? hidden.rgb() : table[static_cast<int>(std::lround(t * 255.0))];
        }
    }
    return image;
}

}  // namespace bertlens::ui
