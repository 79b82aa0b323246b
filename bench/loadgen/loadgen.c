/*
 * loadgen: single-threaded epoll load generator for the ChatDaemon benchmark (issue 6).
 *
 * Modes
 *   echo  N connections, D requests in flight each, fixed-size lines. With --redis the request is the
 *         inline command "PING\r\n" and the reply "+PONG\r\n"; otherwise the reply is the line itself.
 *         Latency is write() -> the reply's '\n' (replies are in order, so a FIFO of send times per
 *         connection is enough).
 *   chat  N connections in one room; connections 1..S are senders keeping W messages in flight each;
 *         connection 0 is the observer. A message carries "~Q<sender>:<seq>:<t_ns>;" so it is found in
 *         any relay format ("<nick> text" here, "<user#N> text" for ncat --chat). A message stops being
 *         in flight when the observer receives it; every '~' received by any connection counts as one
 *         delivery.
 *         With --ports P1,P2,.. (rooms across instances, issue 16) connection i connects to port i % K, so the
 *         room's members are spread over K instances; connections 0..K-1 are observers (observer k on
 *         instance k) and K..K+S-1 the senders. A message stops being in flight once every observer has
 *         received it, so the window bounds what crosses the broker too. Latency is recorded per observer
 *         and split into local (sender and observer on one instance) and cross-instance; each observer checks
 *         that every sender's numbers arrive in order without gaps. Before the measured phase each observer
 *         sends probes until all others receive them (the instances listen to the room's channel).
 *         --cpu-pids samples the CPU time of each process named over exactly the measured window.
 *   irc   chat over IRC (RFC 2812 client commands): N clients register (NICK, USER, wait for 001), JOIN one
 *         channel (--channel) and are ready at the end of its NAMES list (366); once all are, connections
 *         1..S send "PRIVMSG #chan :~Q<sender>:<seq>:<t_ns>;xxx" with W in flight each, acknowledged by the
 *         observer (connection 0) as in chat mode. Every PRIVMSG line any client receives counts as one
 *         delivery (IRC servers do not echo a message to its sender). PING is answered with PONG in every
 *         phase; ERROR and error numerics (400-599) are reported and fail the run.
 *   irc-idle  idle mode with IRC clients: each registers and joins one of --join-rooms channels ("#idle<i%K>")
 *         or --channel; RSS as in idle mode; the clients keep answering PING while held; no echo client.
 *   idle  K connections (spread over source addresses --src-from and up, --per-src each, to get past
 *         the ephemeral port range), each waits for --greet-lines lines and then holds; server VmRSS
 *         (from /proc/PID/status, --pid) before and after; then one echo client (--echo-port) measures
 *         round-trip latency while the idle connections stay open.
 *
 * Output: one JSON object on stdout. Exit status 0 on success, 1 when the scenario failed (connect
 * errors, dropped connections, stalls), 2 on usage errors. Every loop is bounded in time: a global
 * alarm() guards the whole run, setup and quiesce phases have their own deadlines.
 *
 * Only loopback (127.0.0.0/8) targets and source addresses are accepted.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

/* ---------- time ---------- */
static inline uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---------- log-linear latency histogram (64 sub-buckets per power of two, < 1.6 % error) ---------- */
#define HBUCKETS (64 * 48)
struct hist {
    uint64_t b[HBUCKETS];
    uint64_t n, sum, max;
};
static inline unsigned hidx(uint64_t v)
{
    if (v < 128) return (unsigned)v;
    unsigned msb = 63u - (unsigned)__builtin_clzll(v);
    unsigned shift = msb - 6;
    unsigned i = 64u * shift + (unsigned)(v >> shift);
    return i < HBUCKETS ? i : HBUCKETS - 1;
}
static inline uint64_t hval(unsigned i)
{
    if (i < 128) return i;
    unsigned shift = i / 64 - 1;
    uint64_t mant = i - 64ull * shift;
    return (mant << shift) + ((1ull << shift) >> 1);
}
static inline void hrec(struct hist *h, uint64_t v)
{
    h->b[hidx(v)]++;
    h->n++;
    h->sum += v;
    if (v > h->max) h->max = v;
}
static uint64_t hpct(const struct hist *h, double p)
{
    if (h->n == 0) return 0;
    uint64_t want = (uint64_t)(p / 100.0 * (double)h->n);
    if (want >= h->n) want = h->n - 1;
    uint64_t acc = 0;
    for (unsigned i = 0; i < HBUCKETS; i++) {
        acc += h->b[i];
        if (acc > want) return hval(i) < h->max ? hval(i) : h->max;
    }
    return h->max;
}
static void hjson(const char *name, const struct hist *h)
{
    printf("\"%s\":{\"count\":%llu,\"mean_us\":%.2f,\"p50_us\":%.2f,\"p90_us\":%.2f,\"p99_us\":%.2f,"
           "\"p999_us\":%.2f,\"max_us\":%.2f}",
           name, (unsigned long long)h->n, h->n ? (double)h->sum / h->n / 1e3 : 0.0, hpct(h, 50) / 1e3,
           hpct(h, 90) / 1e3, hpct(h, 99) / 1e3, hpct(h, 99.9) / 1e3, h->max / 1e3);
}

/* ---------- options ---------- */
enum mode { M_ECHO, M_CHAT, M_IDLE, M_FIRST, M_HOLD, M_IRC };
static struct {
    enum mode mode;
    const char *label;
    char host[64];
    int port, echo_port;
    int conns, depth, size, senders, window;
    double duration, warmup, setup_timeout, quiesce_ms, settle_s;
    int redis;
    int greet_lines;
    int pid;
    char src_from[64];
    int per_src;
    int connect_batch;
    int echo_redis; /* idle mode: echo client speaks redis PING */
    int busy_poll;  /* epoll_wait(0) spin instead of sleeping */
    int join_rooms; /* after the greeting, send "/join idle<i % join_rooms>" (spreads idle clients over rooms) */
    int irc;        /* clients speak IRC (modes irc and irc-idle) */
    char channel[64];
} opt = {
    .mode = M_ECHO, .label = "", .host = "127.0.0.1", .port = 0, .echo_port = 0, .conns = 1, .depth = 1,
    .size = 32, .senders = 1, .window = 1, .duration = 5, .warmup = 1, .setup_timeout = 120,
    .quiesce_ms = 300, .redis = 0, .greet_lines = 0, .pid = 0, .src_from = "", .per_src = 20000,
    .connect_batch = 512, .echo_redis = 0, .channel = "#bench",
};

/* ---------- connections ---------- */
enum cstate { C_FREE, C_CONNECTING, C_GREETING, C_READY, C_CLOSED };
struct conn {
    int fd;
    uint8_t state;
    uint8_t want_out;
    uint32_t greet_seen;
    uint32_t inflight;
    uint32_t ring_head, ring_len; /* echo: FIFO of send times */
    uint64_t *ring;
    char *out;                    /* pending output */
    uint32_t out_len, out_cap;
    char *part;                   /* observer (and every IRC client): partial line */
    uint32_t part_len, part_cap;
    uint8_t irc_stage;            /* IRC: 0 not started, 1 registering, 2 joining, 3 joined */
    uint64_t seq;
};

