// A fixed team of threads for the encoder's parallel steps.
//
//   ThreadPool pool(2);
//   pool.run([&](int part, int parts) { /* this part's share */ });
//
// run() calls the job once per part at the same time, part 0 on the calling
// thread, and returns when every part has returned. Workers spin for a short
// while after a job, because the next step of a forward pass follows within
// microseconds, and then sleep on a condition variable: an idle pool costs
// no CPU, unlike OpenMP's spinning teams, which made two passes side by side
// on a shared two-core machine up to ten times slower.
//
// One caller at a time (an Encoder owns its pool). A job must not throw.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace bertlens {

class ThreadPool {
public:
    explicit ThreadPool(int threads);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    int size() const { return static_cast<int>(m_workers.size()) + 1; }

    template <class Job>
    void run(const Job& job) {
        if (m_workers.empty()) {
            job(0, 1);
            return;
        }
        runErased(&job, [](const void* j, int part, int parts) { (*static_cast<const Job*>(j))(part, parts); });
    }

private:
    using Trampoline = void (*)(const void*, int, int);
    void runErased(const void* job, Trampoline call);
    void workerLoop(int part);

    std::vector<std::thread> m_workers;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_done;
    std::atomic<uint64_t> m_generation{0};
    std::atomic<int> m_pending{0};
    const void* m_job = nullptr;
    Trampoline m_call = nullptr;
    std::atomic<bool> m_stop{false};
};

// Rows [begin, end) of `count` for one part, cut at multiples of `grain`.
struct RowRange {
    int begin;
    int end;
};
RowRange partRows(int count, int part, int parts, int grain);

}  // namespace bertlens
