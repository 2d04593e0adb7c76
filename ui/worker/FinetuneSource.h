// The Fine-tune view's way to the window's model: the view never holds the
// AnalysisController, it asks this object for the model to fine-tune, hears
// from it when the window's model changes (a run in progress is then
// stopped by the view), and asks it to open a fine-tuned folder in the
// window. Like HeadsCorpusSource for the heads view.
//
// UI thread only.
#pragma once

#include <QObject>
#include <QString>

#include <memory>

namespace bertlens {
class Model;
}

namespace bertlens::ui {

class AnalysisController;

class FinetuneSource : public QObject {
    Q_OBJECT
public:
    explicit FinetuneSource(AnalysisController* controller, QObject* parent = nullptr);

    std::shared_ptr<const Model> model() const;
    QString modelName() const;
    QString modelFolder() const;
    bool isLoading() const;
    // Opens the folder in the window (in the background, like File > Open).
    void openInWindow(const QString& folder);

signals:
    // The window has switched to another model (or reloaded this one).
    void modelChanged();

private:
    AnalysisController* m_controller;
};

}  // namespace bertlens::ui
