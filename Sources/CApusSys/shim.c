/* Thin wrappers over Linux system calls and macros for the Swift side. */
#define _GNU_SOURCE
#include "CApusSys.h"
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/resource.h>
#include <sys/eventfd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <malloc.h>
#include <time.h>
#include <sys/prctl.h>
#include <execinfo.h>
#include <syslog.h>
#include <poll.h>
#include <pthread.h>
#include <sys/syscall.h>

const uint32_t apus_EPOLLIN = EPOLLIN;
const uint32_t apus_EPOLLOUT = EPOLLOUT;
const uint32_t apus_EPOLLERR = EPOLLERR;
const uint32_t apus_EPOLLHUP = EPOLLHUP;
const uint32_t apus_EPOLLRDHUP = EPOLLRDHUP;
const int apus_EPOLL_CTL_ADD = EPOLL_CTL_ADD;
const int apus_EPOLL_CTL_MOD = EPOLL_CTL_MOD;
const int apus_EPOLL_CTL_DEL = EPOLL_CTL_DEL;

int apus_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int apus_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) {
    struct epoll_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.events = events;
    ev.data.u64 = data;
    return epoll_ctl(epfd, op, fd, &ev);
}

int apus_epoll_wait(int epfd, apus_event *out, int maxevents, int timeout_ms) {
    struct epoll_event evs[1024];
    if (maxevents > 1024) maxevents = 1024;
    int n = epoll_wait(epfd, evs, maxevents, timeout_ms);
    for (int i = 0; i < n; i++) { out[i].events = evs[i].events; out[i].data = evs[i].data.u64; }
    return n;
}

int apus_epoll_wait_us(int epfd, apus_event *out, int maxevents, long timeout_us) {
    struct epoll_event evs[1024];
    if (maxevents > 1024) maxevents = 1024;
    int n;
    static int no_pwait2 = 0;
    if (!no_pwait2 && timeout_us >= 0) {
        struct timespec ts = { .tv_sec = timeout_us / 1000000, .tv_nsec = (timeout_us % 1000000) * 1000 };
        n = epoll_pwait2(epfd, evs, maxevents, &ts, NULL);
        if (n == -1 && errno == ENOSYS) no_pwait2 = 1;
    }
    if (no_pwait2 || timeout_us < 0) {
        int ms = timeout_us < 0 ? -1 : (int)((timeout_us + 999) / 1000);
        n = epoll_wait(epfd, evs, maxevents, ms);
    }
    for (int i = 0; i < n; i++) { out[i].events = evs[i].events; out[i].data = evs[i].data.u64; }
    return n;
}

int apus_tcp_listen(const char *addr, int port, int backlog, int *err_out) {
    struct addrinfo hints, *res, *p;
    char portstr[16];
    int fd = -1, rv;
    snprintf(portstr, sizeof(portstr), "%d", port);
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = strchr(addr, ':') ? AF_INET6 : AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    if (strcmp(addr, "*") == 0) addr = NULL;
    if ((rv = getaddrinfo(addr, portstr, &hints, &res)) != 0) { *err_out = rv; return -1; } /* EAI_* codes are negative */
    for (p = res; p != NULL; p = p->ai_next) {
        fd = socket(p->ai_family, p->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, p->ai_protocol);
        if (fd == -1) { *err_out = errno; continue; }  /* e.g. EAFNOSUPPORT without IPv6 */
        int yes = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
        if (p->ai_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &yes, sizeof(yes));
        if (bind(fd, p->ai_addr, p->ai_addrlen) == -1 || listen(fd, backlog) == -1) {
            *err_out = errno; close(fd); fd = -1; continue;
        }
        break;
    }
    freeaddrinfo(res);
    return fd;
}

int apus_unix_listen(const char *path, unsigned perm, int backlog, int *err_out) {
    struct sockaddr_un sa;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd == -1) { *err_out = errno; return -1; }
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    strncpy(sa.sun_path, path, sizeof(sa.sun_path) - 1);
    unlink(path);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 || listen(fd, backlog) == -1) {
        *err_out = errno; close(fd); return -1;
    }
    if (perm) chmod(path, perm);
    return fd;
}

