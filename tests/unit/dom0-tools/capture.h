/* A FILE whose output a test reads back as one string (the printers under test take a FILE):
 * f = capture(); ... print to f ...; done(f) is what was printed (also in capture_buf), valid
 * until the next capture(). */
#ifndef TERN_DOM0_TOOLS_CAPTURE_H
#define TERN_DOM0_TOOLS_CAPTURE_H

#include <stdio.h>

extern char *capture_buf;

FILE *capture(void);
const char *done(FILE *f);

#endif
