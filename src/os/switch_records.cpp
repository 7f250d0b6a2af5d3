#include "switch_records.hpp"

#include "cpus.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fstream>
#include <limits>
#include <linux/perf_event.h>
#include <sched.h>
#include <map>
#include <set>
#include <sstream>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace sumsq::os {

struct SwitchRecorder::Ring {  // one CPU's buffer: its first event's mmap; the CPU's other events write into it
    int cpu = -1, fd = -1;
    void* base = nullptr;
    std::size_t length = 0;
};

struct SwitchRecorder::Seed {  // a thread found when recording began
    long tid = 0;
    bool caller = false;        // the thread that began recording: on a CPU then
    char state = '?';           // /proc/self/task/TID/stat: R runnable (on a CPU or waiting), S, D, … not
    int cpu = -1;               // the CPU it last ran on
    std::int64_t cpu_ns = -1;   // its CPU time then
};

namespace {

constexpr std::size_t default_max_events = 4096;
constexpr std::size_t default_ring_bytes = 1 << 20, min_ring_bytes = 64 << 10, all_rings_bytes = 8 << 20;

long open_event(perf_event_attr& attr, long tid, int cpu) {
    return ::syscall(SYS_perf_event_open, &attr, static_cast<pid_t>(tid), cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

perf_event_attr switch_attr(bool read_lost) {
    perf_event_attr a{};
    a.size = sizeof a;
    a.type = PERF_TYPE_SOFTWARE;
    a.config = PERF_COUNT_SW_DUMMY;  // counts nothing: only the side-band records below
    a.sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_CPU;
    a.sample_id_all = 1;             // every record carries thread, time and CPU
    a.context_switch = 1;            // PERF_RECORD_SWITCH on each switch in and out
    a.task = 1;                      // PERF_RECORD_FORK / EXIT: threads born and ended
    a.inherit = 1;                   // threads started later are recorded too
    a.use_clockid = 1;
    a.clockid = CLOCK_MONOTONIC;     // = std::chrono::steady_clock
    a.exclude_kernel = 1;            // not needed for switch records; lets perf_event_paranoid 2 allow it
    a.exclude_hv = 1;
    if (read_lost) a.read_format = PERF_FORMAT_LOST;
    return a;
}

std::string paranoid_level() {
    std::ifstream in("/proc/sys/kernel/perf_event_paranoid");
    std::string level;
    return in >> level ? level : "unknown";
}

std::string refusal(int error) {
    std::string text = fmt::format("perf_event_open: {}", std::strerror(error));
    if (error == EACCES || error == EPERM)
        text += fmt::format(" (kernel.perf_event_paranoid = {}; seccomp or a container may forbid it too)", paranoid_level());
    else if (error == ENOSYS)
        text += " (no perf events in this kernel, or seccomp forbids the call)";
    else if (error == ENOENT || error == EINVAL || error == EOPNOTSUPP)
        text += " (this kernel lacks context-switch records or their clock)";
    else if (error == EMFILE || error == ENFILE)
        text += " (out of file descriptors)";
    return text;
}

std::vector<long> list_threads() {
    std::vector<long> tids;
    DIR* dir = ::opendir("/proc/self/task");
    if (!dir) return tids;
    while (const dirent* e = ::readdir(dir))
        if (e->d_name[0] >= '0' && e->d_name[0] <= '9') tids.push_back(std::strtol(e->d_name, nullptr, 10));
    ::closedir(dir);
    std::sort(tids.begin(), tids.end());
    return tids;
}

// Every CPU one of this process's threads may run on (a runtime's threads started before --cpus
// may run beyond the caller's set): a CPU without events would hide their slices there.
std::vector<int> cpus_of_threads() {
    cpu_set_t all;
    CPU_ZERO(&all);
    for (long tid : list_threads()) {
        cpu_set_t mask;
        CPU_ZERO(&mask);
        if (::sched_getaffinity(static_cast<pid_t>(tid), sizeof mask, &mask) == 0) CPU_OR(&all, &all, &mask);
    }
    std::vector<int> cpus;
    for (int c = 0; c < CPU_SETSIZE; ++c)
        if (CPU_ISSET(c, &all)) cpus.push_back(c);
    return cpus.empty() ? allowed_cpus() : cpus;
}

// A thread of this process's CPU clock (glibc's pthread_getcpuclockid encoding, by thread id).
std::int64_t thread_cpu_ns(long tid) {
    const auto clock = static_cast<clockid_t>((~static_cast<unsigned>(tid) << 3) | 6);  // CPUCLOCK_PERTHREAD | CPUCLOCK_SCHED
    timespec ts{};
    if (::clock_gettime(clock, &ts) != 0) return -1;
    return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

// State (field 3) and last CPU (field 39) from /proc/self/task/TID/stat.
std::pair<char, int> proc_state(long tid) {
    std::ifstream in(fmt::format("/proc/self/task/{}/stat", tid));
    std::string line;
    if (!std::getline(in, line)) return {'?', -1};
    const auto paren = line.rfind(')');
    if (paren == std::string::npos) return {'?', -1};
    std::istringstream fields(line.substr(paren + 1));
    std::string field;
    char state = '?';
    int cpu = -1;
    for (int k = 3; fields >> field; ++k) {
        if (k == 3) state = field.empty() ? '?' : field[0];
        if (k == 39) {
            cpu = std::atoi(field.c_str());
            break;
        }
    }
    return {state, cpu};
}

std::size_t max_events_default() {
    rlimit limit{};
    std::size_t budget = default_max_events;
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
        budget = std::min<std::size_t>(budget, limit.rlim_cur / 2);  // leave half for everything else
    return budget;
}

enum class Kind : std::uint8_t { in, out_preempt, out_block, fork, exit };
struct Event {
    std::int64_t time = 0;
    long tid = 0;
    int cpu = -1;
    Kind kind = Kind::in;
    std::uint64_t order = 0;  // ring, then position: the order records were written on one CPU
};

struct Parsed {
    std::vector<Event> events;
    std::uint64_t lost = 0, records = 0;
    bool full = false;  // a ring had no room left at the end
};

// Reads one ring from its tail to its head (records wrap at the end of the data area).
void read_ring(const void* base, std::size_t page, std::uint64_t ring_index, long pid, Parsed& out) {
    const auto* meta = static_cast<const perf_event_mmap_page*>(base);
    const std::uint64_t head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
    std::uint64_t tail = meta->data_tail;
    const char* data = static_cast<const char*>(base) + (meta->data_offset ? meta->data_offset : page);
    const std::uint64_t size = meta->data_size;
    if (size == 0) return;
    if (head - tail + 512 > size) out.full = true;
    std::vector<char> record;
    const auto copy = [&](std::uint64_t at, void* to, std::size_t n) {
        for (std::size_t k = 0; k < n; ++k) static_cast<char*>(to)[k] = data[(at + k) % size];
    };
    const auto u32_at = [&](std::size_t offset) {
        std::uint32_t v = 0;
        std::memcpy(&v, record.data() + offset, sizeof v);
        return v;
    };
    const auto u64_at = [&](std::size_t offset) {
        std::uint64_t v = 0;
        std::memcpy(&v, record.data() + offset, sizeof v);
        return v;
    };
    for (std::uint64_t position = 0; tail + sizeof(perf_event_header) <= head; ++position) {
        perf_event_header header{};
        copy(tail, &header, sizeof header);
        if (header.size < sizeof header || tail + header.size > head) break;
        record.resize(header.size);
        copy(tail, record.data(), header.size);
        tail += header.size;
        const std::uint64_t order = (ring_index << 40) | position;
        // sample_id (TID, TIME, CPU) follows each record's body: pid, tid (u32 each), time (u64), cpu, reserved (u32 each).
        const auto sample_id = [&](std::size_t body) -> bool { return header.size >= body + 24; };
        if (header.type == PERF_RECORD_SWITCH && sample_id(8)) {
            if (static_cast<long>(u32_at(8)) != pid) continue;
            ++out.records;
            const bool out_switch = header.misc & PERF_RECORD_MISC_SWITCH_OUT;
            const bool preempt = header.misc & PERF_RECORD_MISC_SWITCH_OUT_PREEMPT;
            out.events.push_back({static_cast<std::int64_t>(u64_at(16)), static_cast<long>(u32_at(12)), static_cast<int>(u32_at(24)),
                                  !out_switch ? Kind::in : preempt ? Kind::out_preempt : Kind::out_block, order});
        } else if ((header.type == PERF_RECORD_FORK || header.type == PERF_RECORD_EXIT) && header.size >= 32) {
            if (static_cast<long>(u32_at(8)) != pid) continue;  // body: pid, ppid, tid, ptid (u32), time (u64)
            const int cpu = sample_id(32) ? static_cast<int>(u32_at(32 + 16)) : -1;
            out.events.push_back({static_cast<std::int64_t>(u64_at(24)), static_cast<long>(u32_at(16)), cpu,
                                  header.type == PERF_RECORD_FORK ? Kind::fork : Kind::exit, order});
        } else if (header.type == PERF_RECORD_LOST && header.size >= 24) {
            out.lost += u64_at(16);  // body: id, lost (u64)
        }
    }
}

// Builds one thread's intervals within [begin, end) from its events and the state it started in.
class HistoryBuilder {
public:
    HistoryBuilder(std::int64_t begin, std::int64_t end, ThreadHistory& h) : begin_(begin), end_(end), h_(h) {}

    void start(std::int64_t at, ThreadState state, int cpu) { at_ = at, state_ = state, cpu_ = cpu, alive_ = true; }
    bool alive() const { return alive_; }

    void apply(const Event& e) {
        if (!alive_) {
            if (e.kind == Kind::fork) {  // born here: runnable until first switched in
                start(e.time, ThreadState::waiting, e.cpu);
                h_.born_in_window = e.time >= begin_ && e.time < end_;
            }
            return;  // nothing before its birth, or after its exit
        }
        switch (e.kind) {
        case Kind::fork: return;
        case Kind::in: to(e.time, ThreadState::running, e.cpu); return;
        case Kind::out_preempt:
        case Kind::out_block: {
            const bool inside = e.time >= begin_ && e.time < end_;
            if (e.kind == Kind::out_preempt) h_.preemptions += inside;
            else h_.voluntary_switches += inside;
            to(e.time, e.kind == Kind::out_preempt ? ThreadState::waiting : ThreadState::blocked, e.cpu);
            return;
        }
        case Kind::exit:
            close(e.time);
            alive_ = false;
            h_.exited_in_window = e.time >= begin_ && e.time < end_;
            return;
        }
    }

    void finish() {
        if (alive_) close(end_);
    }

private:
    void to(std::int64_t at, ThreadState state, int cpu) {
        close(at);
        at_ = std::max(at_, at), state_ = state, cpu_ = cpu;
    }
    void close(std::int64_t at) {
        const std::int64_t b = std::max(at_, begin_), e = std::min(at, end_);
        if (e > b) {
            if (!h_.intervals.empty() && h_.intervals.back().state == state_ && h_.intervals.back().cpu == cpu_ &&
                h_.intervals.back().end_ns == b)
                h_.intervals.back().end_ns = e;
            else
                h_.intervals.push_back({b, e, state_, cpu_});
        }
        at_ = std::max(at_, at);
    }

    std::int64_t begin_, end_;
    ThreadHistory& h_;
    std::int64_t at_ = 0;
    ThreadState state_ = ThreadState::blocked;
    int cpu_ = -1;
    bool alive_ = false;
};

}  // namespace

const char* state_name(ThreadState s) {
    switch (s) {
    case ThreadState::running: return "running";
    case ThreadState::waiting: return "waiting";
    case ThreadState::blocked: return "blocked";
    }
    return "?";
}

std::int64_t ThreadHistory::time_in(ThreadState s) const {
    std::int64_t total = 0;
    for (const StateInterval& i : intervals)
        if (i.state == s) total += i.end_ns - i.begin_ns;
    return total;
}

std::string switch_records_forced_off() {
    const char* value = std::getenv("SUMSQ_SWITCH_RECORDS");
    return value && std::string(value) == "off" ? "SUMSQ_SWITCH_RECORDS=off" : "";
}

SwitchRecorder::SwitchRecorder(const SwitchSettings& settings) {
    why_not_ = switch_records_forced_off();
    if (!why_not_.empty()) return;
    const std::vector<int> cpus = cpus_of_threads();
    if (cpus.empty()) {
        why_not_ = "no CPU this process may use";
        return;
    }
    const std::size_t max_events = settings.max_events ? settings.max_events : max_events_default();
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    const std::size_t wanted = settings.ring_bytes ? settings.ring_bytes
                                                   : std::clamp(all_rings_bytes / cpus.size(), min_ring_bytes, default_ring_bytes);
    std::size_t pages = 1;
    while (pages * page < wanted) pages *= 2;
    rings_.assign(cpus.size(), nullptr);
    const long caller = ::syscall(SYS_gettid);
    std::set<long> done;
    // Threads a thread starts while its own events are not yet open are missed by inheritance:
    // list again until no new thread appears.
    for (int pass = 0; pass < 16; ++pass) {
        std::vector<long> fresh;
        for (long tid : list_threads())
            if (!done.count(tid)) fresh.push_back(tid);
        if (fresh.empty()) break;
        if (fds_.size() + fresh.size() * cpus.size() > max_events) {
            why_not_ = fmt::format("{} threads on {} CPUs need {} perf events, more than the recorder's {} slots", done.size() + fresh.size(),
                                   cpus.size(), (done.size() + fresh.size()) * cpus.size(), max_events);
            close_all();
            return;
        }
        for (long tid : fresh) {
            bool gone = false;
            for (std::size_t i = 0; i < cpus.size() && !gone; ++i) {
                perf_event_attr attr = switch_attr(lost_readable_);
                long fd = open_event(attr, tid, cpus[i]);
                if (fd < 0 && errno == EINVAL && lost_readable_ && fds_.empty()) {  // before Linux 6.0: no PERF_FORMAT_LOST
                    lost_readable_ = false;
                    attr = switch_attr(false);
                    fd = open_event(attr, tid, cpus[i]);
                }
                if (fd < 0 && errno == ESRCH) {  // it exited meanwhile
                    gone = true;
                    break;
                }
                if (fd < 0) {
                    why_not_ = refusal(errno);
                    close_all();
                    return;
                }
                fds_.push_back(static_cast<int>(fd));
                if (!rings_[i]) {
                    // Without CAP_IPC_LOCK the rings count against kernel.perf_event_mlock_kb (516 KiB
                    // per user by default): halve a ring that does not fit, down to 16 pages.
                    void* base = MAP_FAILED;
                    std::size_t length = 0;
                    for (std::size_t p = pages; base == MAP_FAILED; p /= 2) {
                        length = (p + 1) * page;
                        base = ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_SHARED, static_cast<int>(fd), 0);
                        if (base == MAP_FAILED && (p <= 16 || (errno != EPERM && errno != ENOMEM))) break;
                    }
                    if (base == MAP_FAILED) {
                        why_not_ = fmt::format("mmap of the switch-record ring ({} bytes): {}", length, std::strerror(errno));
                        close_all();
                        return;
                    }
                    rings_[i] = new Ring{cpus[i], static_cast<int>(fd), base, length};
                } else if (::ioctl(static_cast<int>(fd), PERF_EVENT_IOC_SET_OUTPUT, rings_[i]->fd) != 0) {
                    why_not_ = fmt::format("perf_event_open: sharing CPU {}'s ring: {}", cpus[i], std::strerror(errno));
                    close_all();
                    return;
                }
            }
            done.insert(tid);
            if (gone) continue;
            const auto [state, cpu] = proc_state(tid);
            seeds_.push_back(new Seed{tid, tid == caller, state, cpu, thread_cpu_ns(tid)});
        }
    }
}

SwitchRecorder::~SwitchRecorder() { close_all(); }

void SwitchRecorder::close_all() noexcept {
    for (Ring* r : rings_)
        if (r) ::munmap(r->base, r->length), delete r;
    rings_.clear();
    for (int fd : fds_) ::close(fd);
    fds_.clear();
    for (Seed* s : seeds_) delete s;
    seeds_.clear();
}

SwitchLog SwitchRecorder::finish(std::int64_t begin_ns, std::int64_t end_ns) {
    SwitchLog log;
    if (!recording()) {
        log.why_not = why_not_;
        return log;
    }
    for (int fd : fds_) ::ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
    std::uint64_t lost_read = 0;
    if (lost_readable_)
        for (int fd : fds_) {
            std::uint64_t values[2] = {0, 0};  // value, lost
            if (::read(fd, values, sizeof values) == static_cast<ssize_t>(sizeof values)) lost_read += values[1];
        }
    Parsed parsed;
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    const long pid = ::getpid();
    for (std::size_t i = 0; i < rings_.size(); ++i)
        if (rings_[i]) read_ring(rings_[i]->base, page, i, pid, parsed);
    log.recorded = true;
    log.records = parsed.records;
    log.lost = std::max(lost_read, parsed.lost);
    if (!lost_readable_ && parsed.full && log.lost == 0) log.lost = 1;  // at least one: the kernel could not say how many

    std::map<long, std::vector<Event>> by_thread;
    for (const Seed* s : seeds_) by_thread[s->tid];
    for (const Event& e : parsed.events) by_thread[e.tid].push_back(e);
    for (auto& [tid, events] : by_thread) {
        std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
            return a.time != b.time ? a.time < b.time : a.order < b.order;
        });
        ThreadHistory h;
        h.tid = tid;
        HistoryBuilder build(begin_ns, end_ns, h);
        const auto seed = std::find_if(seeds_.begin(), seeds_.end(), [tid = tid](const Seed* s) { return s->tid == tid; });
        if (seed != seeds_.end()) {
            const Seed& s = **seed;
            const auto first = std::find_if(events.begin(), events.end(), [](const Event& e) { return e.kind != Kind::fork; });
            ThreadState state = ThreadState::blocked;
            int cpu = s.cpu;
            if (s.caller) {
                state = ThreadState::running;
            } else if (first != events.end() && first->kind != Kind::exit) {  // its first switch tells where it was
                state = first->kind != Kind::in ? ThreadState::running : s.state == 'R' ? ThreadState::waiting : ThreadState::blocked;
                cpu = first->kind != Kind::in ? first->cpu : -1;
            } else if (s.state == 'R') {  // never switched: on a CPU throughout if its clock ran for most of the window
                const std::int64_t now_ns = thread_cpu_ns(tid);
                const bool ran = s.cpu_ns >= 0 && now_ns >= 0 && 2 * (now_ns - s.cpu_ns) >= end_ns - begin_ns;
                state = ran ? ThreadState::running : ThreadState::waiting;
            }
            build.start(std::numeric_limits<std::int64_t>::min(), state, cpu);
        } else if (!events.empty() && events.front().kind != Kind::fork) {
            // Born while recording, its fork record lost: known from its first record on.
            const Event& e = events.front();
            build.start(e.time, e.kind == Kind::in ? ThreadState::waiting : ThreadState::running, e.cpu);
        }
        for (const Event& e : events) build.apply(e);
        build.finish();
        if (!h.intervals.empty()) log.threads.push_back(std::move(h));
    }
    close_all();
    return log;
}

}  // namespace sumsq::os