static struct conn *C;
static int ncon;
static int ep;
static struct sockaddr_in dst;
/* --ports: the instances a room is spread over (connection i goes to dsts[i % nports]) */
#define MAXPORTS 16
static struct sockaddr_in dsts[MAXPORTS];
static int nports = 1;
static int cpu_pids[MAXPORTS], ncpu_pids;
static double cpu_pid0[MAXPORTS], cpu_pid1[MAXPORTS];
static uint64_t m_deliv_port[MAXPORTS];
static struct hist HL, HX; /* latency seen by an observer on the sender's own instance, on another one */
static uint64_t *ack_next; /* [sender * nports + observer]: the sender's next number that observer expects */
static uint64_t order_gaps, order_missed, order_behind;
static volatile sig_atomic_t alarm_fired;

static uint64_t t_measure_start, t_measure_end;
static int measuring;
static struct hist H;
static uint64_t m_replies, m_sent, m_deliveries, m_bytes_in;
static uint64_t closed_unexpected, connect_errors, irc_errors;
static char rxbuf[1 << 16];
static char *line_tmpl;

static void die(const char *m)
{
    fprintf(stderr, "loadgen: %s: %s\n", m, strerror(errno));
    exit(1);
}

static void on_alarm(int s)
{
    (void)s;
    static const char m[] = "loadgen: global time limit reached, aborting\n";
    if (write(2, m, sizeof m - 1) < 0) { }
    _exit(1);
}

static int is_loopback(const char *ip)
{
    struct in_addr a;
    if (inet_pton(AF_INET, ip, &a) != 1) return 0;
    return (ntohl(a.s_addr) >> 24) == 127;
}

static void raise_nofile(void)
{
    struct rlimit r;
    rlim_t want = (rlim_t)opt.conns + 64;
    if (getrlimit(RLIMIT_NOFILE, &r) != 0) die("getrlimit");
    if (r.rlim_cur >= want) return;
    struct rlimit n = { .rlim_cur = want, .rlim_max = r.rlim_max > want ? r.rlim_max : want };
    if (setrlimit(RLIMIT_NOFILE, &n) == 0) return;
    /* raising the hard limit needs CAP_SYS_RESOURCE (setrlimit(2)); fall back to the hard limit */
    n.rlim_cur = n.rlim_max = r.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &n) != 0 || r.rlim_max < want) {
        fprintf(stderr, "loadgen: %d connections need RLIMIT_NOFILE %llu, hard limit is %llu (no CAP_SYS_RESOURCE)\n",
                opt.conns, (unsigned long long)want, (unsigned long long)r.rlim_max);
        exit(2);
    }
}

static long read_vmrss_kib(int pid)
{
    if (pid <= 0) return -1;
    char p[64], l[256];
    snprintf(p, sizeof p, "/proc/%d/status", pid);
    FILE *f = fopen(p, "r");
    if (!f) return -1;
    long v = -1;
    while (fgets(l, sizeof l, f))
        if (strncmp(l, "VmRSS:", 6) == 0) { v = strtol(l + 6, NULL, 10); break; }
    fclose(f);
    return v;
}

/* utime+stime of a process (all threads) in seconds */
static double proc_cpu_s(int pid)
{
    if (pid <= 0) return -1;
    char p[64], b[1024];
    snprintf(p, sizeof p, "/proc/%d/stat", pid);
    FILE *f = fopen(p, "r");
    if (!f) return -1;
    size_t n = fread(b, 1, sizeof b - 1, f);
    fclose(f);
    b[n] = 0;
    char *s = strrchr(b, ')');
    if (!s) return -1;
    unsigned long ut = 0, st = 0;
    /* after ')': state(3) ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime(14) stime(15) */
    if (sscanf(s + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2) return -1;
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static double self_cpu_s(void)
{
    struct rusage r;
    getrusage(RUSAGE_SELF, &r);
    return r.ru_utime.tv_sec + r.ru_utime.tv_usec / 1e6 + r.ru_stime.tv_sec + r.ru_stime.tv_usec / 1e6;
}

static void set_events(struct conn *c)
{
    struct epoll_event e = { .events = EPOLLIN | EPOLLRDHUP | (c->want_out ? EPOLLOUT : 0), .data.u32 = (uint32_t)(c - C) };
    if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &e) != 0) die("epoll_ctl MOD");
}

static void conn_close(struct conn *c, int expected)
{
    if (c->state == C_FREE || c->state == C_CLOSED) return;
    if (!expected) closed_unexpected++;
    close(c->fd);
    c->fd = -1;
    c->state = C_CLOSED;
}

/* queue bytes and try to write them now; returns 0 when the connection broke */
static int conn_send(struct conn *c, const char *p, uint32_t n)
{
    if (c->out_len == 0) {
        ssize_t w = write(c->fd, p, n);
        if (w < 0) {
            if (errno != EAGAIN) { conn_close(c, 0); return 0; }
            w = 0;
        }
        p += w;
        n -= (uint32_t)w;
        if (n == 0) return 1;
    }
    if (c->out_len + n > c->out_cap) {
        uint32_t cap = c->out_cap ? c->out_cap : 1024;
        while (cap < c->out_len + n) cap *= 2;
        c->out = realloc(c->out, cap);
        if (!c->out) die("realloc");
        c->out_cap = cap;
    }
    memcpy(c->out + c->out_len, p, n);
    c->out_len += n;
    if (!c->want_out) { c->want_out = 1; set_events(c); }
    return 1;
}

static void conn_flush(struct conn *c)
{
    while (c->out_len) {
        ssize_t w = write(c->fd, c->out, c->out_len);
        if (w < 0) {
            if (errno == EAGAIN) return;
            conn_close(c, 0);
            return;
        }
        memmove(c->out, c->out + w, c->out_len - (uint32_t)w);
        c->out_len -= (uint32_t)w;
    }
    c->want_out = 0;
    set_events(c);
}

/* ---------- connection setup ---------- */
static int start_connect(int i, const struct sockaddr_in *to)
{
    struct conn *c = &C[i];
    if (nports > 1 && to == &dst) to = &dsts[i % nports];
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (opt.src_from[0]) {
        struct in_addr base;
        inet_pton(AF_INET, opt.src_from, &base);
        struct sockaddr_in src = { .sin_family = AF_INET, .sin_port = 0 };
        src.sin_addr.s_addr = htonl(ntohl(base.s_addr) + (uint32_t)(i / opt.per_src));
        if ((ntohl(src.sin_addr.s_addr) >> 24) != 127) { fprintf(stderr, "loadgen: source address left 127/8\n"); exit(2); }
        /* let connect() pick the port per 4-tuple instead of reserving one per address at bind() */
        setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
        if (bind(fd, (struct sockaddr *)&src, sizeof src) != 0) die("bind source address");
    }
    c->fd = fd;
    c->state = C_CONNECTING;
    struct epoll_event e = { .events = EPOLLOUT | EPOLLIN | EPOLLRDHUP, .data.u32 = (uint32_t)i };
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e) != 0) die("epoll_ctl ADD");
    if (connect(fd, (const struct sockaddr *)to, sizeof *to) != 0 && errno != EINPROGRESS) {
        connect_errors++;
        close(fd);
        c->state = C_CLOSED;
        return 0;
    }
    return 1;
}

