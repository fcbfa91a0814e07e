/*
 * Spin mode (issue 12, tests/system/sched-credit.py): with tern.spin=N on the command line
 * the guest is CPU-bound for good instead of running the cases: it repeats a fixed unit of
 * work (N iterations of a register-only loop, the same instructions every time) and after
 * each unit prints
 *   TERN-SPIN n=<units done> t=<virtual counter>
 * on its console, so the work a guest did in any interval is the difference of two n.
 * It never blocks or yields (the console ring is drained by xenconsoled long before it
 * fills at one line per unit), so it always wants its pCPU: what it gets is the
 * scheduler's share.
 */
#include <tg/arch.h>
#include <tg/console.h>
#include <tg/lib.h>

void spin_run(unsigned long iterations)
{
    uint64_t x = 1;

    printk("TERN-SPIN start iterations=%lu\n", iterations);
    for (unsigned long n = 1;; n++) {
        for (unsigned long i = 0; i < iterations; i++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            __asm__ volatile("" : "+r"(x)); /* kept: one unit is always the same work */
        }
        printk("TERN-SPIN n=%lu t=%lu\n", n, (unsigned long)read_cntvct());
    }
}
