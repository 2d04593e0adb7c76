// bertlens-cli tasks: the fine-tuning tasks of train/TaskTable with the sizes
// of their default splits and the label balance of each split, as JSON.
#include "cli/Commands.h"

#include "train/TaskTable.h"

#include <nlohmann/json.hpp>

namespace bertlens::cli {

int runTasks(const std::vector<std::string>& args, std::ostream& out) {
    const CliArgs cli(args, {"--seed", "--train", "--held-out"}, {});
    const auto seed = static_cast<uint64_t>(cli.intValue("--seed", 1, 0, 1 << 30));
    const int train = cli.intValue("--train", kDefaultTaskTrain, 1, 100000);
    const int heldOut = cli.intValue("--held-out", kDefaultTaskHeldOut, 1, 100000);
    nlohmann::json list = nlohmann::json::array();
    for (const train::TaskInfo& task : train::taskTable()) {
        const train::TaskSplits s = train::makeTaskSplits(task, seed, size_t(train), size_t(heldOut));
        auto balance = [&](const std::vector<train::TaskExample>& examples) {
            nlohmann::json b = nlohmann::json::object();
            const std::vector<size_t> counts = train::labelCounts(task, examples);
            for (size_t i = 0; i < counts.size(); ++i) b[task.labels[i]] = counts[i];
            return b;
        };
        list.push_back({{"name", task.name},
                        {"description", task.description},
                        {"labels", task.labels},
                        {"segments", task.pair ? 2 : 1},
                        {"train", s.train.size()},
                        {"held_out", s.heldOut.size()},
                        {"train_balance", balance(s.train)},
                        {"held_out_balance", balance(s.heldOut)}});
    }
    out << list.dump(2) << "\n";
    return 0;
}

}  // namespace bertlens::cli
