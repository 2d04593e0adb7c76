#include "WindowSettings.h"

#include "SafeDisplay.h"
#include "ViewRegistry.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QObject>
#include <QSettings>
#include <QStringDecoder>

#include <algorithm>
#include <array>
#include <cmath>

namespace bertlens::ui {
namespace {

constexpr std::array<double, 9> kTextScales{0.8, 0.9, 1.0, 1.15, 1.3, 1.5, 1.75, 2.0, 2.5};

const char* const kVersion = "settings/version";
const char* const kModel = "window/model";
const char* const kView = "window/view";
const char* const kLayer = "window/layer";
const char* const kHead = "window/head";
const char* const kAverage = "window/averageHeads";
const char* const kMask = "window/maskMode";
const char* const kColorMap = "window/colorMap";
const char* const kTextScale = "window/textScale";
const char* const kGeometry = "window/geometry";
const char* const kPrecision = "engine/precision";

bool g_writable = true;

// QSettings writes INI files as UTF-8 text (other bytes escaped): anything
// else was not written by it.
bool looksLikeText(const QString& file) {
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) return true;  // QSettings reports what is wrong with it
    const QByteArray bytes = f.read(4 << 20);
    for (char c : bytes) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 && u != '\n' && u != '\r' && u != '\t') return false;
        if (u == 0x7f) return false;
    }
    QStringDecoder utf8(QStringDecoder::Utf8);
    const QString decoded = utf8(bytes);
    Q_UNUSED(decoded);
    return !utf8.hasError();
}

std::optional<int> wholeNumber(const QSettings& s, const char* key, int low, int high) {
    bool ok = false;
    const int v = s.value(key).toInt(&ok);
    if (!ok || v < low || v > high) return std::nullopt;
    return v;
}

std::optional<ColorMap> colorMapNamed(const QString& name) {
    if (name == QLatin1String("viridis")) return ColorMap::Viridis;
    if (name == QLatin1String("cividis")) return ColorMap::Cividis;
    if (name == QLatin1String("grayscale")) return ColorMap::Grayscale;
    return std::nullopt;
}

QString colorMapName(ColorMap map) {
    switch (map) {
        case ColorMap::Cividis: return QStringLiteral("cividis");
        case ColorMap::Grayscale: return QStringLiteral("grayscale");
        case ColorMap::Viridis: break;
    }
    return QStringLiteral("viridis");
}

// The file cannot be read as settings: keep it for the user under another
// name and start again from nothing.
QString moveAside(const QString& file, const QString& why) {
    const QString aside = file + QStringLiteral(".unreadable");
    QFile::remove(aside);
    const bool moved = QFile::rename(file, aside) || QDir(file).removeRecursively();
    return moved ? QObject::tr("The settings file %1 %2; it was kept as %3 and BertLens starts with its defaults.")
                       .arg(safeDisplayQuote(QDir::toNativeSeparators(file), 200), why,
                            safeDisplayQuote(QFileInfo(aside).fileName(), 120))
                 : QObject::tr("The settings file %1 %2 and cannot be moved aside; BertLens uses its defaults and "
                               "will not remember settings until it is removed.")
                       .arg(safeDisplayQuote(QDir::toNativeSeparators(file), 200), why);
}

}  // namespace

double clampTextScale(double scale) {
    if (!std::isfinite(scale)) return 1.0;
    return std::clamp(scale, kTextScales.front(), kTextScales.back());
}

double nextTextScale(double scale, int direction) {
    if (direction > 0) {
        for (double s : kTextScales)
            if (s > scale + 1e-6) return s;
        return kTextScales.back();
    }
    for (auto it = kTextScales.rbegin(); it != kTextScales.rend(); ++it)
        if (*it < scale - 1e-6) return *it;
    return kTextScales.front();
}

bool settingsWritable() { return g_writable; }

namespace {

SettingsLoad readSettings() {
    SettingsLoad out;
    const QString file = QSettings().fileName();
    const QFileInfo info(file);
    if (info.exists() && !info.isFile()) {
        out.note = moveAside(file, QObject::tr("is not a file"));
        out.writable = QFileInfo::exists(file) == false;
        return out;
    }
    if (info.exists() && !looksLikeText(file)) {
        out.note = moveAside(file, QObject::tr("is not a settings file BertLens can read"));
        out.writable = !QFileInfo::exists(file);
        return out;
    }
    QSettings s;
    if (s.status() != QSettings::NoError) {
        const bool format = s.status() == QSettings::FormatError;
        out.note = moveAside(file, format ? QObject::tr("is not a settings file BertLens can read")
                                          : QObject::tr("cannot be read"));
        out.writable = !QFileInfo::exists(file);
        return out;
    }
    if (s.contains(kVersion)) {
        bool ok = false;
        const int version = s.value(kVersion).toInt(&ok);
        if (ok && version > kSettingsVersion) {
            out.note = QObject::tr("The settings file %1 was written by a newer BertLens (settings version %2); this "
                                   "one uses its defaults and leaves the file as it is.")
                           .arg(safeDisplayQuote(QDir::toNativeSeparators(file), 200))
                           .arg(version);
            out.writable = false;
            return out;
        }
    }
    RememberedState& r = out.state;
    r.modelFolder = s.value(kModel).toString();
    const QString view = s.value(kView).toString();
    if (viewNames().contains(view)) r.view = view;
    const auto layer = wholeNumber(s, kLayer, 0, 1000);
    const auto head = wholeNumber(s, kHead, 0, 1000);
    const auto mask = wholeNumber(s, kMask, 0, 1);
    if (layer && head && mask) {
        Selection sel;
        sel.layer = *layer;
        sel.head = *head;
        sel.averageHeads = s.value(kAverage).toString() == QLatin1String("true");
        sel.maskMode = *mask == 1 ? MaskMode::Causal : MaskMode::Bidirectional;
        r.selection = sel;
    }
    r.colorMap = colorMapNamed(s.value(kColorMap).toString());
    bool ok = false;
    const double scale = s.value(kTextScale).toDouble(&ok);
    r.textScale = ok && scale >= kTextScales.front() && scale <= kTextScales.back() ? scale : 1.0;
    r.geometry = s.value(kGeometry).toByteArray();
    Precision precision = Precision::F32;
    if (parsePrecision(s.value(kPrecision).toString().toStdString(), precision)) r.precision = precision;
    return out;
}

}  // namespace

SettingsLoad loadWindowSettings() {
    SettingsLoad out = readSettings();
    g_writable = out.writable;
    return out;
}

void saveWindowSettings(const RememberedState& r) {
    if (!g_writable) return;
    QSettings s;  // QSettings writes through QSaveFile: a temporary file renamed over the old one
    s.setValue(kVersion, kSettingsVersion);
    s.setValue(kModel, r.modelFolder);
    s.setValue(kView, r.view);
    if (r.selection) {
        s.setValue(kLayer, r.selection->layer);
        s.setValue(kHead, r.selection->head);
        s.setValue(kAverage, r.selection->averageHeads);
        s.setValue(kMask, r.selection->maskMode == MaskMode::Causal ? 1 : 0);
    }
    if (r.colorMap) s.setValue(kColorMap, colorMapName(*r.colorMap));
    s.setValue(kTextScale, r.textScale);
    s.setValue(kGeometry, r.geometry);
    s.setValue(kPrecision, QString::fromLatin1(precisionName(r.precision)));
    s.sync();
}

}  // namespace bertlens::ui
