// The BERT checkpoints the Download dialog offers by name: Google's released
// BERTs on the Hugging Face Hub and the 24 BERT miniatures
// (google/bert_uncased_L-{2,4,6,8,10,12}_H-{128,256,512,768}_A-{2,4,8,12},
// heads = hidden / 64). Sizes are estimates from the shape (F32 weights of
// the embeddings and encoder layers), shown so a user knows what to expect.
// Plain data; thread-safe.
#pragma once

#include <QString>
#include <QVector>

namespace bertlens::ui {

struct KnownCheckpoint {
    QString repoId;
    QString description;  // "12 layers, 768 hidden, 12 heads, uncased English"
    int layers = 0;
    int hidden = 0;
    int heads = 0;
    int vocab = 0;
    qint64 approximateBytes() const;
};

const QVector<KnownCheckpoint>& knownCheckpoints();

}  // namespace bertlens::ui
