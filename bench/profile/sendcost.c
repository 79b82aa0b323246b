/*
 * sendcost: what one small send(2) to each of N loopback TCP connections costs this kernel, without any
 * server around it -- the floor under a chat fan-out that gives every member its own send.
 *
 *   cc -O2 -o sendcost bench/profile/sendcost.c && ./sendcost 10000 20
 *
 * Opens N connected loopback pairs, then for R rounds writes one 45-byte line to every server-side socket
 * (timed: wall clock and this thread's CPU) and reads everything back on the client side (not timed).
 * Prints one JSON line: per-send wall and CPU time in nanoseconds, medians over the rounds.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(clockid_t c) { struct timespec t; clock_gettime(c, &t); return t.tv_sec * 1e9 + t.tv_nsec; }
static int cmp(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }
static void die(const char *what) { perror(what); exit(1); }

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 10000, rounds = argc > 2 ? atoi(argv[2]) : 20;
    struct rlimit rl; getrlimit(RLIMIT_NOFILE, &rl); rl.rlim_cur = rl.rlim_max; setrlimit(RLIMIT_NOFILE, &rl);
    if ((rlim_t)(2 * n + 16) > rl.rlim_cur) { fprintf(stderr, "sendcost: %d connections need %d descriptors\n", n, 2 * n + 16); return 1; }
    int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t al = sizeof a;
    if (bind(ls, (struct sockaddr *)&a, sizeof a) || listen(ls, 4096) || getsockname(ls, (struct sockaddr *)&a, &al)) die("listen");
    int *cli = calloc(n, sizeof *cli), *srv = calloc(n, sizeof *srv);
    for (int i = 0; i < n; i++) {
        cli[i] = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(cli[i], (struct sockaddr *)&a, sizeof a)) die("connect");
        if ((srv[i] = accept(ls, NULL, NULL)) < 0) die("accept");
        setsockopt(srv[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); /* as the servers under test */
    }
    const char line[] = "<guest-12345> ~Q1:123456:12345678901234;xx\r\n";
    char buf[4096];
    double *wall = calloc(rounds, sizeof *wall), *cpu = calloc(rounds, sizeof *cpu);
    for (int r = 0; r < rounds; r++) {
        double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_THREAD_CPUTIME_ID);
        for (int i = 0; i < n; i++)
            if (write(srv[i], line, sizeof line - 1) != (ssize_t)(sizeof line - 1)) die("write");
        wall[r] = (now(CLOCK_MONOTONIC) - w0) / n;
        cpu[r] = (now(CLOCK_THREAD_CPUTIME_ID) - c0) / n;
        for (int i = 0; i < n; i++)
            if (read(cli[i], buf, sizeof buf) <= 0) die("read");
    }
    qsort(wall, rounds, sizeof *wall, cmp);
    qsort(cpu, rounds, sizeof *cpu, cmp);
    printf("{\"connections\":%d,\"rounds\":%d,\"send_wall_ns_median\":%.0f,\"send_cpu_ns_median\":%.0f,"
           "\"send_cpu_ns_min\":%.0f,\"fanout_ms_median\":%.2f}\n",
           n, rounds, wall[rounds / 2], cpu[rounds / 2], cpu[0], wall[rounds / 2] * n / 1e6);
    return 0;
}
