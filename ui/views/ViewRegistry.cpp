#include "ViewRegistry.h"

#include "AnatomyView.h"
#include "CompareView.h"
#include "EmbeddingsView.h"
#include "FinetuneView.h"
#include "FlowView.h"
#include "HeadView.h"
#include "HeadsView.h"
#include "InsideView.h"
#include "LayersView.h"
#include "LinesView.h"
#include "ModelView.h"
#include "PredictionsView.h"
#include "TrainingView.h"

#include <QObject>

namespace bertlens::ui {

const std::vector<ViewEntry>& viewEntries() {
    // One line per view, in tab order.
    static const std::vector<ViewEntry> entries = {
        {QStringLiteral("head"), QObject::tr("Head"), [](QWidget* p) { return new HeadView(p); }},
        {QStringLiteral("model"), QObject::tr("All heads"), [](QWidget* p) { return new ModelView(p); }},
        {QStringLiteral("lines"), QObject::tr("Lines"), [](QWidget* p) { return new LinesView(p); }},
        {QStringLiteral("predictions"), QObject::tr("Predictions"), [](QWidget* p) { return new PredictionsView(p); }},
        {QStringLiteral("compare"), QObject::tr("Bidirectional vs left-to-right"),
         [](QWidget* p) { return new CompareView(p); }},
        {QStringLiteral("embeddings"), QObject::tr("Embeddings"), [](QWidget* p) { return new EmbeddingsView(p); }},
        {QStringLiteral("flow"), QObject::tr("Information flow"), [](QWidget* p) { return new FlowView(p); }},
        {QStringLiteral("layers"), QObject::tr("Through the layers"), [](QWidget* p) { return new LayersView(p); }},
        {QStringLiteral("heads"), QObject::tr("Heads"), [](QWidget* p) { return new HeadsView(p); }},
        {QStringLiteral("anatomy"), QObject::tr("Anatomy"), [](QWidget* p) { return new AnatomyView(p); }},
        {QStringLiteral("inside"), QObject::tr("Inside a head"), [](QWidget* p) { return new InsideView(p); }},
        {QStringLiteral("finetune"), QObject::tr("Fine-tune"), [](QWidget* p) { return new FinetuneView(p); }},
        {QStringLiteral("training"), QObject::tr("Training"), [](QWidget* p) { return new TrainingView(p); }},
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
