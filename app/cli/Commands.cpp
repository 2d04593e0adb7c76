#include "cli/Commands.h"

#include "Errors.h"
#include "PeakFlops.h"
#include "cli/BenchMeasures.h"
#include "export/AnalysisJson.h"
#include "io/DataFolder.h"
#include "model/Encoder.h"

#include <omp.h>
#include <Eigen/Core>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <sstream>

namespace bertlens::cli {
namespace {

using Clock = std::chrono::steady_clock;

double millisecondsSince(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

}  // namespace

// --text TEXT, or --text - for standard input (any bytes, NUL included).
std::string readText(const CliArgs& a) {
    std::string text = a.value("--text");
    if (text == "-") {
        std::ostringstream s;
        s << std::cin.rdbuf();
        text = s.str();
    }
    return text;
}

void setThreadCount(const CliArgs& a) {
    const int threads = a.intValue("--threads", omp_get_num_procs(), 1, 256);
    omp_set_num_threads(threads);
    Eigen::setNbThreads(threads);
}

std::string durationText(double seconds) {
    const auto s = static_cast<long>(std::lround(seconds));
    char text[32];
    if (s >= 3600) {
        std::snprintf(text, sizeof text, "%ldh%02ldm", s / 3600, s / 60 % 60);
    } else {
        std::snprintf(text, sizeof text, "%ldm%02lds", s / 60, s % 60);
    }
    return text;
}

Precision precisionOption(const CliArgs& a) {
    Precision p = Precision::F32;
    const std::string text = a.valueOr("--precision", "f32");
    if (!parsePrecision(text, p)) throw UsageError("--precision is f32 or bf16, not \"" + text + "\"");
    return p;
}

std::string modelFolder(const CliArgs& a) {
    if (a.has("--model")) return a.value("--model");
    const std::string folder = findBundledModelFolder(executableFolder());
    if (folder.empty()) {
        throw UsageError("no --model given and no bundled model found beside bertlens-cli: give one with --model DIR");
    }
    std::cerr << "bertlens-cli: no --model given: using the bundled model " << folder << "\n";
    return folder;
}

int runTokenize(const std::vector<std::string>& args, std::ostream& out) {
    const CliArgs a(args, {"--model", "--text"}, {});
    const std::string text = readText(a);
    const auto tokenizer = Model::loadTokenizer(modelFolder(a));
    const Encoding e = tokenizer->encode(text);
    if (std::none_of(e.tokens.begin(), e.tokens.end(), [](const Token& t) { return !t.added; })) {
        throw InputError("the text is empty (or only spaces and control characters): type a sentence to tokenize");
    }
    writeEncodingJson(out, e);
    return 0;
}

int runBench(const std::vector<std::string>& args, std::ostream& out) {
    const CliArgs a(args, {"--model", "--lengths", "--repeats", "--threads", "--precision"}, {"--measures"});
    setThreadCount(a);
    AnalyzeOptions options;
    options.precision = precisionOption(a);
    const std::vector<int> lengths = a.intList("--lengths", "16,32,128", 1, 1 << 16);
    const int repeats = a.intValue("--repeats", 10, 1, 100000);

    const auto loadStart = Clock::now();
    const auto model = Model::load(modelFolder(a));
    Encoder encoder(model);
    const double loadMs = millisecondsSince(loadStart);
    // Measured on as many threads as the runs use, just before them.
    const double peak = measurePeakGflops(omp_get_max_threads());

    const ModelConfig& c = model->config();
    // BF16 weights are rounded on the first BF16 run; timed here, not in it.
    const auto convertStart = Clock::now();
    if (options.precision == Precision::Bf16) model->bf16Layers();
    const double convertMs = millisecondsSince(convertStart);
    out << "{\"load_ms\":" << loadMs << ",\"threads\":" << omp_get_max_threads() << ",\"precision\":\""
        << precisionName(options.precision) << "\",\"convert_ms\":" << convertMs << ",\"peak_gflops\":" << peak
        << ",\"results\":[";
    for (size_t li = 0; li < lengths.size(); ++li) {
        const int n = lengths[li];
        // The same ids as ../shared/bench/ort_latency.js, kept inside small vocabularies.
        std::vector<int32_t> ids(static_cast<size_t>(n));
        for (int i = 0; i < n; ++i) ids[static_cast<size_t>(i)] = (1000 + (i * 37) % 20000) % c.vocabSize;
        const std::vector<int32_t> types(ids.size(), 0);
        // Every attention map and hidden state is produced, as in the ONNX graph.
        auto once = [&] { return encoder.forward(ids, types, options, {}).tokenCount; };
        const auto firstStart = Clock::now();
        once();
        const double firstMs = millisecondsSince(firstStart);
        for (int w = 0; w < 2; ++w) once();
        std::vector<double> times;
        for (int r = 0; r < repeats; ++r) {
            const auto t = Clock::now();
            once();
            times.push_back(millisecondsSince(t));
        }
        std::sort(times.begin(), times.end());
        const double median = times[times.size() / 2];
        // Multiply-adds of the matrix products (x2 for FLOPs): QKV, output, FFN and attention.
        const double flops = 2.0 * c.layers *
                             (double(n) * c.hidden * c.hidden * 4 + 2.0 * n * c.hidden * c.intermediate +
                              2.0 * double(n) * n * c.hidden);
        out << (li ? "," : "") << "{\"n\":" << n << ",\"median_ms\":" << median << ",\"min_ms\":" << times.front()
            << ",\"first_ms\":" << firstMs << ",\"gflops\":" << flops / (median * 1e6);
        if (peak > 0) out << ",\"of_peak\":" << flops / (median * 1e6) / peak;
        if (a.has("--measures")) benchMeasures(encoder, ids, repeats, out);
        out << '}';
    }
    out << "]}\n";
    return 0;
}

}  // namespace bertlens::cli
