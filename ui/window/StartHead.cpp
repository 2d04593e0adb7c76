#include "StartHead.h"

#include <QDir>
#include <QFile>
#include <QObject>
#include <QRegularExpression>

namespace bertlens::ui {

StartHead startHeadFromCard(const QString& modelFolder, int layers, int heads) {
    QFile card(QDir(modelFolder).filePath(QStringLiteral("README.md")));
    // A card is a few kB; a huge or unreadable file is no card.
    if (card.size() > (1 << 20) || !card.open(QIODevice::ReadOnly)) return {};
    static const QRegularExpression line(
        QStringLiteral("^\\W*start head:\\W*L(\\d{1,3})\\s*H(\\d{1,3})\\b"),
        QRegularExpression::CaseInsensitiveOption | QRegularExpression::MultilineOption);
    const QRegularExpressionMatch m = line.match(QString::fromUtf8(card.readAll()));
    if (!m.hasMatch()) return {};
    const int layer = m.captured(1).toInt(), head = m.captured(2).toInt();
    if (layer >= layers || head >= heads) return {};
    return {layer, head, QObject::tr("the model card names it")};
}

StartHead clearestHead(const std::vector<HeadStatistics>& statistics, int layers, int heads) {
    StartHead best, fallback;
    double bestEntropy = 0, fallbackEntropy = 0;
    for (int l = 0; l < layers; ++l) {
        for (int h = 0; h < heads; ++h) {
            const size_t k = static_cast<size_t>(l * heads + h);
            if (k >= statistics.size()) return best.valid() ? best : fallback;
            const HeadStatistics& s = statistics[k];
            if (!fallback.valid() || s.entropy < fallbackEntropy) {
                fallback = {l, h, QObject::tr("its attention is the sharpest of this sentence")};
                fallbackEntropy = s.entropy;
            }
            if (s.toCls + s.toSep + s.toSelf >= 0.5) continue;
            if (!best.valid() || s.entropy < bestEntropy) {
                best = {l, h,
                        QObject::tr("the sharpest head of this sentence that looks past [CLS], [SEP] and itself")};
                bestEntropy = s.entropy;
            }
        }
    }
    return best.valid() ? best : fallback;
}

}  // namespace bertlens::ui
