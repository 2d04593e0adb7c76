// Whether a model fits in the memory this machine has free, decided from
// config.json alone, before any weight is mapped or read: a model that
// cannot fit is refused with the numbers instead of thrashing or being
// killed. Pure functions except availableMemoryBytes (reads /proc/meminfo);
// thread-safe.
#pragma once

#include "io/ModelConfig.h"

#include <cstdint>
#include <optional>
#include <string>

namespace bertlens {

struct MemoryNeed {
    int64_t parameters = 0;     // what the engine reads: encoder and masked-LM head, no pooler
    uint64_t weightBytes = 0;   // those as 32-bit floats (F16/BF16 files are widened)
    uint64_t workingBytes = 0;  // one analysis under both masks at `tokens`, with the norms the window keeps
    int tokens = 0;
    uint64_t total() const { return weightBytes + workingBytes; }
};

// The need at min(max positions, 512) tokens.
MemoryNeed estimateMemory(const ModelConfig& config);

// MemAvailable from /proc/meminfo; BERTLENS_MEMORY_AVAILABLE (bytes), when
// set, takes its place (tests, or a user who wants a smaller cap).
std::optional<uint64_t> availableMemoryBytes();

// Throws CheckpointError naming the folder, the need and what is free.
void checkModelFitsInMemory(const ModelConfig& config, const std::string& folder);

}  // namespace bertlens
