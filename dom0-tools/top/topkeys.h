/* tern top's interactive keys (xentop's d v r s q Esc, plus m): what a key press changes. */
#ifndef TERN_TOP_TOPKEYS_H
#define TERN_TOP_TOPKEYS_H

#include <stdbool.h>
#include <stddef.h>
#include "topfmt.h"

struct top_screen {
    struct top_opts opts;
    bool quit;
    bool prompting; /* reading a new delay after 'd' (digits, Enter, Esc, Backspace) */
    char prompt[8];
    size_t prompt_len;
};

/* Applies the bytes read from the terminal. Cursor-key sequences (Esc [ X) are ignored;
 * a lone Esc quits (or cancels the delay prompt). */
void top_keys_feed(struct top_screen *s, const char *buf, size_t n);

#endif
