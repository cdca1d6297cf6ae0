/* dhcp4_client.c: DHCPv4 over a packet socket. */
#include "net/dhcp4_client.h"

#include "net/dhcp4_ip.h"
#include "base/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>


int64_t dhcp4_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint32_t dhcp4_seed(void)
{
	uint32_t s = 0;
	if (getrandom(&s, sizeof s, GRND_NONBLOCK) != (ssize_t)sizeof s) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		s = (uint32_t)ts.tv_nsec ^ (uint32_t)ts.tv_sec ^ (uint32_t)getpid() << 16;
	}
	return s ? s : 1;
}

int dhcp4_sock_open(struct dhcp4_sock *s, int ifindex, struct err *e)
{
	/* offsets from the IP header (SOCK_DGRAM): UDP, no fragment, dport 68 */
	static struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 17, 0, 6),
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 6),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, 4, 0),
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, DHCP4_CLIENT_PORT, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { sizeof code / sizeof code[0], code };
	struct sockaddr_ll sll;
	int one = 1;

	s->ifindex = ifindex;
	/* protocol 0: receive nothing until the filter is in place and we bind */
	s->fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s->fd < 0)
		return err_set(e, "dhcp4: packet socket: %s", strerror(errno));
	if (setsockopt(s->fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) < 0 ||
	    setsockopt(s->fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof one) < 0) {
		int x = errno;
		dhcp4_sock_close(s);
		return err_set(e, "dhcp4: packet socket options: %s", strerror(x));
	}
	memset(&sll, 0, sizeof sll);
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_IP);
	sll.sll_ifindex = ifindex;
	if (bind(s->fd, (struct sockaddr *)&sll, sizeof sll) < 0) {
		int x = errno;
		dhcp4_sock_close(s);
		return err_set(e, "dhcp4: bind packet socket to ifindex %d: %s", ifindex,
			       strerror(x));
	}
	return 0;
}

void dhcp4_sock_close(struct dhcp4_sock *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

static int send_frame(struct dhcp4_sock *s, struct in_addr src, struct in_addr dst,
		      const uint8_t *msg, size_t n, struct err *e)
{
	uint8_t frame[DHCP4_FRAME_MAX];
	struct sockaddr_ll sll;
	int len = dhcp4_ip_wrap(frame, sizeof frame, src, DHCP4_CLIENT_PORT, dst,
				DHCP4_SERVER_PORT, msg, n);
	if (len < 0)
		return err_set(e, "dhcp4: message of %zu bytes too large", n);
	memset(&sll, 0, sizeof sll);
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_IP);
	sll.sll_ifindex = s->ifindex;
	sll.sll_halen = 6;
	memset(sll.sll_addr, 0xff, 6);
	while (sendto(s->fd, frame, (size_t)len, 0, (struct sockaddr *)&sll, sizeof sll) < 0) {
		if (errno != EINTR)
			return err_set(e, "dhcp4: send: %s", strerror(errno));
	}
	return 0;
}

int dhcp4_sock_send(struct dhcp4_sock *s, const uint8_t *msg, size_t n, struct err *e)
{
	struct in_addr any = { htonl(INADDR_ANY) }, bcast = { htonl(INADDR_BROADCAST) };
	return send_frame(s, any, bcast, msg, n, e);
}

int dhcp4_sock_recv(struct dhcp4_sock *s, uint8_t *buf, size_t cap, const uint8_t **msg,
		    size_t *n, struct err *e)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
	} cbuf;
	struct sockaddr_ll sll;
	struct iovec iov = { buf, cap };
	struct msghdr mh;
	struct cmsghdr *cm;
	ssize_t r;
	int csum_ready = 1;

	memset(&mh, 0, sizeof mh);
	mh.msg_name = &sll;
	mh.msg_namelen = sizeof sll;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf.buf;
	mh.msg_controllen = sizeof cbuf.buf;
	r = recvmsg(s->fd, &mh, MSG_TRUNC);
	if (r < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return DHCP4_RECV_NONE;
		return err_set(e, "dhcp4: recv: %s", strerror(errno));
	}
	if ((size_t)r > cap) {
		err_set(e, "datagram of %zd bytes is larger than %zu", r, cap);
		return DHCP4_RECV_SKIP;
	}
	if (sll.sll_pkttype == PACKET_OUTGOING) {
		err_set(e, "our own packet");
		return DHCP4_RECV_SKIP;
	}
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level == SOL_PACKET && cm->cmsg_type == PACKET_AUXDATA &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(struct tpacket_auxdata))) {
			struct tpacket_auxdata aux;
			memcpy(&aux, CMSG_DATA(cm), sizeof aux);
			if (aux.tp_status & TP_STATUS_CSUMNOTREADY)
				csum_ready = 0;
		}
	}
	if (dhcp4_ip_unwrap(buf, (size_t)r, DHCP4_CLIENT_PORT, csum_ready, msg, n, NULL, e) < 0)
		return DHCP4_RECV_SKIP;
	return DHCP4_RECV_MSG;
}

