// The heads view's table: one row per head ("L:H"), one column per statistic
// of the head summary (HeadStatisticKinds.h). Display text is rounded as the
// matrix writes it; kSortRole gives the exact double (and, for the head
// column, layer * heads + head), so a QSortFilterProxyModel sorting by it
// orders the rows by value, not by text. The selected head's row is bold.
//
// UI thread only (a Qt item model).
#pragma once

#include "HeadsSummary.h"

#include <QAbstractTableModel>

namespace bertlens::ui {

class HeadsTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    static constexpr int kSortRole = Qt::UserRole;
    static constexpr int kHeadRole = Qt::UserRole + 1;  // QPoint(layer, head)

    explicit HeadsTableModel(QObject* parent = nullptr);

    void setSummary(const HeadsSummaryPtr& summary);
    const HeadsSummaryPtr& summary() const { return m_summary; }
    void setSelectedHead(int layer, int head);

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    HeadsSummaryPtr m_summary;
    int m_selectedRow = -1;
};

}  // namespace bertlens::ui
