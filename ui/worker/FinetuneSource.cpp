#include "FinetuneSource.h"

#include "AnalysisController.h"

namespace bertlens::ui {

FinetuneSource::FinetuneSource(AnalysisController* controller, QObject* parent)
    : QObject(parent), m_controller(controller) {
    connect(controller, &AnalysisController::modelChanged, this, &FinetuneSource::modelChanged);
}

std::shared_ptr<const Model> FinetuneSource::model() const {
    return m_controller->model();
}

QString FinetuneSource::modelName() const {
    return m_controller->modelName();
}

QString FinetuneSource::modelFolder() const {
    return m_controller->modelFolder();
}

bool FinetuneSource::isLoading() const {
    return m_controller->isLoading();
}

void FinetuneSource::openInWindow(const QString& folder) {
    m_controller->loadModel(folder);
}

}  // namespace bertlens::ui
