#include "TrainingView.h"

#include "LossCurve.h"
#include "ModelView.h"
#include "PredictionChart.h"
#include "PredictionsView.h"
#include "SafeDisplay.h"

#include "Errors.h"
#include "train/SnapshotSeries.h"

#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QShortcut>
#include <QSlider>
#include <QStackedWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

namespace bertlens::ui {

namespace {

constexpr int kPlayIntervalMs = 900;

QLabel* wrappingLabel(QWidget* parent) {
    auto* label = new QLabel(parent);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

}  // namespace

TrainingView::TrainingView(QWidget* parent)
    : FigureView(parent),
      m_pages(new QStackedWidget(this)),
      m_emptyText(wrappingLabel(this)),
      m_emptyOpen(new QPushButton(tr("Open snapshot series…"), this)),
      m_openButton(new QPushButton(tr("Open…"), this)),
      m_playButton(new QPushButton(tr("Play"), this)),
      m_emptyLive(new QPushButton(tr("Pretrain a small model live"), this)),
      m_liveButton(new QPushButton(tr("Pretrain a small model live"), this)),
      m_stopButton(new QPushButton(tr("Stop"), this)),
      m_saveButton(new QPushButton(tr("Save series as…"), this)),
      m_liveLabel(wrappingLabel(this)),
      m_liveRow(new QWidget(this)),
      m_curveTimer(new QTimer(this)),
      m_slider(new QSlider(Qt::Horizontal, this)),
      m_stepLabel(new QLabel(this)),
      m_message(wrappingLabel(this)),
      m_seriesLabel(wrappingLabel(this)),
      m_grid(new ModelView(this)),
      m_chart(new PredictionChart(this)),
      m_curve(new LossCurve(this)),
      m_timer(new QTimer(this)),
      m_theme(Theme::normal()) {
    // Page 0: no series yet, what to do.
    auto* empty = new QWidget(m_pages);
    auto* emptyLayout = new QVBoxLayout(empty);
    emptyLayout->addStretch(1);
    m_emptyText->setParent(empty);
    m_emptyText->setAlignment(Qt::AlignCenter);
    m_emptyText->setText(
        tr("Watch heads form: open the snapshots of a pretraining run, made with\n"
           "bertlens-cli train --snapshot-every N --snapshots DIR,\n"
           "then move the step slider or press Play to see the sentence's attention and predictions "
           "at each step.\n\n"
           "Or pretrain a small model (2 layers, 2 heads) here and watch its heads form as it learns "
           "(a few minutes)."));
    emptyLayout->addWidget(m_emptyText);
    auto* emptyButtons = new QHBoxLayout;
    emptyButtons->addStretch(1);
    for (QPushButton* b : {m_emptyOpen, m_emptyLive}) {
        b->setParent(empty);
        emptyButtons->addWidget(b);
    }
    emptyButtons->addStretch(1);
    emptyLayout->addLayout(emptyButtons);
    emptyLayout->addStretch(2);

    // Page 1: the controls over the grid, the predictions and the curve.
    auto* shown = new QWidget(m_pages);
    auto* shownLayout = new QVBoxLayout(shown);
    shownLayout->setContentsMargins(4, 4, 4, 4);
    auto* bar = new QHBoxLayout;
    bar->addWidget(m_openButton);
    bar->addWidget(m_playButton);
    m_slider->setMinimum(0);
    m_slider->setPageStep(1);
    m_slider->setTickPosition(QSlider::TicksBelow);
    m_slider->setAccessibleName(tr("Training step"));
    bar->addWidget(m_slider, 1);
    bar->addWidget(m_stepLabel);
    shownLayout->addLayout(bar);
    shownLayout->addWidget(m_seriesLabel);
    shownLayout->addWidget(m_message);
    auto* body = new QHBoxLayout;
    body->addWidget(m_grid, 3);
    auto* right = new QVBoxLayout;
    right->addWidget(m_chart, 3);
    right->addWidget(m_curve, 2);
    body->addLayout(right, 2);
    shownLayout->addLayout(body, 1);
    for (QWidget* w : {static_cast<QWidget*>(m_openButton), static_cast<QWidget*>(m_playButton),
                       static_cast<QWidget*>(m_slider), static_cast<QWidget*>(m_stepLabel),
                       static_cast<QWidget*>(m_seriesLabel), static_cast<QWidget*>(m_message),
                       static_cast<QWidget*>(m_grid), static_cast<QWidget*>(m_chart),
                       static_cast<QWidget*>(m_curve)})
        w->setParent(shown);
    m_pages->addWidget(empty);
    m_pages->addWidget(shown);
    // The live run's row, over both pages: its Stop and progress show
    // while the corpus is made, before there is a series to show.
    auto* liveLayout = new QHBoxLayout(m_liveRow);
    liveLayout->setContentsMargins(4, 4, 4, 0);
    for (QWidget* w : {static_cast<QWidget*>(m_liveButton), static_cast<QWidget*>(m_stopButton),
                       static_cast<QWidget*>(m_saveButton)}) {
        w->setParent(m_liveRow);
        liveLayout->addWidget(w);
    }
    m_liveLabel->setParent(m_liveRow);
    liveLayout->addWidget(m_liveLabel, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_liveRow);
    layout->addWidget(m_pages, 1);
    m_labels = {m_emptyText, m_stepLabel, m_message, m_seriesLabel, m_liveLabel};
    m_message->hide();
    m_liveLabel->hide();

    connect(m_emptyOpen, &QPushButton::clicked, this, &TrainingView::chooseSeries);
    connect(m_openButton, &QPushButton::clicked, this, &TrainingView::chooseSeries);
    connect(m_playButton, &QPushButton::clicked, this, &TrainingView::togglePlay);
    connect(m_slider, &QSlider::valueChanged, this, &TrainingView::setStepIndex);
    connect(m_timer, &QTimer::timeout, this, &TrainingView::onTick);
    connect(&m_job, &TrainingJob::ready, this, &TrainingView::onReady);
    connect(&m_job, &TrainingJob::failed, this, &TrainingView::onFailed);
    connect(m_grid, &FigureView::selectionRequested, this, &FigureView::selectionRequested);
    m_timer->setInterval(kPlayIntervalMs);
    connectLive();

    const auto key = [this](QKeySequence sequence, auto slot) {
        auto* shortcut = new QShortcut(sequence, this);
        shortcut->setContext(Qt::WidgetWithChildrenShortcut);
        connect(shortcut, &QShortcut::activated, this, slot);
    };
    key(QKeySequence(Qt::Key_Left), [this] { setStepIndex(m_index - 1); });
    key(QKeySequence(Qt::Key_Right), [this] { setStepIndex(m_index + 1); });
    key(QKeySequence(Qt::Key_Space), [this] { togglePlay(); });
    setTheme(m_theme);
}

TrainingView::~TrainingView() = default;

bool TrainingView::openSeries(const QString& folder, qint64 step) {
    SeriesPtr series;
    try {
        series = std::make_shared<const train::SnapshotSeries>(train::SnapshotSeries::open(folder.toStdString()));
    } catch (const std::exception& e) {
        setMessage(tr("This snapshot series cannot be opened: %1").arg(safeDisplay(e.what())));
        return false;
    }
    // A live run stops (its folder keeps a complete series) and is no longer shown.
    if (m_live.isRunning()) m_live.cancel();
    m_showsLive = false;
    m_liveLabel->hide();
    updateLiveControls();
    showSeries(std::move(series), step);
    return true;
}

void TrainingView::showSeries(SeriesPtr series, qint64 step) {
    pause();
    m_job.cancel();
    m_series = std::move(series);
    m_cache.clear();
    m_failures.clear();
    m_shown.reset();
    setMessage(QString());
    const auto& snapshots = m_series->snapshots();
    int index = 0;
    if (step >= 0) {
        for (size_t i = 0; i < snapshots.size(); ++i) {
            if (snapshots[i].step <= step) index = int(i);
        }
    }
    updateSeriesLabel();
    if (m_showsLive) {
        // The axis spans the steps planned: the curve grows across it.
        m_curve->setLoss(m_liveLoss, m_livePlanned);
    } else {
        // The axis spans the steps done: a run still going fills the plot, the
        // label above says how far it is planned.
        m_curve->setLoss(m_series->contents().loss, m_series->contents().stepsDone);
    }
    m_pages->setCurrentIndex(1);
    updateLiveControls();
    m_index = -1;
    {
        const QSignalBlocker blocker(m_slider);
        m_slider->setMaximum(int(snapshots.size()) - 1);
        m_slider->setValue(index);
    }
    setStepIndex(index);
}

void TrainingView::updateSeriesLabel() {
    const train::SeriesContents& c = m_series->contents();
    m_seriesLabel->setText(tr("%1: %2 snapshots, one every %3 steps; %4 of %5 steps done. Folder: %6")
                               .arg(safeDisplay(c.model))
                               .arg(c.snapshots.size())
                               .arg(c.snapshotEvery)
                               .arg(c.stepsDone)
                               .arg(c.steps)
                               .arg(safeDisplay(m_series->folder().string())));
}

void TrainingView::chooseSeries() {
    const QString folder = QFileDialog::getExistingDirectory(
        this, tr("Open snapshot series (the folder holding series.json)"),
        m_series ? QString::fromStdString(m_series->folder().string()) : QString());
    if (!folder.isEmpty() && askToStopLive()) openSeries(folder);
}

int TrainingView::stepCount() const { return m_series ? int(m_series->snapshots().size()) : 0; }

void TrainingView::setStepIndex(int index) {
    if (!m_series) return;
    index = std::clamp(index, 0, stepCount() - 1);
    if (index == m_index) return;
    m_index = index;
    if (m_slider->value() != index) {
        const QSignalBlocker blocker(m_slider);
        m_slider->setValue(index);
    }
    showStep();
}

void TrainingView::showStep() {
    updateStepLabel();
    m_curve->setMarker(m_series->snapshots()[size_t(m_index)].step);
    const auto failed = m_failures.find(m_index);
    if (failed != m_failures.end()) {
        m_shown.reset();
        setMessage(failed->second);
        m_grid->setResult(nullptr);
        updatePredictions();
        emit stepFailed(m_index);
        return;
    }
    const auto cached = m_cache.find(m_index);
    if (cached != m_cache.end()) {
        m_shown = cached->second;
        setMessage(QString());
        m_grid->setResult(m_shown);
        updatePredictions();
        emit stepShown(m_index);
        return;
    }
    // Until the worker answers, the previous step's maps stay in sight
    // (the label above names the step being computed); a failure shown
    // was that step's, not this one's.
    m_shown.reset();
    setMessage(QString());
    request();
}

void TrainingView::request() {
    if (!m_series || m_index < 0) return;
    if (m_text.empty()) {
        m_shown.reset();
        m_grid->setResult(nullptr);
        updatePredictions();
        return;
    }
    m_job.request(m_series, m_index, m_text);
    updateStepLabel();
}

void TrainingView::onReady(quint64 generation, int index, const AnalysisResultPtr& result) {
    Q_UNUSED(generation);
    m_cache[index] = result;
    if (index == m_index) showStep();
}

void TrainingView::onFailed(quint64 generation, int index, const QString& text) {
    Q_UNUSED(generation);
    m_failures[index] = tr("Step %1 cannot be shown: %2").arg(m_series->snapshots()[size_t(index)].step).arg(text);
    if (index == m_index) {
        pause();
        showStep();
    }
}

void TrainingView::setResult(const AnalysisResultPtr& result) {
    const std::string text = result ? result->text : std::string();
    if (text == m_text) return;
    m_text = text;
    m_cache.clear();
    m_failures.clear();  // a step that does not load says so again
    if (!m_series) return;
    m_job.cancel();
    if (m_text.empty()) {
        m_shown.reset();
        m_grid->setResult(nullptr);
        updatePredictions();
        return;
    }
    const int index = m_index;
    m_index = -1;
    setStepIndex(index);
}

void TrainingView::setSelection(const Selection& selection) {
    m_selection = selection;
    m_grid->setSelection(selection);
    updatePredictions();
}

void TrainingView::updatePredictions() {
    const Analysis* a = m_shown ? &m_shown->analysis(m_selection.maskMode) : nullptr;
    m_chart->setTitle(m_series && m_index >= 0
                          ? tr("Masked-word predictions at step %1").arg(m_series->snapshots()[size_t(m_index)].step)
                          : tr("Masked-word predictions"));
    QString message = predictionsMessage(m_shown.get(), a);
    if (m_text.empty()) message = tr("No sentence: type one in the box above to see each step's predictions.");
    if (!message.isEmpty()) {
        m_chart->setMessage(message);
    } else {
        m_chart->setPanels(predictionPanels(*m_shown, *a), 1);
    }
}

double TrainingView::lossAt(int index) const {
    if (!m_series || index < 0 || index >= stepCount()) return std::numeric_limits<double>::quiet_NaN();
    const int64_t step = m_series->snapshots()[size_t(index)].step;
    const std::vector<double>& loss = m_series->loss();
    if (step < 1 || size_t(step) > loss.size()) return std::numeric_limits<double>::quiet_NaN();
    return loss[size_t(step - 1)];
}

QString TrainingView::stepText() const { return m_stepLabel->text(); }

QString TrainingView::message() const { return m_message->isHidden() ? QString() : m_message->text(); }

void TrainingView::updateStepLabel() {
    if (!m_series || m_index < 0) {
        m_stepLabel->clear();
        return;
    }
    const int64_t step = m_series->snapshots()[size_t(m_index)].step;
    const double loss = lossAt(m_index);
    QString lossText;
    if (step == 0) {
        lossText = tr("before the first update");
    } else if (std::isnan(loss)) {
        lossText = tr("loss not a number (the run diverged)");
    } else {
        lossText = tr("loss %1").arg(loss, 0, 'f', 3);
    }
    QString text = tr("Step %1 of %2 · %3").arg(step).arg(m_series->contents().steps).arg(lossText);
    if (m_job.isBusy() && !m_cache.count(m_index)) text += tr(" · loading…");
    m_stepLabel->setText(text);
}

void TrainingView::play() {
    if (!m_series || stepCount() < 2) return;
    if (m_index >= stepCount() - 1) setStepIndex(0);  // Play at the end starts again
    m_timer->start();
    updatePlayButton();
}

void TrainingView::pause() {
    m_timer->stop();
    updatePlayButton();
}

bool TrainingView::isPlaying() const { return m_timer->isActive(); }

void TrainingView::setPlayInterval(int ms) { m_timer->setInterval(std::max(ms, 1)); }

void TrainingView::togglePlay() {
    if (isPlaying()) {
        pause();
    } else {
        play();
    }
}

void TrainingView::onTick() {
    if (!m_series) return pause();
    // Each step waits for its result: playing never skips a snapshot.
    if (!m_text.empty() && !m_cache.count(m_index) && !m_failures.count(m_index)) return;
    if (m_index >= stepCount() - 1) {
        pause();
        emit playbackEnded();
        return;
    }
    setStepIndex(m_index + 1);
}

void TrainingView::updatePlayButton() { m_playButton->setText(isPlaying() ? tr("Pause") : tr("Play")); }

void TrainingView::setMessage(const QString& text) {
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
    if (!m_series && !text.isEmpty()) {
        // No series to show it beside: the empty page says it.
        m_emptyText->setText(text + tr("\n\nOpen another series folder (the one holding series.json)."));
    }
}

void TrainingView::setTheme(const Theme& theme) {
    m_theme = theme;
    const QFont font = theme.font(10);
    for (QLabel* label : m_labels) label->setFont(font);
    m_stepLabel->setFont(theme.font(12, true));
    m_emptyText->setFont(theme.font(12));
    for (QPushButton* b :
         {m_emptyOpen, m_openButton, m_playButton, m_emptyLive, m_liveButton, m_stopButton, m_saveButton})
        b->setFont(font);
    m_message->setStyleSheet(QStringLiteral("color: %1").arg(theme.negative.name()));
    m_grid->setTheme(theme);
    m_chart->setTheme(theme);
    m_curve->setTheme(theme);
}

QSizeF TrainingView::figureSize() const {
    const QSizeF grid = m_grid->figureSize();
    const double scale = m_theme.fontScale;
    return QSizeF(grid.width() + 480.0 * scale, std::max(grid.height(), 620.0 * scale) + 30.0 * scale);
}

void TrainingView::paintFigure(QPainter& painter, const QRectF& rect) {
    painter.save();
    painter.fillRect(rect, m_theme.background);
    painter.setPen(m_theme.foreground);
    const double scale = m_theme.fontScale;
    const double top = 30.0 * scale;
    painter.setFont(m_theme.font(12, true));
    if (!m_series) {
        // The empty page as a figure: a frame round what to do.
        const QRectF frame = rect.adjusted(12 * scale, 12 * scale, -12 * scale, -12 * scale);
        painter.setPen(QPen(m_theme.foreground, 1.0 * scale, Qt::DashLine));
        painter.drawRoundedRect(frame, 8 * scale, 8 * scale);
        painter.setPen(m_theme.foreground);
        painter.drawText(frame.adjusted(24 * scale, 24 * scale, -24 * scale, -24 * scale),
                         Qt::AlignCenter | Qt::TextWordWrap,
                         tr("No snapshot series is open.\n\n%1").arg(m_emptyText->text()));
        painter.restore();
        return;
    }
    painter.drawText(QRectF(rect.left(), rect.top(), rect.width(), top), Qt::AlignLeft | Qt::AlignVCenter,
                     stepText());
    const double rightWidth = std::min(480.0 * scale, rect.width() * 0.45);
    const QRectF left(rect.left(), rect.top() + top, rect.width() - rightWidth, rect.height() - top);
    const QRectF right(left.right(), left.top(), rightWidth, left.height());
    if (m_shown) {
        m_grid->paintFigure(painter, left);
    } else {
        painter.setFont(m_theme.font(11));
        painter.drawText(left, Qt::AlignCenter | Qt::TextWordWrap,
                         message().isEmpty() ? tr("No sentence analysed at this step.") : message());
    }
    m_chart->render(painter, QRectF(right.left(), right.top(), right.width(), right.height() * 0.6));
    m_curve->render(painter, QRectF(right.left(), right.top() + right.height() * 0.6, right.width(),
                                    right.height() * 0.4));
    painter.restore();
}

}  // namespace bertlens::ui