static uint64_t count_byte(const char *p, size_t n, char ch)
{
    uint64_t k = 0;
    const char *end = p + n;
    while (p < end && (p = memchr(p, ch, (size_t)(end - p))) != NULL) { k++; p++; }
    return k;
}

/* read and discard; counts greeting lines. Returns bytes read, -1 when closed. */
static ssize_t drain(struct conn *c)
{
    ssize_t total = 0;
    for (int guard = 0; guard < 64; guard++) {
        ssize_t r = read(c->fd, rxbuf, sizeof rxbuf);
        if (r > 0) {
            total += r;
            c->greet_seen += (uint32_t)count_byte(rxbuf, (size_t)r, '\n');
            if ((size_t)r < sizeof rxbuf) break;
            continue;
        }
        if (r == 0) { conn_close(c, 0); return -1; }
        if (errno == EAGAIN) break;
        conn_close(c, 0);
        return -1;
    }
    return total;
}


/* ---------- IRC clients ---------- */
static int chat_first_sender = 1;
static struct conn *observer;
static void observer_line(struct conn *o, const char *l, size_t n, uint64_t t);

/* "b" + the index in base 36: unique per run and at most 9 characters, RFC 2812's nick length and
   ngIRCd's default MaxNickLength (a nick may not start with a digit) */
static void irc_nick(int i, char out[16])
{
    char tmp[16];
    int n = 0;
    do { tmp[n++] = "0123456789abcdefghijklmnopqrstuvwxyz"[i % 36]; i /= 36; } while (i > 0 && n < 14);
    out[0] = 'b';
    for (int k = 0; k < n; k++) out[1 + k] = tmp[n - 1 - k];
    out[1 + n] = 0;
}

static void irc_register(struct conn *c)
{
    char nick[16], buf[96];
    irc_nick((int)(c - C), nick);
    int n = snprintf(buf, sizeof buf, "NICK %s\r\nUSER x 0 * :x\r\n", nick);
    c->irc_stage = 1;
    conn_send(c, buf, (uint32_t)n);
}

static void irc_join(struct conn *c)
{
    char buf[96];
    int n = opt.join_rooms > 0 ? snprintf(buf, sizeof buf, "JOIN #idle%d\r\n", (int)(c - C) % opt.join_rooms)
                               : snprintf(buf, sizeof buf, "JOIN %s\r\n", opt.channel);
    c->irc_stage = 2;
    conn_send(c, buf, (uint32_t)n);
}

/* an ERROR or an error numeric: the run is not what it claims to measure (nick refused, channel full,
   flood protection); the first few are shown so the server's configuration can be fixed */
static void irc_fail(struct conn *c, const char *l, size_t n)
{
    if (++irc_errors <= 5) fprintf(stderr, "loadgen: client %d got: %.*s\n", (int)(c - C), (int)(n > 300 ? 300 : n), l);
}

/* one line from the server, without its '\n' */
static void irc_line(struct conn *c, const char *l, size_t n, uint64_t t)
{
    const char *end = l + n, *p = l;
    if (end > l && end[-1] == '\r') end--;
    if (p < end && *p == ':') { /* skip the prefix */
        p = memchr(p, ' ', (size_t)(end - p));
        if (!p) return;
        while (p < end && *p == ' ') p++;
    }
    const char *sp = memchr(p, ' ', (size_t)(end - p));
    size_t cl = (size_t)((sp ? sp : end) - p);
    if (cl == 7 && memcmp(p, "PRIVMSG", 7) == 0) {
        if (measuring) m_deliveries++;
        if (c == observer) observer_line(c, l, n, t);
        return;
    }
    if (cl == 4 && memcmp(p, "PING", 4) == 0) {
        char buf[600];
        size_t rest = (size_t)(end - (p + 4));
        if (rest > sizeof buf - 8) rest = sizeof buf - 8;
        memcpy(buf, "PONG", 4);
        memcpy(buf + 4, p + 4, rest);
        buf[4 + rest] = '\r';
        buf[5 + rest] = '\n';
        conn_send(c, buf, (uint32_t)(rest + 6));
        return;
    }
    if (cl == 3 && p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9' && p[2] >= '0' && p[2] <= '9') {
        int num = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
        if (num == 1 && c->irc_stage == 1) irc_join(c);
        else if (num == 366 && c->irc_stage == 2) c->irc_stage = 3;
        /* 422 (no MOTD) is how a server without one ends the welcome (RFC 2812), not an error */
        else if (num >= 400 && num < 600 && num != 422) irc_fail(c, l, (size_t)(end - l));
        return;
    }
    if (cl == 5 && memcmp(p, "ERROR", 5) == 0) irc_fail(c, l, (size_t)(end - l));
}

/* read everything available and handle it line by line; returns bytes read, -1 when closed */
static ssize_t irc_read(struct conn *c)
{
    ssize_t total = 0;
    for (int guard = 0; guard < 16; guard++) {
        ssize_t r = read(c->fd, rxbuf, sizeof rxbuf);
        if (r == 0) { conn_close(c, 0); return -1; }
        if (r < 0) {
            if (errno == EAGAIN) return total;
            conn_close(c, 0);
            return -1;
        }
        total += r;
        if (measuring) m_bytes_in += (uint64_t)r;
        uint64_t t = now_ns();
        const char *p = rxbuf, *end = rxbuf + r;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            if (!nl) {
                /* a line cut by the read: keep it (lines longer than the buffer are cut; IRC's are 512) */
                size_t rest = (size_t)(end - p);
                if (c->part_len + rest > c->part_cap) rest = c->part_cap - c->part_len;
                memcpy(c->part + c->part_len, p, rest);
                c->part_len += (uint32_t)rest;
                break;
            }
            if (c->part_len) {
                size_t take = (size_t)(nl - p);
                if (c->part_len + take > c->part_cap) take = c->part_cap - c->part_len;
                memcpy(c->part + c->part_len, p, take);
                irc_line(c, c->part, c->part_len + take, t);
                c->part_len = 0;
            } else {
                irc_line(c, p, (size_t)(nl - p), t);
            }
            if (c->state == C_CLOSED) return -1; /* a PONG could not be written */
            p = nl + 1;
        }
        if ((size_t)r < sizeof rxbuf) return total;
    }
    return total;
}

static void irc_read_cb(struct conn *c) { irc_read(c); }

/*
 * Open n connections (batches of at most connect_batch outstanding), wait until each is connected and,
 * when greet_lines > 0, has received that many lines; then read and discard until the server has been
 * quiet for quiesce_ms (join announcements, greetings). Returns 0 on success.
 */
