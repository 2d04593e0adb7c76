// One request to the inference worker: a text, the model to run it on and the
// spans the user masked. The id orders requests: a larger id supersedes.
//
// A plain value, copied into the worker's mailbox.
#pragma once

#include "analysis/AnalyzeRequest.h"
#include "model/Model.h"
#include "model/Precision.h"
#include "tokenizer/Tokenizer.h"

#include <QString>

#include <memory>
#include <string>
#include <vector>

namespace bertlens::ui {

struct AnalysisRequest {
    quint64 id = 0;
    std::shared_ptr<const Model> model;
    QString modelName;
    std::string text;                   // UTF-8, as typed
    std::vector<TextSpan> maskedSpans;  // code point spans the user masked by clicking
    int topK = 10;
    // The linear layers' arithmetic for BERT's two passes and the twins
    // (View > Arithmetic); the measures (saliency, norms) stay float32.
    Precision precision = Precision::F32;
    // After the result: attention flow too (FlowMeasures.h), which is slow on
    // long texts; the window asks for it while the Flow view is shown.
    bool flow = false;
    // Heads switched off (Hugging Face's head_mask) in both of BERT's passes;
    // the twins are other models and run whole.
    std::vector<HeadRef> ablate;
    // The token whose prediction the saliency and head importance explain
    // (its top word); -1 or a token without a prediction: the first [MASK].
    int saliencyPosition = -1;
    // The model's trained twins (next-word, previous-word), or null.
    std::shared_ptr<const Model> leftToRight, rightToLeft;
};

}  // namespace bertlens::ui
