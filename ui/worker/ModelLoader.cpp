#include "ModelLoader.h"

#include "SafeDisplay.h"

#include "ThreadHandOff.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QThread>

#include <algorithm>

namespace bertlens::ui {

ModelLoader::ModelLoader(QObject* parent) : QObject(parent) {}

ModelLoader::~ModelLoader() {
    for (const QPointer<QThread>& t : m_threads) {
        if (t) t->wait();
    }
}

bool ModelLoader::isLoading() const {
    for (const QPointer<QThread>& t : m_threads) {
        if (t && t->isRunning()) return true;
    }
    return false;
}

quint64 ModelLoader::load(const QString& folder) {
    const quint64 id = ++m_nextId;
    // The thread only computes; the result is posted to this object's thread,
    // where the signal is emitted.
    QThread* thread = QThread::create([this, id, folder] {
        std::shared_ptr<const Model> model;
        QString error;
        try {
            model = Model::load(QDir::cleanPath(folder).toStdString());
        } catch (const std::bad_alloc&) {
            error = tr("There is not enough memory to load the model in %1.").arg(safeDisplayQuote(folder, 200));
        } catch (const std::exception& e) {
            error = safeDisplay(e.what());
        }
        const HandOff posting(this);  // the model was built on this thread and is read on the UI thread
        QMetaObject::invokeMethod(
            this,
            [this, id, folder, model, error] {
                takeOver(this);
                if (model) {
                    emit loaded(id, folder, model);
                } else {
                    emit failed(id, folder, error);
                }
            },
            Qt::QueuedConnection);
    });
    thread->setObjectName(QStringLiteral("model loader"));
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    m_threads.erase(std::remove_if(m_threads.begin(), m_threads.end(), [](const QPointer<QThread>& t) { return !t; }),
                    m_threads.end());
    m_threads.emplace_back(thread);
    thread->start(QThread::LowPriority);
    return id;
}

QString ModelLoader::displayName(const QString& folder) {
    const QString clean = QDir::cleanPath(QDir(folder).absolutePath());
    // ~/.cache/huggingface/hub/models--ORG--NAME/snapshots/REV (ORG may be absent)
    static const QRegularExpression cache(QStringLiteral("/models--([^/]+)/snapshots/[^/]+$"));
    const QRegularExpressionMatch m = cache.match(clean);
    if (m.hasMatch()) return m.captured(1).replace(QStringLiteral("--"), QStringLiteral("/"));
    return QFileInfo(clean).fileName();
}

}  // namespace bertlens::ui
