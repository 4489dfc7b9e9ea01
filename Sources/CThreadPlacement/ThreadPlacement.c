// Thread placement on Linux through sched_getcpu and sched_setaffinity; elsewhere it does nothing.
#define _GNU_SOURCE
#include "CThreadPlacement.h"

#if defined(__linux__)
#include <sched.h>

/// The worker's CPUs when it started (thread-local: each thread remembers its own).
static _Thread_local cpu_set_t allowed;
static _Thread_local int remembered;

int swiftrl_current_cpu(void) { return sched_getcpu(); }

void swiftrl_remember_allowed_cpus(void) {
    CPU_ZERO(&allowed);
    remembered = sched_getaffinity(0, sizeof allowed, &allowed) == 0;
}

int swiftrl_move_current_thread_off_cpu(int cpu) {
    if (!remembered || cpu < 0 || cpu >= CPU_SETSIZE) return 0;
    cpu_set_t others = allowed;
    CPU_CLR(cpu, &others);
    if (CPU_COUNT(&others) == 0) return 0;
    return sched_setaffinity(0, sizeof others, &others) == 0;
}
#else
int swiftrl_current_cpu(void) { return -1; }
void swiftrl_remember_allowed_cpus(void) {}
int swiftrl_move_current_thread_off_cpu(int cpu) { (void)cpu; return 0; }
#endif
