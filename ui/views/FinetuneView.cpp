#include "FinetuneView.h"

#include "ChangeGrid.h"
#include "FinetuneCurves.h"
#include "FinetuneSource.h"
#include "SafeDisplay.h"

#include "Errors.h"
#include "io/FolderCopy.h"
#include "model/Model.h"
#include "train/FinetuneBatches.h"
#include "train/FinetuneCost.h"
#include "train/TaskTable.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>

#include <cmath>

namespace bertlens::ui {

namespace {

const int kSizes[] = {100, 300, 1000, 3000};

QString durationText(double seconds) {
    if (seconds < 90) return FinetuneView::tr("%1 s").arg(std::max(1.0, std::round(seconds)));
    if (seconds < 5400) return FinetuneView::tr("%1 min").arg(std::round(seconds / 60));
    return FinetuneView::tr("%1 h").arg(seconds / 3600, 0, 'f', 1);
}

// Word pieces per example of the task under this model's tokenizer, from a
// small sample (what the cost estimate needs; cheap enough for the UI thread).
double tokensPerExample(const Model& model, const std::string& task) {
    const train::TaskInfo* info = train::findTask(task);
    if (!info) return 0;
    const train::TaskSplits sample = train::makeTaskSplits(*info, 1, 48, 1);
    const auto encoded = train::encodeExamples(
        sample.train, model.tokenizer(), train::SpecialIds::fromVocab(model.vocab()), model.config().maxPositions);
    double sum = 0;
    for (const auto& e : encoded) sum += double(e.ids.size());
    return encoded.empty() ? 0 : sum / double(encoded.size());
}

}  // namespace

int FinetuneView::epochsFor(int trainExamples) {
    // tools/transfer_table.py's recipe: small sets get more epochs.
    switch (trainExamples) {
        case 100:
            return 20;
        case 300:
            return 10;
        case 1000:
            return 5;
        case 3000:
            return 3;
        default:
            return std::clamp(2000 / std::max(trainExamples, 1), 3, 20);
    }
}

FinetuneView::FinetuneView(QWidget* parent)
    : FigureView(parent),
      m_taskBox(new QComboBox(this)),
      m_sizeBox(new QComboBox(this)),
      m_train(new QPushButton(tr("Train"), this)),
      m_cancel(new QPushButton(tr("Cancel"), this)),
      m_load(new QPushButton(tr("Open the fine-tuned model in the window"), this)),
      m_save(new QPushButton(tr("Save as a Hugging Face folder\u2026"), this)),
      m_progress(new QProgressBar(this)),
      m_status(new QLabel(this)),
      m_message(new QLabel(this)),
      m_curves(new FinetuneCurves),
      m_grid(new ChangeGrid),
      m_theme(Theme::normal()) {
    m_taskBox->setObjectName(QStringLiteral("finetuneTask"));
    for (const train::TaskInfo& t : train::taskTable()) {
        m_taskBox->addItem(QString::fromUtf8(t.name), QString::fromUtf8(t.name));
        m_taskBox->setItemData(m_taskBox->count() - 1, QString::fromUtf8(t.description), Qt::ToolTipRole);
    }
    m_sizeBox->setObjectName(QStringLiteral("finetuneSize"));
    for (int size : kSizes) m_sizeBox->addItem(QLocale().toString(size), size);
    m_train->setObjectName(QStringLiteral("finetuneTrain"));
    m_cancel->setObjectName(QStringLiteral("finetuneCancel"));
    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(false);
    m_progress->setMaximumWidth(220);
    m_status->setWordWrap(true);
    m_message->setWordWrap(true);
    m_message->setTextFormat(Qt::PlainText);
    m_message->setVisible(false);

    auto* controls = new QHBoxLayout;
    auto* taskLabel = new QLabel(tr("Task:"), this);
    auto* sizeLabel = new QLabel(tr("Training examples:"), this);
    m_labels = {taskLabel, sizeLabel};
    controls->addWidget(taskLabel);
    controls->addWidget(m_taskBox);
    controls->addSpacing(12);
    controls->addWidget(sizeLabel);
    controls->addWidget(m_sizeBox);
    controls->addSpacing(12);
    controls->addWidget(m_train);
    controls->addWidget(m_cancel);
    controls->addWidget(m_progress);
    controls->addWidget(m_status, 1);
    auto* after = new QHBoxLayout;
    after->addWidget(m_load);
    after->addWidget(m_save);
    after->addStretch(1);

    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_curves);
    split->addWidget(m_grid);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setChildrenCollapsible(false);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(controls);
    layout->addWidget(m_message);
    layout->addWidget(split, 1);
    layout->addLayout(after);

