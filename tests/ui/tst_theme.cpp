// Colour maps of the Theme against matplotlib's published tables, their
// perceptual ordering, and the heatmap helpers that reuse them.
#include "HeatmapColors.h"
#include "Theme.h"

#include <QtTest>

#include <cmath>

using namespace bertlens::ui;

namespace {

// Relative luminance (sRGB, ITU-R BT.709 weights on linearised channels).
double luminance(const QColor& c) {
    auto lin = [](int v) {
        const double s = v / 255.0;
        return s <= 0.04045 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * lin(c.red()) + 0.7152 * lin(c.green()) + 0.0722 * lin(c.blue());
}

void compareColor(const QColor& actual, const QColor& expected, int tolerance) {
    const int d = std::max({std::abs(actual.red() - expected.red()), std::abs(actual.green() - expected.green()),
                            std::abs(actual.blue() - expected.blue())});
    if (d > tolerance) {
        QFAIL(qPrintable(QStringLiteral("colour %1 differs from %2 by %3 (tolerance %4)")
                             .arg(actual.name(), expected.name())
                             .arg(d)
                             .arg(tolerance)));
    }
}

}  // namespace

class TestTheme : public QObject {
    Q_OBJECT
private slots:
    void viridisMatchesMatplotlib_data() {
        QTest::addColumn<double>("value");
        QTest::addColumn<QColor>("expected");
        // matplotlib.cm.viridis(x)[:3] * 255, rounded: the 256-entry table's
        // entries 0, 64, 128, 191 and 255.
        QTest::newRow("0") << 0.0 << QColor(68, 1, 84);
        QTest::newRow("0.25") << 0.25 << QColor(59, 82, 139);
        QTest::newRow("0.5") << 0.5 << QColor(33, 145, 140);
        QTest::newRow("0.75") << 0.75 << QColor(94, 201, 98);
        QTest::newRow("1") << 1.0 << QColor(253, 231, 37);
    }
    void viridisMatchesMatplotlib() {
        QFETCH(double, value);
        QFETCH(QColor, expected);
        Theme t = Theme::normal();
        t.colorMap = ColorMap::Viridis;
        compareColor(t.color(value), expected, 3);
    }

    void cividisEndsMatchMatplotlib() {
        Theme t = Theme::normal();
        t.colorMap = ColorMap::Cividis;
        compareColor(t.color(0.0), QColor(0, 34, 78), 1);     // cividis(0) = (0.000, 0.135, 0.305)
        compareColor(t.color(1.0), QColor(254, 232, 56), 1);  // cividis(1) = (0.996, 0.909, 0.218)
    }

    // Perceptually ordered maps: lighter as the value grows, so a printout in
    // grey or a colour-blind reader still reads which cell is larger.
    void lightnessIncreasesWithValue_data() {
        QTest::addColumn<int>("map");
        QTest::newRow("viridis") << static_cast<int>(ColorMap::Viridis);
        QTest::newRow("cividis") << static_cast<int>(ColorMap::Cividis);
        QTest::newRow("grayscale") << static_cast<int>(ColorMap::Grayscale);
    }
    void lightnessIncreasesWithValue() {
        QFETCH(int, map);
        Theme t = Theme::normal();
        t.colorMap = static_cast<ColorMap>(map);
        // Grayscale runs the other way (white = 0) so ink marks attention on paper.
        const double sign = t.colorMap == ColorMap::Grayscale ? -1.0 : 1.0;
        double previous = sign * luminance(t.color(0.0));
        for (int i = 1; i <= 100; ++i) {
            const double l = sign * luminance(t.color(i / 100.0));
            QVERIFY2(l > previous - 1e-3, qPrintable(QStringLiteral("luminance drops at %1").arg(i / 100.0)));
            previous = l;
        }
        QVERIFY(std::abs(luminance(t.color(1.0)) - luminance(t.color(0.0))) > 0.5);
    }

    void outOfRangeValuesClamp() {
        const Theme t = Theme::normal();
        QCOMPARE(t.color(-3.0), t.color(0.0));
        QCOMPARE(t.color(7.0), t.color(1.0));
        QCOMPARE(t.color(std::nan("")), t.color(0.0));
    }

    void presentationFontsAreLarger() {
        QVERIFY(Theme::presentation().font(10).pointSizeF() >= 1.5 * Theme::normal().font(10).pointSizeF());
    }

    void gradientAndImageFollowTheTheme() {
        for (ColorMap map : {ColorMap::Viridis, ColorMap::Cividis, ColorMap::Grayscale}) {
            Theme t = Theme::normal();
            t.colorMap = map;
            QCPColorGradient g = themeGradient(t);  // color() is not const in QCustomPlot 2.1
            const float values[4] = {0.0f, 0.3f, 0.71f, 1.0f};
            const QImage img = heatmapImage(values, 2, 2, t);
            QCOMPARE(img.size(), QSize(2, 2));
            for (int i = 0; i < 4; ++i) {
                compareColor(QColor(g.color(values[i], QCPRange(0, 1))), t.color(values[i]), 2);
                compareColor(img.pixelColor(i % 2, i / 2), t.color(values[i]), 1);
            }
        }
    }

    void differenceColorsAreSignedAndWhiteAtZero() {
        const Theme t = Theme::normal();
        QCOMPARE(differenceColor(t, 0.0), QColor(Qt::white));
        QCOMPARE(differenceColor(t, -1.0), t.negative);
        QCOMPARE(differenceColor(t, 1.0), t.positive);
    }
};

QTEST_MAIN(TestTheme)
#include "tst_theme.moc"
