#include "model/MemoryBudget.h"

#include "Errors.h"
#include "model/ParameterCount.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

namespace bertlens {
namespace {

std::string sizeText(uint64_t bytes) {
    char buffer[32];
    if (bytes >= (1ull << 30)) {
        std::snprintf(buffer, sizeof buffer, "%.2f GB", double(bytes) / double(1ull << 30));
    } else {
        std::snprintf(buffer, sizeof buffer, "%.1f MB", double(bytes) / double(1ull << 20));
    }
    return buffer;
}

}  // namespace

MemoryNeed estimateMemory(const ModelConfig& c) {
    const int64_t h = c.hidden, i = c.intermediate;
    MemoryNeed need;
    need.parameters = countParameters(c).total();  // the masked-LM head's decoder tied, no pooler
    need.weightBytes = uint64_t(need.parameters) * 4;
    need.tokens = std::min(c.maxPositions, 512);
    const uint64_t n = uint64_t(std::max(need.tokens, 1));
    const uint64_t attentions = uint64_t(c.layers) * uint64_t(c.heads) * n * n;
    // The hidden states of every layer and its value vectors (kept for norms).
    const uint64_t hiddenStates = uint64_t(2 * c.layers + 1) * n * uint64_t(h);
    const uint64_t scratch = n * uint64_t(std::max(i, h)) * 4;  // the largest intermediate products
    // Per mask: the attention maps, their norm-weighted twins (the window's
    // weights | norms toggle), the hidden states and the largest products.
    // Measured in the window, bert-large-shaped at 506 tokens: 3.12 GB peak
    // RSS against this estimate's 3.1 GB.
    need.workingBytes = 2 * (2 * attentions + hiddenStates + scratch) * 4;
    return need;
}

std::optional<uint64_t> availableMemoryBytes() {
    if (const char* cap = std::getenv("BERTLENS_MEMORY_AVAILABLE")) {
        char* end = nullptr;
        const unsigned long long bytes = std::strtoull(cap, &end, 10);
        if (end != cap) return uint64_t(bytes);
    }
    std::ifstream meminfo("/proc/meminfo");
    std::string key;
    uint64_t kilobytes = 0;
    std::string unit;
    while (meminfo >> key >> kilobytes >> unit) {
        if (key == "MemAvailable:") return kilobytes * 1024;
    }
    return std::nullopt;  // not Linux, or an old kernel: nothing to check against
}

void checkModelFitsInMemory(const ModelConfig& config, const std::string& folder) {
    const std::optional<uint64_t> available = availableMemoryBytes();
    if (!available) return;
    const MemoryNeed need = estimateMemory(config);
    if (need.total() <= *available) return;
    throw CheckpointError("the model in " + folder + " needs about " + sizeText(need.total()) + " (" +
                          std::to_string(need.parameters) + " parameters as 32-bit floats, " +
                          sizeText(need.weightBytes) + ", and " + sizeText(need.workingBytes) + " to analyse " +
                          std::to_string(need.tokens) + " tokens under both masks) but only " + sizeText(*available) +
                          " of memory is free; close other programs or choose a smaller model");
}

}  // namespace bertlens
