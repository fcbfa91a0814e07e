/* SPDX-License-Identifier: MIT */
/*
 * Debug keys (common/keyhandler.c): one key runs its handler, which prints to the
 * hypervisor console.  Reached by XEN_SYSCTL_debug_keys (`xl debug-keys`) and by keys
 * typed on the serial line after CTRL-a three times (common/console.c), as on Xen.
 */
#ifndef HV_KEYHANDLER_H
#define HV_KEYHANDLER_H

/* Runs key c's handler; a key without one is ignored, as Xen ignores unregistered keys. */
void handle_keypress(char c);

#endif /* HV_KEYHANDLER_H */
