#include "RecentModels.h"

#include "WindowSettings.h"

#include <QDir>
#include <QSettings>

namespace bertlens::ui {

namespace {
const QString kKey = QStringLiteral("recentModels");
}

QStringList RecentModels::list() {
    return QSettings().value(kKey).toStringList();
}

void RecentModels::add(const QString& folder) {
    const QString clean = QDir::cleanPath(QDir(folder).absolutePath());
    QStringList entries = list();
    entries.removeAll(clean);
    entries.prepend(clean);
    while (entries.size() > kMaxEntries) entries.removeLast();
    if (settingsWritable()) QSettings().setValue(kKey, entries);
}

void RecentModels::remove(const QString& folder) {
    QStringList entries = list();
    entries.removeAll(QDir::cleanPath(QDir(folder).absolutePath()));
    if (settingsWritable()) QSettings().setValue(kKey, entries);
}

void RecentModels::clear() {
    if (settingsWritable()) QSettings().remove(kKey);
}

}  // namespace bertlens::ui
