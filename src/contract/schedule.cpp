#include "schedule.hpp"

#include "contract/errors.hpp"
#include "text/numbers.hpp"
#include "reference.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace sumsq {

std::string_view schedule_kind_name(ScheduleKind kind) {
    switch (kind) {
    case ScheduleKind::static_: return "static";
    case ScheduleKind::dynamic: return "dynamic";
    case ScheduleKind::guided: return "guided";
    }
    return "?";
}

std::string_view partitioner_name(Partitioner p) {
    switch (p) {
    case Partitioner::auto_: return "auto";
    case Partitioner::simple: return "simple";
    case Partitioner::static_: return "static";
    case Partitioner::affinity: return "affinity";
    }
    return "?";
}

Schedule parse_schedule(const std::string& text, std::string_view accepted) {
    const auto comma = text.find(',');
    const std::string kind = text.substr(0, comma);
    Schedule schedule;
    bool known = false;
    for (const ScheduleKind k : {ScheduleKind::static_, ScheduleKind::dynamic, ScheduleKind::guided})
        if (kind == schedule_kind_name(k) && fmt::format("|{}|", accepted).find(fmt::format("|{}|", kind)) != std::string::npos)
            schedule.kind = k, known = true;
    if (!known)
        throw UsageError(fmt::format("--schedule: unknown kind '{}'; accepted: {}[,CHUNK]", kind, accepted));
    if (comma != std::string::npos)
        schedule.chunk = parse_count_option("--schedule (its CHUNK)", text.substr(comma + 1), 1, max_n);
    return schedule;
}

Partitioner parse_partitioner(const std::string& text) {
    for (const Partitioner p : {Partitioner::auto_, Partitioner::simple, Partitioner::static_, Partitioner::affinity})
        if (text == partitioner_name(p)) return p;
    throw UsageError(fmt::format("--partitioner: unknown value '{}'; accepted: auto|simple|static|affinity", text));
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
