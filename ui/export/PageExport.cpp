#include "PageExport.h"

#include "DataExport.h"

#include "Errors.h"
#include "export/InteractivePage.h"
#include "io/AtomicFile.h"

#include <QDir>
#include <QFileInfo>
#include <QObject>

#include <algorithm>
#include <ostream>
#include <streambuf>
#include <vector>

namespace bertlens::ui {
namespace {

// An ostream's bytes straight into an AtomicFile, a megabyte at a time, so a
// 150 MB page is never held in memory twice. AtomicFile's Error passes
// through the stream (it rethrows what its buffer throws when badbit is set
// in exceptions()).
class AtomicFileBuffer : public std::streambuf {
public:
    explicit AtomicFileBuffer(AtomicFile& file) : m_file(file), m_buffer(1 << 20) {
        setp(m_buffer.data(), m_buffer.data() + m_buffer.size());
    }
    void drain() {
        m_file.write(pbase(), static_cast<size_t>(pptr() - pbase()));
        setp(m_buffer.data(), m_buffer.data() + m_buffer.size());
    }

protected:
    int_type overflow(int_type c) override {
        drain();
        if (!traits_type::eq_int_type(c, traits_type::eof())) sputc(traits_type::to_char_type(c));
        return traits_type::not_eof(c);
    }
    int sync() override {
        drain();
        return 0;
    }

private:
    AtomicFile& m_file;
    std::vector<char> m_buffer;
};

PageInput pageInput(const AnalysisResult& result, const Selection& start) {
    PageInput in;
    in.modelName = result.modelName.toStdString();
    in.text = result.text;
    in.bidirectional = &result.bidirectional;
    in.causal = &result.causal;
    // A start the model lacks (a selection left from a larger model) opens at the nearest one.
    const Analysis& a = result.bidirectional;
    in.layer = std::clamp(start.layer, 0, std::max(a.layers - 1, 0));
    in.head = start.averageHeads ? kPageMeanHead : std::clamp(start.head, 0, std::max(a.heads - 1, 0));
    in.mask = start.maskMode == MaskMode::Causal ? MaskMode::Causal : MaskMode::Bidirectional;
    return in;
}

}  // namespace

QString writeInteractivePage(const AnalysisResult& result, const QString& path, const Selection& start) {
    const QFileInfo target(path);
    const QString shown = QDir::toNativeSeparators(target.absoluteFilePath());
    // A rename over a device (/dev/null, writable by root) would replace it.
    if (target.exists() && !target.isFile()) {
        return QObject::tr("%1 is a folder, a device or a pipe, not a file; choose a file name for the page.")
            .arg(shown);
    }
    if (!target.absoluteDir().exists()) {
        return QObject::tr("The folder %1 does not exist; choose a folder that does.")
            .arg(QDir::toNativeSeparators(target.absolutePath()));
    }
    try {
        const PageInput in = pageInput(result, start);
        AtomicFile file(target.absoluteFilePath().toStdString());
        AtomicFileBuffer buffer(file);
        std::ostream out(&buffer);
        out.exceptions(std::ios::badbit);
        writeInteractivePage(out, in);
        buffer.drain();
        file.commit();
    } catch (const InputError& e) {
        return QObject::tr("The page could not be made: %1").arg(QString::fromStdString(e.what()));
    } catch (const Error& e) {
        // AtomicFile's words name the file, say why (read-only folder, full disk) and what to do.
        return QObject::tr("The page was not written: %1.").arg(QString::fromStdString(e.what()));
    } catch (const std::bad_alloc&) {
        return QObject::tr("There is not enough memory to write the page for %1 tokens; try a shorter text.")
            .arg(result.tokenCount());
    }
    return QString();
}

qint64 interactivePageBytes(const AnalysisResult& result) {
    try {
        return static_cast<qint64>(bertlens::interactivePageBytes(pageInput(result, {})));
    } catch (const Error&) {
        return 0;
    }
}

QString interactivePageSizeNote(qint64 bytes) {
    const QString size = byteSizeText(bytes);
    if (bytes < 20LL * 1000 * 1000) return QObject::tr("The page is %1.").arg(size);
    return QObject::tr(
               "The page is %1: large texts make large pages (every head of every layer under both masks); a "
               "browser may take some seconds to open it, and a shorter text makes a smaller page.")
        .arg(size);
}

}  // namespace bertlens::ui