static int setup(int first, int n, const struct sockaddr_in *to, int greet_lines)
{
    uint64_t deadline = now_ns() + (uint64_t)(opt.setup_timeout * 1e9);
    int next = first, outstanding = 0, ready = 0, end = first + n;
    struct epoll_event ev[1024];
    while (ready < n) {
        while (next < end && outstanding < opt.connect_batch) {
            if (start_connect(next, to)) outstanding++;
            next++;
        }
        if (now_ns() > deadline) { fprintf(stderr, "loadgen: setup timed out: %d of %d ready\n", ready, n); return -1; }
        if (connect_errors || closed_unexpected || irc_errors) {
            fprintf(stderr, "loadgen: setup failed: %llu connect errors, %llu closed, %llu IRC errors (ready %d of %d)\n",
                    (unsigned long long)connect_errors, (unsigned long long)closed_unexpected,
                    (unsigned long long)irc_errors, ready, n);
            return -1;
        }
        int k = epoll_wait(ep, ev, 1024, 50);
        for (int j = 0; j < k; j++) {
            struct conn *c = &C[ev[j].data.u32];
            if (c->state == C_CONNECTING) {
                int err = 0;
                socklen_t el = sizeof err;
                getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el);
                if (err || (ev[j].events & (EPOLLERR | EPOLLHUP))) {
                    connect_errors++;
                    conn_close(c, 1);
                    outstanding--;
                    continue;
                }
                if (!(ev[j].events & (EPOLLOUT | EPOLLIN))) continue;
                c->state = C_GREETING;
                set_events(c); /* EPOLLIN only */
                if (opt.irc) {
                    if (!c->part) {
                        c->part_cap = 1024;
                        c->part = malloc(c->part_cap);
                        if (!c->part) die("malloc");
                    }
                    irc_register(c);
                } else if (greet_lines == 0) { c->state = C_READY; ready++; outstanding--; }
            }
            if (c->state == C_GREETING || c->state == C_READY) {
                if ((ev[j].events & EPOLLOUT) && c->out_len) conn_flush(c);
                if (c->state == C_CLOSED) continue;
                if ((ev[j].events & EPOLLIN) && (opt.irc ? irc_read(c) : drain(c)) < 0) continue;
                if ((ev[j].events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) && c->state != C_CLOSED) { conn_close(c, 0); continue; }
            }
            if (c->state == C_GREETING && (opt.irc ? c->irc_stage == 3 : c->greet_seen >= (uint32_t)greet_lines)) {
                /* a connection stays outstanding until greeted: the server has accepted it by then, so at
                   most connect_batch wait in its accept queue (more overflow the listen backlog, and the
                   dropped handshakes come back only after SYN retransmission back-off) */
                c->state = C_READY;
                ready++;
                outstanding--;
                if (opt.join_rooms > 0 && greet_lines > 0 && !opt.irc) {
                    char cmd[64];
                    int n = snprintf(cmd, sizeof cmd, "/join idle%d\r\n", (int)(c - C) % opt.join_rooms);
                    conn_send(c, cmd, (uint32_t)n);
                }
            }
        }
    }
    /* quiesce: discard everything until quiet_ms without data (bounded by the same deadline) */
    uint64_t last = now_ns();
    while (now_ns() - last < (uint64_t)(opt.quiesce_ms * 1e6)) {
        if (now_ns() > deadline) { fprintf(stderr, "loadgen: quiesce timed out\n"); return -1; }
        int k = epoll_wait(ep, ev, 1024, 20);
        for (int j = 0; j < k; j++) {
            struct conn *c = &C[ev[j].data.u32];
            if (c->state != C_READY) continue;
            if ((ev[j].events & EPOLLOUT) && c->out_len) conn_flush(c);
            if (c->state == C_READY && (ev[j].events & EPOLLIN) && (opt.irc ? irc_read(c) : drain(c)) > 0) last = now_ns();
            if ((ev[j].events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) && c->state != C_CLOSED) conn_close(c, 0);
        }
        if (closed_unexpected) { fprintf(stderr, "loadgen: %llu connections closed during setup\n", (unsigned long long)closed_unexpected); return -1; }
        if (irc_errors) { fprintf(stderr, "loadgen: %llu IRC errors during setup\n", (unsigned long long)irc_errors); return -1; }
    }
    return 0;
}

/* ---------- echo ---------- */
static const char redis_req[] = "PING\r\n";

static void echo_send(struct conn *c, int k, int redis)
{
    char buf[64 * 128];
    const char *line = redis ? redis_req : line_tmpl;
    uint32_t len = redis ? (uint32_t)(sizeof redis_req - 1) : (uint32_t)opt.size;
    if (k > (int)(sizeof buf / len)) k = (int)(sizeof buf / len);
    for (int i = 0; i < k; i++) memcpy(buf + (size_t)i * len, line, len);
    uint64_t t = now_ns();
    for (int i = 0; i < k; i++) {
        c->ring[(c->ring_head + c->ring_len) % (uint32_t)opt.depth] = t;
        c->ring_len++;
    }
    if (measuring) m_sent += (uint64_t)k;
    conn_send(c, buf, (uint32_t)k * len);
}

static void echo_on_read(struct conn *c, int redis)
{
    for (int guard = 0; guard < 16; guard++) {
        ssize_t r = read(c->fd, rxbuf, sizeof rxbuf);
        if (r == 0) { conn_close(c, 0); return; }
        if (r < 0) {
            if (errno == EAGAIN) return;
            conn_close(c, 0);
            return;
        }
        uint64_t t = now_ns();
        uint64_t k = count_byte(rxbuf, (size_t)r, '\n');
        if (measuring) m_bytes_in += (uint64_t)r;
        for (uint64_t i = 0; i < k && c->ring_len; i++) {
            uint64_t s = c->ring[c->ring_head];
            c->ring_head = (c->ring_head + 1) % (uint32_t)opt.depth;
            c->ring_len--;
            if (measuring) { hrec(&H, t - s); m_replies++; }
        }
        if (k) echo_send(c, (int)k, redis);
        if (c->state != C_READY) return;
        if ((size_t)r < sizeof rxbuf) return;
    }
}

/* generic event loop for a measured phase over connections [first, first+n) with per-mode read handler */
typedef void (*read_fn)(struct conn *c);
static int echo_redis_flag;
static void echo_read_cb(struct conn *c) { echo_on_read(c, echo_redis_flag); }

static void run_loop(read_fn on_read, uint64_t t_end, uint64_t t_warm_end)
{
    struct epoll_event ev[1024];
    while (1) {
        uint64_t t = now_ns();
        if (!measuring && t >= t_warm_end && t < t_end) {
            measuring = 1;
            t_measure_start = t;
            for (int i = 0; i < ncpu_pids; i++) cpu_pid0[i] = proc_cpu_s(cpu_pids[i]);
        }
        if (t >= t_end) break;
        int k = epoll_wait(ep, ev, 1024, opt.busy_poll ? 0 : 10);
        for (int j = 0; j < k; j++) {
            struct conn *c = &C[ev[j].data.u32];
            if (c->state != C_READY) continue;
            if (ev[j].events & EPOLLOUT) conn_flush(c);
            if (c->state == C_READY && (ev[j].events & EPOLLIN)) on_read(c);
            if (c->state == C_READY && (ev[j].events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))) {
                /* drain whatever is left before treating it as closed */
                conn_close(c, 0);
            }
        }
    }
    t_measure_end = now_ns();
    if (measuring)
        for (int i = 0; i < ncpu_pids; i++) cpu_pid1[i] = proc_cpu_s(cpu_pids[i]);
    measuring = 0;
}

/* ---------- chat ---------- */

static char irc_prefix[96]; /* IRC: "PRIVMSG #chan :" before each message, empty in chat mode */
static int irc_prefix_len;

