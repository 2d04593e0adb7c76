// MainWindow's menus and keyboard shortcuts (the rest is in MainWindow.cpp).
#include "AnalysisController.h"
#include "ExportMenu.h"
#include "HubMenu.h"
#include "MainWindow.h"
#include "SaliencyBar.h"
#include "RecentModels.h"
#include "SelectionControls.h"
#include "ViewRegistry.h"

#include <QActionGroup>
#include <QApplication>
#include <QDir>
#include <QFileDialog>
#include "TrainingView.h"

#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QTabWidget>

namespace bertlens::ui {

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open model…"), this, &MainWindow::chooseModelFolder);
    open->setShortcut(QKeySequence::Open);
    // Open from the Hugging Face cache… and Download model… (ui/hub).
    addHubMenuActions(file, open, this, [this](const QString& folder) { openModel(folder); });
    file->addAction(tr("Open &snapshot series…"), this, [this] {
        // The Training view shows it; the window's model stays as it is.
        if (auto* training = qobject_cast<TrainingView*>(view(QStringLiteral("training")))) {
            setCurrentView(QStringLiteral("training"));
            training->chooseSeries();
        }
    });
    file->addAction(tr("&Pretrain a small model live"), this, [this] {
        // A fresh 2-layer, 2-head model in the Training view; the window's model stays as it is.
        if (auto* training = qobject_cast<TrainingView*>(view(QStringLiteral("training")))) {
            setCurrentView(QStringLiteral("training"));
            if (!training->isPretraining()) training->startLivePretraining();
        }
    });
    m_recentMenu = file->addMenu(tr("Open &recent"));
    rebuildRecentMenu();
    file->addSeparator();
    new ExportMenu(file->addMenu(tr("&Export")), this);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* examples = menuBar()->addMenu(tr("E&xamples"));
    QString category;
    for (int i = 0; i < m_examples.size(); ++i) {
        if (m_examples[i].category != category) {
            category = m_examples[i].category;
            examples->addSection(category);
        }
        QAction* a = examples->addAction(m_examples[i].title, this, [this, i] { showExample(i); });
        a->setToolTip(m_examples[i].text);
    }

    QMenu* view = menuBar()->addMenu(tr("&View"));
    m_presentationAction = view->addAction(tr("&Presentation mode"), this, &MainWindow::setPresentationMode);
    m_presentationAction->setCheckable(true);
    // F5 as well: the key slide software uses to start a show.
    m_presentationAction->setShortcuts({QKeySequence(Qt::Key_F11), QKeySequence(Qt::Key_F5)});
    QAction* leave = new QAction(tr("Leave presentation mode"), this);
    leave->setShortcut(Qt::Key_Escape);
    connect(leave, &QAction::triggered, this, [this] {
        if (m_presentation) setPresentationMode(false);
    });
    addAction(leave);

    QMenu* colours = view->addMenu(tr("&Colour map"));
    auto* colourGroup = new QActionGroup(this);
    m_colorMapGroup = colourGroup;
    const std::pair<QString, ColorMap> maps[] = {{tr("&Viridis"), ColorMap::Viridis},
                                                 {tr("&Cividis (colour-blind safe)"), ColorMap::Cividis},
                                                 {tr("&Grayscale (print)"), ColorMap::Grayscale}};
    for (const auto& [name, map] : maps) {
        QAction* a = colours->addAction(name, this, [this, map = map] { setColorMap(map); });
        a->setCheckable(true);
        a->setChecked(map == m_colorMap);
        a->setData(static_cast<int>(map));
        colourGroup->addAction(a);
    }

    QMenu* arithmetic = view->addMenu(tr("&Arithmetic"));
    m_precisionGroup = new QActionGroup(this);
    const std::pair<QString, Precision> precisions[] = {
        {tr("&Float32 (exact)"), Precision::F32},
        {nativeBf16() ? tr("&BFloat16 (about twice as fast, weights within 0.02)")
                      : tr("&BFloat16 (weights within 0.02; this CPU has no BF16 instructions: slower)"),
         Precision::Bf16}};
    for (const auto& [name, precision] : precisions) {
        QAction* a = arithmetic->addAction(name, this, [this, p = precision] { setPrecision(p); });
        a->setCheckable(true);
        a->setChecked(precision == Precision::F32);
        a->setData(static_cast<int>(precision));
        m_precisionGroup->addAction(a);
    }

