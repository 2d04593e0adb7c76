// Tells ThreadSanitizer about the one synchronisation it cannot see: Qt's
// event queue. Qt is not built with TSan, so a queued signal or a queued
// invokeMethod() from one thread to another orders nothing in TSan's eyes,
// and everything handed over that way (a result, a loaded model) would be
// reported as a race. The sender calls handOff(channel) just before it emits
// or posts; the receiver calls takeOver(channel) first thing. Without TSan
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
#endif

namespace bertlens::ui {

inline void handOff([[maybe_unused]] const void* channel) {
#ifdef BERTLENS_TSAN_HANDOFF
    __tsan_release(const_cast<void*>(channel));
#endif
}

inline void takeOver([[maybe_unused]] const void* channel) {
#ifdef BERTLENS_TSAN_HANDOFF
    __tsan_acquire(const_cast<void*>(channel));
#endif
}

}  // namespace bertlens::ui
