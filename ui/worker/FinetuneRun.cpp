#include "FinetuneRun.h"

#include "Errors.h"
#include "model/Encoder.h"
#include "model/Model.h"

#include <QDir>
#include <QElapsedTimer>

namespace bertlens::ui {

QString finetunedFolderName(const QString& modelName, const std::string& task, int trainExamples) {
    QString base = modelName.isEmpty() ? QStringLiteral("model") : modelName;
    base.replace(QLatin1Char('/'), QLatin1Char('_'));
    return QStringLiteral("%1-%2-%3").arg(base, QString::fromStdString(task)).arg(trainExamples);
}

train::FinetuneOptions finetuneOptions(const FinetuneRequest& request, FinetuneArm arm) {
    train::FinetuneOptions o;
    o.modelDir = request.model ? request.model->folder() : std::string();
    o.task = request.task;
    o.trainExamples = request.trainExamples;
    o.heldOutExamples = request.heldOutExamples;
    o.epochs = request.epochs;
    o.batchSize = request.batchSize;
    o.seed = request.seed;
    o.fromScratch = arm == FinetuneArm::FromScratch;
    return o;  // learning rate, warm-up, decay and clipping: Finetuner's defaults, as the CLI's
}

AttentionChange changeForSentence(const std::shared_ptr<const Model>& pretrained,
                                  const std::shared_ptr<const Model>& finetuned, const std::vector<int32_t>& ids,
                                  const std::vector<int32_t>& typeIds, const std::atomic<bool>* cancel) {
    AnalyzeOptions options;
    options.cancel = cancel;
    const Analysis before = Encoder(pretrained).forward(ids, typeIds, options, {});
    const Analysis after = Encoder(finetuned).forward(ids, typeIds, options, {});
    return attentionChange(before, after);
}

FinetuneOutcome runFinetunePair(const FinetuneRequest& request, const std::atomic<bool>& cancel,
                                const std::function<void(const FinetuneLive&)>& onProgress) {
    if (!request.model) throw Error("no model is loaded: open a BERT first");
    FinetuneOutcome outcome;
    const QString root = request.stagingRoot.isEmpty() ? QDir::tempPath() : request.stagingRoot;
    outcome.staging = std::make_shared<QTemporaryDir>(root + QStringLiteral("/bertlens-finetune-XXXXXX"));
    if (!outcome.staging->isValid())
        throw Error("cannot make a temporary folder in " + root.toStdString() + ": " +
                    outcome.staging->errorString().toStdString());
    // Everything under staging goes with it if this throws (the shared_ptr
    // is the only owner until the outcome is returned).
    const QString name = finetunedFolderName(request.modelName, request.task, request.trainExamples);
    for (FinetuneArm arm : {FinetuneArm::Pretrained, FinetuneArm::FromScratch}) {
        train::FinetuneOptions o = finetuneOptions(request, arm);
        o.cancel = &cancel;
        o.outDir = outcome.staging->filePath(arm == FinetuneArm::Pretrained ? name : QStringLiteral("from-scratch"))
                       .toStdString();
        QElapsedTimer clock;
        clock.start();
        train::Finetuner finetuner(o, [&](const train::FinetuneProgress& p) {
            if (onProgress) onProgress({arm, p});
        });
        outcome.results[int(arm)] = finetuner.run();
        outcome.seconds[int(arm)] = double(clock.nsecsElapsed()) / 1e9;
    }
    QDir(outcome.staging->filePath(QStringLiteral("from-scratch"))).removeRecursively();  // only its curves are shown
    outcome.folder = outcome.staging->filePath(name);
    outcome.finetuned = Model::load(outcome.folder.toStdString());
    if (!request.ids.empty())
        outcome.change = changeForSentence(request.model, outcome.finetuned, request.ids, request.typeIds, &cancel);
    return outcome;
}

}  // namespace bertlens::ui
