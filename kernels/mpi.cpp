// mpi — processes with Open MPI: each rank sums its slice, MPI_Reduce adds the slices on rank 0.
//
// Model:    K processes (ranks) started by `mpirun -np K`, on one machine or many; they share no
//           memory and cooperate only by messages. Started without mpirun: one rank.
// Idiom:    the textbook form, one element at a time on each rank:
//
//               u128 mine = 0, total = 0;
//               for (u64 i = rank; i < n; i += ranks) mine += u128{i} * i;
//               MPI_Reduce(&mine, &total, 1, u128_type, u128_add, 0, MPI_COMM_WORLD);  // on rank 0
//
//           reduce() below gives each rank one contiguous slice instead, summed by one
//           work.sum(lo, hi) — the vector kernel (src/range/) — or by P OpenMP threads: the
//           slices are the optimisation, not the idiom.
// Split:    the units (elements, or jobs) in K contiguous slices (src/contract/split.hpp); rank r
//           sums slice r — a static split: with jobs in descending order rank 0 gets the largest.
//           With --threads P > 1 each rank also splits its slice over P OpenMP threads (hybrid
//           MPI + OpenMP). An array is distributed: each rank allocates and fills only its own
//           slice.
// Combine:  MPI_Reduce to rank 0 (for jobs, each job's result too, for per-job validation). MPI
//           has no 128-bit integer type, so a partial travels as a derived datatype of two
//           contiguous 64-bit words (the u128's memory), and a user-defined commutative operation
//           adds them as u128 — carries included, which two separate MPI_SUMs on the halves would
//           lose. Rank 0 validates and prints; the other
//           ranks print nothing (their output is silenced at start-up). Bad input, even on one rank
//           only, ends every rank with exit 2, the first failing rank's message printed by rank 0.
// Notice:   the reduction is a tree of log2(K) message steps: microseconds on one machine, more
//           across a network; the computation per rank shrinks as N/K. CPU time in the report is
//           summed over all ranks, so parallelism counts every process. The wait workload is not
//           offered: ranks share no clock-ordered log of steps.
#include "contract/backend.hpp"
#include "os/exit_guard.hpp"
#include "support/first_exception.hpp"
#include "support/omp_u128_reduction.hpp"
#include "contract/split.hpp"

#include <mpi.h>
#include <omp.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <stdexcept>
#include <string>
#include <sys/resource.h>
#include <unistd.h>

namespace {

using sumsq::u128;
using sumsq::u64;

// Open MPI's MPI_Init opens files, pipes and sockets (some 25 here started alone, when it also
// starts orted; some 20 under mpirun). Short of them it prints about 40 lines and calls _exit(1),
// which nothing in this process can turn into exit 3. So the soft limit is raised to what it needs
// where the hard limit allows, and otherwise the run stops before MPI_Init, with one line.
void ensure_descriptors() {
    constexpr rlim_t needed = 32;
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= needed) return;
    if (limit.rlim_max >= needed) {  // RLIM_INFINITY included
        limit.rlim_cur = needed;
        if (::setrlimit(RLIMIT_NOFILE, &limit) == 0) return;
    }
    throw std::runtime_error(fmt::format("MPI_Init needs about {} file descriptors; this process may open {} (ulimit -n): Too many open files",
                                         needed, limit.rlim_max));
}

// MPI_Init once per process (the harness's start-up hook, or the first backend in a test).
void ensure_initialized(int* argc, char*** argv) {
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (initialized) return;
    ensure_descriptors();
    int provided = 0;
    {  // a failing MPI_Init prints a banner and exits 1 itself: the guard makes that exit 3, one line
        const sumsq::GuardedSetup setup("MPI_Init failed");
        MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);  // only the main thread calls MPI
    }
    std::atexit([] {
        int finalized = 0;
        MPI_Finalized(&finalized);
        if (!finalized) MPI_Finalize();
    });
}

