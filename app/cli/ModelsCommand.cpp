// bertlens-cli models: the BERT checkpoints in the Hugging Face cache, as
// JSON (the default) or as a table for people (--table).
#include "cli/Commands.h"

#include "Errors.h"
#include "export/AnalysisText.h"
#include "io/HubCache.h"
#include "model/ParameterCount.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <iomanip>

namespace bertlens::cli {
namespace {

std::string megabytes(uint64_t bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / 1e6);
    return text;
}

// From config.json alone (the weights are not opened): the encoder and the
// masked-LM head with its decoder tied, which is what BertLens reads; 0 where
// the config cannot be read.
int64_t parametersOf(const CachedModel& m) {
    if (!m.supported) return 0;
    try {
        return countParameters(ModelConfig::fromFile(m.folder + "/config.json")).total();
    } catch (const Error&) {
        return 0;
    }
}

void writeTable(std::ostream& out, const std::string& root, const std::vector<CachedModel>& models) {
    out << "Hugging Face cache: " << root << "\n";
    if (models.empty()) {
        out << "no models there (set HF_HUB_CACHE or HF_HOME, or pass --cache DIR)\n";
        return;
    }
    size_t idWidth = 7;
    for (const CachedModel& m : models) idWidth = std::max(idWidth, m.repoId.size());
    out << std::left << std::setw(static_cast<int>(idWidth) + 2) << "REPO ID" << std::setw(10) << "REVISION"
        << std::right << std::setw(11) << "WEIGHTS" << std::setw(8) << "LAYERS" << std::setw(7) << "HEADS"
        << std::setw(8) << "HIDDEN" << std::setw(14) << "PARAMETERS"
        << "  STATUS\n";
    for (const CachedModel& m : models) {
        const std::string revision = m.revision.substr(0, 8) + (m.isMain ? "*" : "");
        out << std::left << std::setw(static_cast<int>(idWidth) + 2) << m.repoId << std::setw(10) << revision
            << std::right << std::setw(11) << (m.weightsBytes ? megabytes(m.weightsBytes) : "-") << std::setw(8)
            << m.layers << std::setw(7) << m.heads << std::setw(8) << m.hidden << std::setw(14)
            << (m.supported ? groupedDigits(parametersOf(m)) : "-") << "  "
            << (m.supported ? "ok" : m.reason) << "\n";
    }
    out << "(* = the revision refs/main names)\n";
}

}  // namespace

int runModels(const std::vector<std::string>& args, std::ostream& out) {
    const CliArgs a(args, {"--cache"}, {"--table"});
    const std::string root = a.valueOr("--cache", HubCache::defaultRoot());
    const std::vector<CachedModel> models = HubCache::scan(root);
    if (a.has("--table")) {
        writeTable(out, root, models);
        return 0;
    }
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const CachedModel& m : models) {
        list.push_back({{"repo_id", m.repoId},
                        {"revision", m.revision},
                        {"main", m.isMain},
                        {"folder", m.folder},
                        {"weights_file", m.weightsFile},
                        {"weights_bytes", m.weightsBytes},
                        {"layers", m.layers},
                        {"heads", m.heads},
                        {"hidden", m.hidden},
                        {"parameters", parametersOf(m)},
                        {"model_type", m.modelType},
                        {"supported", m.supported},
                        {"reason", m.reason}});
    }
    const nlohmann::ordered_json j = {{"cache", root}, {"models", list}};
    // Folder names are bytes; invalid UTF-8 is replaced rather than thrown on.
    out << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return 0;
}

}  // namespace bertlens::cli
