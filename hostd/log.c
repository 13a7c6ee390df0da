/*
 * vhd logging to stderr with a level and a wall-clock time stamp.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

int vhd_log_level = VHD_LOG_INFO;

static const char *const vhd__level_name[] = {"error", "warning", "info", "debug"};

void vhd_log(int level, const char *fmt, ...)
{
    if (level > vhd_log_level)
        return;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    localtime_r(&ts.tv_sec, &tm);
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    fprintf(stderr, "%02d:%02d:%02d.%03ld vhd: %s: %s\n", tm.tm_hour, tm.tm_min, tm.tm_sec,
            ts.tv_nsec / 1000000, vhd__level_name[level], line);
}
