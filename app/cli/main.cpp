// bertlens-cli: the engine on the command line (tokenize, analyze, bench, ...).
// The output is JSON on stdout (analyze --format text for people); errors are
// one sentence on stderr and a non-zero exit (1: the input or model is at
// fault, 2: the command line is). --help and --version print to stdout, exit 0.
#include "Errors.h"
#include "Version.h"
#include "cli/Commands.h"
#include "cli/Usage.h"

#include <iostream>
#include <new>

namespace {

bool isHelp(const std::string& a) {
    return a == "--help" || a == "-h" || a == "help";
}

}  // namespace

int main(int argc, char** argv) {
    using namespace bertlens;
    std::ios::sync_with_stdio(false);
    const std::vector<std::string> all(argv + 1, argv + argc);
    if (all.empty()) {
        std::cerr << cli::usageText();
        return 2;
    }
    if (all[0] == "--version") {
        std::cout << "bertlens-cli " << BERTLENS_VERSION << "\n";
        return 0;
    }
    if (isHelp(all[0])) {
        // bertlens-cli help COMMAND is COMMAND --help.
        const std::string help = all.size() > 1 ? cli::commandHelp(all[1]) : cli::usageText();
        if (help.empty()) {
            std::cerr << "bertlens-cli: unknown command \"" << all[1] << "\"\n" << cli::usageText();
            return 2;
        }
        std::cout << help;
        return 0;
    }
    const std::string command = all[0];
    const std::vector<std::string> args(all.begin() + 1, all.end());
    try {
        if (!args.empty() && isHelp(args[0]) && args[0] != "help") throw cli::HelpRequested();
        if (command == "tokenize") return cli::runTokenize(args, std::cout);
        if (command == "analyze") return cli::runAnalyze(args, std::cout);
        if (command == "bench") return cli::runBench(args, std::cout);
        if (command == "train") return cli::runTrain(args, std::cout);
        if (command == "finetune") return cli::runFinetune(args, std::cout);
        if (command == "evaluate") return cli::runEvaluate(args, std::cout);
        if (command == "heads") return cli::runHeads(args, std::cout);
        if (command == "tasks") return cli::runTasks(args, std::cout);
        if (command == "models") return cli::runModels(args, std::cout);
        if (command == "download") return cli::runDownload(args, std::cout);
        throw cli::UsageError("unknown command \"" + safeQuote(command) + "\"");
    } catch (const cli::HelpRequested&) {
        const std::string help = cli::commandHelp(command);
        if (help.empty()) {
            std::cerr << "bertlens-cli: unknown command \"" << safeQuote(command) << "\"\n" << cli::usageText();
            return 2;
        }
        std::cout << help;
        return 0;
    } catch (const cli::UsageError& e) {
        const std::string help = cli::commandHelp(command);
        std::cerr << "bertlens-cli: " << safeText(e.what()) << "\n" << (help.empty() ? cli::usageText() : help);
        return 2;
    } catch (const Error& e) {
        std::cerr << "bertlens-cli: " << e.what() << "\n";
        return 1;
    } catch (const std::bad_alloc&) {
        std::cerr << "bertlens-cli: out of memory; try a shorter text or a smaller model\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "bertlens-cli: unexpected error: " << safeText(e.what()) << "\n";
        return 1;
    }
}
