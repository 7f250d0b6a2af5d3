#include "schedule.hpp"

#include "contract/errors.hpp"
#include "text/numbers.hpp"
#include "reference.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace sumsq {

Schedule parse_schedule(const std::string& text, std::string_view accepted) {
    const auto comma = text.find(',');
    const std::string kind = text.substr(0, comma);
    const std::optional<ScheduleKind> known = parse_name(schedule_kind_names, kind);
    if (!known || !listed(accepted, kind))
        throw UsageError(fmt::format("--schedule: unknown kind '{}'; accepted: {}[,CHUNK]", kind, accepted));
    Schedule schedule;
    schedule.kind = *known;
    if (comma != std::string::npos)
        schedule.chunk = parse_count_option("--schedule (its CHUNK)", text.substr(comma + 1), 1, max_n);
    return schedule;
}

Partitioner parse_partitioner(const std::string& text) {
    if (const std::optional<Partitioner> p = parse_name(partitioner_names, text)) return *p;
    throw UsageError(fmt::format("--partitioner: unknown value '{}'; accepted: {}", text, joined_names(partitioner_names)));
}

u64 effective_chunk(const Schedule& s, u64 count, unsigned workers, u64 default_chunk) {
    if (s.chunk) return s.chunk;
    if (s.kind == ScheduleKind::static_) return std::max<u64>(1, (count + workers - 1) / workers);
    return default_chunk;
}

u64 effective_grain(const Schedule& s, u64 default_chunk) {
    if (s.grain) return s.grain;
    return s.partitioner == Partitioner::simple ? default_chunk : 1;
}

}  // namespace sumsq
