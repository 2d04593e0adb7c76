// Helpers shared by the window's Qt tests: fixture paths and an independent
// run of the engine to compare what the window shows against.
#pragma once

#include "model/Analysis.h"
#include "model/Model.h"

#include <QString>

#include <memory>
#include <string>

namespace bertlens::test {

// tests/fixtures/models/<name>
QString fixtureModel(const char* name);
// A bidirectional or causal run of the engine on its own Encoder, with
// predictions at every [MASK].
Analysis engineAnalysis(const std::shared_ptr<const Model>& model, const std::string& text, MaskMode mode);
// The largest |a - b| over two attention tensors of the same shape; +inf
// when the shapes differ.
double maxAttentionDifference(const Analysis& a, const Analysis& b);

}  // namespace bertlens::test
