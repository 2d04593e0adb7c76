// The caption line under an exported figure: model, layer, head (or "all
// heads"), mask mode and the sentence, e.g.
//   bertlens-mini · layer 1 · head 3 · bidirectional · "the [MASK] barked at the mailman"
// Each view names only what it depends on: the model view shows every layer
// and head, the compare view both mask modes, the predictions view no head.
//
// Pure functions; any thread.
#pragma once

#include "AnalysisResult.h"
#include "Selection.h"

#include <QString>

namespace bertlens::ui {

class FigureView;

// The caption for a figure of the view named figureName ("head", "model",
// ...); "" for a null result. Pass the view itself when there is one: the
// lines view may overlay heads other than the selected one, the embeddings
// view may draw paths, and the caption then says so.
QString figureCaption(const AnalysisResult* result, const Selection& selection, const QString& figureName,
                      const FigureView* view = nullptr);

}  // namespace bertlens::ui