    connect(m_train, &QPushButton::clicked, this,
            [this] { startTraining(m_taskBox->currentData().toString(), m_sizeBox->currentData().toInt()); });
    connect(m_cancel, &QPushButton::clicked, this, &FinetuneView::cancelTraining);
    connect(m_load, &QPushButton::clicked, this, &FinetuneView::loadIntoWindow);
    connect(m_save, &QPushButton::clicked, this, &FinetuneView::chooseSaveFolder);
    connect(m_taskBox, &QComboBox::currentIndexChanged, this, &FinetuneView::updateControls);
    connect(m_sizeBox, &QComboBox::currentIndexChanged, this, &FinetuneView::updateControls);
    connect(&m_job, &FinetuneJob::progressed, this, [this](quint64, const FinetuneLive& l) { onProgress(l); });
    connect(&m_job, &FinetuneJob::finished, this, [this](quint64, const FinetuneOutcomePtr& o) { onFinished(o); });
    connect(&m_job, &FinetuneJob::failed, this, [this](quint64, const QString& text) {
        m_request.model = nullptr;
        setMessage(tr("Fine-tuning failed: %1").arg(text), true);
        updateControls();
    });
    connect(&m_mapJob, &FinetuneJob::finished, this,
            [this](quint64, const FinetuneOutcomePtr& o) { m_grid->setChange(o->change, m_mapSentence); });
    connect(&m_mapJob, &FinetuneJob::failed, this, [this](quint64, const QString& text) {
        m_grid->setPlaceholder(tr("No map for this sentence: %1").arg(text));
    });
    updateControls();
}

FinetuneView::~FinetuneView() = default;

void FinetuneView::setSource(FinetuneSource* source) {
    m_source = source;
    if (source) {
        connect(source, &FinetuneSource::modelChanged, this, [this] {
            if (m_job.isBusy()) {
                m_job.cancel();
                m_request.model = nullptr;
                setMessage(tr("The window's model changed, so fine-tuning stopped: nothing was saved. Press Train "
                              "to fine-tune the model now open."),
                           true);
            }
            updateControls();
        });
    }
    updateControls();
}

void FinetuneView::setBudget(int epochs, int heldOutExamples) {
    m_epochs = epochs;
    m_heldOut = heldOutExamples;
    updateControls();
}

void FinetuneView::setResult(const AnalysisResultPtr& result) {
    m_result = result;
    if (m_outcome && !m_job.isBusy()) requestMap();
    updateControls();
}

void FinetuneView::setTheme(const Theme& theme) {
    m_theme = theme;
    const QFont body = theme.font(10);
    for (QWidget* w :
         std::initializer_list<QWidget*>{m_taskBox, m_sizeBox, m_train, m_cancel, m_load, m_save, m_status})
        w->setFont(body);
    for (QLabel* l : m_labels) l->setFont(body);
    m_message->setFont(theme.font(10.5, true));
    m_curves->setTheme(theme);
    m_grid->setTheme(theme);
}

QString FinetuneView::sentenceText() const {
    return m_result ? safeDisplayQuote(QString::fromStdString(m_result->text), 90).remove(QLatin1Char('"')) : QString();
}

double FinetuneView::estimatedSeconds(const QString& task, int trainExamples) const {
    const std::shared_ptr<const Model> model = m_source ? m_source->model() : nullptr;
    if (!model) return 0;
    train::FinetuneRecipeSize size{trainExamples, m_epochs > 0 ? m_epochs : epochsFor(trainExamples),
                                   m_heldOut > 0 ? m_heldOut : 500, 32};
    return 2.0 *
           train::estimateFinetuneCost(model->config(), size, tokensPerExample(*model, task.toStdString())).seconds;
}

