// The labels views put on tokens: the word piece as the model saw it, with a
// token the user masked by clicking shown as "[MASK]" followed by the word it
// hid, so a class can still read the sentence.
//
// Pure functions; any thread.
#pragma once

#include "AnalysisResult.h"

#include <QStringList>

namespace bertlens::ui {

// One label per token of the result (empty for a null result).
QStringList tokenLabels(const AnalysisResult* result);
// The original word of a user-masked position, or an empty string.
QString userMaskedOriginal(const AnalysisResult& result, int position);

}  // namespace bertlens::ui
