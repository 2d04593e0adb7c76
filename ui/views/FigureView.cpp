#include "FigureView.h"

#include "EmptyStatePanel.h"

namespace bertlens::ui {

void FigureView::showNothingAnalysed(const QString& reason, const Theme& theme) {
    const bool show = !reason.isEmpty() && needsSentence();
    if (!show) {
        if (m_emptyState) m_emptyState->hide();
        return;
    }
    if (!m_emptyState) m_emptyState = new EmptyStatePanel(nothingAnalysedArea());
    m_emptyState->setTheme(theme);
    m_emptyState->setReason(reason);
    m_emptyState->setGeometry(m_emptyState->parentWidget()->rect());
    m_emptyState->raise();  // above the view's own children, made before it
    m_emptyState->show();
}

QString FigureView::nothingAnalysedReason() const {
    return m_emptyState && !m_emptyState->isHidden() ? m_emptyState->reason() : QString();
}

}  // namespace bertlens::ui