QString FinetuneView::refusal(const QString& task, int trainExamples) const {
    if (!m_source) return tr("Fine-tuning uses the window's model: open this view in BertLens.");
    const std::shared_ptr<const Model> model = m_source->model();
    if (!model) return tr("No model is loaded: open a BERT first (File > Open model).");
    if (m_source->isLoading()) return tr("A model is loading: wait until it is open, then press Train.");
    const ModelConfig& c = model->config();
    if (c.layers < 1 || c.heads < 1)
        return tr("%1 has no encoder layers to fine-tune.").arg(safeDisplay(m_source->modelName()));
    if (c.objective != Objective::MaskedLm) {
        return tr("%1 reads in one direction (%2): the classifier reads the whole text at once, so fine-tune a "
                  "bidirectional BERT.")
            .arg(safeDisplay(m_source->modelName()), QString::fromUtf8(objectiveName(c.objective)));
    }
    if (!train::findTask(task.toStdString())) return tr("There is no task \"%1\".").arg(safeDisplay(task));
    const double seconds = estimatedSeconds(task, trainExamples);
    if (seconds > kMaxSeconds) {
        return tr("Fine-tuning %1 on %2 examples would take about %3 here for the two runs (estimated from its size "
                  "at one core's pace); this view stops at %4. Choose fewer examples, a smaller model, or run "
                  "bertlens-cli finetune in a terminal.")
            .arg(safeDisplay(m_source->modelName()), QLocale().toString(trainExamples), durationText(seconds),
                 durationText(kMaxSeconds));
    }
    return QString();
}

QString FinetuneView::estimateText() const {
    if (!m_source || !m_source->model()) return QString();
    const int size = m_sizeBox->currentData().toInt();
    const double seconds = estimatedSeconds(m_taskBox->currentData().toString(), size);
    return tr("%1 epochs; both runs about %2 (estimate)")
        .arg(m_epochs > 0 ? m_epochs : epochsFor(size))
        .arg(durationText(seconds));
}

void FinetuneView::updateControls() {
    const bool busy = m_job.isBusy();
    m_train->setEnabled(!busy && m_source && m_source->model());
    m_cancel->setEnabled(busy);
    m_taskBox->setEnabled(!busy);
    m_sizeBox->setEnabled(!busy);
    m_progress->setVisible(busy);
    m_load->setEnabled(!busy && m_outcome != nullptr);
    m_save->setEnabled(!busy && m_outcome != nullptr);
    if (!busy && !m_outcome) m_status->setText(estimateText());
}

void FinetuneView::setMessage(const QString& text, bool error) {
    m_message->setText(text);
    m_message->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QStringLiteral("color: #1b5e20;"));
    m_message->setVisible(!text.isEmpty());
}

QString FinetuneView::message() const {
    return m_message->isVisible() ? m_message->text() : QString();
}

QString FinetuneView::status() const {
    return m_status->text();
}

