/*
 * serve.h — running the HTTP server (server.c), for `placed serve`.
 */
#ifndef PLACED_SERVE_H
#define PLACED_SERVE_H

#include <stdio.h>

#include "server.h"

/* Load tokens and saved questions (again, on SIGHUP); the old sets stay
 * when a file is bad. */
int serve_reload(struct server *s, char *err, size_t errsz);
/* Listen and run until stopped; "listening on http://ADDR" goes to ready
 * (for scripts and tests) once the socket is bound. */
int serve_run(struct server *s, FILE *ready);
/* Stop accepting, let what runs finish within the grace period. */
void serve_stop(struct server *s);

#endif
