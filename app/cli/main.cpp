// bertlens-cli: the engine on the command line (tokenize, analyze, bench).
// The output is JSON on stdout; errors are one sentence on stderr and a
// non-zero exit (1: the input or model is at fault, 2: the command line is).
#include "Errors.h"
#include "cli/Commands.h"

#include <iostream>
#include <new>

namespace {

const char* kUsage =
    "usage:\n"
    "  bertlens-cli tokenize --model DIR --text TEXT\n"
    "  bertlens-cli analyze  --model DIR --text TEXT [--mask-mode bidirectional|causal]\n"
    "                        [--top-k K] [--predict-all] [--hidden-states] [--threads T]\n"
    "                        [--rollout] [--flow] [--norms] [--saliency [--target P:ID]]\n"
    "                        [--ablate L:H,...] [--head-importance] [--layer-predictions]\n"
    "  bertlens-cli bench    --model DIR [--lengths 16,32,128] [--repeats R] [--threads T]\n"
    "  bertlens-cli models   [--cache DIR] [--table]\n"
    "  bertlens-cli download REPO_ID [--revision R] [--cache DIR] [--timeout SECONDS]\n"
    "  bertlens-cli train    --out DIR [--seed S] [--layers L] [--hidden D] [--heads H] [--intermediate I]\n"
    "                        [--max-positions P] [--vocab-size V] [--sentences N] [--steps N]\n"
    "                        [--batch-tokens N] [--lr X] [--warmup N] [--threads T] [--dtype f16|f32]\n"
    "                        [--eval-every N] [--checkpoint-every N] [--resume]\n"
    "  bertlens-cli evaluate --model DIR [--seed S] [--sentences N] [--held-out N]\n"
    "                        [--mask-mode bidirectional|causal] [--threads T] [--dump-held-out FILE]\n"
    "  bertlens-cli tasks    [--seed S] [--train N] [--held-out N]\n"
    "  bertlens-cli heads    --model DIR (--text TEXT | --corpus FILE) [--mask-mode bidirectional|causal]\n"
    "                        [--limit N] [--threads T]\n"
    "TEXT may be - to read standard input.\n";

}  // namespace

int main(int argc, char** argv) {
    using namespace bertlens;
    std::ios::sync_with_stdio(false);
    const std::vector<std::string> all(argv + 1, argv + argc);
    if (all.empty() || all[0] == "--help" || all[0] == "-h" || all[0] == "help") {
        std::cout << kUsage;
        return all.empty() ? 2 : 0;
    }
    const std::string command = all[0];
    const std::vector<std::string> args(all.begin() + 1, all.end());
    try {
        if (command == "tokenize") return cli::runTokenize(args, std::cout);
        if (command == "analyze") return cli::runAnalyze(args, std::cout);
        if (command == "bench") return cli::runBench(args, std::cout);
        if (command == "train") return cli::runTrain(args, std::cout);
        if (command == "evaluate") return cli::runEvaluate(args, std::cout);
        if (command == "heads") return cli::runHeads(args, std::cout);
        if (command == "tasks") return cli::runTasks(args, std::cout);
        if (command == "models") return cli::runModels(args, std::cout);
        if (command == "download") return cli::runDownload(args, std::cout);
        throw cli::UsageError("unknown command \"" + command + "\"");
    } catch (const cli::UsageError& e) {
        std::cerr << "bertlens-cli: " << e.what() << "\n" << kUsage;
        return 2;
    } catch (const Error& e) {
        std::cerr << "bertlens-cli: " << e.what() << "\n";
        return 1;
    } catch (const std::bad_alloc&) {
        std::cerr << "bertlens-cli: out of memory; try a shorter text or a smaller model\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "bertlens-cli: unexpected error: " << e.what() << "\n";
        return 1;
    }
}
