#include "Theme.h"

#include <QApplication>

#include <algorithm>
#include <array>
#include <cmath>

namespace bertlens::ui {

namespace {

// matplotlib's viridis sampled at 0, 0.1, ..., 1 (van der Walt and Smith's
// published table); linear interpolation between these stops stays within one
// or two 8-bit steps of the full 256-entry table.
constexpr std::array<QRgb, 11> kViridis = {0x440154, 0x482475, 0x414487, 0x355f8d, 0x2a788e, 0x21918c,
                                           0x22a884, 0x44bf70, 0x7ad151, 0xbddf26, 0xfde725};
// matplotlib's cividis (Nuñez, Anderton and Renslow 2018) sampled at i/9.
constexpr std::array<QRgb, 10> kCividis = {0x00224e, 0x123570, 0x3b496c, 0x575d6d, 0x707173,
                                           0x8a8779, 0xa69d75, 0xc4b56c, 0xe4cf5b, 0xfee838};

template <size_t N>
QColor interpolate(const std::array<QRgb, N>& stops, double value) {
    const double x = value * static_cast<double>(N - 1);
    const size_t i = std::min(static_cast<size_t>(x), N - 2);
    const double t = x - static_cast<double>(i);
    const QColor a(stops[i]);
    const QColor b(stops[i + 1]);
    auto mix = [t](int p, int q) { return static_cast<int>(std::lround(p + (q - p) * t)); };
    return QColor(mix(a.red(), b.red()), mix(a.green(), b.green()), mix(a.blue(), b.blue()));
}

}  // namespace

QFont Theme::font(double pointSize, bool bold) const {
    QFont f = QApplication::font();
    f.setPointSizeF(pointSize * fontScale);
    f.setBold(bold);
    return f;
}

QColor Theme::color(double value) const {
    // NaN (a cell the causal mask hides is 0, never NaN, but be safe) draws as 0.
    const double v = std::isfinite(value) ? std::clamp(value, 0.0, 1.0) : 0.0;
    switch (colorMap) {
        case ColorMap::Viridis:
            return interpolate(kViridis, v);
        case ColorMap::Cividis:
            return interpolate(kCividis, v);
        case ColorMap::Grayscale: {
            const int g = static_cast<int>(std::lround(255.0 * (1.0 - v)));
            return QColor(g, g, g);
        }
    }
    return Qt::black;
}

Theme Theme::normal() {
    return Theme{};
}

Theme Theme::presentation() {
    Theme t;
    // A projector washes out mid-tones and the back row reads from metres away:
    // larger type, pure black on white, and a deeper accent for outlines.
    t.fontScale = 1.6;
    t.highContrast = true;
    t.background = Qt::white;
    t.foreground = Qt::black;
    t.accent = QColor(0xe6, 0x55, 0x00);
    return t;
}

}  // namespace bertlens::ui
