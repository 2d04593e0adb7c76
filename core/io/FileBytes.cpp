#include "io/FileBytes.h"

#include "Errors.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace bertlens {
namespace {

std::string sizeText(uint64_t bytes) {
    if (bytes >= (uint64_t(1) << 20)) return std::to_string(bytes >> 20) + " MB";
    return std::to_string(bytes) + " bytes";
}

class Fd {
public:
    explicit Fd(int fd) : m_fd(fd) {}
    ~Fd() {
        if (m_fd >= 0) ::close(m_fd);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return m_fd; }

private:
    int m_fd;
};

}  // namespace

std::string readRegularFile(const std::string& path, uint64_t maxBytes, const std::string& what) {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (fd.get() < 0) throw CheckpointError("cannot open " + path + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) throw CheckpointError("cannot read " + path + ": " + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) {
        throw CheckpointError(path + " is not a regular file (it is a folder, a device or a pipe); " + what +
                              " must be a file");
    }
    const auto size = static_cast<uint64_t>(st.st_size);
    if (size > maxBytes) {
        throw CheckpointError(path + " is " + sizeText(size) + " but " + what + " is at most " + sizeText(maxBytes) +
                              "; it is not the right file or it is damaged");
    }
    std::string bytes(static_cast<size_t>(size), '\0');
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::read(fd.get(), bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw CheckpointError("error while reading " + path + ": " + std::strerror(errno));
        if (n == 0) break;  // shrank while being read: use what is there
        done += static_cast<size_t>(n);
    }
    bytes.resize(done);
    return bytes;
}

}  // namespace bertlens
