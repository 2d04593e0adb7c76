#include "HeadsTableModel.h"

#include "HeadStatisticKinds.h"

#include <QFont>
#include <QPoint>

namespace bertlens::ui {

HeadsTableModel::HeadsTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void HeadsTableModel::setSummary(const HeadsSummaryPtr& summary) {
    beginResetModel();
    m_summary = summary && !summary->statistics.empty() ? summary : nullptr;
    endResetModel();
}

void HeadsTableModel::setSelectedHead(int layer, int head) {
    const int row = m_summary && layer >= 0 && layer < m_summary->layers && head >= 0 && head < m_summary->heads
                        ? layer * m_summary->heads + head
                        : -1;
    if (row == m_selectedRow) return;
    const int old = m_selectedRow;
    m_selectedRow = row;
    for (int r : {old, row}) {
        if (r >= 0 && r < rowCount()) emit dataChanged(index(r, 0), index(r, columnCount() - 1), {Qt::FontRole});
    }
}

int HeadsTableModel::rowCount(const QModelIndex& parent) const {
    if (parent.isValid() || !m_summary) return 0;
    return static_cast<int>(m_summary->statistics.size());
}

int HeadsTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : 1 + static_cast<int>(headStatisticKinds().size());
}

QVariant HeadsTableModel::data(const QModelIndex& index, int role) const {
    if (!m_summary || !index.isValid() || index.row() >= rowCount()) return {};
    const int row = index.row();
    const int layer = row / m_summary->heads, head = row % m_summary->heads;
    if (role == kHeadRole) return QPoint(layer, head);
    if (role == Qt::FontRole) {
        if (row != m_selectedRow) return {};
        QFont f;
        f.setBold(true);
        return f;
    }
    if (role == Qt::TextAlignmentRole) return int(Qt::AlignRight | Qt::AlignVCenter);
    if (index.column() == 0) {
        if (role == Qt::DisplayRole) return QStringLiteral("%1:%2").arg(layer).arg(head);
        if (role == kSortRole) return row;
        if (role == Qt::ToolTipRole) return tr("layer %1, head %2: click to open it").arg(layer).arg(head);
        return {};
    }
    const HeadStatisticKind& kind = headStatisticKinds()[static_cast<size_t>(index.column() - 1)];
    const double value = kind.value(m_summary->statistics[static_cast<size_t>(row)]);
    if (role == Qt::DisplayRole) return formatStatistic(kind, value);
    if (role == kSortRole) return value;
    if (role == Qt::ToolTipRole)
        return tr("layer %1, head %2: %3 %4 %5")
            .arg(layer)
            .arg(head)
            .arg(kind.title)
            .arg(value, 0, 'g', 6)
            .arg(kind.unit);
    return {};
}

QVariant HeadsTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal) return {};
    if (section == 0) {
        if (role == Qt::DisplayRole) return tr("head");
        if (role == Qt::ToolTipRole) return tr("layer:head, from 0");
        return {};
    }
    if (section - 1 >= static_cast<int>(headStatisticKinds().size())) return {};
    const HeadStatisticKind& kind = headStatisticKinds()[static_cast<size_t>(section - 1)];
    if (role == Qt::DisplayRole) return kind.column;
    if (role == Qt::ToolTipRole) return QStringLiteral("%1 (%2). %3").arg(kind.title, kind.unit, kind.meaning);
    return {};
}

}  // namespace bertlens::ui
