// bertlens: the window. With --export it renders figures with no window;
// --help, --version and usage errors are answered before any display is opened.
//   bertlens [--model DIR] [--text TEXT] [--view NAME] [--layer L] [--head H] [--mask-mode M]
//   bertlens --export DIR --text TEXT --view NAME (the names in ui/views/ViewRegistry.cpp)
//            [--layer L] [--head H] [--mask-mode M] [--format png|svg|pdf] [--model DIR]
//   bertlens --snapshots DIR [--snapshot-step N]   (a pretraining series in the Training view)
//   bertlens --pretrain-live [--snapshot-step N]   (a small model pretrained in the Training view)
#include "AnalysisController.h"
#include "BatchExport.h"
#include "BundledModel.h"
#include "ChangeGrid.h"
#include "FinetuneView.h"
#include "HeadsSummary.h"
#include "MainWindow.h"
#include "SafeDisplay.h"
#include "SaliencyBar.h"
#include "SelectionControls.h"
#include "StartHead.h"
#include "TrainingView.h"
#include "Version.h"
#include "ViewRegistry.h"
#include "train/SnapshotSeries.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QStatusBar>
#include <QTimer>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>

using namespace bertlens;
using namespace bertlens::ui;

namespace {

struct Options {
    QCommandLineOption model{QStringLiteral("model"), QStringLiteral("A Hugging Face BERT folder."),
                             QStringLiteral("DIR")};
    QCommandLineOption text{QStringLiteral("text"), QStringLiteral("The sentence to analyse."), QStringLiteral("TEXT")};
    // The names come from the view registry, so a new view is listed here once registered.
    QCommandLineOption view{QStringLiteral("view"),
                            QStringLiteral("The view to show or export: %1; with --export also all and page.")
                                .arg(viewNames().join(QStringLiteral(", "))),
                            QStringLiteral("NAME")};
    QCommandLineOption layer{QStringLiteral("layer"), QStringLiteral("Layer, from 0."), QStringLiteral("L")};
    QCommandLineOption head{QStringLiteral("head"), QStringLiteral("Head, from 0."), QStringLiteral("H")};
    QCommandLineOption maskMode{QStringLiteral("mask-mode"), QStringLiteral("bidirectional or causal."),
                                QStringLiteral("M")};
    QCommandLineOption presentation{QStringLiteral("presentation"), QStringLiteral("Start in presentation mode.")};
    QCommandLineOption colorMap{QStringLiteral("color-map"), QStringLiteral("viridis, cividis or grayscale."),
                                QStringLiteral("MAP")};
    QCommandLineOption precision{QStringLiteral("precision"),
                                 QStringLiteral("f32 (exact) or bf16 (faster): the engine's arithmetic (View > Arithmetic)."),
                                 QStringLiteral("P")};
    QCommandLineOption ablate{QStringLiteral("ablate"),
                              QStringLiteral("Switch these heads off (layer:head, from 0), e.g. 3:1,2:0."),
                              QStringLiteral("L:H,...")};
    QCommandLineOption saliency{QStringLiteral("saliency"),
                                QStringLiteral("Colour the tokens by their saliency for the first [MASK]'s guess.")};
    // For checking the window's look under Xvfb: saves the window once the
    // first result is shown, then quits.
    QCommandLineOption screenshot{QStringLiteral("screenshot"),
                                  QStringLiteral("Save a picture of the window to FILE and quit."),
                                  QStringLiteral("FILE")};
    // Issue 16: start a fine-tuning run in the Fine-tune view once the model
    // is in; with --screenshot the picture waits for the run (or, with
    // --screenshot-during, for the from-scratch run's first evaluation).
    QCommandLineOption finetune{QStringLiteral("finetune"),
                                QStringLiteral("Open the Fine-tune view and train on TASK with SIZE examples, e.g. "
                                               "agreement:300."),
                                QStringLiteral("TASK:SIZE")};
    QCommandLineOption screenshotDuring{
        QStringLiteral("screenshot-during"),
        QStringLiteral("With --finetune and --screenshot: take the picture while the from-scratch run trains.")};
    // Issue 16 part 6: a pretraining run's snapshots in the Training view.
    QCommandLineOption snapshots{QStringLiteral("snapshots"),
                                 QStringLiteral("Open the snapshot series in DIR (bertlens-cli train --snapshots "
                                                "DIR) in the Training view."),
                                 QStringLiteral("DIR")};
    QCommandLineOption snapshotStep{QStringLiteral("snapshot-step"),
                                    QStringLiteral("With --snapshots: show the snapshot of step N (or the last "
                                                   "one before it). With --pretrain-live and --screenshot: take "
                                                   "the picture once the snapshot of step N is shown."),
                                    QStringLiteral("N")};
    QCommandLineOption pretrainLive{
        QStringLiteral("pretrain-live"),
        QStringLiteral(
            "Pretrain a small model (2 layers, 2 heads) in the Training view, its snapshots shown as "
            "they are written; with --screenshot the picture waits for the run's end (or --snapshot-step).")};
};

[[noreturn]] void usageError(const QString& message) {
    std::fprintf(stderr, "bertlens: %s\n", qPrintable(bertlens::ui::safeDisplay(message)));
    std::exit(2);
}

int intValue(const QCommandLineParser& parser, const QCommandLineOption& option, int fallback) {
    if (!parser.isSet(option)) return fallback;
    bool ok = false;
    const int v = parser.value(option).toInt(&ok);
    if (!ok || v < 0) {
        usageError(QStringLiteral("--%1 needs a whole number from 0, not \"%2\"")
                       .arg(option.names().first(), parser.value(option)));
    }
    return v;
}

// --ablate 3:1,2:0; whether the model has these heads is known once it has
// loaded (the worker's message says which does not exist).
std::vector<HeadRef> headsFrom(const QCommandLineParser& parser, const Options& o) {
    std::vector<HeadRef> heads;
    if (!parser.isSet(o.ablate)) return heads;
    for (const QString& item : parser.value(o.ablate).split(QLatin1Char(','))) {
        const QStringList parts = item.trimmed().split(QLatin1Char(':'));
        bool okLayer = false, okHead = false;
        const int layer = parts.size() == 2 ? parts[0].toInt(&okLayer) : -1;
        const int head = parts.size() == 2 ? parts[1].toInt(&okHead) : -1;
        if (!okLayer || !okHead || layer < 0 || head < 0) {
            usageError(
                QStringLiteral("--ablate takes layer:head pairs from 0, separated by commas (3:1,2:0), not \"%1\"")
                    .arg(item));
        }
        heads.push_back({layer, head});
    }
    return heads;
}

Selection selectionFrom(const QCommandLineParser& parser, const Options& o) {
    Selection s;
    s.layer = intValue(parser, o.layer, 0);
    s.head = intValue(parser, o.head, 0);
    if (parser.isSet(o.maskMode) && !parseMaskMode(parser.value(o.maskMode).toStdString(), s.maskMode)) {
        usageError(QStringLiteral("--mask-mode is bidirectional or causal, not \"%1\"").arg(parser.value(o.maskMode)));
    }
    return s;
}

bool isBatchExport(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--export") == 0) return true;
    }
    return false;
}

