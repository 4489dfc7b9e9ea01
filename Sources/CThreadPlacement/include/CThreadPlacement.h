/// Where threads run: the CPU the calling thread is on, and moving the calling thread off one CPU.
/// The kernels' worker uses them to leave the CPU of the thread that hands it work (Linux's
/// wake-up placement can put both on one core, where they then take turns; see WorkerPool).
#ifndef SWIFTRL_CTHREADPLACEMENT_H
#define SWIFTRL_CTHREADPLACEMENT_H

/// The CPU the calling thread is running on, or -1 when the system does not say.
int swiftrl_current_cpu(void);

/// Restricts the calling thread to the CPUs it was allowed at `swiftrl_remember_allowed_cpus`
/// except `cpu` (it migrates at once). Returns 1 when it moved, 0 when there is no other CPU or
/// the system refused.
int swiftrl_move_current_thread_off_cpu(int cpu);

/// Records the calling thread's allowed CPUs (call once, on the worker thread, before moving it).
void swiftrl_remember_allowed_cpus(void);

#endif
