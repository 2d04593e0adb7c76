#include "AnalysisController.h"

#include "ModelLoader.h"
#include "ThreadHandOff.h"

#include "analysis/DirectionComparison.h"

#include <QFileInfo>
#include <QThread>

#include <algorithm>

namespace bertlens::ui {

AnalysisController::AnalysisController(WorkerOptions options, QObject* parent)
    : QObject(parent),
      m_thread(new QThread(this)),
      m_worker(new InferenceWorker(options)),
      m_loader(new ModelLoader(this)),
      m_twinLoader(new ModelLoader(this)) {
    qRegisterMetaType<AnalysisResultPtr>();
    qRegisterMetaType<FlowMeasuresPtr>();
    m_thread->setObjectName(QStringLiteral("inference worker"));
    m_worker->moveToThread(m_thread);
    connect(m_worker, &InferenceWorker::resultReady, this, &AnalysisController::onResult, Qt::QueuedConnection);
    connect(m_worker, &InferenceWorker::analysisFailed, this, &AnalysisController::onFailed, Qt::QueuedConnection);
    connect(m_worker, &InferenceWorker::measuresReady, this, &AnalysisController::onMeasures, Qt::QueuedConnection);
    connect(m_loader, &ModelLoader::loaded, this, &AnalysisController::onLoaded);
    connect(m_loader, &ModelLoader::failed, this, &AnalysisController::onLoadFailed);
    connect(m_twinLoader, &ModelLoader::loaded, this, &AnalysisController::onTwinLoaded);
    connect(m_twinLoader, &ModelLoader::failed, this, &AnalysisController::onTwinFailed);
    m_thread->start();

    m_debounce.setSingleShot(true);
    m_debounce.setInterval(0);
    connect(&m_debounce, &QTimer::timeout, this, &AnalysisController::analyzeNow);
}

AnalysisController::~AnalysisController() {
    m_worker->cancelAll();
    m_thread->quit();
    m_thread->wait();
    delete m_worker;
}

void AnalysisController::loadModel(const QString& folder) {
    m_loadId = m_loader->load(folder);
    m_loadFolder = folder;
    emit modelLoadStarted(folder);
}

bool AnalysisController::isLoadThreadRunning() const {
    return m_loader->isLoading();
}

void AnalysisController::cancelLoad() {
    if (m_loadId == 0) return;
    m_loadId = 0;  // onLoaded / onLoadFailed ignore every id but this one
    emit modelLoadCancelled(m_loadFolder);
}

void AnalysisController::setModel(std::shared_ptr<const Model> model, const QString& folder) {
    const bool replacing = m_model != nullptr;
    m_model = std::move(model);
    m_modelFolder = folder;
    m_modelName = ModelLoader::displayName(folder);
    if (replacing && !m_ablated.empty()) {  // another model's heads are other heads
        m_ablated.clear();
        emit ablationChanged();
    }
    setTwins(nullptr, nullptr);
    emit modelChanged(m_modelName);
    if (!m_text.isEmpty()) analyzeNow();
    loadTwins(folder);
}

void AnalysisController::setTwins(std::shared_ptr<const Model> leftToRight, std::shared_ptr<const Model> rightToLeft) {
    m_twinLoads[0] = m_twinLoads[1] = 0;  // a load still running is forgotten
    m_twinProblems.clear();
    const bool changed = m_twins[0] != leftToRight || m_twins[1] != rightToLeft;
    m_twins[0] = std::move(leftToRight);
    m_twins[1] = std::move(rightToLeft);
    if (!changed) return;
    emit twinsChanged(twinProblems());
    if (m_model && !m_text.isEmpty()) analyzeNow();
}

void AnalysisController::loadTwins(const QString& modelFolder) {
    if (!m_model || m_model->config().objective != Objective::MaskedLm) return;
    QString base = modelFolder;
    while (base.size() > 1 && base.endsWith(QLatin1Char('/'))) base.chop(1);
    const QString suffixes[2] = {QStringLiteral("-l2r"), QStringLiteral("-r2l")};
    for (int i = 0; i < 2; ++i) {
        if (QFileInfo::exists(base + suffixes[i])) m_twinLoads[i] = m_twinLoader->load(base + suffixes[i]);
    }
}

void AnalysisController::onTwinLoaded(quint64 id, const QString& folder, const std::shared_ptr<const Model>& model) {
    const int side = id == m_twinLoads[0] ? 0 : id == m_twinLoads[1] ? 1 : -1;
    if (side < 0 || !m_model) return;  // a twin of an earlier model
    m_twinLoads[side] = 0;
    const std::string problem =
        twinProblem(*m_model, *model, side == 0 ? Objective::NextWord : Objective::PreviousWord);
    if (!problem.empty()) {
        m_twinProblems << QString::fromStdString(problem);
        emit twinsChanged(twinProblems());
        return;
    }
    Q_UNUSED(folder);
    m_twins[side] = model;
    emit twinsChanged(twinProblems());
    if (!m_text.isEmpty()) analyzeNow();
}

void AnalysisController::onTwinFailed(quint64 id, const QString& folder, const QString& message) {
    const int side = id == m_twinLoads[0] ? 0 : id == m_twinLoads[1] ? 1 : -1;
    if (side < 0) return;
    m_twinLoads[side] = 0;
    m_twinProblems << tr("the %1 twin in %2 could not be opened: %3")
                          .arg(side == 0 ? tr("left-to-right") : tr("right-to-left"), folder, message);
    emit twinsChanged(twinProblems());
}

void AnalysisController::onLoaded(quint64 id, const QString& folder, const std::shared_ptr<const Model>& model) {
    if (id != m_loadId) return;  // a newer load was asked for meanwhile
    m_loadId = 0;
    setModel(model, folder);
}

void AnalysisController::onLoadFailed(quint64 id, const QString& folder, const QString& message) {
    if (id != m_loadId) return;
    m_loadId = 0;
    emit modelLoadFailed(folder, message);
}

void AnalysisController::setText(const QString& text) {
    if (text == m_text) return;
    std::u32string text32 = text.toStdU32String();
    m_masks.applyEdit(diffTexts(m_text32, text32));
    m_text = text;
    m_text32 = std::move(text32);
    m_debounce.start();
}

bool AnalysisController::toggleMask(int position) {
    if (!m_latest || position < 0 || position >= m_latest->tokenCount()) return false;
    const Analysis& a = m_latest->bidirectional;
    if (position >= static_cast<int>(a.tokens.size())) return false;
    const Token& token = a.tokens[static_cast<size_t>(position)];
    const bool userMasked =
        std::find(m_latest->userMasked.begin(), m_latest->userMasked.end(), position) != m_latest->userMasked.end();
    if (token.added || token.chars.end <= token.chars.start) return false;
    if (!userMasked && (token.text == "[MASK]" || token.text == "[CLS]" || token.text == "[SEP]")) return false;
    // The result may be a few milliseconds older than the text: carry the
    // token's span through the edits made since.
    const std::u32string resultText = QString::fromStdString(m_latest->text).toStdU32String();
    const std::optional<TextSpan> span = mapSpan(token.chars, diffTexts(resultText, m_text32));
    if (!span) return false;
    m_masks.toggle(*span);
    analyzeNow();
    return true;
}

void AnalysisController::clearMasks() {
    m_masks.clear();
    analyzeNow();
}

bool AnalysisController::toggleHeadAblation(int layer, int head) {
    if (!m_model) return false;
    const ModelConfig& c = m_model->config();
    if (layer < 0 || layer >= c.layers || head < 0 || head >= c.heads) return false;
    const auto same = [&](const HeadRef& h) { return h.layer == layer && h.head == head; };
    const auto found = std::find_if(m_ablated.begin(), m_ablated.end(), same);
    if (found != m_ablated.end()) {
        m_ablated.erase(found);
    } else {
        m_ablated.push_back({layer, head});
        std::sort(m_ablated.begin(), m_ablated.end(), [](const HeadRef& a, const HeadRef& b) {
            return a.layer != b.layer ? a.layer < b.layer : a.head < b.head;
        });
    }
    emit ablationChanged();
    analyzeNow();
    return true;
}

void AnalysisController::setAblatedHeads(std::vector<HeadRef> heads) {
    m_ablated = std::move(heads);
    emit ablationChanged();
    if (m_model && !m_text.isEmpty()) analyzeNow();
}

void AnalysisController::restoreAllHeads() {
    if (m_ablated.empty()) return;
    m_ablated.clear();
    emit ablationChanged();
    analyzeNow();
}

void AnalysisController::setSaliencyPosition(int position) {
    if (position == m_saliencyPosition) return;
    m_saliencyPosition = position;
    analyzeNow();
}

void AnalysisController::setPrecision(Precision precision) {
    if (precision == m_precision) return;
    m_precision = precision;
    if (m_model && !m_text.isEmpty()) analyzeNow();
}

void AnalysisController::analyzeNow() {
    m_debounce.stop();
    if (!m_model) return;  // an empty text goes too: the worker says what to type
    AnalysisRequest request;
    request.id = ++m_lastSubmitted;
    request.model = m_model;
    request.modelName = m_modelName;
    request.text = m_text.toStdString();
    request.maskedSpans = m_masks.spans();
    request.ablate = m_ablated;
    request.saliencyPosition = m_saliencyPosition;
    request.precision = m_precision;
    request.leftToRight = m_twins[0];
    request.rightToLeft = m_twins[1];
    request.flow = m_flowWanted;
    m_worker->submit(std::move(request));
}

void AnalysisController::onResult(const AnalysisResultPtr& result) {
    takeOver(m_worker);  // emitted on the worker thread
    if (!result || result->requestId != m_lastSubmitted) {
        ++m_dropped;  // stale: a newer request went out after this one
        return;
    }
    m_latest = result;
    m_latestMeasures = nullptr;
    emit resultReady(result);
}

void AnalysisController::onMeasures(const FlowMeasuresPtr& measures) {
    takeOver(m_worker);
    if (!measures || !m_latest || measures->requestId != m_latest->requestId ||
        measures->requestId != m_lastSubmitted) {
        return;  // for a result that is no longer the latest
    }
    m_latestMeasures = measures;
    emit measuresReady(measures);
}

void AnalysisController::setFlowWanted(bool wanted) {
    if (wanted == m_flowWanted) return;
    m_flowWanted = wanted;
    if (wanted && m_latest && !(m_latestMeasures && m_latestMeasures->flowAsked)) analyzeNow();
}

void AnalysisController::onFailed(quint64 requestId, const QString& message) {
    takeOver(m_worker);
    if (requestId != m_lastSubmitted) return;
    // Nothing of the current text was analysed: an earlier text's result is
    // no longer the latest (toggleMask must not map clicks onto it).
    m_latest = nullptr;
    m_latestMeasures = nullptr;
    emit analysisFailed(message);
}

}  // namespace bertlens::ui