// Under a launcher (Open MPI's or MPICH's rank in the environment) MPI starts before anything
// else, so every rank leaves through MPI_Finalize, which waits for all ranks: otherwise a silent
// rank rejecting bad input could exit first and mpirun would abort rank 0 before its message got
// out (seen here under load). Ranks other than 0 stay silent: everything is reported once, by
// rank 0. Without a launcher, MPI_Init waits until the backend is made, so bad input costs nothing.
void setup_process(int& argc, char**& argv) {
    const char* rank = std::getenv("OMPI_COMM_WORLD_RANK");
    if (!rank) rank = std::getenv("PMI_RANK");
    if (!rank) return;
    ensure_initialized(&argc, &argv);
    if (std::string(rank) == "0") return;
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, STDOUT_FILENO);
    ::dup2(null, STDERR_FILENO);
    ::close(null);
}

// Bad input can differ between ranks: mpirun binds each rank to its own core, so --cpus 1 is bad on
// rank 0 only. Before any other collective every rank learns whether all are fine; if one is not,
// the first failing rank's message goes to every rank (rank 0 prints it) and all exit 2 together,
// instead of one leaving while the others wait for it in a collective forever.
std::string agree_on_input(const std::string& problem) {
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized) return problem;  // started without a launcher: MPI starts with the backend, one rank
    int rank = 0, ranks = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    int first = problem.empty() ? ranks : rank;  // the lowest rank with bad input; ranks: none
    MPI_Allreduce(MPI_IN_PLACE, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (first == ranks) return {};
    int length = rank == first ? static_cast<int>(problem.size()) : 0;
    MPI_Bcast(&length, 1, MPI_INT, first, MPI_COMM_WORLD);
    std::string message = rank == first ? problem : std::string(static_cast<std::size_t>(length), ' ');
    MPI_Bcast(message.data(), length, MPI_CHAR, first, MPI_COMM_WORLD);
    return first == 0 ? message : "rank " + std::to_string(first) + ": " + message;
}

// A runtime error on one rank: the others may be waiting in a collective, so end the whole job.
void abort_job(int code) {
    int initialized = 0, finalized = 0;
    MPI_Initialized(&initialized);
    MPI_Finalized(&finalized);
    if (initialized && !finalized) MPI_Abort(MPI_COMM_WORLD, code);
}

// inout[k] += in[k] for u128 values carried as two 64-bit words.
void add_u128(void* in, void* inout, int* count, MPI_Datatype*) {
    for (int k = 0; k < *count; ++k) {
        u128 a, b;
        std::memcpy(&a, static_cast<char*>(in) + k * sizeof(u128), sizeof a);
        std::memcpy(&b, static_cast<char*>(inout) + k * sizeof(u128), sizeof b);
        b += a;
        std::memcpy(static_cast<char*>(inout) + k * sizeof(u128), &b, sizeof b);
    }
}

class Mpi final : public sumsq::Backend {
public:
    explicit Mpi(unsigned threads) : threads_(static_cast<int>(threads)) {
        ensure_initialized(nullptr, nullptr);
        MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
        MPI_Comm_size(MPI_COMM_WORLD, &ranks_);
        MPI_Type_contiguous(2, MPI_UINT64_T, &u128_type_);
        MPI_Type_commit(&u128_type_);
        MPI_Op_create(add_u128, /*commutative=*/1, &u128_add_);
        int started = 0;  // the rank's OpenMP team starts now, untimed (an empty region would be elided)
#pragma omp parallel num_threads(threads_) reduction(+ : started)
        started += 1;
    }
    ~Mpi() override {
        MPI_Op_free(&u128_add_);
        MPI_Type_free(&u128_type_);
    }

