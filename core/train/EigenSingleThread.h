// Eigen's own parallel products spin-wait (see TrainMath.cpp); the trainers
// parallelise over blocks themselves, so Eigen runs single-threaded while
// one of these lives. Scoped to one thread's run; not shared.
#pragma once

#include <Eigen/Core>

namespace bertlens::train {

class EigenSingleThread {
public:
    EigenSingleThread() : m_saved(Eigen::nbThreads()) { Eigen::setNbThreads(1); }
    ~EigenSingleThread() { Eigen::setNbThreads(m_saved); }
    EigenSingleThread(const EigenSingleThread&) = delete;
    EigenSingleThread& operator=(const EigenSingleThread&) = delete;

private:
    int m_saved;
};

}  // namespace bertlens::train
