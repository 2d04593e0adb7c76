#include "LivePretrainJob.h"

#include "SafeDisplay.h"
#include "ThreadHandOff.h"

#include "Errors.h"
#include "io/DataFolder.h"
#include "tokenizer/Vocab.h"
#include "train/SnapshotSeries.h"

#include <QCoreApplication>
#include <QMetaObject>
#include <QThread>

#include <omp.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <filesystem>

namespace fs = std::filesystem;

namespace bertlens::ui {

train::TrainOptions livePretrainRecipe() {
    train::TrainOptions o;
    o.model.layers = 2;
    o.model.heads = 2;
    o.model.hidden = 128;
    o.model.intermediate = 512;
    o.model.maxPositions = 64;
    o.seed = 1;
    o.sentences = 300000;
    o.heldOutSentences = 500;
    o.steps = 4000;
    o.batchTokens = 2048;
    o.learningRate = 2e-3;
    o.warmupSteps = 200;
    o.evalEvery = 500;
    // No training state: a live run is not resumed (and the state is not a snapshot).
    o.checkpointEvery = 1000000000;
    o.snapshotEvery = 100;
    return o;
}

struct LivePretrainJob::Running {
    quint64 generation = 0;
    std::string folder;
    std::atomic<bool> stop{false};
    std::atomic<bool> cancel{false};  // nothing more reaches the UI
};

namespace {

std::vector<std::string> bundledVocabulary() {
    const std::string model = findBundledModelFolder(QCoreApplication::applicationDirPath().toStdString());
    if (model.empty()) {
        throw Error(
            "the bundled model bertlens-mini is not found, and the live model trains with its vocabulary: "
            "reinstall BertLens, or train with bertlens-cli train --snapshots DIR and open that series");
    }
    const Vocab vocab = Vocab::fromFile((fs::path(model) / "vocab.txt").string());
    std::vector<std::string> pieces;
    for (int32_t id = 0; id < vocab.size(); ++id) pieces.push_back(vocab.token(id));
    return pieces;
}

// The series as it is on disk, or null when there is none (yet).
SeriesPtr openIfThere(const std::string& folder) {
    std::error_code error;
    if (!fs::exists(fs::path(folder) / train::kSeriesFile, error)) return nullptr;
    return std::make_shared<const train::SnapshotSeries>(train::SnapshotSeries::open(folder));
}

}  // namespace

LivePretrainJob::LivePretrainJob(QObject* parent) : QObject(parent) {
    qRegisterMetaType<LiveStep>();
    qRegisterMetaType<SeriesPtr>();
}

LivePretrainJob::~LivePretrainJob() {
    m_hasPending = false;
    if (m_running) {
        m_running->cancel.store(true);
        m_running->stop.store(true);
    }
    if (m_thread) m_thread->wait();
}

QString LivePretrainJob::seriesFolder() const {
    return m_folder.isEmpty() ? QString() : m_folder + QStringLiteral("/series");
}

quint64 LivePretrainJob::start(train::TrainOptions options, const QString& folder) {
    ++m_generation;
    m_busy = true;
    m_stopAsked = false;
    m_folder = folder;
    options.outDir = (fs::path(folder.toStdString()) / "bertlens-live").string();
    options.snapshotDir = (fs::path(folder.toStdString()) / "series").string();
    options.reportEvery = 1;  // every step's own loss, for the live curve
    m_pending = std::move(options);
    m_hasPending = true;
    if (m_running) {
        m_running->cancel.store(true);  // onThreadDone starts the pending one
        m_running->stop.store(true);
    } else {
        launch(std::move(m_pending));
    }
    return m_generation;
}

void LivePretrainJob::stop() {
    if (!m_busy) return;
    m_stopAsked = true;
    if (m_running) m_running->stop.store(true);
}

void LivePretrainJob::cancel() {
    ++m_generation;
    m_busy = false;
    m_stopAsked = false;
    m_hasPending = false;
    if (m_running) {
        m_running->cancel.store(true);
        m_running->stop.store(true);
    }
}

void LivePretrainJob::launch(train::TrainOptions options) {
    auto running = std::make_shared<Running>();
    running->generation = m_generation;
    running->folder = options.snapshotDir;
    m_hasPending = false;
    m_running = running;

    QThread* thread = QThread::create([this, running, o = std::move(options)]() mutable {
        // Below the UI's priority, one engine thread: on a two-core machine a
        // core stays for the window's worker and the snapshots' analysis.
        const auto tid = static_cast<id_t>(syscall(SYS_gettid));
        setpriority(PRIO_PROCESS, tid, getpriority(PRIO_PROCESS, tid) + 5);
        omp_set_num_threads(1);
        const auto post = [this, running](auto&& emitIt) {
            if (running->cancel.load()) return;
            const HandOff posting(this);
            QMetaObject::invokeMethod(
                this,
                [this, g = running->generation, emitIt] {
                    takeOver(this);
                    if (g == m_generation) emitIt(g);
                },
                Qt::QueuedConnection);
        };
        o.stop = &running->stop;
        const auto report = [&](const train::TrainProgress& p) {
            using Kind = train::TrainProgress::Kind;
            if (p.kind == Kind::Step) {
                LiveStep s{p.step, p.steps, p.loss, p.elapsedSeconds > 0 ? double(p.step) / p.elapsedSeconds : 0.0,
                           p.remainingSeconds};
                post([this, s](quint64 g) { emit stepDone(g, s); });
            } else if (p.kind == Kind::Snapshot) {
                const SeriesPtr series = openIfThere(running->folder);
                post([this, series](quint64 g) { emit snapshotReady(g, series); });
            }
        };
        bool stopped = false;
        QString error;
        try {
            if (o.vocabulary.empty()) o.vocabulary = bundledVocabulary();
            train::Trainer(o, report).run();
        } catch (const Cancelled&) {
            stopped = true;
        } catch (const std::bad_alloc&) {
            error = tr("There is not enough memory to pretrain the model.");
        } catch (const std::exception& e) {
            error = safeDisplay(e.what());
        }
        SeriesPtr series;
        try {
            series = openIfThere(running->folder);
        } catch (const std::exception& e) {
            if (error.isEmpty()) error = safeDisplay(e.what());
        }
        post([this, series, stopped, error](quint64 g) {
            m_busy = false;
            m_stopAsked = false;
            if (error.isEmpty()) {
                emit ended(g, series, stopped);
            } else {
                emit failed(g, error);
            }
        });
    });
    thread->setObjectName(QStringLiteral("live pretraining"));
    connect(thread, &QThread::finished, this, &LivePretrainJob::onThreadDone);
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    m_thread = thread;
    thread->start();
}

void LivePretrainJob::onThreadDone() {
    m_running.reset();
    m_thread = nullptr;
    if (m_hasPending) launch(std::move(m_pending));
}

}  // namespace bertlens::ui
