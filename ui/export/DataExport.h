// File > Export > Data as NumPy arrays: every number behind the window's
// views for the text shown — attentions, hidden states and their PCA
// coordinates, predictions under both masks (and of the one-way twins when
// the model has them), rollout, norm-weighted attention, flow and the
// layer-by-layer predictions when they have been computed — as a folder of
// .npy files with an arrays.json sidecar (core's export/NpyWriter.h; the
// same names as `bertlens-cli analyze --npy`).
//
// resultArrays() and writeResultArrays() touch no widgets and read only
// immutable, shared values: the window runs the write on a background
// thread so that hundreds of megabytes (bert-base at 512 tokens) never stall
// the UI thread.
#pragma once

#include "AnalysisResult.h"
#include "FlowMeasures.h"

#include "export/NpyWriter.h"

#include <QString>

namespace bertlens::ui {

// The arrays point into result and measures (measures may be null).
ArrayFolder resultArrays(const AnalysisResult& result, const FlowMeasures* measures);

// Writes them into folder (created if missing). Returns "" on success, else
// a message for the user that says what went wrong and what to do; bytes
// (when given) gets the size of what was (to be) written.
QString writeResultArrays(const AnalysisResult& result, const FlowMeasures* measures, const QString& folder,
                          qint64* bytes = nullptr);

// "23.4 MB": for the message that says how much is being written.
QString byteSizeText(qint64 bytes);

}  // namespace bertlens::ui
