/*
 * cofog.h — inside the cofog plugin: the code table and its look-ups.
 * Nothing here is exported from the module (-fvisibility=hidden).
 */
#ifndef PLACED_COFOG_H
#define PLACED_COFOG_H

#include <stddef.h>

#include "placed/plugin.h"

/* All 188 codes in code order; parent NULL for a division. */
extern const struct placed_code cofog_codes[];
extern const size_t cofog_ncodes;

/*
 * The table entry for a code written as "07.2.1", "7.2.1" or "0721" (and
 * likewise for groups and divisions: "07.2", "072", "07", "7"), blanks
 * around it ignored; NULL when it is not a COFOG code.
 */
const struct placed_code *cofog_find(const char *s, size_t n);
/* 1 division, 2 group, 3 class. */
int cofog_level(const struct placed_code *c);

#endif