int apus_accept(int fd, char *ipbuf, size_t iplen, int *port_out, int *is_unix) {
    struct sockaddr_storage sa;
    socklen_t salen = sizeof(sa);
    int cfd = accept4(fd, (struct sockaddr *)&sa, &salen, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (cfd == -1) return -1;
    *is_unix = 0;
    if (sa.ss_family == AF_INET) {
        struct sockaddr_in *s = (struct sockaddr_in *)&sa;
        inet_ntop(AF_INET, &s->sin_addr, ipbuf, iplen);
        *port_out = ntohs(s->sin_port);
    } else if (sa.ss_family == AF_INET6) {
        struct sockaddr_in6 *s = (struct sockaddr_in6 *)&sa;
        inet_ntop(AF_INET6, &s->sin6_addr, ipbuf, iplen);
        *port_out = ntohs(s->sin6_port);
    } else {
        *is_unix = 1;
        if (iplen) ipbuf[0] = 0;
        *port_out = 0;
    }
    return cfd;
}

int apus_sock_name(int fd, int peer, char *ipbuf, size_t iplen, int *port_out) {
    struct sockaddr_storage sa;
    socklen_t salen = sizeof(sa);
    int r = peer ? getpeername(fd, (struct sockaddr *)&sa, &salen) : getsockname(fd, (struct sockaddr *)&sa, &salen);
    if (r == -1) return -1;
    if (sa.ss_family == AF_INET) {
        struct sockaddr_in *s = (struct sockaddr_in *)&sa;
        inet_ntop(AF_INET, &s->sin_addr, ipbuf, iplen);
        *port_out = ntohs(s->sin_port);
    } else if (sa.ss_family == AF_INET6) {
        struct sockaddr_in6 *s = (struct sockaddr_in6 *)&sa;
        inet_ntop(AF_INET6, &s->sin6_addr, ipbuf, iplen);
        *port_out = ntohs(s->sin6_port);
    } else if (sa.ss_family == AF_UNIX) {
        struct sockaddr_un *s = (struct sockaddr_un *)&sa;
        strncpy(ipbuf, s->sun_path, iplen - 1); ipbuf[iplen-1] = 0;
        *port_out = 0;
        return 1;
    }
    return 0;
}

int apus_tcp_connect(const char *addr, int port) {
    struct sockaddr_in sa;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd == -1) return -1;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) { close(fd); return -1; }
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) { close(fd); return -1; }
    return fd;
}

/* getaddrinfo for a TCP stream to host:port, any address family. */
static int resolve_tcp(const char *host, int port, struct addrinfo **res) {
    struct addrinfo hints;
    char portstr[16];
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    snprintf(portstr, sizeof(portstr), "%d", port);
    return getaddrinfo(host, portstr, &hints, res);
}

int apus_tcp_connect_nonblock(const char *host, int port, int *err_out) {
    struct addrinfo *res = NULL, *ai;
    if (resolve_tcp(host, port, &res) != 0) { *err_out = EHOSTUNREACH; return -1; }
    int fd = -1, err = ECONNREFUSED;
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
        if (fd == -1) { err = errno; continue; }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 || errno == EINPROGRESS) break;
        err = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd == -1) *err_out = err;
    return fd;
}

int apus_socket_error(int fd) {
    int err = 0;
    socklen_t len = sizeof(err);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1) return errno;
    return err;
}

int apus_connect_host(const char *host, int port, int timeout_ms, int *err_out) {
    struct addrinfo *res = NULL, *ai;
    int rc = resolve_tcp(host, port, &res);
    if (rc != 0) { *err_out = -10000 + rc; return -1; }
    int fd = -1, err = ECONNREFUSED;
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
        if (fd == -1) { err = errno; continue; }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
        if (errno == EINPROGRESS) {
            struct pollfd p = { .fd = fd, .events = POLLOUT };
            int n;
            do { n = poll(&p, 1, timeout_ms > 0 ? timeout_ms : -1); } while (n == -1 && errno == EINTR);
            if (n == 1) {
                int soerr = 0; socklen_t len = sizeof(soerr);
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
                if (soerr == 0) break;
                err = soerr;
            } else {
                err = n == 0 ? ETIMEDOUT : errno;
            }
        } else {
            err = errno;
        }
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd == -1) { *err_out = err; return -1; }
    int flags = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    int yes = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
    return fd;
}

