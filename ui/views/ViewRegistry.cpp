#include "ViewRegistry.h"

#include "HeadView.h"
#include "ModelView.h"

#include <QObject>

namespace bertlens::ui {

const std::vector<ViewEntry>& viewEntries() {
    // One line per view, in tab order.
    static const std::vector<ViewEntry> entries = {
        {QStringLiteral("head"), QObject::tr("Head"), [](QWidget* p) { return new HeadView(p); }},
        {QStringLiteral("model"), QObject::tr("All heads"), [](QWidget* p) { return new ModelView(p); }},
    };
    return entries;
}

QStringList viewNames() {
    QStringList names;
    for (const ViewEntry& e : viewEntries()) names << e.name;
    return names;
}

FigureView* createView(const QString& name, QWidget* parent) {
    for (const ViewEntry& e : viewEntries()) {
        if (e.name == name) return e.create(parent);
    }
    return nullptr;
}

std::vector<FigureView*> createAllViews(QWidget* parent) {
    std::vector<FigureView*> views;
    for (const ViewEntry& e : viewEntries()) views.push_back(e.create(parent));
    return views;
}

}  // namespace bertlens::ui
