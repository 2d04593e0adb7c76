#include "OpenModelDialog.h"

#include "io/HubCache.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace bertlens::ui {
namespace {

enum Column { kName, kRevision, kSize, kLayers, kHeads, kHidden, kStatus, kColumns };
constexpr int kFolderRole = Qt::UserRole;

QString sizeText(quint64 bytes) {
    if (bytes == 0) return "–";
    if (bytes >= 1000000000ull) return QString::number(bytes / 1e9, 'f', 2) + " GB";
    return QString::number(bytes / 1e6, 'f', 1) + " MB";
}

QString numberText(int n) {
    return n > 0 ? QString::number(n) : QString("–");
}

}  // namespace

OpenModelDialog::OpenModelDialog(const QString& cacheRoot, QWidget* parent) : QDialog(parent), m_root(cacheRoot) {
    setObjectName("openModelDialog");
    setWindowTitle(tr("Open model"));
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("BERT models in your Hugging Face cache (%1):").arg(cacheRoot), this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    m_list = new QTreeWidget(this);
    m_list->setObjectName("cachedModels");
    m_list->setRootIsDecorated(false);
    m_list->setColumnCount(kColumns);
    m_list->setHeaderLabels(
        {tr("Model"), tr("Revision"), tr("Weights"), tr("Layers"), tr("Heads"), tr("Hidden"), tr("Status")});
    m_list->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    layout->addWidget(m_list, 1);
    m_empty = new QLabel(this);
    m_empty->setObjectName("emptyCache");
    m_empty->setWordWrap(true);
    layout->addWidget(m_empty);

    auto* buttons = new QDialogButtonBox(this);
    m_open = buttons->addButton(tr("&Open"), QDialogButtonBox::AcceptRole);
    m_other = buttons->addButton(tr("Other &folder…"), QDialogButtonBox::ActionRole);
    m_download = buttons->addButton(tr("&Download…"), QDialogButtonBox::ActionRole);
    buttons->addButton(QDialogButtonBox::Cancel);
    layout->addWidget(buttons);

    m_chooseFolder = [this] {
        return QFileDialog::getExistingDirectory(this, tr("Open a BERT folder (config.json, vocab.txt, weights)"));
    };
    connect(m_open, &QPushButton::clicked, this, &OpenModelDialog::acceptCurrent);
    connect(m_other, &QPushButton::clicked, this, &OpenModelDialog::chooseOtherFolder);
    connect(m_download, &QPushButton::clicked, this, &OpenModelDialog::downloadRequested);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_list, &QTreeWidget::itemDoubleClicked, this, &OpenModelDialog::acceptCurrent);
    connect(m_list, &QTreeWidget::currentItemChanged, this,
            [this](QTreeWidgetItem* item) { m_open->setEnabled(item && !item->isDisabled()); });
    refresh();
    resize(820, 420);
}

void OpenModelDialog::refresh() {
    m_list->clear();
    QTreeWidgetItem* first = nullptr;
    int usable = 0;
    for (const CachedModel& m : HubCache::scan(m_root.toStdString())) {
        auto* item = new QTreeWidgetItem(m_list);
        item->setText(kName, QString::fromStdString(m.repoId));
        item->setText(kRevision, QString::fromStdString(m.revision.substr(0, 8)) + (m.isMain ? " (main)" : ""));
        item->setText(kSize, sizeText(m.weightsBytes));
        item->setText(kLayers, numberText(m.layers));
        item->setText(kHeads, numberText(m.heads));
        item->setText(kHidden, numberText(m.hidden));
        item->setText(kStatus, m.supported ? tr("ready") : QString::fromStdString(m.reason));
        item->setToolTip(kStatus, QString::fromStdString(m.supported ? m.folder : m.reason));
        item->setData(kName, kFolderRole, QString::fromStdString(m.folder));
        for (int c : {kLayers, kHeads, kHidden, kSize}) item->setTextAlignment(c, Qt::AlignRight | Qt::AlignVCenter);
        item->setDisabled(!m.supported);
        if (m.supported) {
            ++usable;
            if (!first) first = item;
        }
    }
    m_empty->setText(usable > 0 ? QString()
                                : tr("No BERT model in the cache yet. Download one (bert-base-uncased, or a small "
                                     "BERT miniature), or open any folder that holds a BERT checkpoint."));
    m_empty->setVisible(usable == 0);
    m_list->setCurrentItem(first);
    m_open->setEnabled(first != nullptr);
}

void OpenModelDialog::acceptCurrent() {
    QTreeWidgetItem* item = m_list->currentItem();
    if (!item || item->isDisabled()) return;
    m_selected = item->data(kName, kFolderRole).toString();
    accept();
}

void OpenModelDialog::chooseOtherFolder() {
    const QString folder = m_chooseFolder ? m_chooseFolder() : QString();
    if (folder.isEmpty()) return;
    m_selected = folder;
    accept();
}

}  // namespace bertlens::ui