int apus_connect_unix(const char *path, int *err_out) {
    struct sockaddr_un sa;
    if (strlen(path) >= sizeof(sa.sun_path)) { *err_out = ENAMETOOLONG; return -1; }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd == -1) { *err_out = errno; return -1; }
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    strcpy(sa.sun_path, path);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) { *err_out = errno; close(fd); return -1; }
    return fd;
}

int apus_set_io_timeout(int fd, int timeout_ms) {
    struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1) return -1;
    return setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

const char *apus_connect_strerror(int err) {
    if (err <= -10000 + 100 && err > -10000 - 100 && err != 0 && err < 0) return gai_strerror(err + 10000);
    return strerror(err);
}

int apus_thread_start(void *(*fn)(void *), void *arg, unsigned long *tid_out) {
    pthread_t t;
    int rc = pthread_create(&t, NULL, fn, arg);
    if (rc == 0) *tid_out = (unsigned long)t;
    return rc;
}

int apus_thread_join(unsigned long tid) { return pthread_join((pthread_t)tid, NULL); }

int apus_set_timer_slack_ns(unsigned long ns) { return prctl(PR_SET_TIMERSLACK, ns, 0, 0, 0); }

int apus_set_nodelay(int fd) { int yes = 1; return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes)); }

int apus_set_keepalive(int fd, int interval) {
    int yes = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &yes, sizeof(yes)) == -1) return -1;
    if (interval <= 0) return 0;
    int val = interval;
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &val, sizeof(val));
    val = interval / 3; if (val == 0) val = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &val, sizeof(val));
    val = 3;
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &val, sizeof(val));
    return 0;
}

int apus_set_nonblock(int fd) {
    int flags = fcntl(fd, F_GETFL);
    if (flags == -1) return -1;
    return fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

int apus_set_blocking(int fd) {
    int flags = fcntl(fd, F_GETFL);
    if (flags == -1) return -1;
    return fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
}

int apus_fcntl_cloexec(int fd) { return fcntl(fd, F_SETFD, FD_CLOEXEC); }

size_t apus_malloc_usable_size(void *p) { return malloc_usable_size(p); }
int apus_malloc_trim(void) { return malloc_trim(0); }

/* No fast bins: glibc leaves small freed chunks in them unmerged and merges all of
 * them at the next larger request. After the lazy-free thread freed a million-member
 * value, that merge ran on the event loop thread, holding it for ~150 ms. Without fast
 * bins small frees go to the per-thread cache or are merged as they are freed. */
int apus_malloc_tune(void) {
    /* An explicit GLIBC_TUNABLES choice wins. */
    const char *t = getenv("GLIBC_TUNABLES");
    if (t && strstr(t, "mxfast")) return 0;
    return mallopt(M_MXFAST, 0);
}

void apus_ignore_sigpipe(void) { signal(SIGPIPE, SIG_IGN); }

static volatile sig_atomic_t pending_signal = 0;
static void on_term(int sig) { pending_signal = sig; }
int apus_install_term_handlers(void) {
    struct sigaction act;
    memset(&act, 0, sizeof(act));
    sigemptyset(&act.sa_mask);
    act.sa_handler = on_term;
    sigaction(SIGTERM, &act, NULL);
    sigaction(SIGINT, &act, NULL);
    return 0;
}
int apus_take_signal(void) { int s = pending_signal; pending_signal = 0; return s; }

long apus_rss_bytes(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, rss = 0;
    if (!f) return 0;
    if (fscanf(f, "%ld %ld", &pages, &rss) != 2) rss = 0;
    fclose(f);
    return rss * sysconf(_SC_PAGESIZE);
}

int apus_daemonize(void) {
    if (fork() != 0) exit(0);
    setsid();
    int fd = open("/dev/null", O_RDWR, 0);
    if (fd != -1) { dup2(fd, 0); dup2(fd, 1); dup2(fd, 2); if (fd > 2) close(fd); }
    return 0;
}

int apus_open_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }
int apus_errno(void) { return errno; }

