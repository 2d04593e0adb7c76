#include "FigureFit.h"

#include <QObject>

#include <cmath>

namespace bertlens::ui {

const std::vector<FigurePreset>& figurePresets() {
    // Column widths of the common two-column journal and conference formats
    // (8.5 cm and 17.8 cm); a 16:9 slide of 10 x 5.63 inches.
    static const std::vector<FigurePreset> kPresets = {
        {QStringLiteral("single-column"), QObject::tr("Single column (8.5 cm, 8 pt)"), {8.5, 0.0, 8.0}},
        {QStringLiteral("double-column"), QObject::tr("Double column (17.8 cm, 9 pt)"), {17.8, 0.0, 9.0}},
        {QStringLiteral("slide"), QObject::tr("Slide (25.4 \u00d7 14.3 cm, 18 pt)"), {25.4, 14.3, 18.0}},
    };
    return kPresets;
}

FigurePreset figurePreset(const QString& name) {
    for (const FigurePreset& p : figurePresets())
        if (p.name == name) return p;
    return FigurePreset();
}

QStringList figurePresetNames() {
    QStringList names;
    for (const FigurePreset& p : figurePresets()) names << p.name;
    return names;
}

Theme fittedTheme(const Theme& theme, const FigureFit& fit) {
    Theme t = theme;
    if (fit.fontPt > 0.0 && std::isfinite(fit.fontPt)) t.fontScale = fit.fontPt / kBodyPoints;
    return t;
}

QString fitProblem(const FigureFit& fit) {
    auto outside = [](double v, double lo, double hi) { return !std::isfinite(v) || v < lo || v > hi; };
    if (fit.widthCm != 0.0 && outside(fit.widthCm, kMinWidthCm, kMaxWidthCm))
        return QObject::tr("the figure width is %1 to %2 cm, not %3")
            .arg(kMinWidthCm)
            .arg(kMaxWidthCm)
            .arg(fit.widthCm);
    if (fit.heightCm != 0.0 && outside(fit.heightCm, kMinWidthCm, kMaxWidthCm))
        return QObject::tr("the figure height is %1 to %2 cm, not %3")
            .arg(kMinWidthCm)
            .arg(kMaxWidthCm)
            .arg(fit.heightCm);
    if (fit.heightCm > 0.0 && fit.widthCm <= 0.0) return QObject::tr("a figure height needs a width too (--width-cm)");
    if (fit.fontPt != 0.0 && outside(fit.fontPt, kMinFontPt, kMaxFontPt))
        return QObject::tr("the text size is %1 to %2 points, not %3").arg(kMinFontPt).arg(kMaxFontPt).arg(fit.fontPt);
    return QString();
}

}  // namespace bertlens::ui
