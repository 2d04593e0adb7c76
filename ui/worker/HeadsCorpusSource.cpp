#include "HeadsCorpusSource.h"

#include "AnalysisController.h"

namespace bertlens::ui {

HeadsCorpusSource::HeadsCorpusSource(AnalysisController* controller, QObject* parent)
    : QObject(parent), m_controller(controller) {
    connect(controller, &AnalysisController::modelChanged, this, [this] {
        const bool running = m_job.isBusy();
        m_job.cancel();
        emit modelChanged(running);
    });
}

bool HeadsCorpusSource::hasModel() const {
    return m_controller->model() != nullptr;
}

QString HeadsCorpusSource::modelName() const {
    return m_controller->modelName();
}

quint64 HeadsCorpusSource::start(const QString& path, MaskMode mask) {
    std::shared_ptr<const Model> model = m_controller->model();
    return m_job.start([model, path, mask](const std::atomic<bool>& cancel, HeadsSummaryJob::Reporter& reporter) {
        return summariseCorpus(model, path, mask, &cancel,
                               [&reporter](const CorpusProgress& p) { reporter.progress(p); });
    });
}

}  // namespace bertlens::ui
