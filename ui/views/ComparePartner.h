// What stands beside BERT in the compare view: BERT's own weights under a
// left-to-right mask they were never trained with, one of the trained twins,
// or the twins' ELMo-style combination. One small table: the names used on
// the command line (--compare-with), and the labels the view and its
// exported figure show. UI thread only (tr()).
#pragma once

#include "AnalysisResult.h"

#include <QString>
#include <QStringList>

namespace bertlens::ui {

enum class ComparePartner {
    OwnMask,          // "mask": BERT under the causal mask (an ablation)
    LeftToRightTwin,  // "l2r": the twin trained to predict the next word
    RightToLeftTwin,  // "r2l": the twin trained to predict the previous word
    Shallow,          // "shallow": the two twins' distributions multiplied
};

QString partnerName(ComparePartner partner);            // "mask", "l2r", "r2l", "shallow"
bool parsePartner(const QString& name, ComparePartner& partner);
QStringList partnerNames();                             // every name, in the order above
QString partnerMenuText(ComparePartner partner);        // for the view's chooser
// A partner the result can show: a twin that was not opened gives OwnMask.
ComparePartner availablePartner(const AnalysisResult& result, ComparePartner wanted);
// The map's title: short enough for a third of a projector screen.
QString partnerMapTitle(ComparePartner partner);
// The line under the map, saying what was trained how.
QString partnerHint(ComparePartner partner);
// The prediction panels' name ("left-to-right twin", ...).
QString partnerShortName(ComparePartner partner);
// Why a chosen twin is not shown, or "".
QString partnerMissingNote(const AnalysisResult& result, ComparePartner wanted);

}  // namespace bertlens::ui
