#include "UiTestSupport.h"

#include "AnalysisController.h"
#include "MainWindow.h"
#include "model/Encoder.h"
#include "train/Checkpoint.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>

namespace bertlens::test {

QString copyFixture(const QTemporaryDir& dir, const char* name, const QString& as) {
    const QString to = dir.filePath(as);
    QDir().mkpath(to);
    for (const char* f : {"config.json", "vocab.txt", "tokenizer_config.json", "model.safetensors"}) {
        QFile::copy(fixtureModel(name) + QLatin1Char('/') + QLatin1String(f), to + QLatin1Char('/') + QLatin1String(f));
    }
    return to;
}

QString fixtureModel(const char* name) {
    return QStringLiteral(BERTLENS_FIXTURES "/models/") + QLatin1String(name);
}

std::vector<std::string> readVocab(const QString& path) {
    std::vector<std::string> vocab;
    std::ifstream in(path.toStdString());
    for (std::string line; std::getline(in, line);) vocab.push_back(line);
    return vocab;
}

std::vector<std::string> fixtureVocab(const char* name) {
    return readVocab(fixtureModel(name) + QStringLiteral("/vocab.txt"));
}

void writeMediumModel(const QString& folder, uint64_t seed, DType dtype) {
    ModelConfig c;
    c.layers = 4;
    c.hidden = 256;
    c.heads = 4;
    c.intermediate = 1024;
    c.maxPositions = 128;
    c.typeVocabSize = 2;
    const std::vector<std::string> vocab = fixtureVocab("h12-f32");
    c.vocabSize = static_cast<int>(vocab.size());
    writeRandomCheckpoint(folder.toStdString(), c, vocab, seed, dtype);
}

void writeBertBaseShapedModel(const QString& folder, const QString& vocabPath) {
    ModelConfig c;
    c.layers = 12;
    c.hidden = 768;
    c.heads = 12;
    c.intermediate = 3072;
    c.maxPositions = 512;
    c.typeVocabSize = 2;
    const std::vector<std::string> vocab = readVocab(vocabPath);
    c.vocabSize = static_cast<int>(vocab.size());
    writeRandomCheckpoint(folder.toStdString(), c, vocab, 7);
}

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

ui::Selection selection(int layer, int head, bool averageHeads, MaskMode mode) {
    ui::Selection s;
    s.layer = layer;
    s.head = head;
    s.averageHeads = averageHeads;
    s.maskMode = mode;
    return s;
}

std::unique_ptr<ui::MainWindow> openWindow(const QString& folder, ui::WorkerOptions options, int timeoutMs) {
    auto w = std::make_unique<ui::MainWindow>(options);
    QSignalSpy loaded(&w->controller(), &ui::AnalysisController::modelChanged);
    w->openModel(folder);
    w->show();
    if (!loaded.wait(timeoutMs)) return nullptr;
    return w;
}

bool waitForText(ui::MainWindow& w, const std::string& text, int timeoutMs) {
    return QTest::qWaitFor([&] { return w.shownResult() && w.shownResult()->text == text; }, timeoutMs);
}

Analysis engineAnalysis(const std::shared_ptr<const Model>& model, const std::string& text, MaskMode mode) {
    Encoder encoder(model);
    AnalyzeOptions options;
    options.maskMode = mode;
    options.topK = 10;
    return encoder.analyze(text, options);
}

TickMonitor::TickMonitor() {
    m_timer.setInterval(10);
    m_timer.setTimerType(Qt::PreciseTimer);
    QObject::connect(&m_timer, &QTimer::timeout, [this] {
        const qint64 now = m_clock.nsecsElapsed();
        m_gaps.push_back((now - m_last) / 1e6);
        m_last = now;
    });
}

void TickMonitor::start() {
    m_gaps.clear();
    m_clock.start();
    m_last = 0;
    m_timer.start();
}

double TickMonitor::maxGapMs() const {
    return m_gaps.empty() ? 0.0 : *std::max_element(m_gaps.begin(), m_gaps.end());
}

double TickMonitor::percentileMs(double p) const {
    if (m_gaps.empty()) return 0.0;
    std::vector<double> g = m_gaps;
    std::sort(g.begin(), g.end());
    return g[std::min(g.size() - 1, static_cast<size_t>(p * static_cast<double>(g.size())))];
}

double maxAttentionDifference(const Analysis& a, const Analysis& b) {
    if (a.layers != b.layers || a.heads != b.heads || a.tokenCount != b.tokenCount ||
        a.attentions.size() != b.attentions.size()) {
        return std::numeric_limits<double>::infinity();
    }
    double worst = 0.0;
    for (size_t i = 0; i < a.attentions.size(); ++i) {
        worst = std::max(worst, std::abs(static_cast<double>(a.attentions[i]) - b.attentions[i]));
    }
    return worst;
}

}  // namespace bertlens::test
