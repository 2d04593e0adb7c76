// Qt side of text/SafeText.h: messages and quotes made safe before they are
// shown in a dialog, the status bar or a title (valid text, control
// characters and bidirectional overrides escaped). Dialogs that show such
// text use warnPlain, which also stops Qt from reading the text as HTML.
#pragma once

#include "text/SafeText.h"

#include <QMessageBox>
#include <QString>

#include <string>

namespace bertlens::ui {

inline QString safeDisplay(const std::string& text) {
    return QString::fromStdString(safeText(text));
}
inline QString safeDisplay(const char* text) {
    return safeDisplay(std::string(text));
}
inline QString safeDisplay(const QString& text) {
    return safeDisplay(text.toStdString());
}
inline QString safeDisplayQuote(const QString& text, size_t maxCharacters = 80) {
    return QString::fromStdString(safeQuote(text.toStdString(), maxCharacters));
}

// A window-modal warning whose text is shown as plain text, never as HTML.
inline QMessageBox* warnPlain(QWidget* parent, const QString& title, const QString& text,
                              const QString& objectName = QString()) {
    auto* box = new QMessageBox(QMessageBox::Warning, title, safeDisplay(text), QMessageBox::Ok, parent);
    box->setTextFormat(Qt::PlainText);
    if (!objectName.isEmpty()) box->setObjectName(objectName);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    return box;
}

}  // namespace bertlens::ui
