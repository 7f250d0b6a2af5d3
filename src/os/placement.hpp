// placement.hpp — where the OS puts a thread that a busy thread wakes or starts, measured.
//
// A parallel call hands work to a sleeping worker (a pool, a runtime) or to a thread it starts
// (threads). Whether that thread then runs on another CPU, or beside the busy caller on the
// caller's own, is the scheduler's choice: a kernel that packs threads onto few CPUs (some
// virtual machines' do, to leave the other vCPUs halted) runs such a call's halves one after
// another until its load balancing spreads them, milliseconds later. sumsq-compare measures it
// once before its sweep, so the report can say why a short call got one CPU.
#pragma once

namespace sumsq {

struct Placement {
    unsigned trials = 0;           // per kind; 0: not measured (fewer than 2 CPUs allowed)
    unsigned woken_beside = 0;     // a sleeping thread woken by a busy one first ran on the waker's CPU
    unsigned started_beside = 0;   // a thread started by a busy one first ran on the starter's CPU
    double wake_median_s = -1;     // from the wake to the woken thread running, median (s)
    bool measured() const { return trials > 0; }
};

// `trials` of each kind, each after a 1 ms sleep of both threads (so the machine's CPUs are as
// idle as it lets them be), the caller busy (spinning) from the wake or start until the other
// thread reports the CPU it runs on. About trials × 2.2 ms. Needs 2+ CPUs in this thread's mask.
Placement measure_placement(unsigned trials);

}  // namespace sumsq
