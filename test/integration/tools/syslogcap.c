/*
 * syslogcap - a minimal syslog receiver for tests: what programs send to
 * syslog(3) is appended to a file, one message per line.
 *
 * Usage: syslogcap [-t SECONDS] SOCKET OUTFILE
 *
 * Binds a Unix datagram socket at SOCKET (mode 0666, so that any user's
 * syslog() reaches it; a stale socket there is replaced), then appends
 * every datagram received to OUTFILE with a newline, until SIGTERM or
 * SIGINT, or SECONDS (default 60) have passed.  Removes SOCKET on exit.
 * Glibc's syslog() sends to /dev/log: mount a private /dev in a private
 * mount namespace and point SOCKET at its log entry.
 *
 * Exit status: 0, or 1 on an error (printed on stderr).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct sigaction act = { .sa_handler = on_signal };
	long long deadline;
	long secs = 60;
	char buf[8192];
	int opt, sock, out;

	while ((opt = getopt(argc, argv, "t:")) != -1) {
		switch (opt) {
		case 't':
			secs = strtol(optarg, NULL, 10);
			break;
		default:
			goto usage;
		}
	}
	if (argc - optind != 2 || secs <= 0)
		goto usage;
	if (strlen(argv[optind]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "syslogcap: socket path too long\n");
		return 1;
	}
	strcpy(sa.sun_path, argv[optind]);

	sigaction(SIGTERM, &act, NULL);
	sigaction(SIGINT, &act, NULL);

	out = open(argv[optind + 1], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
		   0644);
	if (out < 0) {
		fprintf(stderr, "syslogcap: %s: %s\n", argv[optind + 1],
			strerror(errno));
		return 1;
	}
	sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0) {
		fprintf(stderr, "syslogcap: socket: %s\n", strerror(errno));
		return 1;
	}
	(void)unlink(sa.sun_path);
	if (bind(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(sa.sun_path, 0666) < 0) {
		fprintf(stderr, "syslogcap: %s: %s\n", sa.sun_path,
			strerror(errno));
		return 1;
	}

	deadline = now_ms() + secs * 1000;
	while (!stop) {
		struct pollfd p = { .fd = sock, .events = POLLIN };
		long long left = deadline - now_ms();
		ssize_t n;
		int rc;

		if (left <= 0)
			break;
		rc = poll(&p, 1, left > 1000 ? 1000 : (int)left);
		if (rc < 0 && errno != EINTR) {
			fprintf(stderr, "syslogcap: poll: %s\n", strerror(errno));
			break;
		}
		if (rc <= 0)
			continue;
		n = recv(sock, buf, sizeof(buf) - 1, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "syslogcap: recv: %s\n", strerror(errno));
			break;
		}
		/* glibc ends some messages with a newline: one line each */
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\0'))
			n--;
		buf[n++] = '\n';
		if (write_all(out, buf, (size_t)n) < 0) {
			fprintf(stderr, "syslogcap: write: %s\n", strerror(errno));
			break;
		}
	}
	(void)unlink(sa.sun_path);
	close(sock);
	close(out);
	return 0;

usage:
	fprintf(stderr, "Usage: syslogcap [-t SECONDS] SOCKET OUTFILE\n");
	return 1;
}