    // The total is valid on rank 0 only (the one that validates).
    u128 reduce(const sumsq::Work& work) override {
        // Start together. MPI_Reduce returns at once on a non-root rank (16 bytes go eagerly), so
        // without this the other ranks run ahead into the next repetitions and rank 0's clock
        // measures only its own slice: 4 ranks on 2 CPUs measured "3.95x serial".
        MPI_Barrier(MPI_COMM_WORLD);
        const auto [lo, hi] = local_units(work.count());
        const u128 mine = slice_sum(work, lo, hi);
        u128 total = 0;
        MPI_Reduce(&mine, &total, 1, u128_type_, u128_add_, 0, MPI_COMM_WORLD);
        if (const auto results = work.job_results(); !results.empty()) {  // each job's result, summed over ranks:
            std::fill(results.begin(), results.begin() + static_cast<std::ptrdiff_t>(lo), u128{0});  // 0 where another
            std::fill(results.begin() + static_cast<std::ptrdiff_t>(hi), results.end(), u128{0});   // rank ran the job
            MPI_Reduce(rank_ == 0 ? MPI_IN_PLACE : results.data(), results.data(), static_cast<int>(results.size()),
                       u128_type_, u128_add_, 0, MPI_COMM_WORLD);
        }
        return total;
    }

    sumsq::Piece local_units(u64 count) const override { return sumsq::piece(count, static_cast<u64>(ranks_), static_cast<u64>(rank_)); }

    // Rank r runs tasks r, r + K, … on its threads.
    void run_tasks(std::size_t count, const std::function<void(std::size_t)>& task) override {
        sumsq::FirstException failure;
        const auto first = static_cast<std::size_t>(rank_), stride = static_cast<std::size_t>(ranks_);
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads_)
        for (std::size_t k = first; k < count; k += stride) failure.capture([&] { task(k); });
        failure.rethrow();
    }

    unsigned workers() const override { return static_cast<unsigned>(threads_); }
    unsigned processes() const override { return static_cast<unsigned>(ranks_); }
    bool reports() const override { return rank_ == 0; }

    unsigned agree(unsigned count) override {
        MPI_Bcast(&count, 1, MPI_UNSIGNED, 0, MPI_COMM_WORLD);
        return count;
    }

    void combine_cpu_seconds(std::vector<double>& cpu) override {
        std::vector<double> total(cpu.size());
        MPI_Reduce(cpu.data(), total.data(), static_cast<int>(cpu.size()), MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
        if (rank_ == 0) cpu = total;
    }

    sumsq::Versions runtime_versions() const override {
        char text[MPI_MAX_LIBRARY_VERSION_STRING];
        int length = 0;
        MPI_Get_library_version(text, &length);
        const std::string version(text, static_cast<std::size_t>(length));
        return {{"MPI", version.substr(0, version.find_first_of(",\n"))}, {"OpenMP", std::to_string(_OPENMP)}};
    }

private:
    // This rank's slice, over its OpenMP threads when --threads > 1.
    u128 slice_sum(const sumsq::Work& work, u64 lo, u64 hi) const {
        const u64 parts = static_cast<u64>(threads_);
        u128 total = 0;
#pragma omp parallel for schedule(static) num_threads(threads_) reduction(u128_plus : total)
        for (u64 k = 0; k < parts; ++k) {
            const auto piece = sumsq::piece(hi - lo, parts, k);
            total += work.sum(lo + piece.lo, lo + piece.hi);
        }
        return total;
    }

    int threads_, rank_ = 0, ranks_ = 1;
    MPI_Datatype u128_type_;
    MPI_Op u128_add_;
};

}  // namespace

const sumsq::BackendInfo sumsq::backend_info{
    .name = "mpi",
    .model = "Open MPI processes: a slice per rank, MPI_Reduce of 128-bit partials (hybrid with OpenMP threads)",
    .runs_wait_workload = false,
    .wait_refusal = "runs the sum workload only: its ranks share no clock-ordered log of steps",
    .tree_refusal = "its ranks are processes started once by mpirun; a task cannot be spawned to another rank and awaited",
    .multi_process = true,
    .fixed_schedule = "blocks",
    .process_setup = setup_process,
    .process_failed = abort_job,
    .agree_on_input = agree_on_input,
};

std::unique_ptr<sumsq::Backend> sumsq::make_backend(const BackendConfig& config) {
    return std::make_unique<Mpi>(config.threads);
}
