// The model folders opened lately, newest first, kept in QSettings so that
// File > Open recent survives a restart.
//
// UI thread only (QSettings of the application's organisation/name).
#pragma once

#include <QStringList>

namespace bertlens::ui {

class RecentModels {
public:
    static constexpr int kMaxEntries = 8;

    static QStringList list();
    // Moves the folder to the front (adding it if new) and saves.
    static void add(const QString& folder);
    static void remove(const QString& folder);
    static void clear();
};

}  // namespace bertlens::ui