bool FinetuneView::startTraining(const QString& task, int trainExamples) {
    if (m_job.isBusy()) {
        setMessage(tr("A fine-tuning run is in progress: wait for it or press Cancel."), true);
        return false;
    }
    if (const QString why = refusal(task, trainExamples); !why.isEmpty()) {
        setMessage(why, true);
        return false;
    }
    m_taskBox->setCurrentIndex(std::max(0, m_taskBox->findData(task)));
    if (const int i = m_sizeBox->findData(trainExamples); i >= 0) m_sizeBox->setCurrentIndex(i);
    FinetuneRequest r;
    r.model = m_source->model();
    r.modelName = m_source->modelName();
    r.task = task.toStdString();
    r.trainExamples = trainExamples;
    r.epochs = m_epochs > 0 ? m_epochs : epochsFor(trainExamples);
    r.heldOutExamples = m_heldOut > 0 ? m_heldOut : 500;
    r.stagingRoot = m_stagingRoot;
    // The map's sentence: the one shown, if the window's model ran it.
    if (m_result && m_result->model.lock() == r.model) {
        r.ids = m_result->bidirectional.ids;
        r.typeIds = m_result->bidirectional.typeIds;
        m_mapSentence = sentenceText();
    }
    m_request = r;
    if (m_outcome && m_outcome->staging) m_kept.push_back(m_outcome->staging);  // it may be open in the window
    m_outcome = nullptr;
    m_pretrained = nullptr;
    m_mapJob.cancel();
    m_curves->clear();
    m_curves->setNames(tr("pretrained"), tr("from scratch"));
    m_curves->setSteps(train::stepsPerEpoch(size_t(trainExamples), r.batchSize) * r.epochs);
    m_grid->setPlaceholder(tr("The map of what changed comes when both runs are done."));
    setMessage(QString(), false);
    m_progress->setValue(0);
    m_status->setText(tr("Starting\u2026"));
    m_job.start([r](const std::atomic<bool>& cancel, const FinetuneJob::Report& report) {
        return runFinetunePair(r, cancel, report);
    });
    updateControls();
    return true;
}

void FinetuneView::cancelTraining() {
    if (!m_job.isBusy()) return;
    m_job.cancel();
    m_request.model = nullptr;
    setMessage(tr("Stopped: nothing was saved, and the window's model is as it was."), false);
    m_status->setText(QString());
    m_grid->setPlaceholder(tr("Stopped before the end: no map."));
    updateControls();
}

void FinetuneView::onProgress(const FinetuneLive& live) {
    using Kind = train::FinetuneProgress::Kind;
    const train::FinetuneProgress& p = live.progress;
    const bool scratch = live.arm == FinetuneArm::FromScratch;
    if (p.kind == Kind::Step) {
        m_curves->addTrainLoss(live.arm, p.step, p.loss);
    } else if (p.kind == Kind::Evaluation) {
        m_curves->addHeldOut(live.arm, p.step, p.heldOutLoss, p.heldOutAccuracy);
        if (scratch) emit scratchEvaluated();
    } else {
        return;
    }
    if (p.steps > 0) {
        m_curves->setSteps(p.steps);
        m_progress->setValue(int(1000.0 * (double(p.step) + (scratch ? double(p.steps) : 0.0)) / (2.0 * p.steps)));
    }
    const QString arm = scratch ? tr("From scratch") : tr("Pretrained");
    m_status->setText(p.kind == Kind::Step ? tr("%1: step %2 of %3 \u00b7 loss %4 \u00b7 %5 examples/s \u00b7 %6 left")
                                                 .arg(arm)
                                                 .arg(p.step)
                                                 .arg(p.steps)
                                                 .arg(p.loss, 0, 'f', 3)
                                                 .arg(std::round(p.examplesPerSecond))
                                                 .arg(durationText(p.remainingSeconds))
                                           : tr("%1: epoch %2 \u00b7 held-out accuracy %3 %")
                                                 .arg(arm)
                                                 .arg(p.epoch)
                                                 .arg(100.0 * p.heldOutAccuracy, 0, 'f', 1));
}

void FinetuneView::onFinished(const FinetuneOutcomePtr& outcome) {
    m_outcome = outcome;
    m_pretrained = m_request.model;
    m_request.model = nullptr;
    m_mapIds = m_request.ids;
    if (m_mapIds.empty()) {
        m_grid->setPlaceholder(tr("No sentence was shown when training began: type one to see the map."));
    } else {
        m_grid->setChange(outcome->change, m_mapSentence);
    }
    const auto& pre = outcome->results[0];
    const auto& scratch = outcome->results[1];
    m_status->setText(tr("Done: held-out accuracy %1 % pretrained (%2), %3 % from scratch (%4 and %5)")
                          .arg(100.0 * pre.heldOutAccuracy, 0, 'f', 1)
                          .arg(safeDisplay(m_request.modelName))
                          .arg(100.0 * scratch.heldOutAccuracy, 0, 'f', 1)
                          .arg(durationText(outcome->seconds[0]), durationText(outcome->seconds[1])));
    updateControls();
    requestMap();  // the sentence may have changed while it trained
    emit trainingFinished();
}