static void chat_send(struct conn *c, int sidx, int k)
{
    char buf[64 * 256];
    uint32_t off = 0;
    for (int i = 0; i < k && off + (uint32_t)(opt.size + irc_prefix_len) + 64 < sizeof buf; i++) {
        int n = snprintf(buf + off, sizeof buf - off, "%s~Q%d:%llu:%llu;", irc_prefix, sidx,
                         (unsigned long long)c->seq++, (unsigned long long)now_ns());
        /* pad the message with 'x' to the line size (incl. CRLF; the IRC command is not counted) */
        while (n < irc_prefix_len + opt.size - 2) buf[off + (uint32_t)n++] = 'x';
        buf[off + (uint32_t)n++] = '\r';
        buf[off + (uint32_t)n++] = '\n';
        off += (uint32_t)n;
        c->inflight++;
        if (measuring) m_sent++;
    }
    conn_send(c, buf, off);
}

/* readiness probes, "~R<observer>:<round>;" (see probe_instances) */
static int *probe_seen;  /* [observer * nports + from]: the last round observer saw from that observer */

static void observer_line(struct conn *o, const char *l, size_t n, uint64_t t)
{
    int k = (int)(o - C); /* the observer's index is its instance's (0 without --ports) */
    const char *m = memmem(l, n, "~Q", 2);
    if (!m) {
        const char *r = probe_seen ? memmem(l, n, "~R", 2) : NULL;
        if (!r) return;
        char *e;
        long from = strtol(r + 2, &e, 10);
        if (*e != ':' || from < 0 || from >= nports) return;
        long round = strtol(e + 1, &e, 10);
        if (*e == ';') probe_seen[k * nports + from] = (int)round;
        return;
    }
    char *e;
    long sidx = strtol(m + 2, &e, 10);
    if (*e != ':') return;
    unsigned long long seq = strtoull(e + 1, &e, 10);
    if (*e != ':') return;
    unsigned long long ts = strtoull(e + 1, &e, 10);
    if (*e != ';') return;
    if (sidx < chat_first_sender || sidx >= chat_first_sender + opt.senders) return;
    struct conn *s = &C[sidx];
    if (measuring) {
        hrec(&H, t - ts);
        if (nports > 1) hrec((int)(sidx % nports) == k ? &HL : &HX, t - ts);
    }
    /* in flight until every observer has it: the lowest next number expected by any observer */
    uint64_t *next = &ack_next[(size_t)(sidx - chat_first_sender) * (size_t)nports];
    if (seq != next[k]) {
        order_gaps++;
        if (seq > next[k]) order_missed += seq - next[k];
        else order_behind++;
    }
    if (seq + 1 > next[k]) next[k] = seq + 1;
    uint64_t acked = next[0];
    for (int j = 1; j < nports; j++) if (next[j] < acked) acked = next[j];
    s->inflight = s->seq > acked ? (uint32_t)(s->seq - acked) : 0;
    if (s->state == C_READY && s->inflight < (uint32_t)opt.window) chat_send(s, (int)sidx, (int)(opt.window - s->inflight));
}

static void chat_read_cb(struct conn *c)
{
    for (int guard = 0; guard < 16; guard++) {
        ssize_t r = read(c->fd, rxbuf, sizeof rxbuf);
        if (r == 0) { conn_close(c, 0); return; }
        if (r < 0) {
            if (errno != EAGAIN) conn_close(c, 0);
            return;
        }
        if (measuring) {
            uint64_t k = count_byte(rxbuf, (size_t)r, '~');
            m_deliveries += k;
            m_deliv_port[(c - C) % nports] += k;
            m_bytes_in += (uint64_t)r;
        }
        if (c - C < nports) {
            uint64_t t = now_ns();
            const char *p = rxbuf, *end = rxbuf + r;
            while (p < end) {
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                if (!nl) {
                    size_t rest = (size_t)(end - p);
                    if (c->part_len + rest > 4096) c->part_len = 0; /* a line longer than any we send: drop */
                    memcpy(c->part + c->part_len, p, rest);
                    c->part_len += (uint32_t)rest;
                    break;
                }
                if (c->part_len) {
                    size_t take = (size_t)(nl - p);
                    if (c->part_len + take > 4096) take = 4096 - c->part_len;
                    memcpy(c->part + c->part_len, p, take);
                    observer_line(c, c->part, c->part_len + take, t);
                    c->part_len = 0;
                } else {
                    observer_line(c, p, (size_t)(nl - p), t);
                }
                p = nl + 1;
            }
        }
        if ((size_t)r < sizeof rxbuf) return;
    }
}

/* Rooms across instances: the observers send probes, round after round, until each one's latest round has
   reached every other observer (each instance then listens to the room's channel). Returns 0 when ready. */
static int probe_instances(int *rounds)
{
    probe_seen = malloc((size_t)nports * (size_t)nports * sizeof *probe_seen);
    if (!probe_seen) die("malloc");
    for (int i = 0; i < nports * nports; i++) probe_seen[i] = -1;
    uint64_t deadline = now_ns() + (uint64_t)(opt.setup_timeout * 1e9);
    for (int round = 1;; round++) {
        for (int k = 0; k < nports; k++) {
            char buf[64];
            int n = snprintf(buf, sizeof buf, "~R%d:%d;\r\n", k, round);
            conn_send(&C[k], buf, (uint32_t)n);
        }
        uint64_t t = now_ns() + 100000000ull;
        run_loop(chat_read_cb, t, t);
        if (closed_unexpected) return -1;
        int all = 1;
        for (int k = 0; k < nports; k++)
            for (int j = 0; j < nports; j++)
                if (j != k && probe_seen[k * nports + j] != round) all = 0;
        if (all) { *rounds = round; return 0; }
        if (now_ns() > deadline) {
            fprintf(stderr, "loadgen: the instances do not hear each other (probes not received after %d rounds)\n", round);
            return -1;
        }
    }
}

/* ---------- first line (cold start) ---------- */
/*
 * One blocking connection: time from connect() to the first complete line received. With --send-line
 * a line is written right after connecting (for servers that speak only when spoken to, like cat).
 */
