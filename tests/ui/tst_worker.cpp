// The inference worker and its controller: masked spans across edits, results
// equal to the engine's own run, the mailbox (only the newest text's result is
// shown), analysis errors, and model loading that keeps the old model on failure.
#include "AnalysisController.h"
#include "Errors.h"
#include "ModelLoader.h"
#include "UiTestSupport.h"
#include "UserMasks.h"

#include "model/Encoder.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace bertlens;
using namespace bertlens::ui;

namespace {

std::shared_ptr<const Model> loadFixture(const char* name) {
    return Model::load(test::fixtureModel(name).toStdString());
}

}  // namespace

class TestWorker : public QObject {
    Q_OBJECT
private slots:
    void diffFindsTheSingleEdit() {
        const TextEdit e = diffTexts(U"the dog ran", U"the big dog ran");
        QCOMPARE(e.start, 4);
        QCOMPARE(e.removed, 0);
        QCOMPARE(e.inserted, 4);
        const TextEdit r = diffTexts(U"the cat sat", U"the dog sat");
        QCOMPARE(r.start, 4);
        QCOMPARE(r.removed, 3);
        QCOMPARE(r.inserted, 3);
        const TextEdit none = diffTexts(U"same", U"same");
        QCOMPARE(none.removed + none.inserted, 0);
    }

    void spansFollowEdits() {
        // "the dog ran": dog = [4, 7)
        const TextSpan dog{4, 7};
        auto before = mapSpan(dog, diffTexts(U"the dog ran", U"a dog ran"));  // edit before: shift by -2
        QVERIFY(before);
        QCOMPARE(before->start, 2);
        QCOMPARE(before->end, 5);
        auto after = mapSpan(dog, diffTexts(U"the dog ran", U"the dog ran fast"));  // edit after: unchanged
        QVERIFY(after);
        QCOMPARE(after->start, 4);
        QVERIFY(!mapSpan(dog, diffTexts(U"the dog ran", U"the dig ran")));  // edit inside: forgotten
        // code points, not UTF-16 units: an emoji before the word counts once
        auto emoji = mapSpan(dog, diffTexts(U"the dog ran", U"\U0001F600the dog ran"));
        QVERIFY(emoji);
        QCOMPARE(emoji->start, 5);

        UserMasks masks;
        QVERIFY(masks.toggle(dog));
        QVERIFY(masks.contains(dog));
        masks.applyEdit(diffTexts(U"the dog ran", U"the dig ran"));
        QVERIFY(masks.spans().empty());
        QVERIFY(masks.toggle(dog));
        QVERIFY(!masks.toggle(dog));
        QVERIFY(masks.spans().empty());
    }

    void masksReplaceTheIdsAtTheirSpans() {
        const auto model = loadFixture("h12-f32");
        Encoding e = model->tokenizer().encode("the dog ran fast");
        const int32_t maskId = model->vocab().maskId();
        const int32_t dogId = model->vocab().find("dog");
        QVERIFY(maskId >= 0 && dogId >= 0);
        const AppliedMasks applied = applyUserMasks(e, {TextSpan{4, 7}}, maskId);
        QCOMPARE(applied.positions, std::vector<int>{2});  // [CLS] the dog ...
        QCOMPARE(applied.originals, std::vector<std::string>{"dog"});
        QCOMPARE(e.ids[2], maskId);
        QCOMPARE(e.tokens[2].text, std::string("[MASK]"));
        QCOMPARE(e.ids[1], model->vocab().find("the"));
    }

    // Both ways of running the two masks: side by side (the default) and one
    // after the other.
    void resultEqualsTheEngine_data() {
        QTest::addColumn<bool>("parallelMasks");
        QTest::newRow("masks side by side") << true;
        QTest::newRow("masks one after the other") << false;
    }

