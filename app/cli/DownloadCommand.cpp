// bertlens-cli download: fetches a BERT checkpoint from the Hugging Face Hub
// into the hub cache (HubDownloader), drawing a progress bar on stderr, and
// prints the snapshot folder as JSON. An interrupted run resumes next time.
#include "cli/Commands.h"

#include "Errors.h"
#include "net/HubDownloader.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>

#include <nlohmann/json.hpp>

#include <unistd.h>
#include <cstdio>
#include <iostream>

namespace bertlens::cli {
namespace {

// A terminal gets one redrawn line; a pipe or log file a line per 10%.
class ProgressBar {
public:
    ProgressBar() : m_tty(::isatty(STDERR_FILENO) == 1) { m_clock.start(); }

    void status(const QString& text) {
        m_file = text;
        if (!m_tty) std::cerr << text.toStdString() << "\n";
    }

    void update(qint64 received, qint64 total) {
        if (total <= 0) return;
        const int percent = static_cast<int>(100 * received / total);
        if (!m_tty) {
            if (percent / 10 > m_lastTenth) {
                m_lastTenth = percent / 10;
                std::cerr << percent << "% of " << total / 1000000.0 << " MB\n";
            }
            return;
        }
        if (m_redraw.isValid() && m_redraw.elapsed() < 100 && received < total) return;
        m_redraw.start();
        const int width = 30;
        const int filled = static_cast<int>(width * received / total);
        const double seconds = std::max(0.001, m_clock.elapsed() / 1000.0);
        char line[256];
        std::snprintf(line, sizeof line, "\r[%s%s] %3d%%  %.1f / %.1f MB  %.1f MB/s  ",
                      std::string(static_cast<size_t>(filled), '#').c_str(),
                      std::string(static_cast<size_t>(width - filled), '-').c_str(), percent, received / 1e6,
                      total / 1e6, received / 1e6 / seconds);
        std::cerr << line << std::flush;
        m_drawn = true;
    }

    void end() {
        if (m_drawn) std::cerr << "\n";
        m_drawn = false;
    }

private:
    bool m_tty;
    bool m_drawn = false;
    int m_lastTenth = -1;
    QString m_file;
    QElapsedTimer m_clock;
    QElapsedTimer m_redraw;
};

}  // namespace

int runDownload(const std::vector<std::string>& args, std::ostream& out) {
    if (args.empty() || args[0].rfind("--", 0) == 0)
        throw UsageError("download needs a repo id, e.g. bert-base-uncased");
    const CliArgs a(std::vector<std::string>(args.begin() + 1, args.end()), {"--revision", "--cache", "--timeout"}, {});
    HubDownloadOptions options;
    options.repoId = QString::fromStdString(args[0]);
    options.revision = QString::fromStdString(a.valueOr("--revision", "main"));
    options.cacheDir = QString::fromStdString(a.valueOr("--cache", ""));
    options.stallTimeoutMs = 1000 * a.intValue("--timeout", 30, 1, 3600);

    int argc = 1;
    char name[] = "bertlens-cli";
    char* argv[] = {name, nullptr};
    QCoreApplication app(argc, argv);
    HubDownloader downloader;
    ProgressBar bar;
    QString folder, error;
    QObject::connect(&downloader, &HubDownloader::statusChanged, [&](const QString& text) { bar.status(text); });
    QObject::connect(&downloader, &HubDownloader::progress, [&](qint64 r, qint64 t) { bar.update(r, t); });
    QObject::connect(&downloader, &HubDownloader::finished, [&](const QString& f) {
        folder = f;
        app.quit();
    });
    QObject::connect(&downloader, &HubDownloader::failed, [&](const QString& message) {
        error = message;
        app.quit();
    });
    downloader.start(options);
    app.exec();
    bar.end();
    if (!error.isEmpty()) throw Error(error.toStdString());
    const nlohmann::ordered_json j = {{"repo_id", args[0]},
                                      {"revision", QFileInfo(folder).fileName().toStdString()},
                                      {"folder", folder.toStdString()}};
    out << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return 0;
}

}  // namespace bertlens::cli
