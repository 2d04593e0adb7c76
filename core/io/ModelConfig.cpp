#include "io/ModelConfig.h"

#include "Errors.h"
#include "io/FileBytes.h"
#include "text/SafeText.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace bertlens {
namespace {

// Released configs are a few kilobytes; the largest (label maps of
// classification heads) some hundreds.
constexpr uint64_t kMaxJsonBytes = uint64_t(16) << 20;

std::string readText(const std::string& path) {
    return readRegularFile(path, kMaxJsonBytes, "a " + std::filesystem::path(path).filename().string());
}

nlohmann::json parseObject(const std::string& text, const std::string& fileName) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw CheckpointError(fileName + " is not valid JSON: " + safeQuote(e.what(), 160));
    }
    if (!j.is_object()) throw CheckpointError(fileName + " must hold a JSON object");
    return j;
}

int readInt(const nlohmann::json& j, const char* key, const std::string& fileName, int lo, int hi,
            const int* fallback = nullptr) {
    if (!j.contains(key) || j[key].is_null()) {
        if (fallback) return *fallback;
        throw CheckpointError(fileName + " has no " + key + "; a BERT config.json needs it");
    }
    const auto& v = j[key];
    if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi) {
        throw CheckpointError(fileName + ": " + key + " is " + v.dump() + "; expected a whole number from " +
                              std::to_string(lo) + " to " + std::to_string(hi));
    }
    return static_cast<int>(v.get<int64_t>());
}

bool readBool(const nlohmann::json& j, const char* key, bool fallback, const std::string& fileName) {
    if (!j.contains(key) || j[key].is_null()) return fallback;
    if (!j[key].is_boolean()) throw CheckpointError(fileName + ": " + key + " must be true or false");
    return j[key].get<bool>();
}

std::string shortestDecimal(float value) {
    char text[32];
    for (int digits = 1; digits <= 9; ++digits) {
        std::snprintf(text, sizeof text, "%.*g", digits, static_cast<double>(value));
        if (std::strtof(text, nullptr) == value) break;
    }
    return text;
}

bool namesClassifier(const nlohmann::json& j) {
    if (!j.contains("architectures") || !j["architectures"].is_array()) return false;
    for (const auto& a : j["architectures"]) {
        if (a == "BertForSequenceClassification") return true;
    }
    return false;
}