uint64_t apus_ustime(void) { struct timeval tv; gettimeofday(&tv, NULL); return (uint64_t)tv.tv_sec * 1000000ULL + tv.tv_usec; }
uint64_t apus_mstime(void) { return apus_ustime() / 1000; }
uint64_t apus_monotonic_us(void) { struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts); return (uint64_t)ts.tv_sec * 1000000ULL + ts.tv_nsec / 1000; }

static int rusage_of(int who, double *user, double *sys) {
    struct rusage ru;
    if (getrusage(who, &ru) == -1) return -1;
    *user = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
    *sys = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
    return 0;
}
int apus_getrusage_self(double *user, double *sys) { return rusage_of(RUSAGE_SELF, user, sys); }
int apus_getrusage_children(double *user, double *sys) { return rusage_of(RUSAGE_CHILDREN, user, sys); }
int apus_fsync(int fd) { return fsync(fd); }

int apus_set_thread_nice(int nice) {
    return setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), nice);
}

int apus_format_double(char *buf, size_t cap, const char *fmt, double v) { return snprintf(buf, cap, fmt, v); }
int apus_format_long_double(char *buf, size_t cap, int fixed, long double v) {
    return snprintf(buf, cap, fixed ? "%.17Lf" : "%.17Lg", v);
}

int apus_disable_thp(void) {
    char buf[256] = {0};
    FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    if (!f) return 0;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = 0;
    if (!strstr(buf, "[always]")) return 0;
    return prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) == 0 ? 1 : -1;
}

int apus_systemd_notify(const char *state) {
    const char *path = getenv("NOTIFY_SOCKET");
    if (!path || !path[0]) return 0;
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    size_t len = strlen(path);
    if (len >= sizeof(sa.sun_path)) return -1;
    memcpy(sa.sun_path, path, len);
    if (sa.sun_path[0] == '@') sa.sun_path[0] = 0;   /* abstract namespace */
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd == -1) return -1;
    ssize_t r = sendto(fd, state, strlen(state), 0, (struct sockaddr *)&sa,
                       (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len));
    close(fd);
    return r < 0 ? -1 : 1;
}

static const int facilities[] = { LOG_USER, LOG_LOCAL0, LOG_LOCAL1, LOG_LOCAL2, LOG_LOCAL3,
                                  LOG_LOCAL4, LOG_LOCAL5, LOG_LOCAL6, LOG_LOCAL7 };
static char syslog_ident[128];
void apus_syslog_open(const char *ident, int facility_index) {
    if (facility_index < 0 || facility_index > 8) facility_index = 1;
    strncpy(syslog_ident, ident, sizeof(syslog_ident) - 1);
    openlog(syslog_ident, LOG_PID | LOG_NDELAY | LOG_NOWAIT, facilities[facility_index]);
}
void apus_syslog(int level, const char *msg) {
    static const int prio[] = { LOG_DEBUG, LOG_INFO, LOG_NOTICE, LOG_WARNING };
    if (level < 0) level = 0;
    if (level > 3) level = 3;
    syslog(prio[level], "%s", msg);
}

static char crash_logfile[1024];
static char crash_version[64];

static void crash_handler(int sig) {
    int fd = 2;
    if (crash_logfile[0]) {
        int f = open(crash_logfile, O_WRONLY | O_APPEND | O_CREAT, 0644);
        if (f != -1) fd = f;
    }
    char head[256];
    int n = snprintf(head, sizeof(head),
                     "\n\n=== APUS BUG REPORT START: Cut & paste starting from here ===\n"
                     "Apus %s crashed by signal: %d (%s)\n\n------ STACK TRACE ------\n",
                     crash_version, sig, strsignal(sig));
    if (n > 0) { ssize_t w = write(fd, head, (size_t)n); (void)w; }
    void *frames[64];
    int count = backtrace(frames, 64);
    backtrace_symbols_fd(frames, count, fd);
    const char *tail = "\n=== APUS BUG REPORT END. Make sure to include from START to END. ===\n";
    ssize_t w = write(fd, tail, strlen(tail)); (void)w;
    if (fd != 2) close(fd);
    signal(sig, SIG_DFL);
    raise(sig);
}

