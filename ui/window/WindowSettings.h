// What the window remembers between runs (QSettings of the application's
// organisation and name): the last model folder, view, layer, head,
// averaging and mask mode, colour map, text size, arithmetic (F32 or BF16)
// and window geometry.
//
//   SettingsLoad loaded = loadWindowSettings();   // before anything else reads QSettings
//   window.applyRemembered(loaded.state);         // then the command line's options on top
//   ... on close: if (loaded.writable) saveWindowSettings(window.remembered());
//
// A settings file BertLens cannot read (bytes that are not UTF-8 text or
// hold control characters — QSettings's own reader accepts almost anything —
// or a folder in its place) is moved aside to NAME.unreadable and the defaults are used; a file
// written by a newer BertLens (a higher "settings/version") is used for
// nothing and left as it is (writable false). Either way `note` is one line
// for the user. Every value read is checked: a wrong type or an impossible
// number gives the default for that value only.
//
// UI thread only.
#pragma once

#include "Selection.h"
#include "Theme.h"
#include "model/Precision.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace bertlens::ui {

inline constexpr int kSettingsVersion = 1;

struct RememberedState {
    QString modelFolder;  // "" = the bundled model
    QString view;         // a ViewRegistry name, "" = the first tab
    std::optional<Selection> selection;
    std::optional<ColorMap> colorMap;
    double textScale = 1.0;  // View > Larger / Smaller text
    Precision precision = Precision::F32;  // View > Arithmetic
    QByteArray geometry;     // QWidget::saveGeometry()
};

struct SettingsLoad {
    RememberedState state;
    QString note;           // "" when the file was read as it is
    bool writable = true;   // false: a newer BertLens's file, left alone
};

SettingsLoad loadWindowSettings();
void saveWindowSettings(const RememberedState& state);

// False after loadWindowSettings() met a newer BertLens's file: then nothing
// (the window, the recent-models list) writes to it. True otherwise.
bool settingsWritable();

// The text sizes View > Larger / Smaller text step through.
double clampTextScale(double scale);
double nextTextScale(double scale, int direction);  // +1 larger, -1 smaller

}  // namespace bertlens::ui