// id2label's keys are the class ids "0".."n-1", every one present once.
std::vector<std::string> readLabels(const nlohmann::json& j, const std::string& fileName) {
    constexpr int kMaxLabels = 100000;
    const int twoLabels = 2;  // Hugging Face's default
    const bool hasCount = j.contains("num_labels") && !j["num_labels"].is_null();
    const int count = readInt(j, "num_labels", fileName, 1, kMaxLabels, &twoLabels);
    if (!j.contains("id2label") || j["id2label"].is_null()) {
        std::vector<std::string> labels;
        for (int i = 0; i < count; ++i) labels.push_back("LABEL_" + std::to_string(i));
        return labels;
    }
    const auto& map = j["id2label"];
    if (!map.is_object() || map.empty() || map.size() > size_t(kMaxLabels)) {
        throw CheckpointError(fileName +
                              ": id2label must be an object from class ids to names, like {\"0\": \"NEGATIVE\"}");
    }
    std::vector<std::string> labels(map.size());
    std::vector<bool> seen(map.size(), false);
    for (const auto& [key, value] : map.items()) {
        size_t used = 0;
        long id = -1;
        try {
            id = std::stol(key, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (key.empty() || used != key.size() || key[0] == '-' || key[0] == '+' || id < 0 ||
            size_t(id) >= labels.size() || seen[size_t(id)] || !value.is_string()) {
            throw CheckpointError(fileName + ": id2label has the entry " + safeQuote(key, 40) + ": " +
                                  safeQuote(value.dump(), 60) + "; its " + std::to_string(labels.size()) +
                                  " keys must be the class ids 0 to " + std::to_string(labels.size() - 1) +
                                  " with no gap, each naming its class with a string");
        }
        seen[size_t(id)] = true;
        labels[size_t(id)] = value.get<std::string>();
    }
    if (hasCount && size_t(count) != labels.size()) {
        throw CheckpointError(fileName + ": num_labels is " + std::to_string(count) + " but id2label names " +
                              std::to_string(labels.size()) + " classes; make them agree");
    }
    return labels;
}

}  // namespace

ModelConfig ModelConfig::fromFile(const std::string& path) {
    if (!std::filesystem::exists(path)) {
        throw CheckpointError("no config.json in " + std::filesystem::path(path).parent_path().string() +
                              ": choose a Hugging Face BERT folder (config.json, vocab.txt, model.safetensors)");
    }
    return fromJsonText(readText(path), path);
}

ModelConfig ModelConfig::fromJsonText(const std::string& text, const std::string& fileName) {
    const nlohmann::json j = parseObject(text, fileName);
    ModelConfig c;
    if (j.contains("model_type")) {
        if (!j["model_type"].is_string()) throw CheckpointError(fileName + ": model_type must be a string");
        c.modelType = j["model_type"].get<std::string>();
        if (c.modelType != "bert") {
            throw CheckpointError("not supported: model_type " + c.modelType + " (in " + fileName +
                                  "); BertLens reads BERT checkpoints (model_type bert)");
        }
    } else if (j.contains("architectures") && j["architectures"].is_array()) {
        // Old configs have no model_type; their architectures list still names the model class.
        for (const auto& a : j["architectures"]) {
            if (a.is_string() && a.get<std::string>().rfind("Bert", 0) != 0) {
                throw CheckpointError("not supported: architecture " + a.get<std::string>() + " (in " + fileName +
                                      "); BertLens reads BERT checkpoints (BertModel, BertForMaskedLM, ...)");
            }
        }
    }
    if (j.contains("hidden_act") && j["hidden_act"] != "gelu") {
        throw CheckpointError("not supported: hidden_act " + j["hidden_act"].dump() + " (in " + fileName +
                              "); BertLens implements BERT's exact GELU (hidden_act \"gelu\")");
    }
    if (j.contains("position_embedding_type") && j["position_embedding_type"] != "absolute") {
        throw CheckpointError("not supported: position_embedding_type " + j["position_embedding_type"].dump() +
                              " (in " + fileName + "); BertLens implements absolute positions");
    }
    constexpr int kMaxDim = 1 << 16;
    c.layers = readInt(j, "num_hidden_layers", fileName, 1, 256);
    c.hidden = readInt(j, "hidden_size", fileName, 1, kMaxDim);
    c.heads = readInt(j, "num_attention_heads", fileName, 1, 1024);
    c.intermediate = readInt(j, "intermediate_size", fileName, 1, 1 << 18);
    c.vocabSize = readInt(j, "vocab_size", fileName, 1, 1 << 24);
    c.maxPositions = readInt(j, "max_position_embeddings", fileName, 2, 1 << 16);
    const int twoTypes = 2;
    c.typeVocabSize = readInt(j, "type_vocab_size", fileName, 1, 1024, &twoTypes);
    if (c.hidden % c.heads != 0) {
        throw CheckpointError(fileName + ": hidden_size " + std::to_string(c.hidden) +
                              " is not a multiple of num_attention_heads " + std::to_string(c.heads));
    }
    c.objective = readBool(j, "is_decoder", false, fileName) ? Objective::NextWord : Objective::MaskedLm;
    if (j.contains("bertlens_objective")) {
        const auto& v = j["bertlens_objective"];
        if (!v.is_string() || !parseObjective(v.get<std::string>(), c.objective)) {
            throw CheckpointError(fileName + ": bertlens_objective is " + v.dump() +
                                  "; expected \"masked-lm\", \"next-word\" or \"previous-word\"");
        }
        if (readBool(j, "is_decoder", false, fileName) && c.objective != Objective::NextWord) {
            throw CheckpointError(fileName + ": is_decoder is true (left to right) but bertlens_objective is " +
                                  v.dump() + "; a model reads in one direction: remove one of the two keys");
        }
    }
    if (j.contains("add_cross_attention") && readBool(j, "add_cross_attention", false, fileName)) {
        throw CheckpointError("not supported: add_cross_attention (in " + fileName +
                              "); BertLens reads encoder and decoder stacks without cross-attention");
    }
    if (namesClassifier(j)) {
        c.labels = readLabels(j, fileName);
        if (c.objective != Objective::MaskedLm) {
            throw CheckpointError(fileName +
                                  ": a BertForSequenceClassification reads the whole text at once; it "
                                  "cannot also be a one-way model (is_decoder / bertlens_objective)");
        }
    }
    if (j.contains("layer_norm_eps")) {
        if (!j["layer_norm_eps"].is_number() || j["layer_norm_eps"].get<double>() < 0) {
            throw CheckpointError(fileName + ": layer_norm_eps must be a non-negative number");
        }
        c.layerNormEps = j["layer_norm_eps"].get<float>();
    }
    return c;
}

std::string ModelConfig::toJsonText() const {
    nlohmann::ordered_json j = {
        {"architectures", {objectiveInfo(objective).architecture}},
        {"model_type", modelType},
        {"hidden_act", "gelu"},
        {"position_embedding_type", "absolute"},
        {"num_hidden_layers", layers},
        {"hidden_size", hidden},
        {"num_attention_heads", heads},
        {"intermediate_size", intermediate},
        {"vocab_size", vocabSize},
        {"max_position_embeddings", maxPositions},
        {"type_vocab_size", typeVocabSize},
        // The float's shortest decimal (1e-12, not 9.99999996e-13).
        {"layer_norm_eps", std::stod(shortestDecimal(layerNormEps))},
    };
    if (isClassifier()) {
        j["architectures"] = {"BertForSequenceClassification"};
        nlohmann::ordered_json id2label = nlohmann::ordered_json::object(), label2id = nlohmann::ordered_json::object();
        for (size_t i = 0; i < labels.size(); ++i) {
            id2label[std::to_string(i)] = labels[i];
            label2id[labels[i]] = i;
        }
        j["num_labels"] = labels.size();
        j["id2label"] = id2label;
        j["label2id"] = label2id;
        j["problem_type"] = "single_label_classification";
    }
    if (objective == Objective::NextWord) j["is_decoder"] = true;
    if (objective != Objective::MaskedLm) j["bertlens_objective"] = objectiveName(objective);
    return j.dump(2) + "\n";
}

TokenizerOptions readTokenizerOptions(const std::string& path) {
    if (!std::filesystem::exists(path)) return TokenizerOptions();
    return tokenizerOptionsFromJsonText(readText(path), path);
}

TokenizerOptions tokenizerOptionsFromJsonText(const std::string& text, const std::string& fileName) {
    const nlohmann::json j = parseObject(text, fileName);
    TokenizerOptions o;
    o.lowerCase = readBool(j, "do_lower_case", true, fileName);
    o.stripAccents = readBool(j, "strip_accents", o.lowerCase, fileName);
    o.splitChineseChars = readBool(j, "tokenize_chinese_chars", true, fileName);
    return o;
}

}  // namespace bertlens