int dhcp4_acquire(int ifindex, const char *ifname, const struct dhcp4_id *id, int timeout_ms,
		  struct dhcp4_lease *out, struct err *e)
{
	struct dhcp4_sock s;
	struct dhcp4_client c;
	uint8_t buf[DHCP4_FRAME_MAX];
	int64_t start = dhcp4_now_ms(), deadline = start + timeout_ms;

	if (dhcp4_sock_open(&s, ifindex, e) < 0)
		return -1;
	dhcp4_client_init(&c, id, dhcp4_seed(), start);
	for (;;) {
		int64_t now = dhcp4_now_ms(), next = deadline;
		struct pollfd pfd = { s.fd, POLLIN, 0 };
		int n, r;

		if (now >= deadline)
			break;
		n = dhcp4_client_tick(&c, now, buf, sizeof buf, &next);
		if (n > 0) {
			struct err se;
			log_debug("dhcp4", "%s: send %s (attempt %d)", ifname,
				  c.state == DHCP4_STATE_SELECTING ? "DISCOVER" : "REQUEST",
				  c.attempt);
			if (dhcp4_sock_send(&s, buf, (size_t)n, &se) < 0)
				log_warn("dhcp4", "%s: %s", ifname, se.msg);
		}
		if (next > deadline)
			next = deadline;
		r = poll(&pfd, 1, (int)(next > now ? next - now : 0));
		if (r < 0 && errno != EINTR) {
			err_set(e, "dhcp4: poll: %s", strerror(errno));
			dhcp4_sock_close(&s);
			return -1;
		}
		if (r <= 0)
			continue;
		for (;;) {
			const uint8_t *msg;
			size_t mlen;
			struct err why;
			enum dhcp4_event ev;
			int got = dhcp4_sock_recv(&s, buf, sizeof buf, &msg, &mlen, &why);
			if (got < 0) {
				log_warn("dhcp4", "%s: %s", ifname, why.msg);
				break;
			}
			if (got == DHCP4_RECV_NONE)
				break;
			if (got == DHCP4_RECV_SKIP) {
				log_debug("dhcp4", "%s: packet ignored: %s", ifname, why.msg);
				continue;
			}
			ev = dhcp4_client_input(&c, dhcp4_now_ms(), msg, mlen, &why);
			if (ev == DHCP4_EV_IGNORED)
				log_debug("dhcp4", "%s: reply ignored: %s", ifname, why.msg);
			else if (ev == DHCP4_EV_NAK)
				log_warn("dhcp4", "%s: NAK from %s: %s", ifname,
					 inet_ntoa(c.lease.server_id), c.lease.message);
			else if (ev == DHCP4_EV_ACK) {
				*out = c.lease;
				dhcp4_sock_close(&s);
				return 0;
			}
		}
	}
	dhcp4_sock_close(&s);
	return err_set(e, "no DHCPv4 lease on %s within %d s (state %s)", ifname,
		       timeout_ms / 1000, dhcp4_state_name(c.state));
}

/* Unicast UDP from the leased address; -1 when the socket cannot be set up. */
static int release_udp(const char *ifname, const uint8_t *msg, size_t n,
		       const struct dhcp4_lease *lease, struct err *e)
{
	struct sockaddr_in sa;
	int one = 1, fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_set(e, "socket: %s", strerror(errno));
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons(DHCP4_CLIENT_PORT);
	sa.sin_addr = lease->addr;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		int x = errno;
		close(fd);
		return err_set(e, "bind %s:68: %s", inet_ntoa(lease->addr), strerror(x));
	}
	sa.sin_port = htons(DHCP4_SERVER_PORT);
	sa.sin_addr = lease->server_id;
	if (sendto(fd, msg, n, 0, (struct sockaddr *)&sa, sizeof sa) < 0) {
		int x = errno;
		close(fd);
		return err_set(e, "send to %s:67: %s", inet_ntoa(lease->server_id), strerror(x));
	}
	close(fd);
	return 0;
}

int dhcp4_release(int ifindex, const char *ifname, const struct dhcp4_id *id,
		  const struct dhcp4_lease *lease, int configured, struct err *e)
{
	uint8_t msg[DHCP4_MIN_LEN + 64];
	struct dhcp4_sock s;
	int n = dhcp4_build_release(msg, sizeof msg, id, dhcp4_seed(), lease);
	if (n < 0)
		return err_set(e, "dhcp4: cannot build RELEASE");
	if (configured) {
		struct err why;
		if (release_udp(ifname, msg, (size_t)n, lease, &why) == 0)
			return 0;
		log_debug("dhcp4", "%s: unicast RELEASE failed (%s), using the packet socket",
			  ifname, why.msg);
	}
	if (dhcp4_sock_open(&s, ifindex, e) < 0)
		return -1;
	n = send_frame(&s, lease->addr, lease->server_id, msg, (size_t)n, e);
	dhcp4_sock_close(&s);
	return n;
}
