// combine_every.hpp — --combine-every K for the kernels that offer --combine (threads, pool, openmp):
// a worker sums its units into a local `sum` and hands it on to the shared place every K units.
#pragma once

#include "contract/backend.hpp"

#include <algorithm>

namespace sumsq {

// What one worker has summed and not yet handed on.
struct Unshared {
    u128 sum = 0;
    u64 units = 0;  // units in `sum`
};

// Sums units [lo, hi) of `work` into `mine`, calling hand_on(mine.sum) each time it holds `every`
// units (and then starting again from 0). every = 0: never here — once, at the worker's end.
template <class HandOn>
void sum_and_hand_on(const Work& work, u64 lo, u64 hi, u64 every, Unshared& mine, HandOn&& hand_on) {
    for (u64 a = lo, b; a < hi; a = b) {
        b = every ? std::min(hi, a + (every - mine.units)) : hi;
        mine.sum += work.sum(a, b);
        mine.units += b - a;
        if (every && mine.units == every) {
            hand_on(mine.sum);
            mine = {};
        }
    }
}

}  // namespace sumsq
