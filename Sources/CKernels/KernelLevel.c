// Which vector kernel family the CPU runs (checked once, at first use).
#include "CKernels.h"

int swiftrl_kernel_level(void) {
#if defined(__x86_64__)
    static int level = -1;
    if (level < 0) {
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx512f")) level = 2;
        else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) level = 1;
        else level = 0;
    }
    return level;
#else
    return 0;
#endif
}
