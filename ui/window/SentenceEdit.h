// The sentence box: a QLineEdit whose paste (Ctrl+V, Shift+Insert, the
// context menu's Paste) cuts the clipboard's text to the room left before
// inserting it. QLineEdit would insert all of it and then cut it down to its
// maxLength in quadratic time: 53-70 ms for a megabyte cut to 32,767
// characters here, seconds for longer limits. Cut first, the same paste
// costs what inserting the kept characters costs.
//
// UI thread only.
#pragma once

#include <QLineEdit>

namespace bertlens::ui {

class SentenceEdit : public QLineEdit {
    Q_OBJECT
public:
    explicit SentenceEdit(QWidget* parent = nullptr);

    // Inserts text at the cursor (over the selection), cut to what fits in
    // maxLength() without splitting a surrogate pair. Returns true when the
    // text was cut.
    bool insertCut(const QString& text);
    // What Ctrl+V does: insertCut() of the clipboard's text.
    void pasteCut();

signals:
    // A paste or insertCut() that did not fit: this many characters were left out.
    void pasteWasCut(qsizetype droppedCharacters);

protected:
    void keyPressEvent(QKeyEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
};

}  // namespace bertlens::ui
