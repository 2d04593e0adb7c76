#include "KnownCheckpoints.h"

namespace bertlens::ui {

qint64 KnownCheckpoint::approximateBytes() const {
    // Per layer: Q, K, V, output (4 H^2) and the feed-forward pair (2 x 4 H^2), biases
    // and norms; plus word, 512 position and 2 type embeddings. 4 bytes each.
    const qint64 h = hidden;
    const qint64 perLayer = 12 * h * h + 13 * h;
    const qint64 embeddings = (static_cast<qint64>(vocab) + 512 + 2) * h;
    return 4 * (layers * perLayer + embeddings);
}

const QVector<KnownCheckpoint>& knownCheckpoints() {
    static const QVector<KnownCheckpoint> list = [] {
        QVector<KnownCheckpoint> l = {
            {"bert-base-uncased", "12 layers, 768 hidden, 12 heads; English, lower-cased", 12, 768, 12, 30522},
            {"bert-base-cased", "12 layers, 768 hidden, 12 heads; English, cased", 12, 768, 12, 28996},
            {"bert-large-uncased", "24 layers, 1024 hidden, 16 heads; English, lower-cased", 24, 1024, 16, 30522},
            {"bert-base-multilingual-cased", "12 layers, 768 hidden, 12 heads; 104 languages, cased", 12, 768, 12,
             119547},
        };
        for (int layers : {2, 4, 6, 8, 10, 12}) {
            for (int hidden : {128, 256, 512, 768}) {
                const int heads = hidden / 64;
                l.push_back({QString("google/bert_uncased_L-%1_H-%2_A-%3").arg(layers).arg(hidden).arg(heads),
                             QString("BERT miniature: %1 layers, %2 hidden, %3 heads; English, lower-cased")
                                 .arg(layers)
                                 .arg(hidden)
                                 .arg(heads),
                             layers, hidden, heads, 30522});
            }
        }
        return l;
    }();
    return list;
}

}  // namespace bertlens::ui
