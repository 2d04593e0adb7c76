#include "cli/Usage.h"

namespace bertlens::cli {
namespace {

struct CommandUsage {
    const char* name;
    const char* synopsis;  // "bertlens-cli NAME ..." lines, as in the top-level usage
    const char* options;   // shown by NAME --help only
};

const CommandUsage kCommands[] = {
    {"tokenize", "  bertlens-cli tokenize [--model DIR] --text TEXT\n",
     "Splits TEXT into the model's WordPiece tokens and prints them as JSON.\n"
     "  --model DIR   a BERT folder (default: the bundled bertlens-mini)\n"
     "  --text TEXT   the sentence; - reads standard input\n"},
    {"analyze",
     "  bertlens-cli analyze  [--model DIR] --text TEXT [--format json|text]\n"
     "                        [--mask-mode bidirectional|causal] [--top-k K] [--predict-all]\n"
     "                        [--hidden-states] [--threads T] [--rollout] [--flow] [--norms]\n"
     "                        [--saliency [--target P:ID]] [--ablate L:H,...] [--head-importance]\n"
     "                        [--layer-predictions] [--inside L:H] [--npy DIR] [--precision f32|bf16]\n",
     "Runs the model on TEXT and prints its attentions, predictions and parameter count.\n"
     "  --model DIR          a BERT folder (default: the bundled bertlens-mini)\n"
     "  --text TEXT          the sentence; - reads standard input\n"
     "  --format json|text   json (default): every number; text: tokens, the top guesses for\n"
     "                       each [MASK] and the strongest attention of each head\n"
     "  --mask-mode M        bidirectional (default) or causal (each token sees only its left)\n"
     "  --top-k K            guesses kept per predicted position (default 5)\n"
     "  --predict-all        predict every position, not only [MASK]\n"
     "  --hidden-states      include every layer's hidden states (json)\n"
     "  --threads T          threads to use (default: all processors)\n"
     "  --rollout, --flow    attention rollout; attention flow (max-flow, slow on long texts)\n"
     "  --norms              the size of what each head adds, ||alpha f(x)||\n"
     "  --saliency           gradient x input for the target word (--target P:ID)\n"
     "  --ablate L:H,...     switch heads off (layer:head, from 0)\n"
     "  --head-importance    the target's sensitivity to each head's gate\n"
     "  --layer-predictions  the masked-word guesses read after every layer\n"
     "  --inside L:H         that head's query, key and value vectors ([n][head size] each)\n"
     "  --npy DIR            also write every array as a NumPy .npy file in DIR, with\n"
     "                       arrays.json saying what each axis is (the JSON still prints)\n"
     "  --precision P        f32 (default) or bf16: the linear layers in bfloat16, faster\n"
     "                       on CPUs with BF16 dot products, a little less exact\n"},
    {"bench",
     "  bertlens-cli bench    [--model DIR] [--lengths 16,32,128] [--repeats R] [--threads T] [--measures]\n"
     "                        [--precision f32|bf16] [--warm]\n",
     "Times forward passes at each length and prints the medians as JSON.\n"
     "  --model DIR        a BERT folder (default: the bundled bertlens-mini)\n"
     "  --lengths N,...    token counts to time (default 16,32,128)\n"
     "  --repeats R        timed runs per length (default 10)\n"
     "  --threads T        threads to use (default: all processors)\n"
     "  --measures         also time rollout, norms, saliency, layer predictions and (up to\n"
     "                     32 tokens) flow on each length's result, and their ratio to the forward\n"
     "  --precision P      f32 (default) or bf16 (see analyze)\n"
     "  --warm             read every weight page once before the first run (first_ms\n"
     "                     then shows the run without the pages' first-touch cost)\n"},
    {"models", "  bertlens-cli models   [--cache DIR] [--table]\n",
     "Lists the BERT checkpoints in the Hugging Face cache.\n"
     "  --cache DIR   the hub cache (default: HF_HUB_CACHE, HF_HOME/hub or ~/.cache/huggingface/hub)\n"
     "  --table       a table for people instead of JSON\n"},
    {"download", "  bertlens-cli download REPO_ID [--revision R] [--cache DIR] [--timeout SECONDS]\n",
     "Fetches a BERT checkpoint from the Hugging Face Hub into the cache; resumes when interrupted.\n"
     "  --revision R        branch, tag or commit (default main)\n"
     "  --cache DIR         the hub cache (default as for models)\n"
     "  --timeout SECONDS   give up when no byte arrives for this long (default 30)\n"},
    {"train",
     "  bertlens-cli train    --out DIR [--seed S] [--layers L] [--hidden D] [--heads H] [--intermediate I]\n"
     "                        [--max-positions P] [--vocab-size V] [--sentences N] [--steps N]\n"
     "                        [--batch-tokens N] [--lr X] [--warmup N] [--threads T] [--dtype f16|f32]\n"
     "                        [--eval-every N] [--checkpoint-every N] [--resume]\n"
     "                        [--objective masked-lm|next-word|previous-word]\n"
     "                        [--snapshot-every N --snapshots DIR] [--vocab FILE]\n",
     "Pretrains a small BERT on the generated corpus (the bundled model's recipe by default).\n"
     "  --out DIR           where the checkpoint and its progress go\n"
     "  --resume            go on from the last checkpoint in DIR\n"
     "  --snapshot-every N  with --snapshots DIR: the model of step 0, every N steps and the last,\n"
     "                      each an F16 folder DIR/step-000500, and DIR/series.json with the loss\n"
     "                      of every step; --resume continues the series\n"
     "  --dtype f16|f32     the saved weights' type (default f16)\n"
     "  --vocab FILE        train with this vocab.txt (a model's) instead of one built from the corpus\n"
     "  --objective O       masked-lm (default), next-word or previous-word (the twins)\n"
     "  the other options change the recipe: sizes, corpus, steps and learning rate\n"},
    {"finetune",
     "  bertlens-cli finetune --task agreement|pair --out DIR [--model DIR] [--train-examples N]\n"
     "                        [--held-out N] [--epochs E] [--lr X] [--batch B] [--seed S] [--from-scratch]\n"
     "                        [--threads T] [--checkpoint-every N] [--resume]\n",
     "Fine-tunes a BERT on a task (bertlens-cli tasks) with BERT's pooler and a classifier on top,\n"
     "every weight trained; writes a Hugging Face BertForSequenceClassification folder to DIR and\n"
     "prints a JSON summary (held-out accuracy after each epoch).\n"
     "  --model DIR          the BERT to start from (default: the bundled bertlens-mini)\n"
     "  --task T             agreement (grammatical or not) or pair (agrees, contradicts, unrelated)\n"
     "  --train-examples N   training examples (default 3000); --held-out N: held-out (default 500)\n"
     "  --epochs E           passes over the training examples (default 5)\n"
     "  --lr X, --batch B    peak learning rate (default 5e-4; warm-up 10%, then linear decay), batch (32)\n"
     "  --seed S             the examples, their order and the new weights (default 1)\n"
     "  --from-scratch       the same architecture from random weights, the same budget\n"
     "  --threads T          threads to use (default: all processors)\n"
     "  --checkpoint-every N save the training state every N steps; --resume goes on from it\n"},
    {"evaluate",
     "  bertlens-cli evaluate [--model DIR] [--seed S] [--sentences N] [--held-out N]\n"
     "                        [--mask-mode bidirectional|causal] [--threads T] [--dump-held-out FILE]\n"
     "                        [--compare-directions [--l2r DIR] [--r2l DIR] [--json]]\n",
     "Top-1 accuracy on the held-out masked words of the generated corpus.\n"
     "  --model DIR             a BERT folder (default: the bundled bertlens-mini)\n"
     "  --seed S, --sentences N, --held-out N   the corpus (as the model was trained)\n"
     "  --mask-mode M           bidirectional (default) or causal\n"
     "  --compare-directions    BERT beside its left-to-right and right-to-left twins\n"
     "  --l2r DIR, --r2l DIR    the twins (default: MODEL-l2r and MODEL-r2l beside the model)\n"
     "  --json                  JSON instead of a table (with --compare-directions)\n"
     "  --dump-held-out FILE    also write the held-out sentences, one per line\n"},
    {"heads",
     "  bertlens-cli heads    [--model DIR] (--text TEXT | --corpus FILE) [--mask-mode bidirectional|causal]\n"
     "                        [--limit N] [--threads T]\n",
     "What each head attends to (Clark et al. 2019), as JSON: per head the entropy, mean distance\n"
     "and attention to [CLS], [SEP], punctuation, itself and its neighbours.\n"
     "  --model DIR     a BERT folder (default: the bundled bertlens-mini)\n"
     "  --text TEXT     one sentence; - reads standard input\n"
     "  --corpus FILE   one sentence per line, averaged over all tokens; adds the Jensen-Shannon\n"
     "                  distance between heads and a 2-D map of them (MDS); bad lines are skipped\n"
     "  --mask-mode M   bidirectional (default) or causal\n"
     "  --limit N       read at most N lines of the corpus\n"
     "  --threads T     threads to use (default: all processors)\n"},
    {"tasks", "  bertlens-cli tasks    [--seed S] [--train N] [--held-out N]\n",
     "Lists the fine-tuning tasks with their split sizes and label balance, as JSON.\n"
     "  --seed S, --train N, --held-out N   the splits (defaults 1, 3000, 500)\n"},
};

const char* kNotes =
    "  bertlens-cli COMMAND --help    a command's options\n"
    "  bertlens-cli --version\n"
    "TEXT may be - to read standard input. Without --model, the bundled model is used.\n";

}  // namespace

std::string usageText() {
    std::string out = "usage:\n";
    for (const CommandUsage& c : kCommands) out += c.synopsis;
    return out + kNotes;
}

std::string commandHelp(const std::string& command) {
    for (const CommandUsage& c : kCommands) {
        if (command == c.name) return std::string("usage:\n") + c.synopsis + c.options;
    }
    return {};
}

}  // namespace bertlens::cli
