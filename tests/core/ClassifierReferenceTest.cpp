// Sequence classifiers as users meet them: our fine-tuned folder and a
// Hub-style one (id2label NEGATIVE/POSITIVE, no masked-LM head, F16) give the
// class probabilities of a float64 torch forward pass written from
// BertForSequenceClassification's definition (tools/make_classifier_fixtures.py);
// folders that lie (num_labels against id2label or against classifier.weight,
// gaps in id2label, a missing classifier tensor) are refused with a message
// naming the problem; bertlens-cli finetune and analyze keep their exit codes.
#include "TestSupport.h"

#include "Errors.h"
#include "model/Encoder.h"

#include <set>
#include <gtest/gtest.h>

#include <filesystem>

namespace bertlens {
namespace {

namespace fs = std::filesystem;

TEST(ClassifierReference, ProbabilitiesMatchFloat64Torch) {
    const nlohmann::json ref = test::readJson(test::fixturesDir() / "classifier-reference.json");
    for (const auto& [name, expected] : ref["models"].items()) {
        const auto model = Model::load(test::modelFixture(name).string());
        EXPECT_EQ(model->config().labels, expected["labels"].get<std::vector<std::string>>()) << name;
        Encoder encoder(model);
        double worst = 0;
        for (size_t i = 0; i < ref["inputs"].size(); ++i) {
            const auto& in = ref["inputs"][i];
            const Analysis a = encoder.forward(in["ids"].get<std::vector<int32_t>>(),
                                               in["type_ids"].get<std::vector<int32_t>>(), {}, {});
            ASSERT_TRUE(a.classification.present()) << name;
            const auto p = expected["probabilities"][i].get<std::vector<double>>();
            ASSERT_EQ(a.classification.probabilities.size(), p.size());
            size_t best = 0;
            for (size_t k = 0; k < p.size(); ++k) {
                EXPECT_NEAR(a.classification.probabilities[k], p[k], 1e-5) << name << " input " << i << " class " << k;
                worst = std::max(worst, std::abs(double(a.classification.probabilities[k]) - p[k]));
                if (p[k] > p[best]) best = k;
            }
            EXPECT_EQ(a.classification.predicted, int(best)) << name << " input " << i;
        }
        std::cout << "  " << name << ": worst probability difference " << worst << "\n";
    }
}

TEST(ClassifierReference, AnalyzeReportsTheClassesForTheBidirectionalPass) {
    const auto r = test::runCli("analyze --model '" + test::modelFixture("classifier-hub").string() +
                                "' --text 'the dog barked .'");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const nlohmann::json j = nlohmann::json::parse(r.out);
    // DESIGN.md's form: [{"label", "prob"}], most probable first.
    const auto& c = j.at("classification");
    ASSERT_EQ(c.size(), 2u);
    EXPECT_EQ(j.at("classification_mask_mode"), "bidirectional");
    std::set<std::string> labels;
    for (const auto& e : c) labels.insert(e.at("label").get<std::string>());
    EXPECT_EQ(labels, (std::set<std::string>{"NEGATIVE", "POSITIVE"}));
    const double p0 = c[0].at("prob"), p1 = c[1].at("prob");
    EXPECT_NEAR(p0 + p1, 1.0, 1e-6);
    EXPECT_GE(p0, p1);
    EXPECT_EQ(c[0].at("label"), c[0].at("id") == 1 ? "POSITIVE" : "NEGATIVE");
    EXPECT_TRUE(j.contains("predictions_off"));
    const auto causal = test::runCli("analyze --model '" + test::modelFixture("classifier-hub").string() +
                                     "' --text 'the dog barked .' --mask-mode causal");
    ASSERT_EQ(causal.exitCode, 0) << causal.err;
    EXPECT_FALSE(nlohmann::json::parse(causal.out).contains("classification"));
    EXPECT_TRUE(nlohmann::json::parse(causal.out).contains("classification_off"));
}

std::string loadError(const fs::path& folder) {
    try {
        Model::load(folder.string());
    } catch (const CheckpointError& e) {
        return e.what();
    }
    return "(loaded)";
}

void editConfig(const fs::path& folder, const std::function<void(nlohmann::json&)>& edit) {
    nlohmann::json c = test::readJson(folder / "config.json");
    edit(c);
    test::writeBytes(folder / "config.json", c.dump());
}

TEST(ClassifierBadInput, LyingFoldersAreRefusedNamingTheProblem) {
    test::ScratchDir dir;
    const fs::path a = dir.copyModel("classifier-hub", "count");
    editConfig(a, [](nlohmann::json& c) { c["num_labels"] = 3; });
    EXPECT_NE(loadError(a).find("num_labels is 3 but id2label names 2 classes"), std::string::npos) << loadError(a);

    const fs::path b = dir.copyModel("classifier-hub", "gap");
    editConfig(b, [](nlohmann::json& c) { c["id2label"] = {{"0", "NEGATIVE"}, {"2", "POSITIVE"}}; });
    EXPECT_NE(loadError(b).find("no gap"), std::string::npos) << loadError(b);

    const fs::path c3 = dir.copyModel("classifier-hub", "shape");
    editConfig(c3, [](nlohmann::json& c) { c["id2label"] = {{"0", "x"}, {"1", "y"}, {"2", "z"}}; });
    const std::string shape = loadError(c3);
    EXPECT_NE(shape.find("classifier.weight has shape [2, 16]"), std::string::npos) << shape;
    EXPECT_NE(shape.find("num_labels"), std::string::npos) << shape;

    const fs::path d = dir.copyModel("classifier-hub", "missing");
    test::rewriteSafetensors(d / "model.safetensors",
                             [](nlohmann::json& h, std::string&) { h.erase("classifier.weight"); });
    EXPECT_NE(loadError(d).find("has no tensor classifier.weight"), std::string::npos) << loadError(d);

    const fs::path e = dir.copyModel("classifier-hub", "pooler");
    test::rewriteSafetensors(e / "model.safetensors",
                             [](nlohmann::json& h, std::string&) { h.erase("bert.pooler.dense.weight"); });
    EXPECT_NE(loadError(e).find("has no tensor bert.pooler.dense.weight"), std::string::npos) << loadError(e);

    // And analyze says so, exit 1, no crash.
    const auto r = test::runCli("analyze --model '" + a.string() + "' --text 'the dog barked .'");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("num_labels is 3"), std::string::npos) << r.err;
}

TEST(ClassifierBadInput, FinetuneCommandLineMistakesAndBadModels) {
    test::ScratchDir dir;
    const std::string hub = test::modelFixture("classifier-hub").string();
    const std::string out = (dir.path() / "out").string();
    auto finetune = [&](const std::string& args) { return test::runCli("finetune --out '" + out + "' " + args); };
    auto r = finetune("--model '" + hub + "' --task sentiment");
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("unknown task \"sentiment\"; the tasks are agreement, pair"), std::string::npos) << r.err;
    r = finetune("--model '" + hub + "' --task agreement --train-examples 0");
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("--train-examples is 0"), std::string::npos) << r.err;
    r = test::runCli("finetune --model '" + hub + "' --task agreement");
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("missing --out"), std::string::npos) << r.err;

    // A model with no encoder weights: exit 1, naming the tensor.
    const fs::path empty = dir.copyModel("classifier-hub", "no-encoder");
    test::rewriteSafetensors(empty / "model.safetensors", [](nlohmann::json& h, std::string&) {
        for (auto it = h.begin(); it != h.end();) it = it.key().rfind("bert.", 0) == 0 ? h.erase(it) : std::next(it);
    });
    r = finetune("--model '" + empty.string() + "' --task agreement --train-examples 5 --threads 1");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("has no tensor bert.embeddings.word_embeddings.weight"), std::string::npos) << r.err;

    // A classifier whose num_labels disagrees with its weights: exit 1.
    const fs::path lying = dir.copyModel("classifier-hub", "lying");
    editConfig(lying, [](nlohmann::json& c) { c["id2label"] = {{"0", "x"}, {"1", "y"}, {"2", "z"}}; });
    r = finetune("--model '" + lying.string() + "' --task agreement --train-examples 5 --threads 1");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("classifier.weight has shape"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir.path() / "out" / "model.safetensors"));

    // A user's classifier fine-tunes again (its encoder and pooler kept, a new classifier).
    r = finetune("--model '" + hub + "' --task pair --train-examples 8 --held-out 4 --epochs 1 --batch 4 --threads 1");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const nlohmann::json summary = nlohmann::json::parse(r.out);
    EXPECT_EQ(summary.at("labels"), nlohmann::json({"agrees", "contradicts", "unrelated"}));
    EXPECT_EQ(summary.at("curve").size(), 1u);
    EXPECT_NE(r.err.find("and its pooler"), std::string::npos) << r.err;
    const auto model = Model::load(out);
    EXPECT_EQ(model->config().labels.size(), 3u);
}

}  // namespace
}  // namespace bertlens
