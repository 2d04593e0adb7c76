#include "model/ThreadPool.h"

#include <algorithm>
#include <chrono>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define BERTLENS_PAUSE() _mm_pause()
#else
#define BERTLENS_PAUSE() std::this_thread::yield()
#endif

namespace bertlens {

namespace {
// About 100 microseconds of spinning before sleeping: longer than the serial
// steps between two parallel ones (a LayerNorm, a pack), far shorter than the
// time a person takes between keystrokes.
constexpr auto kSpin = std::chrono::microseconds(100);

template <class Ready>
bool spinUntil(Ready ready) {
    const auto deadline = std::chrono::steady_clock::now() + kSpin;
    for (int i = 0;; ++i) {
        if (ready()) return true;
        BERTLENS_PAUSE();
        if ((i & 63) == 63 && std::chrono::steady_clock::now() > deadline) return false;
    }
}
}  // namespace

ThreadPool::ThreadPool(int threads) {
    const int workers = std::max(1, threads) - 1;
    m_workers.reserve(static_cast<size_t>(workers));
    for (int i = 0; i < workers; ++i) m_workers.emplace_back([this, i] { workerLoop(i + 1); });
}

ThreadPool::~ThreadPool() {
    {
        const std::lock_guard<std::mutex> lock(m_mutex);
        m_stop.store(true, std::memory_order_relaxed);
        m_generation.fetch_add(1, std::memory_order_release);
    }
    m_wake.notify_all();
    for (std::thread& t : m_workers) t.join();
}

void ThreadPool::runErased(const void* job, Trampoline call) {
    const int parts = size();
    m_job = job;
    m_call = call;
    m_pending.store(parts - 1, std::memory_order_relaxed);
    {
        // Under the lock, so a worker about to sleep sees the new generation.
        const std::lock_guard<std::mutex> lock(m_mutex);
        m_generation.fetch_add(1, std::memory_order_release);
    }
    m_wake.notify_all();
    call(job, 0, parts);
    const auto finished = [this] { return m_pending.load(std::memory_order_acquire) == 0; };
    if (!spinUntil(finished)) {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_done.wait(lock, finished);
    }
}

void ThreadPool::workerLoop(int part) {
    uint64_t seen = 0;
    for (;;) {
        const auto started = [&] { return m_generation.load(std::memory_order_acquire) != seen; };
        if (!spinUntil(started)) {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_wake.wait(lock, started);
        }
        seen = m_generation.load(std::memory_order_acquire);
        if (m_stop.load(std::memory_order_relaxed)) return;
        m_call(m_job, part, size());
        if (m_pending.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            const std::lock_guard<std::mutex> lock(m_mutex);
            m_done.notify_one();
        }
    }
}

RowRange partRows(int count, int part, int parts, int grain) {
    const int blocks = (count + grain - 1) / grain;
    const int b0 = static_cast<int>(static_cast<int64_t>(blocks) * part / parts);
    const int b1 = static_cast<int>(static_cast<int64_t>(blocks) * (part + 1) / parts);
    return {std::min(count, b0 * grain), std::min(count, b1 * grain)};
}

}  // namespace bertlens
