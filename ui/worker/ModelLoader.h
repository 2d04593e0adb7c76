// Loads checkpoints off the UI thread. Each load() runs Model::load on a
// thread of its own and reports back with a queued signal carrying the id it
// returned, so the caller can ignore all but its newest load.
//
// Thread-safety: create, call and destroy on one thread (the UI thread); the
// destructor waits for loads still running (a load takes about a second at
// most: F32 weights are memory-mapped).
#pragma once

#include "model/Model.h"

#include <QObject>
#include <QPointer>
#include <QString>

#include <memory>
#include <vector>

class QThread;

namespace bertlens::ui {

class ModelLoader : public QObject {
    Q_OBJECT
public:
    explicit ModelLoader(QObject* parent = nullptr);
    ~ModelLoader() override;

    quint64 load(const QString& folder);
    bool isLoading() const;

    // The name shown for a model folder: "ORG/NAME" for a Hugging Face cache
    // snapshot, else the folder's name.
    static QString displayName(const QString& folder);

signals:
    void loaded(quint64 id, const QString& folder, const std::shared_ptr<const bertlens::Model>& model);
    void failed(quint64 id, const QString& folder, const QString& message);

private:
    quint64 m_nextId = 0;
    std::vector<QPointer<QThread>> m_threads;
};

}  // namespace bertlens::ui