// bertlens --export ...: the figures with no window (BatchExport parses the rest).
int runBatch(const QStringList& arguments) {
    BatchExportOptions options;
    QString error;
    if (!parseBatchExportArguments(arguments, options, error)) {
        std::fprintf(stderr, "bertlens: %s\n%s\n", qPrintable(bertlens::ui::safeDisplay(error)),
                     qPrintable(batchExportUsage()));
        return 2;
    }
    if (options.modelDir.isEmpty()) {
        const BundledModel bundled = findBundledModel();
        if (bundled.folder.isEmpty()) {
            std::fprintf(stderr, "bertlens: no bundled model found; give one with --model DIR\n");
            return 1;
        }
        options.modelDir = bundled.folder;
        std::fprintf(stderr, "bertlens: no --model given: using the bundled model %s\n", qPrintable(bundled.folder));
        if (!bundled.note.isEmpty())
            std::fprintf(stderr, "bertlens: note: %s\n", qPrintable(bertlens::ui::safeDisplay(bundled.note)));
    }
    const BatchExportResult result = runBatchExport(options);
    if (!result.ok) {
        std::fprintf(stderr, "bertlens: %s\n", qPrintable(bertlens::ui::safeDisplay(result.error)));
        return 1;
    }
    for (const QString& file : result.files) std::printf("%s\n", qPrintable(bertlens::ui::safeDisplay(file)));
    if (!result.note.isEmpty())
        std::fprintf(stderr, "bertlens: %s\n", qPrintable(bertlens::ui::safeDisplay(result.note)));
    return 0;
}

void describe(QCommandLineParser& parser, const Options& o) {
    parser.setApplicationDescription(QStringLiteral("BertLens: look inside BERT.\n\nWith no window:\n") +
                                     batchExportUsage());
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({o.model, o.text, o.view, o.layer, o.head, o.maskMode, o.presentation, o.colorMap, o.ablate,
                       o.precision, o.saliency, o.screenshot, o.finetune, o.screenshotDuring, o.snapshots,
                       o.snapshotStep, o.pretrainLive});
}

