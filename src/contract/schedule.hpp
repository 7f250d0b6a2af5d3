// schedule.hpp — how a backend spreads units over its workers, where its model has a knob for it.
// Parsed once with the other options (cli.cpp), checked against the backend's BackendInfo, handed
// to make_backend() in BackendConfig, and echoed to JSON with every default made explicit.
//   openmp           --schedule static|dynamic|guided[,CHUNK]   (OpenMP's schedule clause)
//   threads, pool    --schedule static|dynamic[,CHUNK]          (the same two, written by hand)
//   tbb              --partitioner auto|simple|static|affinity, --grain G
//   --nested (jobs): tbb, openmp, threads, pool, pstl split a large job inside as well.
#pragma once

#include "sum_squares.hpp"
#include "text/names.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace sumsq {

enum class ScheduleKind { static_, dynamic, guided };
inline constexpr Named<ScheduleKind> schedule_kind_names[] = {
    {ScheduleKind::static_, "static"}, {ScheduleKind::dynamic, "dynamic"}, {ScheduleKind::guided, "guided"}};
enum class Partitioner { auto_, simple, static_, affinity };
inline constexpr Named<Partitioner> partitioner_names[] = {
    {Partitioner::auto_, "auto"}, {Partitioner::simple, "simple"}, {Partitioner::static_, "static"}, {Partitioner::affinity, "affinity"}};

struct Schedule {
    ScheduleKind kind = ScheduleKind::static_;
    u64 chunk = 0;  // units per chunk; 0 = not given: static cuts one contiguous piece per worker,
                    // dynamic and guided use the workload's default chunk (Work::default_chunk)
    Partitioner partitioner = Partitioner::auto_;
    u64 grain = 0;  // tbb blocked_range grain; 0 = not given (see effective_grain)
    bool nested = false;
};

inline std::string_view schedule_kind_name(ScheduleKind kind) { return name_of(schedule_kind_names, kind); }
inline std::string_view partitioner_name(Partitioner p) { return name_of(partitioner_names, p); }

// "dynamic,16" → {dynamic, 16}. `accepted` is the backend's list ("static|dynamic|guided").
// Throws UsageError naming --schedule.
Schedule parse_schedule(const std::string& text, std::string_view accepted);
Partitioner parse_partitioner(const std::string& text);

// Units per chunk for the chunked schedules (openmp, threads, pool): the chunk given; else one
// contiguous piece per worker for static, the workload's default chunk for dynamic and guided.
u64 effective_chunk(const Schedule&, u64 count, unsigned workers, u64 default_chunk);
// tbb's grain: the one given; else 1, except simple_partitioner on elements, which splits down to
// the grain: 1 would make one task per element, so it gets the default chunk.
u64 effective_grain(const Schedule&, u64 default_chunk);

// Backends that take each knob, for the error when another backend is given it.
inline constexpr std::string_view schedule_backends = "openmp, threads, pool";
inline constexpr std::string_view partitioner_backends = "tbb";
inline constexpr std::string_view nested_backends = "tbb, openmp, threads, pool, pstl";

}  // namespace sumsq
