// Helpers shared by the window's Qt tests: fixture paths and an independent
// run of the engine to compare what the window shows against.
#pragma once

#include "InferenceWorker.h"
#include "Selection.h"
#include "io/SafeTensors.h"
#include "model/Analysis.h"
#include "model/Model.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QString>
#include <QTemporaryDir>
#include <QTimer>

#include <memory>
#include <string>
#include <vector>

namespace bertlens::ui {
class MainWindow;
}

namespace bertlens::test {

// tests/fixtures/models/<name>
QString fixtureModel(const char* name);
// The lines of a vocab.txt (of a fixture model: fixtureVocab("h12-f32")).
std::vector<std::string> readVocab(const QString& path);
std::vector<std::string> fixtureVocab(const char* name);
// A random-weight model that takes a moment to load and run: 4 layers x 256
// hidden, 4 heads, 128 positions, over the h12-f32 fixture's vocabulary
// (F16 weights are widened to float on load).
void writeMediumModel(const QString& folder, uint64_t seed, DType dtype);
// A random-weight F32 model shaped like bert-base (12 layers x 768 hidden,
// 12 heads, 3072 intermediate, 512 positions, seed 7) over the vocabulary
// file at vocabPath: 440 MB, a few seconds to write.
void writeBertBaseShapedModel(const QString& folder, const QString& vocabPath);
// A copy of a fixture model's four files in dir/as, which the test may change.
QString copyFixture(const QTemporaryDir& dir, const char* name, const QString& as = QStringLiteral("model"));
// A file's bytes; empty when it cannot be read.
QByteArray readAll(const QString& path);
// A layer-head selection as the controls would make it.
ui::Selection selection(int layer, int head, bool averageHeads = false, MaskMode mode = MaskMode::Bidirectional);

// A shown window that has opened folder; null when the model did not load
// within timeoutMs.
std::unique_ptr<ui::MainWindow> openWindow(const QString& folder, ui::WorkerOptions options = {},
                                           int timeoutMs = 20000);
// Waits until the window shows the result for text.
bool waitForText(ui::MainWindow& w, const std::string& text, int timeoutMs = 20000);
// A bidirectional or causal run of the engine on its own Encoder, with
// predictions at every [MASK].
Analysis engineAnalysis(const std::shared_ptr<const Model>& model, const std::string& text, MaskMode mode);
// The largest |a - b| over two attention tensors of the same shape; +inf
// when the shapes differ.
double maxAttentionDifference(const Analysis& a, const Analysis& b);

// True in a build with AddressSanitizer or ThreadSanitizer: everything runs
// several times slower there, so timing bounds mean nothing.
constexpr bool sanitizedBuild() {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
    return true;
#else
    return false;
#endif
#else
    return false;
#endif
}

// The gaps between ticks of a 10 ms timer on the calling (UI) thread: how
// long the event loop was kept from running.
class TickMonitor {
public:
    TickMonitor();
    void start();
    void stop() { m_timer.stop(); }
    double maxGapMs() const;
    double percentileMs(double p) const;  // p in [0, 1]
    size_t ticks() const { return m_gaps.size(); }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    std::vector<double> m_gaps;
};

}  // namespace bertlens::test
