#include "io/MappedFile.h"

#include "Errors.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <utility>

namespace bertlens {
namespace {

// The SIGBUS guard's table of live maps. The handler reads it, so it is a
// fixed array of atomics (no locks, no allocation). A map is published by
// setting end before begin and withdrawn by clearing begin first.
struct GuardSlot {
    std::atomic<uintptr_t> begin{0};
    std::atomic<uintptr_t> end{0};
    std::atomic<bool> faulted{false};
};
constexpr int kGuardSlots = 64;  // more maps than this go unguarded
GuardSlot g_slots[kGuardSlots];
struct sigaction g_previousAction;
uintptr_t g_pageSize = 4096;

void onSigbus(int signal, siginfo_t* info, void* context) {
    if (info->si_code > 0) {  // a fault of this thread's read, not a signal someone sent
        const auto address = reinterpret_cast<uintptr_t>(info->si_addr);
        for (GuardSlot& slot : g_slots) {
            const uintptr_t begin = slot.begin.load(std::memory_order_acquire);
            const uintptr_t end = slot.end.load(std::memory_order_acquire);
            if (begin == 0 || address < begin || address >= end) continue;
            // Zero pages from the faulting page to the end of the map; the read
            // is retried on return. mmap is a plain system call on Linux, safe here.
            const uintptr_t page = address & ~(g_pageSize - 1);
            void* p = ::mmap(reinterpret_cast<void*>(page), end - page, PROT_READ,
                             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
            if (p != MAP_FAILED) {
                slot.faulted.store(true, std::memory_order_release);
                return;
            }
            break;
        }
    }
    // Not one of ours: hand it to whoever handled SIGBUS before us.
    ::sigaction(SIGBUS, &g_previousAction, nullptr);
    if (info->si_code <= 0) {
        ::raise(signal);
    } else if (g_previousAction.sa_flags & SA_SIGINFO && g_previousAction.sa_sigaction != nullptr) {
        g_previousAction.sa_sigaction(signal, info, context);
    }
    // Otherwise the faulting read runs again and meets the previous disposition.
}

void installGuard() {
    static std::once_flag once;
    std::call_once(once, [] {
        g_pageSize = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
        struct sigaction action {};
        action.sa_sigaction = onSigbus;
        action.sa_flags = SA_SIGINFO;
        sigemptyset(&action.sa_mask);
        ::sigaction(SIGBUS, &action, &g_previousAction);
    });
}

int guard(const uint8_t* data, size_t size) {
    installGuard();
    for (int i = 0; i < kGuardSlots; ++i) {
        uintptr_t expected = 0;
        GuardSlot& slot = g_slots[i];
        // Claim a free slot by its end, then publish the map by its begin.
        if (slot.begin.load() == 0 &&
            slot.end.compare_exchange_strong(expected, reinterpret_cast<uintptr_t>(data) + size)) {
            slot.faulted.store(false);
            slot.begin.store(reinterpret_cast<uintptr_t>(data), std::memory_order_release);
            return i;
        }
    }
    return -1;
}

void unguard(int slot) {
    if (slot < 0) return;
    g_slots[slot].begin.store(0, std::memory_order_release);
    g_slots[slot].end.store(0, std::memory_order_release);
}

}  // namespace

MappedFile::MappedFile(const std::string& path) : m_path(path) {
    // O_NONBLOCK: a FIFO named model.safetensors would otherwise block the
    // open until some writer came; it is refused below as not a regular file.
    m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (m_fd < 0) throw CheckpointError("cannot open " + path + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(m_fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        release();
        throw CheckpointError(path + " is not a regular file");
    }
    m_size = static_cast<size_t>(st.st_size);
    m_modified = st.st_mtim;
    if (m_size > 0) {
        void* p = ::mmap(nullptr, m_size, PROT_READ, MAP_PRIVATE, m_fd, 0);
        if (p == MAP_FAILED) {
            const int err = errno;
            release();
            throw CheckpointError("cannot map " + path + " into memory: " + std::strerror(err));
        }
        // The encoder streams through every weight once per run.
        ::madvise(p, m_size, MADV_WILLNEED);
        m_data = static_cast<const uint8_t*>(p);
        m_slot = guard(m_data, m_size);
    }
}

MappedFile::~MappedFile() {
    release();
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : m_path(std::move(other.m_path)),
      m_data(std::exchange(other.m_data, nullptr)),
      m_size(std::exchange(other.m_size, 0)),
      m_fd(std::exchange(other.m_fd, -1)),
      m_slot(std::exchange(other.m_slot, -1)),
      m_modified(other.m_modified) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
    if (this != &other) {
        release();
        m_path = std::move(other.m_path);
        m_data = std::exchange(other.m_data, nullptr);
        m_size = std::exchange(other.m_size, 0);
        m_fd = std::exchange(other.m_fd, -1);
        m_slot = std::exchange(other.m_slot, -1);
        m_modified = other.m_modified;
    }
    return *this;
}

bool MappedFile::changedOnDisk() const {
    if (m_slot >= 0 && g_slots[m_slot].faulted.load(std::memory_order_acquire)) return true;
    struct stat st {};
    if (m_fd < 0 || ::fstat(m_fd, &st) != 0) return false;
    return static_cast<size_t>(st.st_size) != m_size || st.st_mtim.tv_sec != m_modified.tv_sec ||
           st.st_mtim.tv_nsec != m_modified.tv_nsec;
}

void MappedFile::release() {
    unguard(std::exchange(m_slot, -1));
    if (m_data != nullptr) ::munmap(const_cast<uint8_t*>(m_data), m_size);
    if (m_fd >= 0) ::close(m_fd);
    m_data = nullptr;
    m_size = 0;
    m_fd = -1;
}

}  // namespace bertlens
