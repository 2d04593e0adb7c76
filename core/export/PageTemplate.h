// The fixed parts of the interactive page (export/InteractivePage.h): its
// style sheet, its script and the static text around the data. Kept apart
// from the writer so each reads in one sitting. Constants: thread-safe.
//
// The script reads the data object (see InteractivePage.h), draws the two
// token columns and the lines in the page's one <svg id="lines">, and keeps
// what it drew readable for a checker: each line carries data-query,
// data-key and data-weight, and the table id="weights" holds one row per
// key (data-key, data-weight with six decimals) for the word pointed at.
#pragma once

namespace bertlens::page {

extern const char* const kStyle;
extern const char* const kScript;
// Between the title and the data: controls, figure, panel and legend. Its
// legend holds @BIDIRECTIONAL_NOTE@ and @CAUSAL_NOTE@, which the writer
// replaces by what the model was trained with (bodyFor in InteractivePage.cpp).
extern const char* const kBody;

}  // namespace bertlens::page
