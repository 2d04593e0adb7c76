// Every view of an analysis, in the order the window shows them, and a lookup
// by figureName() for batch export ("head", "model", "lines", ...).
//
// To add a view: include its header in ViewRegistry.cpp and add one line to
// the table there. UI thread only (the factories create widgets).
#pragma once

#include "FigureView.h"

#include <QString>
#include <QStringList>

#include <functional>
#include <vector>

namespace bertlens::ui {

struct ViewEntry {
    QString name;   // == the view's figureName(); used on the command line
    QString title;  // the tab's title
    std::function<FigureView*(QWidget* parent)> create;
};

// The registered views, in tab order.
const std::vector<ViewEntry>& viewEntries();
// The names, in tab order: "head", "model", ...
QStringList viewNames();
// A new view of that name, or nullptr for an unknown name.
FigureView* createView(const QString& name, QWidget* parent = nullptr);
// One new view of every entry, in tab order.
std::vector<FigureView*> createAllViews(QWidget* parent = nullptr);

}  // namespace bertlens::ui
