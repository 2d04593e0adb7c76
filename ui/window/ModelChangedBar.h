// A bar under the sentence box that appears when the files of the loaded
// model change on disk (a download finishing, a training run writing a new
// checkpoint, the folder deleted): it says which file changed and how, and
// offers to load the model again. Until then the window keeps the model it
// loaded (a file deleted or replaced by rename is still read from the copy
// the map holds; one changed in place makes the engine refuse to run, and
// that message shows in the window's error line).
//
// Watches the folder and its model files with QFileSystemWatcher; bursts of
// changes (a copy writes many times) are merged for kSettleMs before the
// files are compared with what they were at watch().
//
// UI thread only.
#pragma once

#include <QFileSystemWatcher>
#include <QFrame>
#include <QMap>
#include <QTimer>

class QLabel;
class QPushButton;

namespace bertlens::ui {

class ModelChangedBar : public QFrame {
    Q_OBJECT
public:
    static constexpr int kSettleMs = 300;

    explicit ModelChangedBar(QWidget* parent = nullptr);

    // Starts watching this model folder (and hides the bar): call when a
    // model has been loaded from it.
    void watch(const QString& folder);
    QString folder() const { return m_folder; }
    // What changed, as the bar says it ("" while nothing has).
    QString changeText() const { return m_change; }
    QPushButton* reloadButton() const { return m_reload; }

signals:
    void reloadRequested(const QString& folder);

private:
    struct FileState {
        bool exists = false;
        qint64 size = 0;
        qint64 modifiedNs = 0;
        quint64 inode = 0;
        bool operator==(const FileState& o) const {
            return exists == o.exists && size == o.size && modifiedNs == o.modifiedNs && inode == o.inode;
        }
    };
    static FileState stateOf(const QString& path);
    QMap<QString, FileState> snapshot() const;
    void rewatch();
    void compare();

    QFileSystemWatcher m_watcher;
    QTimer m_settle;
    QString m_folder;
    QMap<QString, FileState> m_loaded;  // file name -> state when the model was loaded
    QString m_change;
    QLabel* m_text;
    QPushButton* m_reload;
};

}  // namespace bertlens::ui
