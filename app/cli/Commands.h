// The bertlens-cli commands. Each returns the process exit code and writes
// its JSON to out; errors propagate as bertlens::Error or UsageError.
#pragma once

#include "cli/CliArgs.h"
#include "model/Precision.h"

#include <ostream>
#include <string>
#include <vector>

namespace bertlens::cli {

// Shared by the commands (Commands.cpp): --text (or - for stdin) and --threads.
std::string readText(const CliArgs& args);
void setThreadCount(const CliArgs& args);
// --model DIR, or the bundled model found from the executable's folder
// (io/DataFolder.h), said on stderr in one line; a UsageError when neither.
std::string modelFolder(const CliArgs& args);
// --precision f32|bf16 (default f32); a usage error for anything else.
Precision precisionOption(const CliArgs& args);
// 1h05m, 3m07s: the progress lines' elapsed and remaining times.
std::string durationText(double seconds);

int runTokenize(const std::vector<std::string>& args, std::ostream& out);
// analyze and its second-wave measures (AnalyzeCommand.cpp).
int runAnalyze(const std::vector<std::string>& args, std::ostream& out);
int runBench(const std::vector<std::string>& args, std::ostream& out);
// Pretraining and held-out evaluation of the bundled model (TrainCommand.cpp).
int runTrain(const std::vector<std::string>& args, std::ostream& out);
int runEvaluate(const std::vector<std::string>& args, std::ostream& out);
// Fine-tuning on a task, a Hugging Face BertForSequenceClassification out (FinetuneCommand.cpp).
int runFinetune(const std::vector<std::string>& args, std::ostream& out);
// The head summary over a text or a corpus (HeadsCommand.cpp).
int runHeads(const std::vector<std::string>& args, std::ostream& out);
// The fine-tuning tasks and their splits (TasksCommand.cpp).
constexpr int kDefaultTaskTrain = 3000;
constexpr int kDefaultTaskHeldOut = 500;
int runTasks(const std::vector<std::string>& args, std::ostream& out);
// The Hugging Face cache (ModelsCommand.cpp).
int runModels(const std::vector<std::string>& args, std::ostream& out);
// Downloads from the Hugging Face Hub (DownloadCommand.cpp; needs bertlens_net).
int runDownload(const std::vector<std::string>& args, std::ostream& out);

}  // namespace bertlens::cli
