// The interactive page to hand out (core's export/InteractivePage.h) for the
// text on screen: one HTML file holding every layer's and head's attention
// under both masks and the guesses under both, that opens in any browser
// with no network. Written atomically (io/AtomicFile.h): a failed write
// leaves the previous file, if any.
//
//   const QString error = writeInteractivePage(*result, path, selection);
//   if (!error.isEmpty()) show error;  else show interactivePageSizeNote(QFileInfo(path).size());
//
// Touches no widgets and reads only the immutable result: callable from any
// thread (bert-base at 512 tokens is a 150 MB page: a background thread is
// kinder to the window).
#pragma once

#include "AnalysisResult.h"
#include "Selection.h"

#include <QString>

namespace bertlens::ui {

// Writes the page; it opens on the selection's layer, head (or mean) and
// mask. Returns "" on success, else a message that says what is wrong and
// what to do.
QString writeInteractivePage(const AnalysisResult& result, const QString& path, const Selection& start = {});

// The size of the page writeInteractivePage would write, in bytes, without
// writing it (0 when the result cannot make a page).
qint64 interactivePageBytes(const AnalysisResult& result);

// "The page is 612.3 kB." and, for a large one, why and what it means:
// "The page is 151.1 MB: large texts make large pages; ...".
QString interactivePageSizeNote(qint64 bytes);

}  // namespace bertlens::ui
