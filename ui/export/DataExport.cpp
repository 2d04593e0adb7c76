#include "DataExport.h"

#include "Errors.h"
#include "export/AnalysisArrays.h"

#include <QObject>

namespace bertlens::ui {
namespace {

void addMaskMeasures(ArrayFolder& folder, const MaskMeasures& m, const Analysis& a, const std::string& prefix) {
    addFlowArrays(folder,
                  {a.layers, a.heads, a.tokenCount, &m.rollout, &m.norms, m.flow ? &*m.flow : nullptr,
                   &m.layerPredictions},
                  prefix);
}

}  // namespace

ArrayFolder resultArrays(const AnalysisResult& r, const FlowMeasures* measures) {
    ArrayFolder folder;
    folder.meta = analysisMeta(r.bidirectional);
    folder.meta["model"] = r.modelName.toStdString();
    folder.meta["text"] = r.text;
    folder.meta["user_masked_positions"] = r.userMasked;
    addAnalysisArrays(folder, r.bidirectional, "bidirectional_");
    addAnalysisArrays(folder, r.causal, "causal_");
    if (r.hasLeftToRightTwin()) addAnalysisArrays(folder, r.leftToRight, "left_to_right_twin_");
    if (r.hasRightToLeftTwin()) addAnalysisArrays(folder, r.rightToLeft, "right_to_left_twin_");
    addPredictionArrays(folder, r.shallow, "shallow_predictions");
    if (measures && measures->requestId == r.requestId) {
        addMaskMeasures(folder, measures->bidirectional, r.bidirectional, "bidirectional_");
        addMaskMeasures(folder, measures->causal, r.causal, "causal_");
    }
    return folder;
}

QString writeResultArrays(const AnalysisResult& result, const FlowMeasures* measures, const QString& folder,
                          qint64* bytes) {
    try {
        const ArrayFolder arrays = resultArrays(result, measures);
        if (bytes) *bytes = arrayFolderBytes(arrays);
        writeArrayFolder(folder.toStdString(), arrays);
    } catch (const Error& e) {
        return QString::fromStdString(e.what());
    } catch (const std::exception& e) {
        return QObject::tr("cannot write the arrays into %1: %2").arg(folder, QString::fromLocal8Bit(e.what()));
    }
    return {};
}

QString byteSizeText(qint64 bytes) {
    if (bytes < 1000) return QObject::tr("%1 bytes").arg(bytes);
    if (bytes < 1000 * 1000) return QObject::tr("%1 kB").arg(bytes / 1000.0, 0, 'f', 1);
    if (bytes < 1000LL * 1000 * 1000) return QObject::tr("%1 MB").arg(bytes / 1e6, 0, 'f', 1);
    return QObject::tr("%1 GB").arg(bytes / 1e9, 0, 'f', 2);
}

}  // namespace bertlens::ui
