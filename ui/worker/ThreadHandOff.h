// Tells ThreadSanitizer about the one synchronisation it cannot see: Qt's
// event queue. Qt is not built with TSan, so a queued signal or a queued
// invokeMethod() from one thread to another orders nothing in TSan's eyes,
// and everything handed over that way (a result, a loaded model, the copies
// Qt makes of a signal's arguments) would be reported as a race.
//
//   { const HandOff sending(this); emit resultReady(result); }   // sender
//   takeOver(m_worker);                       // receiver, first thing in the slot
//
// HandOff releases the channel (everything written before it is visible to a
// takeOver of the same channel), then keeps TSan from recording what Qt
// writes while posting (the argument copies, the slot object): the receiving
// thread reads those after Qt's own lock, which TSan cannot see. Without TSan
// both are empty.
//
// Thread-safe: that is what they are for.
#pragma once

#if defined(__SANITIZE_THREAD__)
#define BERTLENS_TSAN_HANDOFF 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define BERTLENS_TSAN_HANDOFF 1
#endif
#endif

#ifdef BERTLENS_TSAN_HANDOFF
#include <sanitizer/tsan_interface.h>
extern "C" void __tsan_ignore_thread_begin();  // in the TSan runtime, not in its header
extern "C" void __tsan_ignore_thread_end();
#endif

namespace bertlens::ui {

inline void takeOver([[maybe_unused]] const void* channel) {
#ifdef BERTLENS_TSAN_HANDOFF
    __tsan_acquire(const_cast<void*>(channel));
#endif
}

class HandOff {
public:
    explicit HandOff([[maybe_unused]] const void* channel) {
#ifdef BERTLENS_TSAN_HANDOFF
        __tsan_release(const_cast<void*>(channel));
        __tsan_ignore_thread_begin();
#endif
    }
    ~HandOff() {
#ifdef BERTLENS_TSAN_HANDOFF
        __tsan_ignore_thread_end();
#endif
    }
    HandOff(const HandOff&) = delete;
    HandOff& operator=(const HandOff&) = delete;
};

}  // namespace bertlens::ui
