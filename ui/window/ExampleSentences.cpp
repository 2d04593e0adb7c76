#include "ExampleSentences.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QObject>

namespace bertlens::ui {

QList<ExampleSentence> loadExampleSentences(const QString& path, QString* error) {
    QList<ExampleSentence> examples;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error) *error = QObject::tr("cannot read %1: %2").arg(path, file.errorString());
        return examples;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        if (error) *error = QObject::tr("%1 is not valid JSON: %2").arg(path, parseError.errorString());
        return examples;
    }
    const QJsonArray list = doc.object().value(QStringLiteral("examples")).toArray();
    for (const QJsonValue& v : list) {
        const QJsonObject o = v.toObject();
        ExampleSentence e;
        e.category = o.value(QStringLiteral("category")).toString();
        e.title = o.value(QStringLiteral("title")).toString();
        e.text = o.value(QStringLiteral("text")).toString();
        e.explanation = o.value(QStringLiteral("explanation")).toString();
        e.view = o.value(QStringLiteral("view")).toString();
        e.compareWith = o.value(QStringLiteral("compare_with")).toString();
        e.layer = o.value(QStringLiteral("layer")).toInt(-1);
        e.head = o.value(QStringLiteral("head")).toInt(-1);
        if (e.title.isEmpty() || e.text.isEmpty()) {
            if (error) *error = QObject::tr("%1: an example without a title or text").arg(path);
            return {};
        }
        examples << e;
    }
    if (examples.isEmpty() && error) *error = QObject::tr("%1 lists no examples").arg(path);
    return examples;
}

}  // namespace bertlens::ui
