// Batch export with no window: `bertlens --export DIR --text TEXT --view V
// [--layer L] [--head H|mean] [--mask-mode M] [--format png|svg|pdf]
// [--model DIR] [--dpi D] [--presentation] [--heads 2,5,mean] [--paths]
// [--compare-with mask|l2r|r2l|shallow] [--preset single-column|double-column|slide]
// [--width-cm W] [--height-cm H] [--font-pt P]`
// renders the same figures as the window, off-screen, so every slide comes
// from one command. --heads picks the heads the lines view overlays;
// --paths puts the embeddings view in its paths-through-the-layers mode.
// --width-cm and --font-pt make a figure to be placed W cm wide with its
// text at P points there (FigureFit.h); a preset sets both (and the slide's
// height), and the options after it change what it set.
//
//   BatchExportOptions o;
//   QString error;
//   if (!parseBatchExportArguments(args, o, error)) { print error; exit 2 }
//   o.modelDir = ...;  // the bundled model unless --model was given
//   BatchExportResult r = runBatchExport(o);  // r.files, or r.error
//
// --view page writes one HTML page (export/PageExport.h) with every layer,
// head and both masks instead of a figure; it opens on --layer, --head and
// --mask-mode, and r.note gives its size.
//
// No worker thread: the encoder runs here, once per mask mode, and the views
// come from the ViewRegistry. Needs a QApplication (the offscreen platform
// will do). UI thread only.
#pragma once

#include "FigureFit.h"

#include "model/Analysis.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace bertlens::ui {

struct BatchExportOptions {
    QString outputDir;                      // created if missing
    QString text;                           // the sentence; "[MASK]" where a word should be guessed
    QString modelDir;                       // a Hugging Face BERT folder
    QString view = QStringLiteral("head");  // a ViewRegistry name, or "all"
    int layer = 0;
    int head = 0;
    bool averageHeads = false;  // --head mean
    MaskMode maskMode = MaskMode::Bidirectional;
    QString format = QStringLiteral("png");  // png | svg | pdf
    double dpi = 150.0;                      // PNG only
    bool presentation = false;               // large fonts, high contrast
    int topK = 10;
    std::vector<int> linesHeads;  // lines view: heads to overlay (-1 = mean); empty = the selected head
    bool embeddingPaths = false;  // embeddings view: paths through the layers
    // Compare view: what stands beside BERT (ComparePartner names: mask, l2r,
    // r2l, shallow). Empty: the left-to-right twin when the model has one
    // (a folder beside it named MODEL-l2r), else its own mask.
    QString compareWith;
    FigureFit fit;  // --preset, --width-cm, --height-cm, --font-pt; none: each view's own size
};

struct BatchExportResult {
    bool ok = false;
    QStringList files;  // absolute paths written, in view order
    QString error;      // what went wrong and what to do, when !ok
    QString note;       // what to know about what was written (the page's size), or ""
};

// Parses the arguments (without the program name). The model folder is left
// empty unless --model is given. --text - reads the text from standard input.
// Returns false with a message naming the bad option (without the usage
// text: print batchExportUsage() after it).
bool parseBatchExportArguments(const QStringList& arguments, BatchExportOptions& options, QString& error);
// The usage text for --help and for errors.
QString batchExportUsage();
// The views --export draws: every registered one but "training" (its
// snapshots are run by the window's worker; the window exports it).
QStringList exportableViewNames();

// The file name a figure is written under, e.g. "head-layer1-head3-bidirectional.png";
// the interactive page (--view page): "page-layer1-head3-bidirectional.html".
QString batchFileName(const QString& view, const BatchExportOptions& options);

BatchExportResult runBatchExport(const BatchExportOptions& options);

}  // namespace bertlens::ui
