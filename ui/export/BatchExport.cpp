#include "BatchExport.h"

#include "BothMasks.h"
#include "CompareView.h"
#include "EmbeddingsView.h"
#include "FigureCaption.h"
#include "FigureExporter.h"
#include "HeadChips.h"
#include "LinesView.h"
#include "MeasuresPass.h"
#include "PageExport.h"
#include "ViewRegistry.h"

#include "Errors.h"
#include "analysis/DirectionComparison.h"
#include "model/Encoder.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTextStream>

#include <cstdio>
#include <memory>

namespace bertlens::ui {

namespace {

// The model's trained twin beside its folder (MODEL-l2r, MODEL-r2l), or null
// when there is none; a twin folder that exists but does not fit is an error.
std::shared_ptr<const Model> openTwin(const Model& model, const QString& modelDir, Objective objective) {
    QString base = modelDir;
    while (base.size() > 1 && base.endsWith(QLatin1Char('/'))) base.chop(1);
    const QString folder = base + (objective == Objective::NextWord ? QStringLiteral("-l2r") : QStringLiteral("-r2l"));
    if (model.config().objective != Objective::MaskedLm || !QFileInfo::exists(folder)) return nullptr;
    auto twin = Model::load(folder.toStdString());
    const std::string problem = twinProblem(model, *twin, objective);
    if (!problem.empty()) throw InputError(problem);
    return twin;
}

// Every run the window makes for a text, by the inference worker's own code.
AnalysisResultPtr analyse(const AnalysisRequest& request) {
    Encoder bidirectional(request.model), causal(request.model);
    std::unique_ptr<Encoder> leftToRight, rightToLeft;
    BothMasksOptions run;
    run.emptyTextHint = "the text is empty: give a sentence with --text";
    if (request.leftToRight) run.leftToRight = (leftToRight = std::make_unique<Encoder>(request.leftToRight)).get();
    if (request.rightToLeft) run.rightToLeft = (rightToLeft = std::make_unique<Encoder>(request.rightToLeft)).get();
    return analyseBothMasks(request, bidirectional, causal, run);
}

BatchExportResult failure(const QString& message) {
    BatchExportResult r;
    r.error = message;
    return r;
}

bool parseInt(const QString& text, int& value) {
    bool ok = false;
    value = text.toInt(&ok);
    return ok;
}

}  // namespace

QString batchExportUsage() {
    return QObject::
        tr("usage: bertlens --export DIR --text TEXT [--view %1|all|page] [--layer L] [--head H|mean]\n"
           "                [--mask-mode bidirectional|causal] [--format png|svg|pdf] [--model DIR]\n"
           "                [--dpi D] [--presentation] [--heads 2,5,mean] [--paths]\n"
           "                [--compare-with mask|l2r|r2l|shallow]\n"
           "                [--preset single-column|double-column|slide] [--width-cm W] [--height-cm H] [--font-pt P]\n"
           "Writes the chosen view of TEXT as a figure into DIR, with no window. --text - reads stdin.\n"
           "--heads: the heads the lines view overlays; --paths: the embeddings view's paths through the layers.\n"
           "--compare-with: what the compare view puts beside BERT (default: the left-to-right twin when the\n"
           "model has one, else its own weights under a left-to-right mask).\n"
           "--width-cm W --font-pt P: a figure to be placed W cm wide, its text P points there; presets:\n"
           "single-column (8.5 cm, 8 pt), double-column (17.8 cm, 9 pt), slide (25.4 x 14.3 cm, 18 pt).\n"
           "--view page: one HTML page with every layer and head under both masks, to open in a browser (it\n"
           "needs no network); it opens on --layer, --head and --mask-mode.\n"
           "The training view is exported from the window (bertlens --snapshots DIR, then File > Export).")
            .arg(exportableViewNames().join(QLatin1Char('|')));
}

QStringList exportableViewNames() {
    QStringList names = viewNames();
    names.removeAll(QStringLiteral("training"));  // its snapshots run on the window's worker
    return names;
}

bool parseBatchExportArguments(const QStringList& args, BatchExportOptions& o, QString& error) {
    bool sawExport = false, sawText = false;
    for (int i = 0; i < args.size(); ++i) {
        const QString& a = args[i];
        if (a == QLatin1String("--presentation")) {
            o.presentation = true;
            continue;
        }
        if (a == QLatin1String("--paths")) {
            o.embeddingPaths = true;
            continue;
        }
        static const QStringList kWithValue = {
            "--export", "--text",  "--view",  "--layer",        "--head",   "--mask-mode", "--format",    "--model",
            "--dpi",    "--top-k", "--heads", "--compare-with", "--preset", "--width-cm",  "--height-cm", "--font-pt"};
        if (!kWithValue.contains(a)) {
            error = QObject::tr("unknown option %1 for batch export").arg(a);
            return false;
        }
        if (i + 1 >= args.size()) {
            error = QObject::tr("%1 needs a value").arg(a);
            return false;
        }
        const QString v = args[++i];
        if (a == QLatin1String("--export")) {
            o.outputDir = v;
            sawExport = true;
        } else if (a == QLatin1String("--text")) {
            if (v == QLatin1String("-")) {
                QFile in;
                if (!in.open(stdin, QIODevice::ReadOnly)) {
                    error = QObject::tr("could not read the text from standard input");
                    return false;
                }
                o.text = QString::fromUtf8(in.readAll());
            } else {
                o.text = v;
            }
            sawText = true;
        } else if (a == QLatin1String("--view")) {
            o.view = v;
        } else if (a == QLatin1String("--compare-with")) {
            ComparePartner partner;
            if (!parsePartner(v, partner)) {
                error =
                    QObject::tr("--compare-with is %1, not \"%2\"").arg(partnerNames().join(QStringLiteral(", ")), v);
                return false;
            }
            o.compareWith = v;
        } else if (a == QLatin1String("--layer")) {
            if (!parseInt(v, o.layer)) {
                error = QObject::tr("--layer wants a layer number (0 is the first), not \"%1\"").arg(v);
                return false;
            }
        } else if (a == QLatin1String("--head")) {
            o.averageHeads = v == QLatin1String("mean") || v == QLatin1String("all");
            if (!o.averageHeads && !parseInt(v, o.head)) {
                error = QObject::tr("--head wants a head number (0 is the first) or \"mean\", not \"%1\"").arg(v);
                return false;
            }
        } else if (a == QLatin1String("--mask-mode")) {
            if (!parseMaskMode(v.toStdString(), o.maskMode)) {
                error = QObject::tr("--mask-mode is bidirectional or causal, not \"%1\"").arg(v);
                return false;
            }
        } else if (a == QLatin1String("--format")) {
            FigureExporter::Format f;
            if (!FigureExporter::parseFormat(v, f)) {
                error = QObject::tr("--format is png, svg or pdf, not \"%1\"").arg(v);
                return false;
            }
            o.format = v.toLower();
        } else if (a == QLatin1String("--model")) {
            o.modelDir = v;
        } else if (a == QLatin1String("--dpi")) {
            bool ok = false;
            o.dpi = v.toDouble(&ok);
            if (!ok || o.dpi < 36 || o.dpi > 1200) {
                error = QObject::tr("--dpi is a resolution from 36 to 1200, not \"%1\"").arg(v);
                return false;
            }
        } else if (a == QLatin1String("--heads")) {
            o.linesHeads.clear();
            for (const QString& item : v.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
                int h = kMeanHead;
                if (item.trimmed() != QLatin1String("mean") && (!parseInt(item.trimmed(), h) || h < 0)) {
                    error = QObject::tr("--heads is a list such as 2,5,mean, not \"%1\"").arg(v);
                    return false;
                }
                o.linesHeads.push_back(h);
            }
        } else if (a == QLatin1String("--preset")) {
            const FigurePreset preset = figurePreset(v);
            if (preset.name.isEmpty()) {
                error =
                    QObject::tr("--preset is %1, not \"%2\"").arg(figurePresetNames().join(QStringLiteral(", ")), v);
                return false;
            }
            o.fit = preset.fit;
        } else if (a == QLatin1String("--width-cm") || a == QLatin1String("--height-cm") ||
                   a == QLatin1String("--font-pt")) {
            bool ok = false;
            const double value = v.toDouble(&ok);
            if (!ok || value <= 0.0) {
                error = QObject::tr("%1 wants a positive number, not \"%2\"").arg(a, v);
                return false;
            }
            (a == QLatin1String("--width-cm") ? o.fit.widthCm
                                              : (a == QLatin1String("--height-cm") ? o.fit.heightCm : o.fit.fontPt)) =
                value;
        } else if (a == QLatin1String("--top-k")) {
            if (!parseInt(v, o.topK) || o.topK < 1 || o.topK > 50) {
                error = QObject::tr("--top-k is a number of words from 1 to 50, not \"%1\"").arg(v);
                return false;
            }
        }
    }
    if (!sawExport || !sawText) {
        error = QObject::tr("batch export needs --export DIR and --text TEXT");
        return false;
    }
    if (const QString problem = fitProblem(o.fit); !problem.isEmpty()) {
        error = problem;
        return false;
    }
    return true;
}

QString batchFileName(const QString& view, const BatchExportOptions& o) {
    const QString head = o.averageHeads ? QStringLiteral("mean") : QStringLiteral("head%1").arg(o.head);
    QString name;
    if (view == QLatin1String("page")) {
        return QStringLiteral("page-layer%1-%2-%3.html").arg(o.layer).arg(head, maskModeName(o.maskMode));
    } else if (view == QLatin1String("model")) {
        name = QStringLiteral("model-%1").arg(maskModeName(o.maskMode));
    } else if (view == QLatin1String("compare")) {
        name = QStringLiteral("compare-layer%1-%2").arg(o.layer).arg(head);
        if (!o.compareWith.isEmpty() && o.compareWith != QLatin1String("mask"))
            name += QLatin1String("-with-") + o.compareWith;
    } else if (view == QLatin1String("predictions")) {
        name = QStringLiteral("predictions-%1").arg(maskModeName(o.maskMode));
    } else if (view == QLatin1String("embeddings")) {
        name = QStringLiteral("embeddings%1-layer%2-%3")
                   .arg(o.embeddingPaths ? QStringLiteral("-paths") : QString())
                   .arg(o.layer)
                   .arg(maskModeName(o.maskMode));
    } else if (view == QLatin1String("lines") && !o.linesHeads.empty()) {
        QStringList heads;
        for (int h : o.linesHeads) heads << (h == kMeanHead ? QStringLiteral("mean") : QString::number(h));
        name = QStringLiteral("lines-layer%1-heads%2-%3")
                   .arg(o.layer)
                   .arg(heads.join(QLatin1Char('+')), maskModeName(o.maskMode));
    } else {
        name = QStringLiteral("%1-layer%2-%3-%4").arg(view).arg(o.layer).arg(head, maskModeName(o.maskMode));
    }
    return name + QLatin1Char('.') + o.format.toLower();
}

BatchExportResult runBatchExport(const BatchExportOptions& o) {
    // Check everything cheap before loading the model. The page is not a
    // figure: it has no registry entry and ignores --format.
    const bool page = o.view == QLatin1String("page");
    QStringList views;
    if (o.view == QLatin1String("training")) {
        // A series' figure needs its snapshots run on a worker: the window
        // exports it (File > Export with the Training view shown).
        return failure(QObject::tr("the training view is not exported from the command line: open the series in "
                                   "the window (bertlens --snapshots DIR --view training) and use File > Export"));
    }
    if (o.view == QLatin1String("all")) {
        views = exportableViewNames();
    } else if (viewNames().contains(o.view)) {
        views << o.view;
    } else if (!page) {
        return failure(QObject::tr("there is no view \"%1\": choose one of %2, all, or page")
                           .arg(o.view, viewNames().join(QStringLiteral(", "))));
    }
    FigureExporter::Options figure;
    if (!FigureExporter::parseFormat(o.format, figure.format))
        return failure(QObject::tr("--format is png, svg or pdf, not \"%1\"").arg(o.format));
    figure.dpi = o.dpi;
    figure.theme = o.presentation ? Theme::presentation() : Theme::normal();
    if (const QString problem = fitProblem(o.fit); !problem.isEmpty()) return failure(problem);
    figure.fit = o.fit;
    if (o.modelDir.isEmpty()) return failure(QObject::tr("no model folder given: pass --model DIR"));
    if (o.outputDir.isEmpty()) return failure(QObject::tr("no output folder given: pass --export DIR"));
    if (!QDir().mkpath(o.outputDir)) {
        return failure(QObject::tr("cannot create the output folder %1: choose a folder you can write to")
                           .arg(QDir::toNativeSeparators(o.outputDir)));
    }

    ComparePartner partner = ComparePartner::LeftToRightTwin;
    if (!o.compareWith.isEmpty()) parsePartner(o.compareWith, partner);
    std::shared_ptr<const Model> model;
    AnalysisResultPtr result;
    try {
        model = Model::load(o.modelDir.toStdString());
        AnalysisRequest request;
        request.model = model;
        request.modelName = QDir(o.modelDir).dirName();
        request.text = o.text.toStdString();
        request.topK = o.topK;
        request.leftToRight = openTwin(*model, o.modelDir, Objective::NextWord);
        request.rightToLeft = openTwin(*model, o.modelDir, Objective::PreviousWord);
        result = analyse(request);
    } catch (const CheckpointError& e) {
        return failure(
            QObject::tr("cannot load the model in %1: %2").arg(o.modelDir, QString::fromStdString(e.what())));
    } catch (const Error& e) {
        return failure(QString::fromStdString(e.what()));
    }
    if (!o.compareWith.isEmpty() && availablePartner(*result, partner) != partner) {
        return failure(partnerMissingNote(*result, partner) + QLatin1Char(' ') +
                       QObject::tr("Train one with bertlens-cli train --objective next-word (or previous-word) into a "
                                   "folder beside the model named MODEL-l2r (MODEL-r2l), or use --compare-with mask."));
    }
    const Analysis& a = result->bidirectional;
    if (o.layer < 0 || o.layer >= a.layers) {
        return failure(
            QObject::tr("layer %1 does not exist: this model has layers 0 to %2").arg(o.layer).arg(a.layers - 1));
    }
    if (!o.averageHeads && (o.head < 0 || o.head >= a.heads)) {
        return failure(
            QObject::tr("head %1 does not exist: this model has heads 0 to %2, or mean").arg(o.head).arg(a.heads - 1));
    }

    for (int h : o.linesHeads) {
        if (h >= a.heads) {
            return failure(
                QObject::tr("--heads names head %1, but this model has heads 0 to %2").arg(h).arg(a.heads - 1));
        }
    }

    Selection selection;
    selection.layer = o.layer;
    selection.head = o.head;
    selection.averageHeads = o.averageHeads;
    selection.maskMode = o.maskMode;
    BatchExportResult out;
    if (page) {
        const QString path = QDir(o.outputDir).absoluteFilePath(batchFileName(QStringLiteral("page"), o));
        const QString error = writeInteractivePage(*result, path, selection);
        if (!error.isEmpty()) return failure(error);
        out.ok = true;
        out.files << path;
        out.note = interactivePageSizeNote(QFileInfo(path).size());
        return out;
    }

    // The measures the flow and layers views draw (flow only when one of them is exported).
    FlowMeasuresPtr measures;
    try {
        MeasuresOptions m;
        m.topK = o.topK;
        measures = measureStack(*result, *model, m);
        measures = addSaliency(*measures, *result, *model, m);
        if (views.contains(QStringLiteral("flow"))) measures = addFlow(*measures, *result, m);
    } catch (const Error& e) {
        return failure(QString::fromStdString(e.what()));
    }

    QStringList notes;
    for (const QString& name : views) {
        std::unique_ptr<FigureView> view(createView(name));
        view->setTheme(figure.theme);
        view->setSelection(selection);
        view->setResult(result);
        view->setMeasures(measures);
        if (auto* lines = qobject_cast<LinesView*>(view.get()); lines && !o.linesHeads.empty())
            lines->setShownHeads(o.linesHeads);
        if (auto* compare = qobject_cast<CompareView*>(view.get()))
            compare->setPartner(o.compareWith.isEmpty() ? availablePartner(*result, partner) : partner);
        if (auto* embeddings = qobject_cast<EmbeddingsView*>(view.get()); embeddings && o.embeddingPaths)
            embeddings->setMode(EmbeddingsView::Mode::Paths);
        figure.caption = figureCaption(result.get(), selection, name, view.get());
        const QString path = QDir(o.outputDir).absoluteFilePath(batchFileName(name, o));
        const QString error = FigureExporter::write(*view, path, figure);
        if (!error.isEmpty()) {
            out.error = error;
            return out;
        }
        out.files << path;
        if (figure.fit.fontPt > 0.0 && figure.fit.widthCm > 0.0) {
            // Said, not hidden: a view that cannot be this narrow comes out with smaller text.
            const double scale = FigureExporter::textScale(*view, figure);
            if (scale < 0.995) {
                notes << QObject::tr("%1: its text is %2 pt, not %3 pt, at %4 cm (it needs %5 cm for %3 pt)")
                             .arg(name)
                             .arg(figure.fit.fontPt * scale, 0, 'f', 1)
                             .arg(figure.fit.fontPt)
                             .arg(figure.fit.widthCm)
                             .arg(figure.fit.widthCm / scale, 0, 'f', 1);
            }
        }
    }
    out.note = notes.join(QStringLiteral("; "));
    out.ok = true;
    return out;
}

}  // namespace bertlens::ui
