#include "HeadsSummary.h"

#include "SafeDisplay.h"

#include "Errors.h"
#include "analysis/CorpusLines.h"
#include "analysis/SummaryText.h"
#include "model/Encoder.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QObject>

#include <fstream>

namespace bertlens::ui {

namespace {

void throwIfCancelled(const std::atomic<bool>* cancel) {
    if (cancel && cancel->load(std::memory_order_relaxed)) throw Cancelled();
}

// Why a file cannot be summarised at all, before a byte of it is read; "" if
// it can be tried. A FIFO or a device would block or never end: refused.
QString fileProblem(const QString& path) {
    const QFileInfo info(path);
    const QString shown = safeDisplayQuote(QDir::toNativeSeparators(path), 120);
    if (path.isEmpty()) return QObject::tr("No file was chosen: choose a text file with one sentence a line.");
    if (!info.exists()) return QObject::tr("There is no file %1: check the path.").arg(shown);
    if (info.isDir()) return QObject::tr("%1 is a folder: choose a text file with one sentence a line.").arg(shown);
    if (!info.isFile())
        return QObject::tr("%1 is not a regular file: choose a text file with one sentence a line.").arg(shown);
    if (!info.isReadable()) return QObject::tr("%1 cannot be read: check its permissions.").arg(shown);
    if (info.size() == 0) return QObject::tr("%1 is empty: give a file with one sentence a line.").arg(shown);
    return QString();
}

QString skipList(const std::map<std::string, int64_t>& skipped) {
    QStringList parts;
    for (const auto& [reason, count] : skipped) {
        if (count > 0) parts << QStringLiteral("%1 %2").arg(count).arg(skipReasonTitle(reason));
    }
    return parts.join(QStringLiteral(", "));
}

}  // namespace

int64_t HeadsSummary::skippedTotal() const {
    int64_t total = 0;
    for (const auto& [reason, count] : skipped) total += count;
    return total;
}

QString skipReasonTitle(const std::string& reason) {
    if (reason == "empty") return QObject::tr("empty");
    if (reason == "not_utf8") return QObject::tr("not UTF-8");
    if (reason == "contains_nul") return QObject::tr("with NUL bytes");
    if (reason == "line_over_64_kib") return QObject::tr("over 64 KiB");
    if (reason == "too_long_for_model") return QObject::tr("too long for the model");
    return QString::fromStdString(reason);
}

HeadsSummary summariseSentence(const AnalysisResult& result, MaskMode mask, bool withMap,
                               const std::atomic<bool>* cancel) {
    const Analysis& a = result.analysis(mask);
    HeadsSummary s;
    s.source = HeadsSummary::Source::Sentence;
    s.requestId = result.requestId;
    s.maskMode = mask;
    s.layers = a.layers;
    s.heads = a.heads;
    if (a.layers == 0 || a.tokenCount == 0) return s;
    HeadSummaryAccumulator acc(a.layers, a.heads, withMap);
    acc.add(a.attentions.data(), a.tokenCount, keyRoles(a.tokens), a.maskMode, cancel);
    s.sentences = acc.sentences();
    s.queryTokens = acc.queryTokens();
    s.statistics = acc.statistics();
    if (withMap) {
        throwIfCancelled(cancel);
        s.map = classicalMds(acc.jsDistances());
    }
    return s;
}

HeadsSummary summariseCorpus(const std::shared_ptr<const Model>& model, const QString& path, MaskMode mask,
                             const std::atomic<bool>* cancel,
                             const std::function<void(const CorpusProgress&)>& progress) {
    if (!model) throw InputError(QObject::tr("No model is loaded: open one with File > Open model.").toStdString());
    const QString problem = fileProblem(path);
    if (!problem.isEmpty()) throw InputError(problem.toStdString());
    std::ifstream file(QFile::encodeName(path).toStdString(), std::ios::binary);
    const QString shown = safeDisplayQuote(QDir::toNativeSeparators(path), 120);
    if (!file)
        throw InputError(
            QObject::tr("%1 cannot be opened: check the path and its permissions.").arg(shown).toStdString());

    const ModelConfig& c = model->config();
    HeadsSummary s;
    s.source = HeadsSummary::Source::Corpus;
    s.maskMode = mask;
    s.layers = c.layers;
    s.heads = c.heads;
    s.file = path;
    s.skipped = {
        {"empty", 0}, {"not_utf8", 0}, {"contains_nul", 0}, {"line_over_64_kib", 0}, {"too_long_for_model", 0}};
    Encoder encoder(model);
    HeadSummaryAccumulator acc(c.layers, c.heads, true);
    CorpusProgress p;
    p.totalBytes = QFileInfo(path).size();
    CorpusLineReader reader(file);
    std::string line;
    LineProblem lineProblem = LineProblem::None;
    while (reader.next(line, lineProblem)) {
        throwIfCancelled(cancel);
        ++s.linesRead;
        if (lineProblem == LineProblem::TooLong) {
            ++s.skipped["line_over_64_kib"];
        } else if (lineProblem != LineProblem::None) {
            ++s.skipped[lineProblemName(lineProblem)];
        } else if (const std::string why = addTextToSummary(encoder, corpusLineToText(line), mask, acc, cancel);
                   !why.empty()) {
            ++s.skipped[why];
        }
        if (progress) {
            p.bytesRead = reader.bytesRead();
            p.linesRead = s.linesRead;
            p.linesUsed = acc.sentences();
            p.linesSkipped = s.linesRead - acc.sentences();
            progress(p);
        }
    }
    if (file.bad())
        throw InputError(QObject::tr("Reading %1 failed part of the way: check the file.").arg(shown).toStdString());
    if (acc.sentences() == 0) {
        throw InputError(QObject::tr("No line of %1 could be used: of its %2 lines, %3. Choose a file of plain UTF-8 "
                                     "sentences, one a line.")
                             .arg(shown)
                             .arg(s.linesRead)
                             .arg(skipList(s.skipped))
                             .toStdString());
    }
    s.sentences = acc.sentences();
    s.queryTokens = acc.queryTokens();
    s.statistics = acc.statistics();
    throwIfCancelled(cancel);
    s.map = classicalMds(acc.jsDistances());
    return s;
}

}  // namespace bertlens::ui
