#include "FileDropHandler.h"

#include "tokenizer/Unicode.h"

#include <QDir>
#include <QDragEnterEvent>
#include <QDragMoveEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileInfo>
#include <QMimeData>
#include <QWidget>

#include <string_view>

namespace bertlens::ui {

namespace {

// Files of a model folder: dropping one opens the folder it is in.
bool isModelFile(const QString& name) {
    static const QStringList names = {QStringLiteral("config.json"), QStringLiteral("model.safetensors"),
                                      QStringLiteral("pytorch_model.bin"), QStringLiteral("vocab.txt"),
                                      QStringLiteral("tokenizer_config.json")};
    return names.contains(name);
}

bool hasLocalFile(const QMimeData* mime) {
    if (!mime || !mime->hasUrls()) return false;
    for (const QUrl& url : mime->urls()) {
        if (url.isLocalFile()) return true;
    }
    return false;
}

}  // namespace

FileDropHandler::FileDropHandler(int maxChars, QObject* parent) : QObject(parent), m_maxChars(maxChars) {}

void FileDropHandler::watch(QWidget* widget) {
    widget->setAcceptDrops(true);
    widget->installEventFilter(this);
}

bool FileDropHandler::eventFilter(QObject* watched, QEvent* event) {
    switch (event->type()) {
        case QEvent::DragEnter:
        case QEvent::DragMove: {
            auto* drag = static_cast<QDragMoveEvent*>(event);
            if (!hasLocalFile(drag->mimeData())) return false;  // plain text: the widget's own drop
            drag->acceptProposedAction();
            return true;
        }
        case QEvent::Drop: {
            auto* drop = static_cast<QDropEvent*>(event);
            if (!hasLocalFile(drop->mimeData())) return false;
            drop->acceptProposedAction();
            handleUrls(drop->mimeData()->urls());
            return true;
        }
        default:
            return QObject::eventFilter(watched, event);
    }
}

void FileDropHandler::handleUrls(const QList<QUrl>& urls) {
    for (const QUrl& url : urls) {
        if (!url.isLocalFile()) continue;
        const QFileInfo info(url.toLocalFile());
        if (info.isDir()) {
            emit openModelRequested(info.absoluteFilePath());
        } else if (isModelFile(info.fileName())) {
            emit openModelRequested(info.absolutePath());
        } else {
            readTextFile(info.absoluteFilePath());
        }
        return;
    }
    emit dropRefused(tr("Only files on this computer can be dropped here."));
}

void FileDropHandler::readTextFile(const QString& path) {
    const QString name = QDir::toNativeSeparators(path);
    const QFileInfo info(path);
    if (!info.isFile()) {
        emit dropRefused(tr("%1 is not a file that can be read; the sentence was not changed.").arg(name));
        return;
    }
    if (info.size() > kMaxTextBytes) {
        emit dropRefused(tr("%1 is %2 MB, too long for a sentence (at most %3 MB); the sentence was not changed.")
                             .arg(name)
                             .arg(info.size() / double(1 << 20), 0, 'f', 1)
                             .arg(kMaxTextBytes >> 20));
        return;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        emit dropRefused(tr("Cannot read %1: %2. The sentence was not changed.").arg(name, file.errorString()));
        return;
    }
    QByteArray bytes = file.read(kMaxTextBytes + 1);
    if (bytes.startsWith("\xEF\xBB\xBF")) bytes.remove(0, 3);  // a UTF-8 byte order mark
    const QString why = whyNotUtf8Text(bytes);
    if (!why.isEmpty()) {
        emit dropRefused(tr("%1 is not UTF-8 text (%2). Save it as UTF-8 and drop it again; the sentence was not "
                            "changed.")
                             .arg(name, why));
        return;
    }
    QString text = QString::fromUtf8(bytes);
    // The sentence box is one line; BERT reads a line break as a space.
    text.replace(QStringLiteral("\r\n"), QStringLiteral(" "));
    text.replace(QLatin1Char('\n'), QLatin1Char(' '));
    text.replace(QLatin1Char('\r'), QLatin1Char(' '));
    text = text.trimmed();
    if (text.size() > m_maxChars) {
        emit dropRefused(tr("%1 holds %2 characters, more than the sentence box holds (%3); the sentence was not "
                            "changed.")
                             .arg(name)
                             .arg(text.size())
                             .arg(m_maxChars));
        return;
    }
    emit textDropped(text);
}

QString FileDropHandler::whyNotUtf8Text(const QByteArray& bytes) {
    const std::string_view view(bytes.constData(), static_cast<size_t>(bytes.size()));
    if (const auto nul = view.find('\0'); nul != std::string_view::npos) {
        return tr("it holds a NUL byte at position %1: it is a binary file, or UTF-16 text").arg(nul);
    }
    if (unicode::isValidUtf8(view)) return QString();
    // Invalid bytes decode to U+FFFD; a real U+FFFD in the text is EF BF BD.
    const unicode::DecodedText decoded = unicode::decodeUtf8(view);
    for (size_t i = 0; i < decoded.codePoints.size(); ++i) {
        if (decoded.codePoints[i] != U'\uFFFD') continue;
        const auto at = static_cast<size_t>(decoded.byteOffsets[i]);
        if (view.substr(at, 3) == "\xEF\xBF\xBD") continue;
        const QString hex = QString::number(static_cast<uint8_t>(view[at]), 16).toUpper().rightJustified(2, u'0');
        return tr("byte 0x%1 at position %2 is not UTF-8").arg(hex).arg(at);
    }
    return tr("it is not valid UTF-8");
}

}  // namespace bertlens::ui
