// Saves the attention tensor the user is looking at as CSV or JSON (the
// writers are core's, export/AttentionExport.h): the selected head (or the
// mean of the heads), every head of the selected layer, or every layer;
// under the selected mask mode or under both.
//
// UI thread only (the dialog); writeAttentionTensor() itself touches no widgets.
#pragma once

#include "AnalysisResult.h"
#include "Selection.h"

#include "export/AttentionExport.h"

#include <QString>

class QWidget;

namespace bertlens::ui {

enum class TensorFormat { Csv, Json };
enum class TensorScope {
    Selected,  // the selected head, or the mean of the heads when averaging
    Layer,     // every head of the selected layer
    All,       // every layer and head
};

struct TensorExportOptions {
    TensorFormat format = TensorFormat::Csv;
    TensorScope scope = TensorScope::Selected;
    bool bothMasks = false;  // bidirectional and left-to-right, else the selected mask only
};

// The slice of the tensor the options and selection name.
AttentionSlice tensorSlice(const Analysis& analysis, const Selection& selection, TensorScope scope);

// Writes the file (atomically). Returns "" on success, else a message for the user.
QString writeAttentionTensor(const AnalysisResult& result, const Selection& selection, const QString& path,
                             const TensorExportOptions& options);

// Asks what to save and where, saves it, and reports a failure in a message
// box. Returns the path written, or "" when cancelled or failed.
QString exportAttentionTensorWithDialog(QWidget* parent, const AnalysisResult& result, const Selection& selection);

}  // namespace bertlens::ui
