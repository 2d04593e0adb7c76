// Saving and restoring a training run, and writing the trained model.
//
// A training state folder holds everything a killed run needs to go on
// exactly where it was: the weights as an F32 Hugging Face folder (so it also
// opens in BertLens as "the model so far"), AdamW's moments in
// optimizer.safetensors (exp_avg.NAME, exp_avg_sq.NAME), and
// trainer_state.json (step, and the options of the run, which a resume must
// match). It is replaced as a whole: written beside as FOLDER.partial and
// swapped in by renames, so a kill at any moment leaves a complete state
// (FOLDER, or FOLDER.old during the swap). Pure functions; thread-safe for
// different folders.
#pragma once

#include "io/SafeTensors.h"
#include "train/AdamW.h"
#include "train/TrainableBert.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace bertlens::train {

// The model as a BertForMaskedLM folder (config.json, vocab.txt,
// tokenizer_config.json, model.safetensors in dtype) that Model::load reads.
void writeTrainedModel(const std::string& folder, const TrainableBert<float>& model,
                       const std::vector<std::string>& vocab, DType dtype,
                       const std::map<std::string, std::string>& metadata = {});

void saveTrainingState(const std::string& folder, const TrainableBert<float>& model, const AdamW& optimizer,
                       const std::vector<std::string>& vocab, const std::string& optionsJson, int64_t step);

// Restores weights, moments and step from folder (or folder.old) when a
// state is there and returns true; returns false when there is none. Throws
// Error when the state belongs to a run with other options (naming the
// first difference) or is damaged.
bool loadTrainingState(const std::string& folder, TrainableBert<float>& model, AdamW& optimizer,
                       const std::string& optionsJson, int64_t& step);

// Removes the state folder (and any .partial/.old leftovers) once the run has finished.
void removeTrainingState(const std::string& folder);

}  // namespace bertlens::train
