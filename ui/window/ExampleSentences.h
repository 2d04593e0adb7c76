// The example sentences of the Examples menu (resources/examples.json, built
// into the program): each chosen to teach one thing, with a line that says
// what to look at.
//
// Plain values; loadExampleSentences() may be called from any thread.
#pragma once

#include <QList>
#include <QString>

namespace bertlens::ui {

struct ExampleSentence {
    QString category;  // "Coreference", "Agreement", ...
    QString title;     // the menu entry
    QString text;      // the sentence, as typed into the box
    QString explanation;
    // Where to look, when the example says (empty / -1: leave as it is):
    QString view;         // a view's figure name ("compare", "head", ...)
    QString compareWith;  // the compare view's partner ("mask", "l2r", "r2l", "shallow")
    int layer = -1, head = -1;
};

// The built-in examples, or those of another JSON file of the same form. On
// a missing or malformed file: an empty list and *error says why.
QList<ExampleSentence> loadExampleSentences(const QString& path = QStringLiteral(":/bertlens/examples.json"),
                                            QString* error = nullptr);

}  // namespace bertlens::ui
