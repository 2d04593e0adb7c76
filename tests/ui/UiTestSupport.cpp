#include "UiTestSupport.h"

#include "model/Encoder.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace bertlens::test {

QString fixtureModel(const char* name) {
    return QStringLiteral(BERTLENS_FIXTURES "/models/") + QLatin1String(name);
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