    void resultEqualsTheEngine() {
        QFETCH(bool, parallelMasks);
        const auto model = loadFixture("h12-f32");
        WorkerOptions options;
        options.parallelMasks = parallelMasks;
        AnalysisController controller(options);
        QSignalSpy spy(&controller, &AnalysisController::resultReady);
        controller.setModel(model, test::fixtureModel("h12-f32"));
        const std::string text = "the cat sat on the [MASK] .";
        controller.setText(QString::fromStdString(text));
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, 10000);
        const AnalysisResultPtr r = controller.latestResult();
        QVERIFY(r);
        QCOMPARE(r->text, text);
        QCOMPARE(r->modelName, QStringLiteral("h12-f32"));
        for (MaskMode mode : {MaskMode::Bidirectional, MaskMode::Causal}) {
            const Analysis ref = test::engineAnalysis(model, text, mode);
            const Analysis& got = r->analysis(mode);
            QCOMPARE(got.maskMode, mode);
            QCOMPARE(got.tokenCount, 9);  // [CLS] the cat sat on the [MASK] . [SEP]
            QCOMPARE(got.layers, 2);
            QCOMPARE(got.heads, 12);
            QCOMPARE(got.ids, ref.ids);
            QVERIFY(test::maxAttentionDifference(got, ref) < 1e-6);
            QCOMPARE(got.predictions.size(), size_t(1));
            QCOMPARE(got.predictions[0].position, 6);
            QCOMPARE(got.predictions[0].top[0].token, ref.predictions[0].top[0].token);
        }
        // the causal map hides later tokens
        QCOMPARE(r->causal.attention(1, 3)(2, 5), 0.0f);
        QVERIFY(r->bidirectional.attention(1, 3)(2, 5) > 0.0f);
    }

    void rapidEditsShowOnlyTheLastText() {
        AnalysisController controller;
        // A 30 ms wait merges the edits made less than 30 ms apart (by
        // default every edit is sent at once: see the next test).
        controller.setDebounceInterval(30);
        controller.setModel(loadFixture("h12-f32"), test::fixtureModel("h12-f32"));
        QStringList shown;
        bool staleShown = false;
        connect(&controller, &AnalysisController::resultReady, this, [&](const AnalysisResultPtr& r) {
            shown << QString::fromStdString(r->text);
            if (r->requestId != controller.latestRequestId()) staleShown = true;
        });
        const QStringList words = {"the", "cat", "sat", "on", "mat", "dog", "ran", "fast", "king", "queen"};
        QString text;
        for (int i = 0; i < 20; ++i) {
            text = QStringLiteral("the %1 %2 .").arg(words[i % words.size()], words[(i * 3 + 1) % words.size()]);
            controller.setText(text);
            // Mix edits inside the debounce (merged) with edits after it (sent,
            // then superseded while the worker may still be running).
            QTest::qWait(i % 3 == 0 ? 45 : 3);
        }
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty() && shown.last() == text, 10000);
        QTest::qWait(200);  // nothing older may arrive afterwards
        QCOMPARE(shown.last(), text);
        QVERIFY(!staleShown);
        QCOMPARE(QString::fromStdString(controller.latestResult()->text), text);
        // 20 edits, fewer runs: the debounce merged some and the mailbox dropped others
        QVERIFY2(controller.worker().runsStarted() < 20,
                 qPrintable(QString::number(controller.worker().runsStarted())));
    }

    void everyEditIsSentAtOnceAndANewerOneCancelsTheRun() {
        AnalysisController controller;
        QCOMPARE(controller.debounceMs(), 0);
        QSignalSpy spy(&controller, &AnalysisController::resultReady);
        controller.setModel(loadFixture("h12-f32"), test::fixtureModel("h12-f32"));
        // Each edit made after the last result has arrived runs and is shown.
        const QStringList texts = {"the dog", "the dog ran", "a cat sat .", "a cat"};
        for (const QString& t : texts) {
            const int before = spy.count();
            const int started = controller.worker().runsStarted();
            controller.setText(t);
            QTRY_COMPARE_WITH_TIMEOUT(spy.count(), before + 1, 10000);
            QCOMPARE(QString::fromStdString(controller.latestResult()->text), t);
            QCOMPARE(controller.worker().runsStarted(), started + 1);
        }
        // Edits in one turn of the event loop are one request.
        const int started = controller.worker().runsStarted();
        controller.setText(QStringLiteral("one"));
        controller.setText(QStringLiteral("one two"));
        controller.setText(QStringLiteral("one two three"));
        QTRY_VERIFY_WITH_TIMEOUT(controller.latestResult()->text == "one two three", 10000);
        QTest::qWait(100);
        QCOMPARE(controller.worker().runsStarted(), started + 1);
    }

    void clickingATokenMasksItAndPredicts() {
        const auto model = loadFixture("h12-f32");
        AnalysisController controller;
        QSignalSpy spy(&controller, &AnalysisController::resultReady);
        controller.setModel(model, test::fixtureModel("h12-f32"));
        controller.setText(QStringLiteral("the dog ran fast"));
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, 10000);
        QVERIFY(controller.latestResult()->bidirectional.predictions.empty());
        QVERIFY(!controller.toggleMask(0));  // [CLS] cannot be masked
        QVERIFY(controller.toggleMask(2));   // dog
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 2, 10000);
        AnalysisResultPtr r = controller.latestResult();
        QCOMPARE(r->userMasked, std::vector<int>{2});
        QCOMPARE(r->userMaskedOriginal, std::vector<std::string>{"dog"});
        QCOMPARE(r->bidirectional.ids[2], model->vocab().maskId());
        QCOMPARE(r->bidirectional.predictions.size(), size_t(1));
        QCOMPARE(r->bidirectional.predictions[0].position, 2);
        // the same as typing [MASK] there
        const Analysis ref = test::engineAnalysis(model, "the [MASK] ran fast", MaskMode::Bidirectional);
        QVERIFY(test::maxAttentionDifference(r->bidirectional, ref) < 1e-6);
        QCOMPARE(r->bidirectional.predictions[0].top[0].id, ref.predictions[0].top[0].id);

        // an edit elsewhere keeps the mask on "dog"
        controller.setText(QStringLiteral("a dog ran fast"));
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 3, 10000);
        r = controller.latestResult();
        QCOMPARE(r->text, std::string("a dog ran fast"));
        QCOMPARE(r->userMasked, std::vector<int>{2});
        QCOMPARE(r->userMaskedOriginal, std::vector<std::string>{"dog"});
        // clicking it again unmasks
        QVERIFY(controller.toggleMask(2));
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 4, 10000);
        QVERIFY(controller.latestResult()->userMasked.empty());
        QCOMPARE(controller.latestResult()->bidirectional.ids[2], model->vocab().find("dog"));
    }

    void analysisErrorsLeaveNoLatestResult() {
        AnalysisController controller;
        QSignalSpy results(&controller, &AnalysisController::resultReady);
        QSignalSpy errors(&controller, &AnalysisController::analysisFailed);
        controller.setModel(loadFixture("h12-f32"), test::fixtureModel("h12-f32"));
        controller.setText(QStringLiteral("the cat sat"));
        QTRY_COMPARE_WITH_TIMEOUT(results.count(), 1, 10000);
        // the fixture reads at most 40 positions
        controller.setText(QStringLiteral("the cat sat on the mat ").repeated(10));
        QTRY_COMPARE_WITH_TIMEOUT(errors.count(), 1, 10000);
        const QString message = errors.at(0).at(0).toString();
        QVERIFY2(message.contains(QStringLiteral("at most 40")), qPrintable(message));
        QCOMPARE(results.count(), 1);
        QVERIFY(!controller.latestResult());  // the earlier text's is not the current text's
        QVERIFY(!controller.toggleMask(1));
        controller.setText(QStringLiteral("   "));
        QTRY_COMPARE_WITH_TIMEOUT(errors.count(), 2, 10000);
        QVERIFY(errors.at(1).at(0).toString().contains(QStringLiteral("empty")));
    }

    void badFolderKeepsThePreviousModel() {
        AnalysisController controller;
        QSignalSpy loaded(&controller, &AnalysisController::modelChanged);
        QSignalSpy failed(&controller, &AnalysisController::modelLoadFailed);
        QSignalSpy results(&controller, &AnalysisController::resultReady);
        controller.loadModel(test::fixtureModel("h12-f32"));
        QVERIFY(controller.isLoading());
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 10000);
        QVERIFY(!controller.isLoading());
        controller.setText(QStringLiteral("the cat sat"));
        QTRY_COMPARE_WITH_TIMEOUT(results.count(), 1, 10000);

        QTemporaryDir empty;
        controller.loadModel(empty.path());
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 10000);
        const QString message = failed.at(0).at(1).toString();
        // the engine's own CheckpointError text
        QString engineMessage;
        try {
            Model::load(empty.path().toStdString());
        } catch (const CheckpointError& e) {
            engineMessage = QString::fromUtf8(e.what());
        }
        QVERIFY(!engineMessage.isEmpty());
        QCOMPARE(message, engineMessage);
        QCOMPARE(controller.modelName(), QStringLiteral("h12-f32"));
        QCOMPARE(loaded.count(), 1);
        // and the old model keeps working
        controller.setText(QStringLiteral("the dog sat"));
        QTRY_COMPARE_WITH_TIMEOUT(results.count(), 2, 10000);
        QCOMPARE(controller.latestResult()->modelName, QStringLiteral("h12-f32"));
    }

    // Twins are the folders beside the model named -l2r and -r2l: a good one
    // joins the results, a broken one (here a truncated weights file) is
    // named in the problems and left out, and the model itself works on.
    void twinsBesideTheModelFolderAreOpened() {
        const QString bundled = QStringLiteral(BERTLENS_RESOURCES "/models/bertlens-mini");
        QTemporaryDir dir;
        const QString base = dir.path() + QStringLiteral("/mini");
        auto copyFolder = [](const QString& from, const QString& to) {
            QDir().mkpath(to);
            for (const QString& f : QDir(from).entryList(QDir::Files)) QFile::copy(from + '/' + f, to + '/' + f);
        };
        copyFolder(bundled, base);
        copyFolder(bundled + QStringLiteral("-l2r"), base + QStringLiteral("-l2r"));
        copyFolder(bundled + QStringLiteral("-r2l"), base + QStringLiteral("-r2l"));
        QFile weights(base + QStringLiteral("-r2l/model.safetensors"));
        QVERIFY(weights.open(QIODevice::ReadWrite) && weights.resize(weights.size() / 2));
        weights.close();

        AnalysisController controller;
        QSignalSpy twins(&controller, &AnalysisController::twinsChanged);
        QSignalSpy results(&controller, &AnalysisController::resultReady);
        controller.setText(QStringLiteral("the [MASK] barked at the mailman ."));
        controller.loadModel(base);
        QTRY_VERIFY_WITH_TIMEOUT(controller.leftToRightTwin() != nullptr && !controller.twinProblems().isEmpty(),
                                 10000);
        QVERIFY(controller.rightToLeftTwin() == nullptr);
        QVERIFY(controller.twinProblems().contains(QStringLiteral("right-to-left")));
        QVERIFY(controller.twinProblems().contains(QStringLiteral("mini-r2l")));
        QTRY_VERIFY_WITH_TIMEOUT(controller.latestResult() && controller.latestResult()->hasLeftToRightTwin(), 10000);
        const AnalysisResultPtr r = controller.latestResult();
        QVERIFY(!r->hasRightToLeftTwin());
        QVERIFY(r->shallow.empty());

        // The twin's guess for [MASK] is the engine's own run of that folder.
        Encoder engine(Model::load((bundled + QStringLiteral("-l2r")).toStdString()));
        AnalyzeOptions o;
        o.topK = 10;
        const Encoding e = controller.model()->tokenizer().encode("the [MASK] barked at the mailman .");
        const Analysis expected = engine.forward(e.ids, e.typeIds, o, {2});
        QCOMPARE(r->leftToRight.predictions.size(), size_t(1));
        QCOMPARE(r->leftToRight.predictions[0].fromPosition, 1);
        for (size_t j = 0; j < expected.predictions[0].top.size(); ++j) {
            QCOMPARE(r->leftToRight.predictions[0].top[j].id, expected.predictions[0].top[j].id);
            QCOMPARE(r->leftToRight.predictions[0].top[j].probability, expected.predictions[0].top[j].probability);
        }
    }

    void cacheFoldersAreNamedAfterTheRepository() {
        QCOMPARE(ModelLoader::displayName(
                     QStringLiteral("/home/u/.cache/huggingface/hub/models--google--bert_uncased_L-2_H-128_A-2/"
                                    "snapshots/30b0a37ccaaa32f332884b96992754e246e48c5f")),
                 QStringLiteral("google/bert_uncased_L-2_H-128_A-2"));
        QCOMPARE(ModelLoader::displayName(QStringLiteral("/x/hub/models--bert-base-uncased/snapshots/abc")),
                 QStringLiteral("bert-base-uncased"));
        QCOMPARE(ModelLoader::displayName(QStringLiteral("/data/my-bert/")), QStringLiteral("my-bert"));
    }
};

QTEST_MAIN(TestWorker)
#include "tst_worker.moc"
