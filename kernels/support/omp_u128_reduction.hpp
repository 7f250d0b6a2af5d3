// omp_u128_reduction.hpp — an OpenMP reduction for unsigned __int128.
//
// OpenMP's built-in `+` reduction covers the arithmetic types of the base language, not
// unsigned __int128, so it is declared: each thread's private copy starts at 0 (initializer) and
// the copies are combined with += (the combiner) when the threads join. Use it as
// `reduction(u128_plus : total)`. Shared by the openmp kernel and the mpi kernel's hybrid mode.
#pragma once

#include "contract/sum_squares.hpp"

#pragma omp declare reduction(u128_plus : sumsq::u128 : omp_out += omp_in) initializer(omp_priv = 0)
