// The encoder's thread pool: every part runs exactly once per job, on
// distinct threads, the caller taking part 0; jobs after the workers have
// gone to sleep still run; destruction with sleeping workers returns.
#include "model/ThreadPool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace bertlens {
namespace {

TEST(ThreadPool, EveryPartRunsOncePerJobOnItsOwnThread) {
    ThreadPool pool(3);
    ASSERT_EQ(pool.size(), 3);
    for (int job = 0; job < 2000; ++job) {
        std::vector<std::atomic<int>> runs(3);
        std::mutex mutex;
        std::set<std::thread::id> threads;
        std::thread::id part0;
        pool.run([&](int part, int parts) {
            ASSERT_EQ(parts, 3);
            runs[static_cast<size_t>(part)].fetch_add(1);
            const std::lock_guard<std::mutex> lock(mutex);
            threads.insert(std::this_thread::get_id());
            if (part == 0) part0 = std::this_thread::get_id();
        });
        for (const auto& r : runs) ASSERT_EQ(r.load(), 1) << "job " << job;
        ASSERT_EQ(threads.size(), 3u) << "job " << job;
        ASSERT_EQ(part0, std::this_thread::get_id());
    }
}

TEST(ThreadPool, WorkDoneByOtherPartsIsVisibleAfterRunReturns) {
    ThreadPool pool(2);
    std::vector<int> cells(1000, 0);
    for (int round = 1; round <= 100; ++round) {
        pool.run([&](int part, int parts) {
            const RowRange r = partRows(static_cast<int>(cells.size()), part, parts, 24);
            for (int i = r.begin; i < r.end; ++i) cells[static_cast<size_t>(i)] += 1;
        });
        for (int c : cells) ASSERT_EQ(c, round);
    }
}

TEST(ThreadPool, JobsStillRunAfterTheWorkersHaveGoneToSleep) {
    ThreadPool pool(2);
    for (int i = 0; i < 3; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));  // far past the spin
        std::atomic<int> parts{0};
        pool.run([&](int, int) { parts.fetch_add(1); });
        EXPECT_EQ(parts.load(), 2);
    }
}

TEST(ThreadPool, OneThreadRunsInlineAndDestructionWithSleepingWorkersReturns) {
    {
        ThreadPool single(1);
        EXPECT_EQ(single.size(), 1);
        std::thread::id ran;
        single.run([&](int part, int parts) {
            EXPECT_EQ(part, 0);
            EXPECT_EQ(parts, 1);
            ran = std::this_thread::get_id();
        });
        EXPECT_EQ(ran, std::this_thread::get_id());
    }
    ThreadPool zero(0);  // treated as one
    EXPECT_EQ(zero.size(), 1);
    auto pool = std::make_unique<ThreadPool>(4);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    pool.reset();  // must join, not hang
}

TEST(ThreadPool, PartRowsCoverEverythingOnceInWholeGrains) {
    for (int count : {0, 1, 23, 24, 25, 768, 3072, 30522}) {
        for (int parts : {1, 2, 3, 7}) {
            int next = 0;
            for (int p = 0; p < parts; ++p) {
                const RowRange r = partRows(count, p, parts, 24);
                ASSERT_EQ(r.begin, next) << count << "/" << parts;
                ASSERT_LE(r.begin, r.end);
                if (r.end != count) {
                    ASSERT_EQ(r.end % 24, 0);
                }
                next = r.end;
            }
            ASSERT_EQ(next, count);
        }
    }
}

}  // namespace
}  // namespace bertlens
