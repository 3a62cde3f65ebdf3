/* CApusSys: the few pieces of Linux that Swift cannot import directly
 * (variadic or macro-heavy APIs: epoll, accept4, fcntl, socket options,
 * malloc introspection) exposed as plain functions and constants with an
 * apus_ prefix. Everything here is a thin wrapper: no policy. */
#ifndef CAPUSSYS_H
#define CAPUSSYS_H

#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>

/* epoll */
extern const uint32_t apus_EPOLLIN;
extern const uint32_t apus_EPOLLOUT;
extern const uint32_t apus_EPOLLERR;
extern const uint32_t apus_EPOLLHUP;
extern const uint32_t apus_EPOLLRDHUP;

typedef struct apus_event {
    uint32_t events;
    uint64_t data;
} apus_event;

int apus_epoll_create(void);
int apus_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data);
extern const int apus_EPOLL_CTL_ADD;
extern const int apus_EPOLL_CTL_MOD;
extern const int apus_EPOLL_CTL_DEL;
/* Waits and unpacks up to maxevents into out; returns count or -1 (errno). */
int apus_epoll_wait(int epfd, apus_event *out, int maxevents, int timeout_ms);
/* Microsecond timeout (epoll_pwait2; falls back to epoll_wait rounded up to 1 ms). */
int apus_epoll_wait_us(int epfd, apus_event *out, int maxevents, long timeout_us);

/* sockets */
int apus_tcp_listen(const char *addr, int port, int backlog, int *err_out);
int apus_unix_listen(const char *path, unsigned perm, int backlog, int *err_out);
int apus_accept(int fd, char *ipbuf, size_t iplen, int *port_out, int *is_unix);
int apus_set_nodelay(int fd);
int apus_set_keepalive(int fd, int interval);
int apus_set_nonblock(int fd);
int apus_set_blocking(int fd);
int apus_sock_name(int fd, int peer, char *ipbuf, size_t iplen, int *port_out);
int apus_tcp_connect(const char *addr, int port);
/* Replication link: resolve `host`, start a non-blocking connect (close-on-exec).
 * Returns the fd (connect possibly in progress) or -1 with *err_out = errno. */
int apus_tcp_connect_nonblock(const char *host, int port, int *err_out);
/* SO_ERROR of a socket: 0 once a non-blocking connect succeeded. */
int apus_socket_error(int fd);
/* Client side (the load tool): resolve `host` (name or address, v4 or v6), connect with a
 * timeout (ms, <= 0 waits as long as the kernel does), TCP_NODELAY on. Returns the fd in
 * blocking mode, or -1 with *err_out = errno (or -EAI code negated minus 10000 when the
 * name does not resolve). */
int apus_connect_host(const char *host, int port, int timeout_ms, int *err_out);
int apus_connect_unix(const char *path, int *err_out);
int apus_set_io_timeout(int fd, int timeout_ms);   /* SO_RCVTIMEO + SO_SNDTIMEO */
const char *apus_connect_strerror(int err);        /* text for an err_out value */
/* Starts a joinable thread running fn(arg); returns 0 or an errno value. */
int apus_thread_start(void *(*fn)(void *), void *arg, unsigned long *tid_out);
int apus_thread_join(unsigned long tid);
/* The calling thread's timer slack (default 50 us): timed waits end closer to their deadline. */
int apus_set_timer_slack_ns(unsigned long ns);

/* process */
size_t apus_malloc_usable_size(void *p);
int apus_malloc_trim(void);
int apus_malloc_tune(void);
void apus_ignore_sigpipe(void);
int apus_install_term_handlers(void);   /* sets flags readable by apus_take_signal */
int apus_take_signal(void);             /* 0 none, else SIGTERM/SIGINT number; clears */
long apus_rss_bytes(void);
int apus_daemonize(void);
int apus_open_eventfd(void);
int apus_errno(void);
uint64_t apus_ustime(void);
uint64_t apus_mstime(void);
uint64_t apus_monotonic_us(void);
int apus_getrusage_self(double *user, double *sys);
int apus_getrusage_children(double *user, double *sys);
int apus_fsync(int fd);
/* A cache prefetch hint for `p` (never faults, any address is fine). */
static inline void apus_prefetch(const void *p) { __builtin_prefetch(p); }

/* Sets the calling thread's nice value (Linux threads have their own). 0 on success. */
int apus_set_thread_nice(int nice);
int apus_fcntl_cloexec(int fd);


/* process integration: THP, systemd notification, syslog */
int apus_disable_thp(void);                       /* 1 disabled, 0 not needed, -1 error */
int apus_systemd_notify(const char *state);       /* 1 sent, 0 no NOTIFY_SOCKET, -1 error */
void apus_syslog_open(const char *ident, int facility_index);
void apus_syslog(int level, const char *msg);     /* level: 0 debug .. 3 warning */

/* crash reports: on SIGSEGV/SIGBUS/SIGFPE/SIGILL/SIGABRT write a report with a
 * backtrace to `logfile` (stderr when empty), then die with the same signal. */
void apus_install_crash_handler(const char *logfile, const char *version);

/* process title (ps/top): takes over the argv block, moving environ out of it. */
void apus_proctitle_init(int argc, char **argv);
void apus_set_proctitle(const char *title);

/* number formatting: printf for one floating value without Swift varargs */
int apus_format_double(char *buf, size_t cap, const char *fmt, double v);
int apus_format_long_double(char *buf, size_t cap, int fixed, long double v);

/* bit counting for BITCOUNT: the number of set bits in n bytes. Uses the CPU's popcnt
 * instruction when it has one (checked once), a portable word loop otherwise. */
uint64_t apus_popcount(const void *p, size_t n);

#endif
