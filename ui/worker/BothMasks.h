// The analysis the window shows for one text: tokenize it, turn the spans the
// user clicked into [MASK], refuse (before anything is allocated) a text the
// model cannot read or whose attention maps would not fit in memory, then run
// it under both mask modes with predictions at every [MASK]. The inference
// worker and the batch export both call it, so a figure from the command
// line holds the same numbers as the window.
#pragma once

#include "AnalysisRequest.h"
#include "AnalysisResult.h"

#include <atomic>

namespace bertlens {
class Encoder;
}  // namespace bertlens

namespace bertlens::ui {

struct BothMasksOptions {
    const std::atomic<bool>* cancel = nullptr;  // polled between layers
    // See WorkerOptions::memoryLimitBytes; 0: half of the physical memory.
    qint64 memoryLimitBytes = 0;
    // 0: the two mask modes run one after the other on the calling thread
    // with its thread count (omp_get_max_threads). N > 0: they run at the
    // same time, the left-to-right one on a second thread, each with N
    // threads (and the calling thread's setting becomes N).
    int threadsPerMask = 0;
    // A masked-LM model's two passes as one (Encoder::forwardBothMasks: the
    // same bits, each weight read once) on the calling thread with
    // onePassThreads threads (0: its own count); threadsPerMask is then not
    // used for it.
    bool onePass = false;
    int onePassThreads = 0;
    // The message for a text with no words, saying what to do.
    const char* emptyTextHint = "the text is empty: type a sentence to analyse";
    // Encoders of request.leftToRight / rightToLeft, when the request has
    // twins: they run after BERT's two passes, on the calling thread.
    Encoder* leftToRight = nullptr;
    Encoder* rightToLeft = nullptr;
};

// bidirectional and causal are the request's model's encoders (kept by the
// caller between runs). Throws InputError with a message for the user.
AnalysisResultPtr analyseBothMasks(const AnalysisRequest& request, Encoder& bidirectional, Encoder& causal,
                                   const BothMasksOptions& options = {});

// The refusal part on its own: throws InputError when the encoded text is
// longer than the model reads (saying where its limit falls in the text) or
// its analysis would need more memory than memoryLimitBytes.
void checkTextFits(const AnalysisRequest& request, const Encoding& encoding, qint64 memoryLimitBytes);

}  // namespace bertlens::ui
