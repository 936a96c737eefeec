/*
 * log.h — leveled messages with a subsystem prefix, on stderr.
 *
 * Never pass a raw person identifier to these: logs leave the machine.
 */
#ifndef PLACED_LOG_H
#define PLACED_LOG_H

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

void log_set_level(enum log_level l);
void log_msg(enum log_level l, const char *sub, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define log_error(sub, ...)	log_msg(LOG_ERROR, sub, __VA_ARGS__)
#define log_warn(sub, ...)	log_msg(LOG_WARN, sub, __VA_ARGS__)
#define log_info(sub, ...)	log_msg(LOG_INFO, sub, __VA_ARGS__)
#define log_debug(sub, ...)	log_msg(LOG_DEBUG, sub, __VA_ARGS__)

#endif
