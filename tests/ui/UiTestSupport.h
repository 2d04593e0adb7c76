// Helpers shared by the window's Qt tests: fixture paths and an independent
// run of the engine to compare what the window shows against.
#pragma once

#include "model/Analysis.h"
#include "model/Model.h"

#include <QElapsedTimer>
#include <QString>
#include <QTimer>

#include <memory>
#include <string>
#include <vector>

namespace bertlens::test {

// tests/fixtures/models/<name>
QString fixtureModel(const char* name);
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
    size_t ticks() const { return m_gaps.size(); }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    std::vector<double> m_gaps;
};

}  // namespace bertlens::test
