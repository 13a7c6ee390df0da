/*
 * vhd logging: one line per event on stderr, "vhd: LEVEL: text".  The level
 * threshold is global (set once from -v/-q in main); nothing here allocates.
 */
#ifndef VHD_LOG_H
#define VHD_LOG_H

enum vhd_log_level { VHD_LOG_ERR, VHD_LOG_WARN, VHD_LOG_INFO, VHD_LOG_DEBUG };

extern int vhd_log_level;

void vhd_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define vhd_err(...) vhd_log(VHD_LOG_ERR, __VA_ARGS__)
#define vhd_warn(...) vhd_log(VHD_LOG_WARN, __VA_ARGS__)
#define vhd_info(...) vhd_log(VHD_LOG_INFO, __VA_ARGS__)
#define vhd_debug(...) vhd_log(VHD_LOG_DEBUG, __VA_ARGS__)

#endif /* VHD_LOG_H */