void FinetuneView::requestMap() {
    if (!m_outcome || !m_pretrained || !m_result) return;
    const std::shared_ptr<const Model> ran = m_result->model.lock();
    // Only a text the two models can read the same way: one run by either of
    // them (the fine-tuned model has the pretrained one's vocabulary).
    if (!ran || (ran->folder() != m_pretrained->folder() && ran->folder() != m_outcome->folder.toStdString())) return;
    if (m_result->bidirectional.ids == m_mapIds) return;
    m_mapIds = m_result->bidirectional.ids;
    m_mapSentence = sentenceText();
    const std::shared_ptr<const Model> before = m_pretrained, after = m_outcome->finetuned;
    const std::vector<int32_t> ids = m_mapIds, types = m_result->bidirectional.typeIds;
    m_mapJob.start([before, after, ids, types](const std::atomic<bool>& cancel, const FinetuneJob::Report&) {
        FinetuneOutcome o;
        o.change = changeForSentence(before, after, ids, types, &cancel);
        return o;
    });
}

bool FinetuneView::loadIntoWindow() {
    if (!m_outcome || !m_source) return false;
    m_kept.push_back(m_outcome->staging);  // the window reads it until BertLens closes
    m_source->openInWindow(m_outcome->folder);
    setMessage(tr("Opening the fine-tuned model: the classifier line above the views gives its verdict on the "
                  "sentence. It is in a temporary folder until BertLens closes; Save keeps it."),
               false);
    return true;
}

bool FinetuneView::saveTo(const QString& folder) {
    if (!m_outcome) {
        setMessage(tr("Nothing to save yet: train a model first."), true);
        return false;
    }
    try {
        copyFolderAtomically(m_outcome->folder.toStdString(), folder.toStdString());
    } catch (const std::exception& e) {
        setMessage(tr("Not saved: %1").arg(safeDisplay(e.what())), true);
        return false;
    }
    setMessage(tr("Saved the fine-tuned model (BertForSequenceClassification) to %1.")
                   .arg(safeDisplay(QDir::toNativeSeparators(folder))),
               false);
    return true;
}

void FinetuneView::chooseSaveFolder() {
    if (!m_outcome) return;
    const QString name = QFileInfo(m_outcome->folder).fileName();
    const QString folder = QFileDialog::getSaveFileName(this, tr("Save the fine-tuned model as a new folder"),
                                                        QDir::home().filePath(name));
    if (!folder.isEmpty()) saveTo(folder);
}

void FinetuneView::paintFigure(QPainter& painter, const QRectF& rect) {
    painter.save();
    painter.fillRect(rect, m_theme.background);
    const bool anything =
        m_outcome || !m_curves->points(FinetuneCurves::Series::TrainLoss, FinetuneArm::Pretrained).isEmpty();
    if (!anything) {
        painter.setPen(m_theme.foreground);
        painter.setFont(m_theme.font(12));
        painter.drawText(rect.adjusted(20, 20, -20, -20), Qt::AlignCenter | Qt::TextWordWrap,
                         tr("No fine-tuning run yet. In the Fine-tune view choose a task and a training size and "
                            "press Train: the pretrained model and the same architecture from random weights are "
                            "trained with the same budget, and this figure shows their curves and what changed."));
        painter.restore();
        return;
    }
    const double split =
        m_curves->stackedAt(rect.width()) ? m_curves->stackedHeight(rect.width()) : rect.height() * 0.52;
    m_curves->paint(painter, QRectF(rect.left(), rect.top(), rect.width(), split));
    m_grid->paint(painter, QRectF(rect.left(), rect.top() + split, rect.width(), rect.height() - split));
    painter.restore();
}

double FinetuneView::figureHeightForWidth(double width) const {
    if (!m_curves->stackedAt(width)) return FigureView::figureHeightForWidth(width);
    return m_curves->stackedHeight(width) + m_grid->heightForWidth(width);
}

}  // namespace bertlens::ui