void apus_install_crash_handler(const char *logfile, const char *version) {
    strncpy(crash_logfile, logfile, sizeof(crash_logfile) - 1);
    strncpy(crash_version, version, sizeof(crash_version) - 1);
    struct sigaction act;
    memset(&act, 0, sizeof(act));
    sigemptyset(&act.sa_mask);
    act.sa_flags = SA_NODEFER | SA_RESETHAND;
    act.sa_handler = crash_handler;
    int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) sigaction(sigs[i], &act, NULL);
}

/* The argv strings and, right after them, the environment strings form one block of
 * memory that ps reads. Copy the environment elsewhere, then the whole block is ours. */
static char *title_start = NULL;
static size_t title_room = 0;
extern char **environ;

void apus_proctitle_init(int argc, char **argv) {
    if (title_start || argc < 1 || !argv[0]) return;   /* once: the block is ours after that */
    char *end = argv[0] + strlen(argv[0]) + 1;
    for (int i = 1; i < argc; i++) if (argv[i] == end) end = argv[i] + strlen(argv[i]) + 1;
    size_t envc = 0;
    while (environ[envc]) envc++;
    char **copy = malloc((envc + 1) * sizeof(char *));
    if (!copy) return;
    for (size_t i = 0; i < envc; i++) {
        if (environ[i] == end) end = environ[i] + strlen(environ[i]) + 1;
        copy[i] = strdup(environ[i]);
    }
    copy[envc] = NULL;
    environ = copy;
    title_start = argv[0];
    title_room = (size_t)(end - argv[0]);
}

void apus_set_proctitle(const char *title) {
    if (!title_start || title_room < 2) return;
    size_t n = strlen(title);
    if (n > title_room - 1) n = title_room - 1;
    memcpy(title_start, title, n);
    memset(title_start + n, 0, title_room - n);
}

/* ---- bit counting ----
 * Four independent 64-bit accumulators keep the popcnt units busy; the unaligned
 * loads go through memcpy, which compiles to plain moves. The body is inlined twice:
 * once compiled for the popcnt instruction, once portable, chosen at the first call. */
static inline __attribute__((always_inline)) uint64_t popcount_body(const unsigned char *p, size_t n) {
    uint64_t a = 0, b = 0, c = 0, d = 0, w[4];
    while (n >= 32) {
        memcpy(w, p, 32);
        a += (uint64_t)__builtin_popcountll(w[0]);
        b += (uint64_t)__builtin_popcountll(w[1]);
        c += (uint64_t)__builtin_popcountll(w[2]);
        d += (uint64_t)__builtin_popcountll(w[3]);
        p += 32; n -= 32;
    }
    while (n >= 8) { memcpy(w, p, 8); a += (uint64_t)__builtin_popcountll(w[0]); p += 8; n -= 8; }
    while (n--) a += (uint64_t)__builtin_popcount(*p++);
    return a + b + c + d;
}

static uint64_t popcount_portable(const unsigned char *p, size_t n) { return popcount_body(p, n); }

#if defined(__x86_64__)
__attribute__((target("popcnt")))
static uint64_t popcount_hw(const unsigned char *p, size_t n) { return popcount_body(p, n); }
#endif

uint64_t apus_popcount(const void *p, size_t n) {
#if defined(__x86_64__)
    static int has_popcnt = -1;
    if (has_popcnt < 0) { __builtin_cpu_init(); has_popcnt = __builtin_cpu_supports("popcnt") ? 1 : 0; }
    if (has_popcnt) return popcount_hw((const unsigned char *)p, n);
#endif
    return popcount_portable((const unsigned char *)p, n);
}
