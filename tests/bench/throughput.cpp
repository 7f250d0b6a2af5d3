// Instruction throughput on this core (throughput.hpp): each measurement runs 12 independent chains
// (one register each, the same source register) 10^6 times in inline assembly, so the compiler adds
// nothing, and divides by the cycles the clock says that took.
#include "throughput.hpp"

#include <cstdint>
#include <ctime>

namespace sumsq::bench {
namespace {

constexpr std::uint64_t iterations = 1'000'000, per_iteration = 12;

double thread_seconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// "op %%R12, %%R0, %%R0" … for registers 0..11 of kind R (ymm, zmm), in AT&T order (source first).
#define SUMSQ_TWELVE(op, R)                                                                              \
    op " %%" R "12, %%" R "0, %%" R "0\n\t" op " %%" R "12, %%" R "1, %%" R "1\n\t" op " %%" R "12, %%" R  \
       "2, %%" R "2\n\t" op " %%" R "12, %%" R "3, %%" R "3\n\t" op " %%" R "12, %%" R "4, %%" R "4\n\t" op \
       " %%" R "12, %%" R "5, %%" R "5\n\t" op " %%" R "12, %%" R "6, %%" R "6\n\t" op " %%" R "12, %%" R   \
       "7, %%" R "7\n\t" op " %%" R "12, %%" R "8, %%" R "8\n\t" op " %%" R "12, %%" R "9, %%" R "9\n\t" op \
       " %%" R "12, %%" R "10, %%" R "10\n\t" op " %%" R "12, %%" R "11, %%" R "11\n\t"
#define SUMSQ_VECTOR_CLOBBERS "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11"
#define SUMSQ_TIMED(body)                                                  \
    const double begin = thread_seconds();                                 \
    for (std::uint64_t k = 0; k < iterations; ++k) body;                   \
    return thread_seconds() - begin

__attribute__((target("avx2"))) double vpaddq_ymm() { SUMSQ_TIMED(asm volatile(SUMSQ_TWELVE("vpaddq", "ymm") ::: SUMSQ_VECTOR_CLOBBERS)); }
__attribute__((target("avx2"))) double vpmuludq_ymm() { SUMSQ_TIMED(asm volatile(SUMSQ_TWELVE("vpmuludq", "ymm") ::: SUMSQ_VECTOR_CLOBBERS)); }
__attribute__((target("avx512f"))) double vpaddq_zmm() { SUMSQ_TIMED(asm volatile(SUMSQ_TWELVE("vpaddq", "zmm") ::: SUMSQ_VECTOR_CLOBBERS)); }
__attribute__((target("avx512f"))) double vpmuludq_zmm() { SUMSQ_TIMED(asm volatile(SUMSQ_TWELVE("vpmuludq", "zmm") ::: SUMSQ_VECTOR_CLOBBERS)); }
__attribute__((target("avx512f,avx512ifma"))) double vpmadd52luq_zmm() {
    SUMSQ_TIMED(asm volatile(SUMSQ_TWELVE("vpmadd52luq", "zmm") ::: SUMSQ_VECTOR_CLOBBERS));
}

// Scalar: 6 registers, each advanced twice per iteration: 6 chains carry 12 operations, enough for
// 6 adds per cycle (latency 1) or 2 imuls per cycle (latency 3).
double add_r64() {
    std::uint64_t a = 1, b = 2, c = 3, d = 4, e = 5, f = 6, s = 7;  // a register source: see clock_ghz() on `add $imm`
    SUMSQ_TIMED(asm volatile("add %6, %0\n\tadd %6, %1\n\tadd %6, %2\n\tadd %6, %3\n\tadd %6, %4\n\tadd %6, %5\n\t"
                             "add %6, %0\n\tadd %6, %1\n\tadd %6, %2\n\tadd %6, %3\n\tadd %6, %4\n\tadd %6, %5"
                             : "+r"(a), "+r"(b), "+r"(c), "+r"(d), "+r"(e), "+r"(f) : "r"(s)));
}
double imul_r64() {
    std::uint64_t a = 1, b = 2, c = 3, d = 4, e = 5, f = 6, s = 7;
    SUMSQ_TIMED(asm volatile("imul %6, %0\n\timul %6, %1\n\timul %6, %2\n\timul %6, %3\n\timul %6, %4\n\timul %6, %5\n\t"
                             "imul %6, %0\n\timul %6, %1\n\timul %6, %2\n\timul %6, %3\n\timul %6, %4\n\timul %6, %5"
                             : "+r"(a), "+r"(b), "+r"(c), "+r"(d), "+r"(e), "+r"(f) : "r"(s)));
}

}  // namespace

std::vector<Throughput> measure_throughput(double (*clock_ghz)()) {
    struct Probe {
        const char* instruction;
        bool supported;
        double (*seconds)();
    };
    const bool avx2 = __builtin_cpu_supports("avx2"), avx512 = __builtin_cpu_supports("avx512f"),
               ifma = avx512 && __builtin_cpu_supports("avx512ifma");
    const Probe probes[]{{"add r64", true, add_r64},          {"imul r64", true, imul_r64},
                         {"vpaddq ymm", avx2, vpaddq_ymm},     {"vpmuludq ymm", avx2, vpmuludq_ymm},
                         {"vpaddq zmm", avx512, vpaddq_zmm},   {"vpmuludq zmm", avx512, vpmuludq_zmm},
                         {"vpmadd52luq zmm", ifma, vpmadd52luq_zmm}};
    std::vector<Throughput> measured;
    for (const Probe& p : probes) {
        if (!p.supported) continue;
        double best = 1e300;
        for (int r = 0; r < 3; ++r) {  // the best of 3, each against the clock just before it
            const double ghz = clock_ghz(), seconds = p.seconds();
            best = seconds * ghz < best ? seconds * ghz : best;
        }
        measured.push_back({p.instruction, static_cast<double>(iterations * per_iteration) / (best * 1e9)});
    }
    return measured;
}

}  // namespace sumsq::bench
