#include "ModelChangedBar.h"

#include <QDir>
#include <QFile>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStringList>
#include <QToolButton>

#include <sys/stat.h>

namespace bertlens::ui {

namespace {
// The files Model::load reads; anything else in the folder may come and go.
const QStringList kModelFiles = {QStringLiteral("config.json"), QStringLiteral("vocab.txt"),
                                 QStringLiteral("tokenizer_config.json"), QStringLiteral("model.safetensors"),
                                 QStringLiteral("pytorch_model.bin")};
}  // namespace

ModelChangedBar::ModelChangedBar(QWidget* parent) : QFrame(parent) {
    setObjectName(QStringLiteral("modelChangedBar"));
    setFrameShape(QFrame::StyledPanel);
    setStyleSheet(QStringLiteral("#modelChangedBar { background: #fff4d6; border: 1px solid #d9a400; }"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 4, 4);
    m_text = new QLabel(this);
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::PlainText);
    m_reload = new QPushButton(tr("Reload model"), this);
    m_reload->setObjectName(QStringLiteral("reloadModel"));
    auto* dismiss = new QToolButton(this);
    dismiss->setText(QStringLiteral("×"));
    dismiss->setToolTip(tr("Keep using the model as it was loaded"));
    dismiss->setAutoRaise(true);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_reload);
    layout->addWidget(dismiss);
    setVisible(false);

    m_settle.setSingleShot(true);
    m_settle.setInterval(kSettleMs);
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, &m_settle, qOverload<>(&QTimer::start));
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, &m_settle, qOverload<>(&QTimer::start));
    connect(&m_settle, &QTimer::timeout, this, &ModelChangedBar::compare);
    connect(m_reload, &QPushButton::clicked, this, [this] { emit reloadRequested(m_folder); });
    connect(dismiss, &QToolButton::clicked, this, &QWidget::hide);
}

void ModelChangedBar::watch(const QString& folder) {
    m_settle.stop();
    if (!m_watcher.files().isEmpty()) m_watcher.removePaths(m_watcher.files());
    if (!m_watcher.directories().isEmpty()) m_watcher.removePaths(m_watcher.directories());
    m_folder = QDir::cleanPath(folder);
    m_loaded = snapshot();
    m_change.clear();
    setVisible(false);
    rewatch();
}

ModelChangedBar::FileState ModelChangedBar::stateOf(const QString& path) {
    FileState s;
    struct stat st {};
    // stat, not lstat: a Hugging Face cache snapshot holds symlinks to blobs.
    if (::stat(QFile::encodeName(path).constData(), &st) != 0) return s;
    s.exists = true;
    s.size = static_cast<qint64>(st.st_size);
    s.modifiedNs = static_cast<qint64>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    s.inode = static_cast<quint64>(st.st_ino);
    return s;
}

QMap<QString, ModelChangedBar::FileState> ModelChangedBar::snapshot() const {
    QMap<QString, FileState> files;
    for (const QString& name : kModelFiles) files.insert(name, stateOf(m_folder + QLatin1Char('/') + name));
    return files;
}

void ModelChangedBar::rewatch() {
    // inotify forgets a file that was deleted or renamed over: add what exists now.
    QStringList paths;
    if (QDir(m_folder).exists()) paths << m_folder;
    for (const QString& name : kModelFiles) {
        const QString path = m_folder + QLatin1Char('/') + name;
        if (QFile::exists(path)) paths << path;
    }
    paths.removeIf(
        [this](const QString& p) { return m_watcher.files().contains(p) || m_watcher.directories().contains(p); });
    if (!paths.isEmpty()) m_watcher.addPaths(paths);
}

void ModelChangedBar::compare() {
    rewatch();
    QStringList changes;
    if (!QDir(m_folder).exists()) {
        changes << tr("the folder was deleted or moved");
    } else {
        const QMap<QString, FileState> now = snapshot();
        for (const QString& name : kModelFiles) {
            const FileState before = m_loaded.value(name), after = now.value(name);
            if (before == after) continue;
            if (before.exists && !after.exists) {
                changes << tr("%1 was deleted").arg(name);
            } else if (!before.exists) {
                changes << tr("%1 appeared").arg(name);
            } else if (before.inode != after.inode) {
                changes << tr("%1 was replaced").arg(name);
            } else {
                changes << tr("%1 was changed in place").arg(name);
            }
        }
    }
    if (changes.isEmpty()) return;  // another file of the folder, or a change undone
    m_change = changes.join(QStringLiteral(", "));
    m_text->setText(tr("The model's files changed on disk: %1. BertLens still shows what it loaded; reload to use "
                       "the files as they are now.")
                        .arg(m_change));
    setVisible(true);
}

}  // namespace bertlens::ui
