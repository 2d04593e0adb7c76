#include "SentenceEdit.h"

#include <QClipboard>
#include <QContextMenuEvent>
#include <QGuiApplication>
#include <QKeyEvent>
#include <QMenu>

#include <algorithm>

namespace bertlens::ui {

SentenceEdit::SentenceEdit(QWidget* parent) : QLineEdit(parent) {}

bool SentenceEdit::insertCut(const QString& text) {
    const qsizetype room = maxLength() - (this->text().size() - selectedText().size());
    qsizetype keep = std::clamp<qsizetype>(room, 0, text.size());
    if (keep < text.size() && keep > 0 && text[keep - 1].isHighSurrogate()) --keep;
    insert(text.left(keep));
    if (keep < text.size()) {
        emit pasteWasCut(text.size() - keep);
        return true;
    }
    return false;
}

void SentenceEdit::pasteCut() {
    if (isReadOnly()) return;
    insertCut(QGuiApplication::clipboard()->text(QClipboard::Clipboard));
}

void SentenceEdit::keyPressEvent(QKeyEvent* event) {
    if (event == QKeySequence::Paste) {
        pasteCut();
        event->accept();
        return;
    }
    QLineEdit::keyPressEvent(event);
}

void SentenceEdit::contextMenuEvent(QContextMenuEvent* event) {
    QMenu* menu = createStandardContextMenu();
    menu->setAttribute(Qt::WA_DeleteOnClose);
    // QLineEdit names its standard actions; its Paste would insert all of the clipboard.
    if (QAction* paste = menu->findChild<QAction*>(QStringLiteral("edit-paste"))) {
        paste->disconnect();
        connect(paste, &QAction::triggered, this, &SentenceEdit::pasteCut);
    }
    menu->popup(event->globalPos());
}

}  // namespace bertlens::ui
