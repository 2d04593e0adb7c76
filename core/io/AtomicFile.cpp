#include "io/AtomicFile.h"

#include "Errors.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

namespace fs = std::filesystem;

namespace bertlens {
namespace {

// A name no other writer in this or another process picks: the process id,
// a counter and the clock.
fs::path temporaryName(const fs::path& target) {
    static std::atomic<unsigned> counter{0};
    const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    const std::string name = "." + target.filename().string() + ".partial-" + std::to_string(::getpid()) + "-" +
                             std::to_string(counter.fetch_add(1)) + "-" + std::to_string(now % 1000000);
    return target.parent_path() / name;
}

// Temporary files of this target whose writer was killed (its process is
// gone): nothing else would ever remove them.
void removeOrphans(const fs::path& target) {
    const std::string prefix = "." + target.filename().string() + ".partial-";
    std::error_code error;
    for (fs::directory_iterator it(target.parent_path().empty() ? "." : target.parent_path(), error), end;
         !error && it != end; it.increment(error)) {
        const std::string name = it->path().filename().string();
        if (name.compare(0, prefix.size(), prefix) != 0) continue;
        const long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
        if (pid > 0 && pid != ::getpid() && ::kill(pid_t(pid), 0) != 0 && errno == ESRCH) {
            ::unlink(it->path().c_str());
        }
    }
}

// Makes the rename itself durable; a folder that cannot be opened (some
// file systems) is not an error, the file is already complete.
void syncFolder(const fs::path& folder) {
    const int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

// The words for an errno from a failed write, with what to do about it.
std::string writeErrorText(int error) {
    if (error == ENOSPC || error == EDQUOT) {
        return std::string("the disk is full (") + std::strerror(error) +
               "); free some space or choose another folder; the previous file, if any, is unchanged";
    }
    if (error == EFBIG) {
        return std::string("the file is larger than this file system or your limits allow (") + std::strerror(error) +
               "); choose another folder; the previous file, if any, is unchanged";
    }
    return std::string(std::strerror(error)) + "; choose a folder you can write to";
}

}  // namespace

AtomicFile::AtomicFile(fs::path target) : m_target(std::move(target)) {
    if (m_target.filename().empty()) throw Error("cannot write \"" + m_target.string() + "\": it names a folder");
    removeOrphans(m_target);
    m_temporary = temporaryName(m_target);
    m_fd = ::open(m_temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (m_fd < 0) fail(errno);
}

AtomicFile::~AtomicFile() {
    discard();
}

void AtomicFile::discard() noexcept {
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
    if (!m_temporary.empty()) {
        ::unlink(m_temporary.c_str());
        m_temporary.clear();
    }
}

void AtomicFile::write(const void* data, size_t size) {
    if (m_fd < 0) throw Error("cannot write " + m_target.string() + ": the file was already finished");
    const char* p = static_cast<const char*>(data);
    while (size > 0) {
        const ssize_t n = ::write(m_fd, p, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) fail(n < 0 ? errno : ENOSPC);
        p += n;
        size -= static_cast<size_t>(n);
    }
}

void AtomicFile::flush() {
    if (m_fd < 0) return;
    if (::fsync(m_fd) != 0 && errno != EINVAL) fail(errno);
    const int fd = m_fd;
    m_fd = -1;
    if (::close(fd) != 0) fail(errno);
}

void AtomicFile::commit() {
    if (m_temporary.empty()) throw Error("cannot write " + m_target.string() + ": the file was already finished");
    flush();
    if (::rename(m_temporary.c_str(), m_target.c_str()) != 0) fail(errno);
    m_temporary.clear();
    syncFolder(m_target.parent_path());
}

void AtomicFile::fail(int error) {
    discard();
    throw Error("cannot write " + m_target.string() + ": " + writeErrorText(error));
}

void AtomicFile::writeAll(const fs::path& target, std::string_view bytes) {
    AtomicFile file(target);
    file.write(bytes);
    file.commit();
}

}  // namespace bertlens