    QMenu* size = view->addMenu(tr("&Text size"));
    QAction* larger = size->addAction(tr("&Larger"), this, [this] { setTextScale(nextTextScale(m_textScale, 1)); });
    larger->setShortcuts({QKeySequence::ZoomIn, QKeySequence(Qt::CTRL | Qt::Key_Equal)});
    size->addAction(tr("&Smaller"), this, [this] { setTextScale(nextTextScale(m_textScale, -1)); })
        ->setShortcut(QKeySequence::ZoomOut);
    size->addAction(tr("&Normal"), this, [this] { setTextScale(1.0); })->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));

    view->addSeparator();
    auto addKey = [this, view](const QString& text, const QKeySequence& key, auto slot) {
        QAction* a = view->addAction(text, this, slot);
        a->setShortcut(key);
        return a;
    };
    addKey(tr("Previous layer"), QKeySequence(Qt::ALT | Qt::Key_Up), [this] { m_controls->stepLayer(-1); });
    addKey(tr("Next layer"), QKeySequence(Qt::ALT | Qt::Key_Down), [this] { m_controls->stepLayer(1); });
    addKey(tr("Previous head"), QKeySequence(Qt::ALT | Qt::Key_Left), [this] { m_controls->stepHead(-1); });
    addKey(tr("Next head"), QKeySequence(Qt::ALT | Qt::Key_Right), [this] { m_controls->stepHead(1); });
    addKey(tr("All heads, averaged (on/off)"), QKeySequence(Qt::ALT | Qt::Key_A),
           [this] { m_controls->toggleAverage(); });
    addKey(tr("Bidirectional / left-to-right"), QKeySequence(Qt::ALT | Qt::Key_M),
           [this] { m_controls->toggleMaskMode(); });
    addKey(tr("Edit the sentence"), QKeySequence(Qt::CTRL | Qt::Key_L), [this] {
        m_sentence->setFocus();
        m_sentence->selectAll();
    });
    addKey(tr("Unmask every token"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_U),
           [this] { m_controller->clearMasks(); });
    addKey(tr("Switch every head back on"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_H),
           [this] { m_controller->restoreAllHeads(); });
    addKey(tr("Colour tokens by saliency (on/off)"), QKeySequence(Qt::ALT | Qt::Key_S),
           [this] { m_saliency->setSaliencyShown(!m_saliency->saliencyShown()); });
    view->addSeparator();
    const std::vector<ViewEntry>& entries = viewEntries();
    for (int i = 0; i < static_cast<int>(entries.size()); ++i) {
        QAction* a = addKey(tr("Show %1").arg(entries[static_cast<size_t>(i)].title), QKeySequence(),
                            [this, i] { m_tabs->setCurrentIndex(i); });
        if (i < 9) a->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)));
    }

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* keys = help->addAction(tr("&Keyboard shortcuts"), this, &MainWindow::showShortcuts);
    keys->setShortcut(QKeySequence::HelpContents);
    help->addAction(tr("&About BertLens"), this, [this] {
        QMessageBox::about(this, tr("About BertLens"),
                           tr("<p><b>BertLens</b> %1</p><p>A lab for looking inside BERT: attention of every layer "
                              "and head, token embeddings and masked-word guesses, under BERT's bidirectional mask "
                              "and a left-to-right one.</p>")
                               .arg(QApplication::applicationVersion()));
    });

    // The menu bar hides in presentation mode; keys must keep working, so
    // every action with a shortcut also belongs to the window itself.
    for (QAction* a : findChildren<QAction*>()) {
        if (!a->shortcut().isEmpty()) addAction(a);
    }
}

void MainWindow::rebuildRecentMenu() {
    if (!m_recentMenu) return;
    m_recentMenu->clear();
    const QStringList folders = RecentModels::list();
    for (const QString& folder : folders) {
        m_recentMenu->addAction(QDir::toNativeSeparators(folder), this, [this, folder] { openModel(folder); });
    }
    if (folders.isEmpty()) {
        m_recentMenu->addAction(tr("(none yet)"))->setEnabled(false);
    } else {
        m_recentMenu->addSeparator();
        m_recentMenu->addAction(tr("Clear the list"), this, [this] {
            RecentModels::clear();
            rebuildRecentMenu();
        });
    }
}

void MainWindow::chooseModelFolder() {
    const QString start = m_controller->modelFolder().isEmpty() ? QDir::homePath() : m_controller->modelFolder();
    const QString folder = QFileDialog::getExistingDirectory(
        this, tr("Open a BERT model folder (config.json, vocab.txt, model.safetensors or pytorch_model.bin)"), start);
    if (!folder.isEmpty()) openModel(folder);
}

void MainWindow::showShortcuts() {
    // Written from the actions themselves, so the list cannot drift from the keys.
    QString rows;
    const QList<QAction*> actions = findChildren<QAction*>();
    for (QAction* a : actions) {
        if (a->shortcut().isEmpty() || a->text().isEmpty()) continue;
        QString text = a->text();
        text.remove(QLatin1Char('&'));
        rows += QStringLiteral("<tr><td style='padding-right:16px'><b>%1</b></td><td>%2</td></tr>")
                    .arg(a->shortcut().toString(QKeySequence::NativeText).toHtmlEscaped(), text.toHtmlEscaped());
    }
    rows += tr("<tr><td><b>Click a token</b></td><td>turn it into [MASK] and back</td></tr>");
    rows += tr("<tr><td><b>Click a small map</b></td><td>open that head in the Head tab</td></tr>");
    QMessageBox box(QMessageBox::NoIcon, tr("Keyboard shortcuts"), QStringLiteral("<table>%1</table>").arg(rows),
                    QMessageBox::Close, this);
    box.setTextFormat(Qt::RichText);
    box.exec();
}

}  // namespace bertlens::ui
