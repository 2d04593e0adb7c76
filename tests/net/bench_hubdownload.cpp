// Download throughput on loopback: HubDownloader fetching one LFS file from
// FakeHub into a fresh temporary cache (HTTP, disk writes and the sha256 check
// included). A benchmark, not a test: run it by hand.
//   build-hub/tests/net/bench_hubdownload [MEGABYTES] [ROUNDS]
#include "FakeHub.h"

#include "net/HubDownloader.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QRandomGenerator>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>

using namespace bertlens;

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const int megabytes = argc > 1 ? std::atoi(argv[1]) : 128;
    const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
    test::FakeRepo repo;
    repo.repoId = "bench/model";
    repo.commit = "0000000000000000000000000000000000000001";
    repo.files["config.json"] = R"({"model_type": "bert", "num_hidden_layers": 1, "hidden_size": 4,
        "num_attention_heads": 1, "intermediate_size": 4, "vocab_size": 8, "max_position_embeddings": 8})";
    repo.files["vocab.txt"] = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n";
    QByteArray blob(megabytes * 1000000, Qt::Uninitialized);
    QRandomGenerator random(7);
    random.fillRange(reinterpret_cast<quint32*>(blob.data()), blob.size() / 4);
    repo.files["model.safetensors"] = blob;
    repo.lfs = {"model.safetensors"};
    test::FakeHub hub;
    hub.addRepo(repo);
    std::vector<double> rates;
    for (int r = 0; r < rounds; ++r) {
        QTemporaryDir cache;
        HubDownloader d;
        QEventLoop loop;
        QString error;
        QObject::connect(&d, &HubDownloader::finished, &loop, &QEventLoop::quit);
        QObject::connect(&d, &HubDownloader::failed, [&](const QString& e) { error = e, loop.quit(); });
        QElapsedTimer clock;
        clock.start();
        d.start({repo.repoId, "main", cache.path(), hub.endpoint(), {}, 30000});
        loop.exec();
        const double seconds = clock.nsecsElapsed() / 1e9;
        if (!error.isEmpty()) {
            std::fprintf(stderr, "failed: %s\n", qPrintable(error));
            return 1;
        }
        rates.push_back(megabytes / seconds);
        std::printf("round %d: %.3f s, %.0f MB/s\n", r + 1, seconds, megabytes / seconds);
    }
    std::sort(rates.begin(), rates.end());
    std::printf("{\"megabytes\": %d, \"rounds\": %d, \"median_mb_per_s\": %.0f}\n", megabytes, rounds,
                rates[rates.size() / 2]);
    return 0;
}