// The command line without the options QApplication takes for itself
// (-platform offscreen, -style S, -reverse, ...), which it removes later.
QStringList withoutQtOptions(const QStringList& arguments) {
    static const QStringList kWithValue = {
        "-platform",    "-platformpluginpath", "-platformtheme", "-plugin",     "-qwindowgeometry",
        "-qwindowicon", "-qwindowtitle",       "-style",         "-stylesheet", "-session",
        "-display",     "-geometry",           "-name",          "-title"};
    static const QStringList kSwitches = {"-reverse", "-widgetcount", "-nograb", "-dograb", "-sync"};
    QStringList out;
    for (int i = 0; i < arguments.size(); ++i) {
        if (kWithValue.contains(arguments[i])) {
            ++i;
        } else if (!kSwitches.contains(arguments[i])) {
            out << arguments[i];
        }
    }
    return out;
}

// Qt names the program "<executable_name>" while no QCoreApplication exists.
QString helpText(const QCommandLineParser& parser) {
    return parser.helpText().replace(QStringLiteral("<executable_name>"), QStringLiteral("bertlens"));
}

bool asksForHelp(const QStringList& arguments) {
    return arguments.contains(QLatin1String("--help")) || arguments.contains(QLatin1String("-h"));
}

}  // namespace

int main(int argc, char** argv) {
    const bool batch = isBatchExport(argc, argv);
    QStringList arguments;
    for (int i = 0; i < argc; ++i) arguments << QString::fromLocal8Bit(argv[i]);
    // --help, --version and command-line mistakes are answered before any
    // QApplication exists, so they work with no display.
    if (batch && asksForHelp(arguments)) {
        std::cout << qPrintable(batchExportUsage()) << "\n";
        return 0;
    }
    const Options o;
    QCommandLineParser parser;
    describe(parser, o);
    if (!batch) {
        if (!parser.parse(withoutQtOptions(arguments))) {
            std::cerr << "bertlens: " << qPrintable(bertlens::ui::safeDisplay(parser.errorText())) << "\n"
                      << qPrintable(helpText(parser));
            return 2;
        }
        if (parser.isSet(QStringLiteral("version"))) {
            std::cout << "bertlens " << BERTLENS_VERSION << "\n";
            return 0;
        }
        if (parser.isSet(QStringLiteral("help")) || parser.isSet(QStringLiteral("help-all"))) {
            std::cout << qPrintable(helpText(parser));
            return 0;
        }
    }
    // Batch export draws into images and files only: it needs no display, and
    // the offscreen platform draws the same on every machine.
    if (batch && !qEnvironmentVariableIsSet("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("BertLens"));
    QApplication::setApplicationName(QStringLiteral("BertLens"));
    QApplication::setApplicationVersion(QStringLiteral(BERTLENS_VERSION));
    if (batch) return runBatch(QApplication::arguments().mid(1));
    parser.parse(QApplication::arguments());  // checked above; now without what Qt took

    const Selection asked = selectionFrom(parser, o);  // usage errors before any window
    const std::vector<HeadRef> ablate = headsFrom(parser, o);
    QString finetuneTask;
    int finetuneSize = 0;
    if (parser.isSet(o.finetune)) {
        const QStringList parts = parser.value(o.finetune).split(QLatin1Char(':'));
        bool ok = parts.size() == 2;
        if (ok) finetuneSize = parts[1].toInt(&ok);
        if (!ok || finetuneSize < 1)
            usageError(QStringLiteral("--finetune is TASK:SIZE, e.g. agreement:300, not \"%1\"")
                           .arg(parser.value(o.finetune)));
        finetuneTask = parts[0];
    }
    const int snapshotStep = intValue(parser, o.snapshotStep, -1);
    if (parser.isSet(o.snapshotStep) && !parser.isSet(o.snapshots) && !parser.isSet(o.pretrainLive))
        usageError(QStringLiteral("--snapshot-step needs --snapshots DIR (the series to show) or --pretrain-live"));
    if (parser.isSet(o.snapshots) && parser.isSet(o.pretrainLive))
        usageError(QStringLiteral("--snapshots and --pretrain-live both fill the Training view: give one"));
    // Before anything else reads QSettings: an unreadable file is moved aside here.
    const SettingsLoad settings = loadWindowSettings();
    if (!settings.note.isEmpty()) std::fprintf(stderr, "bertlens: %s\n", qPrintable(safeDisplay(settings.note)));
    QString folder = parser.value(o.model);
    QString note;
    if (folder.isEmpty() && QFileInfo::exists(settings.state.modelFolder + QStringLiteral("/config.json"))) {
        folder = settings.state.modelFolder;  // the model open when BertLens last closed
    }
    if (folder.isEmpty()) {
        const BundledModel bundled = findBundledModel();
        folder = bundled.folder;
        note = bundled.note;
    }

    MainWindow window;
    // A --screenshot run is a look at the window, not a session to remember.
    window.setSaveSettingsOnClose(settings.writable && !parser.isSet(o.screenshot));
    window.applyRemembered(settings.state);
    window.setModelNote(note);
    if (!settings.note.isEmpty()) {
        // Once the model is in and its status shown, so nothing covers the note.
        QObject::connect(
            &window, &MainWindow::resultShown, &window,
            [&window, note = settings.note] { window.statusBar()->showMessage(safeDisplay(note), 30000); },
            Qt::SingleShotConnection);
    }
    if (!ablate.empty()) window.controller().setAblatedHeads(ablate);
    if (parser.isSet(o.saliency)) window.saliencyBar()->setSaliencyShown(true);
    if (!folder.isEmpty()) window.openModel(folder);
    if (parser.isSet(o.text)) {
        window.setText(parser.value(o.text));
    } else if (!window.examples().isEmpty()) {
        window.showExample(0);
    }
    // The command line wins over what was remembered.
    Selection selection = settings.state.selection.value_or(Selection{});
    if (parser.isSet(o.layer)) selection.layer = asked.layer;
    if (parser.isSet(o.head)) selection.head = asked.head;
    if (parser.isSet(o.maskMode)) selection.maskMode = asked.maskMode;
    window.selectionControls()->setSelection(selection);
    // Nothing chose a head: open on the one the model card names, else the
    // clearest of the first sentence (the rule is in StartHead.h).
    if (!parser.isSet(o.layer) && !parser.isSet(o.head) && !settings.state.selection) {
        QObject::connect(
            &window, &MainWindow::resultShown, &window,
            [&window](const AnalysisResultPtr& result) {
                const Selection now = window.selection();
                if (now.layer != 0 || now.head != 0 || now.averageHeads) return;  // chosen meanwhile
                const Analysis& a = result->analysis(now.maskMode);
                StartHead start = startHeadFromCard(window.controller().modelFolder(), a.layers, a.heads);
                if (!start.valid())
                    start = clearestHead(summariseSentence(*result, now.maskMode, false).statistics, a.layers, a.heads);
                if (!start.valid()) return;
                Selection s = now;
                s.layer = start.layer;
                s.head = start.head;
                window.selectionControls()->setSelection(s);
                window.statusBar()->showMessage(
                    QObject::tr("Opened on layer %1, head %2: %3.").arg(start.layer).arg(start.head).arg(start.why),
                    15000);
            },
            Qt::SingleShotConnection);
    }
    if (parser.isSet(o.view)) window.setCurrentView(parser.value(o.view));
    if (parser.isSet(o.colorMap)) {
        const QString name = parser.value(o.colorMap).toLower();
        if (name == QLatin1String("viridis")) {
            window.setColorMap(ColorMap::Viridis);
        } else if (name == QLatin1String("cividis")) {
            window.setColorMap(ColorMap::Cividis);
        } else if (name == QLatin1String("grayscale")) {
            window.setColorMap(ColorMap::Grayscale);
        } else {
            usageError(QStringLiteral("--color-map is viridis, cividis or grayscale, not \"%1\"").arg(name));
        }
    }
    if (parser.isSet(o.precision)) {
        Precision p = Precision::F32;
        const QString name = parser.value(o.precision).toLower();
        if (!parsePrecision(name.toStdString(), p)) {
            usageError(QStringLiteral("--precision is f32 or bf16, not \"%1\"").arg(name));
        }
        window.setPrecision(p);
    }
    if (parser.isSet(o.presentation)) window.setPresentationMode(true);

    auto* finetuneView = qobject_cast<FinetuneView*>(window.view(QStringLiteral("finetune")));
    if (!finetuneTask.isEmpty() && finetuneView) {
        window.setCurrentView(QStringLiteral("finetune"));
        QObject::connect(
            &window, &MainWindow::resultShown, finetuneView,
            [finetuneView, finetuneTask, finetuneSize] {
                if (!finetuneView->startTraining(finetuneTask, finetuneSize))
                    std::fprintf(stderr, "bertlens: %s\n", qPrintable(safeDisplay(finetuneView->message())));
            },
            Qt::SingleShotConnection);
        // What the view says, also on stderr: the numbers of a scripted run.
        QObject::connect(finetuneView, &FinetuneView::trainingFinished, finetuneView, [finetuneView] {
            QStringList means;
            if (const auto& c = finetuneView->grid()->change())
                for (double m : c->perLayer) means << QString::number(m, 'f', 4);
            std::fprintf(stderr, "bertlens: %s\nbertlens: mean change per layer: %s. %s\n",
                         qPrintable(finetuneView->status()), qPrintable(means.join(QStringLiteral(", "))),
                         qPrintable(finetuneView->grid()->verdict()));
        });
    }
    auto* trainingView = qobject_cast<TrainingView*>(window.view(QStringLiteral("training")));
    bool seriesOpen = false;
    if (parser.isSet(o.snapshots) && trainingView) {
        if (!parser.isSet(o.view)) window.setCurrentView(QStringLiteral("training"));
        seriesOpen = trainingView->openSeries(parser.value(o.snapshots), snapshotStep);
        if (!seriesOpen) std::fprintf(stderr, "bertlens: %s\n", qPrintable(safeDisplay(trainingView->message())));
    }
    bool liveStarted = false;
    if (parser.isSet(o.pretrainLive) && trainingView) {
        if (!parser.isSet(o.view)) window.setCurrentView(QStringLiteral("training"));
        liveStarted = trainingView->startLivePretraining();
        if (!liveStarted) std::fprintf(stderr, "bertlens: %s\n", qPrintable(safeDisplay(trainingView->message())));
        // Its progress on stderr too, each snapshot's line: the numbers of a scripted run.
        QObject::connect(trainingView, &TrainingView::seriesGrew, trainingView, [trainingView] {
            std::fprintf(stderr, "bertlens: %s\n",
                         qPrintable(safeDisplay(trainingView->liveText().split('\n').first())));
        });
        QObject::connect(trainingView, &TrainingView::livePretrainingFailed, trainingView, [](const QString& text) {
            std::fprintf(stderr, "bertlens: %s\n", qPrintable(safeDisplay(text)));
        });
    }
    if (parser.isSet(o.screenshot)) {
        const QString file = parser.value(o.screenshot);
        // One picture, of what the window shows once the awaited run has
        // answered (the first answer wins).
        auto taken = std::make_shared<bool>(false);
        const auto shoot = [&window, file, taken] {
            if (*taken) return;
            *taken = true;
            QTimer::singleShot(400, &window, [&window, file] {
                if (!window.grab().save(file))
                    std::fprintf(stderr, "bertlens: cannot write %s\n", qPrintable(bertlens::ui::safeDisplay(file)));
                QApplication::quit();
            });
        };
        if (liveStarted) {
            // Once the snapshot of --snapshot-step is shown, or when the run ends.
            QObject::connect(trainingView, &TrainingView::stepShown, &window,
                             [trainingView, shoot, snapshotStep](int index) {
                                 if (snapshotStep >= 0 && trainingView->series() &&
                                     trainingView->series()->snapshots()[size_t(index)].step >= snapshotStep)
                                     shoot();
                             });
            QObject::connect(trainingView, &TrainingView::livePretrainingEnded, &window, shoot);
            QObject::connect(trainingView, &TrainingView::livePretrainingFailed, &window, shoot);
        } else if (seriesOpen) {
            // Once the step's snapshot has answered for the sentence.
            QObject::connect(trainingView, &TrainingView::stepShown, &window, shoot);
            QObject::connect(trainingView, &TrainingView::stepFailed, &window, shoot);
            QObject::connect(&window, &MainWindow::resultCleared, &window, shoot);
        } else if (!finetuneTask.isEmpty() && finetuneView) {
            if (parser.isSet(o.screenshotDuring)) {
                QObject::connect(finetuneView, &FinetuneView::scratchEvaluated, &window, shoot);
            } else {
                QObject::connect(finetuneView, &FinetuneView::trainingFinished, &window, shoot);
            }
        } else {
            // Once the window shows the text's result, or says why it has none
            // (an empty or refused text: waiting for a result there never ended).
            QObject::connect(&window, &MainWindow::resultShown, &window, shoot);
            QObject::connect(&window, &MainWindow::resultCleared, &window, shoot);
        }
    }
    if (!parser.isSet(o.presentation)) window.show();
    return app.exec();
}
