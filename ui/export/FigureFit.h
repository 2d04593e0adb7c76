// The size a figure is placed at in a paper or on a slide, and the text size
// it should have there: `--width-cm 8.5 --font-pt 8` means "this figure will
// be 8.5 cm wide on the page, and its text must read at 8 points there".
// The exporter lays the figure out at exactly that width (in points, so no
// scaling happens when it is placed at that width) with the theme's fonts
// scaled so that body text (tick labels, axis titles, the caption) is the
// asked size; titles stay larger, as they are in the theme.
//
//   FigureFit fit = figurePreset(QStringLiteral("single-column"));  // 8.5 cm, 8 pt
//   FigureExporter::Options o;
//   o.fit = fit;
//
// Plain values and pure functions; any thread.
#pragma once

#include "Theme.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace bertlens::ui {

struct FigureFit {
    double widthCm = 0.0;   // 0: the view's own size
    double heightCm = 0.0;  // 0: follows the width (the view's own proportions)
    double fontPt = 0.0;    // 0: the theme's own sizes
    bool active() const { return widthCm > 0.0 || fontPt > 0.0; }
};

struct FigurePreset {
    QString name;   // for --preset: "single-column", "double-column", "slide"
    QString title;  // for the menu: "Single column (8.5 cm, 8 pt)"
    FigureFit fit;
};

// The body text size of the themes (points before the theme's scale): what
// tick labels, axis titles and captions are drawn at.
constexpr double kBodyPoints = 9.0;
constexpr double kPointsPerCm = 72.0 / 2.54;
// Limits a fit is checked against (the command line and the dialog).
constexpr double kMinWidthCm = 3.0, kMaxWidthCm = 100.0;
constexpr double kMinFontPt = 4.0, kMaxFontPt = 48.0;

// A single column (8.5 cm), a double column (17.8 cm) and a 16:9 slide
// (25.4 cm x 14.3 cm), in that order.
const std::vector<FigurePreset>& figurePresets();
// The preset of that name, or a null-fit preset (empty name) when there is none.
FigurePreset figurePreset(const QString& name);
QStringList figurePresetNames();

// The theme a figure is drawn with at this fit: fonts scaled so that body
// text is fit.fontPt points (unchanged when fontPt is 0).
Theme fittedTheme(const Theme& theme, const FigureFit& fit);

// "" when the fit is usable, else what is wrong ("the width is 3 to 100 cm, not 0.5").
QString fitProblem(const FigureFit& fit);

}  // namespace bertlens::ui