static const char *send_line;
static const char *ready_file;
static void hold_read_cb(struct conn *c) { drain(c); }
static int first_line(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    struct timeval tv = { .tv_sec = (time_t)opt.setup_timeout, .tv_usec = 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    uint64_t t0 = now_ns();
    if (connect(fd, (struct sockaddr *)&dst, sizeof dst) != 0) die("connect");
    uint64_t tc = now_ns();
    if (send_line && write(fd, send_line, strlen(send_line)) < 0) die("write");
    uint64_t got = 0;
    for (int guard = 0; guard < 1000; guard++) {
        ssize_t r = read(fd, rxbuf, sizeof rxbuf);
        if (r <= 0) break;
        if (memchr(rxbuf, '\n', (size_t)r)) { got = now_ns(); break; }
    }
    close(fd);
    if (!got) {
        printf("{\"mode\":\"first\",\"label\":\"%s\",\"failed\":true}\n", opt.label);
        return 1;
    }
    /* t0 on CLOCK_MONOTONIC, comparable with systemd's *TimestampMonotonic properties */
    printf("{\"mode\":\"first\",\"label\":\"%s\",\"t0_monotonic_us\":%llu,\"connect_us\":%.1f,\"first_line_us\":%.1f}\n",
           opt.label, (unsigned long long)(t0 / 1000), (tc - t0) / 1e3, (got - t0) / 1e3);
    return 0;
}

/* ---------- output ---------- */
static void print_common(double lg_cpu, double srv_cpu, double secs)
{
    printf("\"label\":\"%s\",\"conns\":%d,\"duration_s\":%.3f,\"loadgen_cpu_s\":%.3f,\"server_cpu_s\":%.3f,"
           "\"closed_unexpected\":%llu,\"connect_errors\":%llu,",
           opt.label, opt.conns, secs, lg_cpu, srv_cpu, (unsigned long long)closed_unexpected,
           (unsigned long long)connect_errors);
}

static void usage(void)
{
    fprintf(stderr,
            "usage: loadgen --mode echo|chat|idle|irc|irc-idle --port P [options]\n"
            "  --host IP            target (loopback only), default 127.0.0.1\n"
            "  --conns N            connections (idle: K idle connections)\n"
            "  --depth D            echo: requests in flight per connection\n"
            "  --size B             line size incl. CRLF (default 32)\n"
            "  --redis              echo: send inline PING, expect +PONG\n"
            "  --senders S --window W   chat, irc: senders and messages in flight per sender\n"
            "  --channel #NAME      irc: the channel every client joins (default #bench)\n"
            "  --duration S --warmup S  measured seconds after warm-up seconds\n"
            "  --greet-lines L      wait for L lines from the server on each connection before starting\n"
            "  --quiesce-ms MS      after setup, discard input until quiet this long (default 300)\n"
            "  --settle-s S         idle mode: keep holding the connections S seconds more and sample RSS again\n"
            "  --setup-timeout S    bound on connecting + greeting (default 120)\n"
            "  --pid PID            server pid: CPU time and VmRSS are read from /proc\n"
            "  --src-from IP --per-src N   bind sources from IP upwards, N connections each\n"
            "  --echo-port P [--echo-redis] idle: port of the echo client measured among idle connections\n"
            "  --connect-batch N    max outstanding connects (default 512)\n"
            "  --mode first [--send-line TEXT]  time from connect to the first line (cold start)\n"
            "  --mode hold --ready-file F   open, greet, create F, hold for --duration; report drops\n"
            "  --join-rooms K       after the greeting send /join idle<i%%K> (idle/hold: keeps the lobby small;\n"
            "                       irc-idle: JOIN #idle<i%%K> instead of --channel)\n"
            "  --busy-poll          spin on epoll_wait(0) instead of sleeping (see RESULTS.md)\n"
            "  --ports P1,P2,..     chat: spread the connections over these ports (instances sharing a room);\n"
            "                       observers 0..K-1, one per instance; latency split into local and cross\n"
            "  --cpu-pids P1,P2,..  CPU time of each process over the measured window (cpu_pids_s)\n"
            "  --label TEXT         copied into the JSON\n");
    exit(2);
}

int main(int argc, char **argv)
{
    static struct option lo[] = {
        { "mode", 1, 0, 'm' }, { "host", 1, 0, 'h' }, { "port", 1, 0, 'p' }, { "conns", 1, 0, 'n' },
        { "depth", 1, 0, 'd' }, { "size", 1, 0, 's' }, { "redis", 0, 0, 'r' }, { "senders", 1, 0, 'S' },
        { "window", 1, 0, 'W' }, { "duration", 1, 0, 'D' }, { "warmup", 1, 0, 'w' }, { "greet-lines", 1, 0, 'g' },
        { "quiesce-ms", 1, 0, 'q' }, { "settle-s", 1, 0, 'Z' }, { "setup-timeout", 1, 0, 't' }, { "pid", 1, 0, 'P' }, { "src-from", 1, 0, 'f' },
        { "per-src", 1, 0, 'F' }, { "echo-port", 1, 0, 'e' }, { "echo-redis", 0, 0, 'R' },
        { "connect-batch", 1, 0, 'b' }, { "label", 1, 0, 'l' }, { "busy-poll", 0, 0, 'B' }, { "send-line", 1, 0, 'L' }, { "ready-file", 1, 0, 'Y' }, { "join-rooms", 1, 0, 'J' },
        { "channel", 1, 0, 'C' }, { "ports", 1, 0, 'K' }, { "cpu-pids", 1, 0, 'U' }, { 0, 0, 0, 0 },
    };
    int ch;
    while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        switch (ch) {
        case 'm':
            if (!strcmp(optarg, "echo")) opt.mode = M_ECHO;
            else if (!strcmp(optarg, "chat")) opt.mode = M_CHAT;
            else if (!strcmp(optarg, "idle")) opt.mode = M_IDLE;
            else if (!strcmp(optarg, "first")) opt.mode = M_FIRST;
            else if (!strcmp(optarg, "hold")) opt.mode = M_HOLD;
            else if (!strcmp(optarg, "irc")) { opt.mode = M_IRC; opt.irc = 1; }
            else if (!strcmp(optarg, "irc-idle")) { opt.mode = M_IDLE; opt.irc = 1; }
            else usage();
            break;
        case 'h': snprintf(opt.host, sizeof opt.host, "%s", optarg); break;
        case 'p': opt.port = atoi(optarg); break;
        case 'n': opt.conns = atoi(optarg); break;
        case 'd': opt.depth = atoi(optarg); break;
        case 's': opt.size = atoi(optarg); break;
        case 'r': opt.redis = 1; break;
        case 'S': opt.senders = atoi(optarg); break;
        case 'W': opt.window = atoi(optarg); break;
        case 'D': opt.duration = atof(optarg); break;
        case 'w': opt.warmup = atof(optarg); break;
        case 'g': opt.greet_lines = atoi(optarg); break;
        case 'q': opt.quiesce_ms = atof(optarg); break;
        case 'Z': opt.settle_s = atof(optarg); break;
        case 't': opt.setup_timeout = atof(optarg); break;
        case 'P': opt.pid = atoi(optarg); break;
        case 'f': snprintf(opt.src_from, sizeof opt.src_from, "%s", optarg); break;
        case 'F': opt.per_src = atoi(optarg); break;
        case 'e': opt.echo_port = atoi(optarg); break;
        case 'R': opt.echo_redis = 1; break;
        case 'b': opt.connect_batch = atoi(optarg); break;
        case 'l': opt.label = optarg; break;
        case 'B': opt.busy_poll = 1; break;
        case 'L': send_line = optarg; break;
        case 'Y': ready_file = optarg; break;
        case 'J': opt.join_rooms = atoi(optarg); break;
        case 'C': snprintf(opt.channel, sizeof opt.channel, "%s", optarg); break;
        case 'K':
        case 'U': {
            /* comma-separated lists: --ports P1,P2,... and --cpu-pids PID1,PID2,... */
            int *into = ch == 'K' ? &nports : &ncpu_pids, k = 0;
            for (char *tok = strtok(optarg, ","); tok; tok = strtok(NULL, ",")) {
                if (k == MAXPORTS) usage();
                int v = atoi(tok);
                if (v <= 0) usage();
                if (ch == 'K') dsts[k].sin_port = htons((uint16_t)v);
                else cpu_pids[k] = v;
                k++;
            }
            if (k == 0) usage();
            *into = k;
            if (ch == 'K') opt.port = ntohs(dsts[0].sin_port);
            break;
        }
        default: usage();
        }
    }
    if (opt.port <= 0 || opt.conns < 1 || opt.depth < 1 || opt.depth > 128 || opt.size < 24 || opt.size > 1024 ||
        opt.duration <= 0 || opt.duration > 600 || opt.warmup < 0 || opt.per_src < 1 || opt.connect_batch < 1)
        usage();
    if (!is_loopback(opt.host) || (opt.src_from[0] && !is_loopback(opt.src_from))) {
        fprintf(stderr, "loadgen: only loopback (127.0.0.0/8) addresses may be used\n");
        return 2;
    }
    if ((opt.mode == M_CHAT || opt.mode == M_IRC) && (opt.senders < 1 || opt.senders >= opt.conns || opt.window < 1)) {
        fprintf(stderr, "loadgen: chat and irc need 1 <= senders < conns and window >= 1\n");
        return 2;
    }
    if (nports > 1 && (opt.mode != M_CHAT || opt.senders + nports > opt.conns)) {
        fprintf(stderr, "loadgen: --ports needs chat mode and conns >= ports + senders\n");
        return 2;
    }
    if (opt.mode == M_IDLE && opt.echo_port <= 0 && !opt.irc) usage();
    if (opt.irc && (opt.channel[0] != '#' || strpbrk(opt.channel, " ,\r\n\a"))) {
        fprintf(stderr, "loadgen: --channel must be one IRC channel name starting with #\n");
        return 2;
    }
    if (opt.mode == M_IRC) irc_prefix_len = snprintf(irc_prefix, sizeof irc_prefix, "PRIVMSG %s :", opt.channel);

    signal(SIGPIPE, SIG_IGN);
    signal(SIGALRM, on_alarm);
    alarm((unsigned)(opt.setup_timeout * 2 + opt.warmup + opt.duration + opt.settle_s + 60));
    raise_nofile();

    /* template request line for echo: "ECHO 0123...\r\n" of exactly opt.size bytes */
    line_tmpl = malloc((size_t)opt.size);
    memset(line_tmpl, 'a', (size_t)opt.size);
    memcpy(line_tmpl, "ECHO ", 5);
    line_tmpl[opt.size - 2] = '\r';
    line_tmpl[opt.size - 1] = '\n';

    ncon = opt.conns + (opt.mode == M_IDLE ? 1 : 0);
    C = calloc((size_t)ncon, sizeof *C);
    if (!C) die("calloc");
    ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) die("epoll_create1");
    dst.sin_family = AF_INET;
    dst.sin_port = htons((uint16_t)opt.port);
    inet_pton(AF_INET, opt.host, &dst.sin_addr);
    for (int k = 0; k < nports; k++) {
        dsts[k].sin_family = AF_INET;
        dsts[k].sin_addr = dst.sin_addr;
    }

    if (opt.mode == M_FIRST) return first_line();
    long rss_before = read_vmrss_kib(opt.pid);
    uint64_t t0 = now_ns();
    if (opt.mode == M_ECHO) {
        if (setup(0, opt.conns, &dst, opt.greet_lines) != 0) goto fail;
        for (int i = 0; i < opt.conns; i++) C[i].ring = calloc((size_t)opt.depth, sizeof(uint64_t));
        double lg0 = self_cpu_s(), sv0 = proc_cpu_s(opt.pid);
        uint64_t ts = now_ns();
        for (int i = 0; i < opt.conns; i++) echo_send(&C[i], opt.depth, opt.redis);
        echo_redis_flag = opt.redis;
        uint64_t tw = ts + (uint64_t)(opt.warmup * 1e9), te = tw + (uint64_t)(opt.duration * 1e9);
        /* CPU times are sampled over the whole loaded phase (warm-up included) */
        run_loop(echo_read_cb, te, tw);
        double lg1 = self_cpu_s(), sv1 = proc_cpu_s(opt.pid);
        double secs = (t_measure_end - t_measure_start) / 1e9;
        printf("{\"mode\":\"echo\",");
        print_common(lg1 - lg0, sv0 >= 0 ? sv1 - sv0 : -1, secs);
        printf("\"loaded_s\":%.3f,\"depth\":%d,\"size\":%d,\"redis\":%s,\"requests\":%llu,\"rps\":%.1f,", (te - ts) / 1e9,
               opt.depth, opt.redis ? 7 : opt.size, opt.redis ? "true" : "false", (unsigned long long)m_replies,
               m_replies / secs);
        hjson("latency", &H);
        printf("}\n");
        if (closed_unexpected || m_replies == 0) goto fail_quiet;
    } else if (opt.mode == M_CHAT || opt.mode == M_IRC) {
        /* IRC: every client is registered and in the channel (its own 366 seen) before anyone sends */
        if (setup(0, opt.conns, &dst, opt.greet_lines) != 0) goto fail;
        observer = &C[0];
        for (int k = 0; k < nports; k++)
            if (!C[k].part) {
                C[k].part_cap = 4096;
                C[k].part = malloc(4096 + 64);
                if (!C[k].part) die("malloc");
            }
        chat_first_sender = nports;
        ack_next = calloc((size_t)opt.senders * (size_t)nports, sizeof *ack_next);
        if (!ack_next) die("calloc");
        int probe_rounds = 0;
        if (nports > 1 && probe_instances(&probe_rounds) != 0) goto fail;
        double lg0 = self_cpu_s(), sv0 = proc_cpu_s(opt.pid);
        uint64_t ts = now_ns();
        for (int s = 0; s < opt.senders; s++) chat_send(&C[chat_first_sender + s], chat_first_sender + s, opt.window);
        uint64_t tw = ts + (uint64_t)(opt.warmup * 1e9), te = tw + (uint64_t)(opt.duration * 1e9);
        run_loop(opt.irc ? irc_read_cb : chat_read_cb, te, tw);
        double lg1 = self_cpu_s(), sv1 = proc_cpu_s(opt.pid);
        double secs = (t_measure_end - t_measure_start) / 1e9;
        printf("{\"mode\":\"%s\",", opt.irc ? "irc" : "chat");
        if (opt.irc) printf("\"channel\":\"%s\",\"irc_errors\":%llu,", opt.channel, (unsigned long long)irc_errors);
        print_common(lg1 - lg0, sv0 >= 0 ? sv1 - sv0 : -1, secs);
        printf("\"loaded_s\":%.3f,\"senders\":%d,\"window\":%d,\"size\":%d,\"sent\":%llu,\"deliveries\":%llu,"
               "\"deliveries_per_s\":%.1f,\"observed_per_s\":%.1f,",
               (te - ts) / 1e9, opt.senders, opt.window, opt.size, (unsigned long long)m_sent,
               (unsigned long long)m_deliveries, m_deliveries / secs, H.n / secs);
        if (nports > 1) {
            printf("\"instances\":%d,\"probe_rounds\":%d,\"deliveries_by_instance\":[", nports, probe_rounds);
            for (int k = 0; k < nports; k++) printf("%s%llu", k ? "," : "", (unsigned long long)m_deliv_port[k]);
            printf("],\"order_gaps\":%llu,\"missed\":%llu,\"behind\":%llu,", (unsigned long long)order_gaps,
                   (unsigned long long)order_missed, (unsigned long long)order_behind);
            hjson("latency_local", &HL);
            printf(",");
            hjson("latency_cross", &HX);
            printf(",");
        }
        if (ncpu_pids > 0) {
            /* over exactly the measured window (duration_s) */
            printf("\"cpu_pids_s\":[");
            for (int k = 0; k < ncpu_pids; k++)
                printf("%s%.3f", k ? "," : "", cpu_pid0[k] >= 0 && cpu_pid1[k] >= 0 ? cpu_pid1[k] - cpu_pid0[k] : -1.0);
            printf("],");
        }
        hjson("latency", &H);
        printf("}\n");
        if (closed_unexpected || irc_errors || H.n == 0 || (nports > 1 && HX.n == 0)) goto fail_quiet;
    } else if (opt.mode == M_HOLD) {
        if (setup(0, opt.conns, &dst, opt.greet_lines) != 0) goto fail;
        if (ready_file) {
            FILE *f = fopen(ready_file, "w");
            if (!f) die("ready file");
            fclose(f);
        }
        uint64_t ts = now_ns();
        run_loop(hold_read_cb, ts + (uint64_t)(opt.duration * 1e9), ts);
        int open = 0;
        for (int i = 0; i < opt.conns; i++) open += C[i].state == C_READY;
        printf("{\"mode\":\"hold\",\"label\":\"%s\",\"conns\":%d,\"held\":%d,\"dropped\":%d,\"setup_s\":%.3f}\n",
               opt.label, opt.conns, open, opt.conns - open, (ts - t0) / 1e9);
        if (open != opt.conns) return 1;
    } else {
        /* idle */
        if (setup(0, opt.conns, &dst, opt.greet_lines) != 0) goto fail;
        double setup_s = (now_ns() - t0) / 1e9;
        long rss_after = read_vmrss_kib(opt.pid);
        /* settled: the same connections held, untouched, for settle_s more (a server may give memory back
           once it is quiet, as ChatDaemon's idle trim does after 30 s) */
        long rss_settled = rss_after;
        if (opt.settle_s > 0 && opt.irc) {
            /* IRC servers PING quiet clients (ngIRCd after 120 s) and drop those that do not answer */
            uint64_t ts = now_ns(), te = ts + (uint64_t)(opt.settle_s * 1e9);
            run_loop(irc_read_cb, te, te);
            rss_settled = read_vmrss_kib(opt.pid);
        } else if (opt.settle_s > 0) {
            struct timespec st = { (time_t)opt.settle_s, (long)((opt.settle_s - (time_t)opt.settle_s) * 1e9) };
            while (nanosleep(&st, &st) != 0 && errno == EINTR) {}
            rss_settled = read_vmrss_kib(opt.pid);
        }
        if (opt.irc) {
            /* no echo client: the figure wanted is the memory per registered, joined IRC client */
            int open = 0;
            for (int i = 0; i < opt.conns; i++) open += C[i].state == C_READY;
            printf("{\"mode\":\"irc-idle\",");
            print_common(0, -1, 0);
            printf("\"setup_s\":%.3f,\"held\":%d,\"rss_before_kib\":%ld,\"rss_after_kib\":%ld,"
                   "\"rss_per_conn_bytes\":%.1f,\"settle_s\":%.1f,\"rss_settled_kib\":%ld,\"rss_settled_per_conn_bytes\":%.1f,"
                   "\"irc_errors\":%llu}\n",
                   setup_s, open, rss_before, rss_after,
                   rss_before >= 0 && rss_after >= 0 ? (rss_after - rss_before) * 1024.0 / opt.conns : -1.0,
                   opt.settle_s, rss_settled,
                   rss_before >= 0 && rss_settled >= 0 ? (rss_settled - rss_before) * 1024.0 / opt.conns : -1.0,
                   (unsigned long long)irc_errors);
            if (closed_unexpected || irc_errors || open != opt.conns) goto fail_quiet;
            return 0;
        }
        struct sockaddr_in edst = dst;
        edst.sin_port = htons((uint16_t)opt.echo_port);
        char keep_src[64];
        snprintf(keep_src, sizeof keep_src, "%s", opt.src_from);
        opt.src_from[0] = 0; /* the active client connects from 127.0.0.1 */
        if (setup(opt.conns, 1, &edst, 0) != 0) goto fail;
        snprintf(opt.src_from, sizeof opt.src_from, "%s", keep_src);
        struct conn *a = &C[opt.conns];
        int saved_depth = opt.depth;
        opt.depth = 1;
        a->ring = calloc(1, sizeof(uint64_t));
        echo_redis_flag = opt.echo_redis;
        uint64_t ts = now_ns();
        echo_send(a, 1, opt.echo_redis);
        uint64_t tw = ts + (uint64_t)(opt.warmup * 1e9), te = tw + (uint64_t)(opt.duration * 1e9);
        run_loop(echo_read_cb, te, tw);
        opt.depth = saved_depth;
        long rss_end = read_vmrss_kib(opt.pid);
        int open = 0;
        for (int i = 0; i < opt.conns; i++) open += C[i].state == C_READY;
        double secs = (t_measure_end - t_measure_start) / 1e9;
        printf("{\"mode\":\"idle\",");
        print_common(0, -1, secs);
        printf("\"setup_s\":%.3f,\"held\":%d,\"rss_before_kib\":%ld,\"rss_after_kib\":%ld,\"rss_end_kib\":%ld,"
               "\"rss_per_conn_bytes\":%.1f,\"settle_s\":%.1f,\"rss_settled_kib\":%ld,\"rss_settled_per_conn_bytes\":%.1f,"
               "\"echo_rps\":%.1f,",
               setup_s, open, rss_before, rss_after, rss_end,
               rss_before >= 0 && rss_after >= 0 ? (rss_after - rss_before) * 1024.0 / opt.conns : -1.0,
               opt.settle_s, rss_settled,
               rss_before >= 0 && rss_settled >= 0 ? (rss_settled - rss_before) * 1024.0 / opt.conns : -1.0,
               m_replies / secs);
        hjson("latency", &H);
        printf("}\n");
        if (closed_unexpected || open != opt.conns || m_replies == 0) goto fail_quiet;
    }
    return 0;
fail:
    printf("{\"mode\":\"%s\",\"label\":\"%s\",\"conns\":%d,\"failed\":true,\"closed_unexpected\":%llu,\"connect_errors\":%llu}\n",
           opt.mode == M_ECHO ? "echo" : opt.mode == M_CHAT ? "chat" : opt.mode == M_HOLD ? "hold" : opt.mode == M_IRC ? "irc"
           : opt.irc ? "irc-idle" : "idle", opt.label, opt.conns,
           (unsigned long long)closed_unexpected, (unsigned long long)connect_errors);
    return 1;
fail_quiet:
    fprintf(stderr, "loadgen: scenario failed (%llu connections closed unexpectedly)\n", (unsigned long long)closed_unexpected);
    return 1;
}
