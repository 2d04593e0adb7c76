// TrainingView's live pretraining (the rest is in TrainingView.cpp): start
// and stop, the series growing with each snapshot, the loss curve growing
// with each step, and Save series as….
#include "TrainingView.h"

#include "LossCurve.h"
#include "SafeDisplay.h"

#include "train/SnapshotSeries.h"

#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSlider>
#include <QTemporaryDir>
#include <QTimer>

#include <cmath>
#include <filesystem>

namespace fs = std::filesystem;

namespace bertlens::ui {

namespace {

// A redraw of the live curve at most this often, however fast the steps come.
constexpr int kCurveRedrawMs = 150;

QString durationText(double seconds) {
    const auto s = static_cast<long long>(std::llround(std::max(seconds, 0.0)));
    if (s < 60) return QObject::tr("%1 s").arg(s);
    return QObject::tr("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

// Why folder cannot take files (made when missing), or "" when it can.
QString unwritableReason(const QString& folder) {
    if (!QDir().mkpath(folder)) return QObject::tr("the folder cannot be made");
    QFile probe(QDir(folder).filePath(QStringLiteral(".bertlens-write-test")));
    if (!probe.open(QIODevice::WriteOnly)) return probe.errorString();
    probe.close();
    probe.remove();
    return QString();
}

}  // namespace

void TrainingView::connectLive() {
    connect(m_emptyLive, &QPushButton::clicked, this, [this] { startLivePretraining(); });
    connect(m_liveButton, &QPushButton::clicked, this, [this] { startLivePretraining(); });
    connect(m_stopButton, &QPushButton::clicked, this, &TrainingView::stopLivePretraining);
    connect(m_saveButton, &QPushButton::clicked, this, &TrainingView::chooseSaveSeries);
    connect(&m_live, &LivePretrainJob::stepDone, this, &TrainingView::onLiveStep);
    connect(&m_live, &LivePretrainJob::snapshotReady, this, &TrainingView::onLiveSnapshot);
    connect(&m_live, &LivePretrainJob::ended, this, &TrainingView::onLiveEnded);
    connect(&m_live, &LivePretrainJob::failed, this, &TrainingView::onLiveFailed);
    m_curveTimer->setSingleShot(true);
    m_curveTimer->setInterval(kCurveRedrawMs);
    connect(m_curveTimer, &QTimer::timeout, this, [this] {
        if (m_showsLive) m_curve->setLoss(m_liveLoss, m_livePlanned);
    });
    m_stopButton->setToolTip(tr("Stop the pretraining: the snapshots written so far stay a complete series"));
    m_liveButton->setToolTip(tr("Pretrain a fresh 2-layer, 2-head model here and watch its heads form"));
    updateLiveControls();
}

bool TrainingView::startLivePretraining() {
    QTemporaryDir dir(QDir::temp().filePath(QStringLiteral("bertlens-live-XXXXXX")));
    if (!dir.isValid()) {
        setMessage(tr("The live pretraining cannot start: no folder can be made in %1 (%2).")
                       .arg(safeDisplay(QDir::tempPath()), safeDisplay(dir.errorString())));
        return false;
    }
    dir.setAutoRemove(false);  // the user's series: kept, and the label says where
    return startLivePretraining(livePretrainRecipe(), dir.path());
}

bool TrainingView::startLivePretraining(train::TrainOptions recipe, const QString& folder) {
    if (m_live.isRunning()) {
        setMessage(tr("A model is already pretraining live: stop it first."));
        return false;
    }
    const QString why = unwritableReason(folder);
    if (!why.isEmpty()) {
        setMessage(tr("The live pretraining cannot start: %1 cannot be written (%2). Choose a folder you can "
                      "write to.")
                       .arg(safeDisplay(folder), safeDisplay(why)));
        return false;
    }
    pause();
    setMessage(QString());
    m_liveLoss.clear();
    m_livePlanned = recipe.steps;
    m_liveStep = LiveStep{};
    m_liveStep.steps = recipe.steps;
    m_liveAdopted = false;
    m_liveEnd.clear();
    m_liveSaved.clear();
    m_liveModel =
        tr("%1 layers × %2 heads, hidden %3").arg(recipe.model.layers).arg(recipe.model.heads).arg(recipe.model.hidden);
    m_live.start(std::move(recipe), folder);
    updateLiveControls();
    return true;
}

void TrainingView::stopLivePretraining() {
    m_live.stop();
    updateLiveControls();
}

bool TrainingView::askToStopLive() {
    if (!m_live.isRunning()) return true;
    const auto answer = QMessageBox::question(
        this, tr("Stop the live pretraining?"),
        tr("A small model is pretraining live. Opening another series stops it; the snapshots written so far "
           "stay in %1.")
            .arg(safeDisplay(m_live.seriesFolder())));
    return answer == QMessageBox::Yes;
}

void TrainingView::onLiveStep(quint64 generation, const LiveStep& step) {
    Q_UNUSED(generation);
    m_liveStep = step;
    if (step.step == qint64(m_liveLoss.size()) + 1) m_liveLoss.push_back(step.loss);
    if (m_showsLive && !m_curveTimer->isActive()) m_curveTimer->start();
    updateLiveControls();
}

void TrainingView::onLiveSnapshot(quint64 generation, const SeriesPtr& series) {
    Q_UNUSED(generation);
    if (!series) return;
    if (!m_liveAdopted) {
        // The run's first snapshot (step 0): from now on the view shows its series.
        m_liveAdopted = true;
        m_showsLive = true;
        showSeries(series, -1);
    } else if (m_showsLive) {
        growSeries(series);
    } else {
        return;
    }
    updateLiveControls();
    emit seriesGrew(stepCount());
}

void TrainingView::growSeries(SeriesPtr series) {
    // Snapshots are only ever added: the steps computed so far stay valid.
    const bool atLatest = m_index >= stepCount() - 1;
    m_series = std::move(series);
    updateSeriesLabel();
    const int last = stepCount() - 1;
    {
        const QSignalBlocker blocker(m_slider);
        m_slider->setMaximum(last);
    }
    if (atLatest && !isPlaying()) {
        setStepIndex(last);  // following the run
    } else {
        updateStepLabel();
    }
}

void TrainingView::onLiveEnded(quint64 generation, const SeriesPtr& series, bool stopped) {
    Q_UNUSED(generation);
    const qint64 done = qint64(m_liveLoss.size());
    m_liveEnd =
        stopped ? tr("Stopped at step %1 of %2").arg(done).arg(m_livePlanned) : tr("Finished: %1 steps").arg(done);
    if (series && m_showsLive) {
        m_curveTimer->stop();
        m_livePlanned = std::max<qint64>(done, 1);  // the curve now spans what was done
        growSeries(series);
        m_curve->setLoss(m_liveLoss, m_livePlanned);
    }
    updateLiveControls();
    emit livePretrainingEnded(stopped);
}

void TrainingView::onLiveFailed(quint64 generation, const QString& text) {
    Q_UNUSED(generation);
    m_liveEnd = tr("Broke off at step %1").arg(m_liveLoss.size());
    setMessage(m_liveAdopted ? tr("The live pretraining broke off: %1").arg(text)
                             : tr("The live pretraining cannot start: %1").arg(text));
    if (m_showsLive) m_curve->setLoss(m_liveLoss, m_livePlanned);
    updateLiveControls();
    emit livePretrainingFailed(text);
}

QString TrainingView::liveText() const {
    const QString folder = safeDisplay(m_live.seriesFolder());
    if (m_live.isRunning()) {
        QString text;
        if (!m_liveAdopted) {
            text = tr("Pretraining a small model live (%1): making the corpus…").arg(m_liveModel);
        } else if (m_liveStep.step == 0) {
            text = tr("Pretraining live (%1): the first of %2 steps…").arg(m_liveModel).arg(m_liveStep.steps);
        } else {
            text = tr("Pretraining live (%1): step %2 of %3 · loss %4 · %5 steps/s · %6 left")
                       .arg(m_liveModel)
                       .arg(m_liveStep.step)
                       .arg(m_liveStep.steps)
                       .arg(m_liveStep.loss, 0, 'f', 3)
                       .arg(m_liveStep.stepsPerSecond, 0, 'f', 1)
                       .arg(durationText(m_liveStep.remainingSeconds));
        }
        if (m_live.isStopping()) text += tr(" · stopping…");
        // Once its series is shown, the label under the slider names the folder.
        return m_liveAdopted ? text : text + tr("\nSnapshots go to %1").arg(folder);
    }
    if (m_liveEnd.isEmpty()) return QString();
    return tr("%1 (%2). The series is in the temporary folder %3: Save series as… keeps a copy where you choose.")
        .arg(m_liveEnd, m_liveModel, folder);
}

void TrainingView::updateLiveControls() {
    const bool running = m_live.isRunning();
    // While it runs, Stop takes the start button's place.
    m_liveButton->setVisible(!running);
    m_emptyLive->setEnabled(!running);
    m_stopButton->setVisible(running);
    m_stopButton->setEnabled(running && !m_live.isStopping());
    m_saveButton->setVisible(m_showsLive && !running);
    m_saveButton->setEnabled(m_showsLive && !running && m_series);
    const QString text = (running || m_showsLive) ? liveText() : QString();
    if (!m_liveSaved.isEmpty() && !running) {
        m_liveLabel->setText(text + QLatin1Char('\n') + m_liveSaved);
    } else {
        m_liveLabel->setText(text);
    }
    m_liveLabel->setVisible(!m_liveLabel->text().isEmpty());
    // On the empty page its own button starts a run: the row only while one goes on.
    m_liveRow->setVisible(m_series || running);
}

bool TrainingView::saveSeriesAs(const QString& folder) {
    if (m_live.isRunning()) {
        setMessage(tr("The series is still being written: stop the live pretraining, or let it finish, first."));
        return false;
    }
    if (!m_showsLive || !m_series) {
        setMessage(tr("There is no live pretraining series to save (an opened series is already in its folder)."));
        return false;
    }
    const fs::path to = fs::path(folder.toStdString());
    const fs::path partial = fs::path(to.string() + ".partial");
    std::error_code error;
    if (fs::exists(to, error)) {
        setMessage(tr("%1 already exists: name a new folder for the copy.").arg(safeDisplay(folder)));
        return false;
    }
    // Into a side name first: an interrupted copy never looks like a series.
    fs::remove_all(partial, error);
    error.clear();
    fs::create_directories(partial.parent_path(), error);
    if (!error) fs::copy(m_series->folder(), partial, fs::copy_options::recursive, error);
    if (!error) fs::rename(partial, to, error);
    if (error) {
        std::error_code ignored;
        fs::remove_all(partial, ignored);
        setMessage(tr("The series cannot be copied to %1: %2").arg(safeDisplay(folder), safeDisplay(error.message())));
        return false;
    }
    setMessage(QString());
    m_liveSaved = tr("Saved a copy in %1 (File > Open snapshot series… opens it).").arg(safeDisplay(folder));
    updateLiveControls();
    return true;
}

void TrainingView::chooseSaveSeries() {
    const QString folder = QFileDialog::getSaveFileName(this, tr("Save series as (a new folder)"),
                                                        QDir::home().filePath(QStringLiteral("bertlens-live-series")));
    if (!folder.isEmpty()) saveSeriesAs(folder);
}

}  // namespace bertlens::ui
