// Which vector kernel family the CPU runs (asked of the CPU at each call: a few loads, and no shared
// state to guard between threads).
#include "CKernels.h"

int swiftrl_kernel_level(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return 2;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 1;
#endif
    return 0;
}
