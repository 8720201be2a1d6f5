/*
 * A media socket: a non-blocking UDP socket bound to one local port, watched by a uv_poll
 * handle on the worker's loop. When it is readable, recvmmsg reads as many datagrams as are
 * queued (up to the free part of the rx ring) in one system call, each into its own slot with
 * its source address; delivery to JavaScript is batched across sockets (engine.c).
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "engine.h"

static int grow_table(io_engine *e) {
  uint32_t cap = e->socket_cap * 2;
  if (cap > MAX_SOCKETS) return -EMFILE;
  io_socket **t = realloc(e->sockets, cap * sizeof(io_socket *));
  if (t == NULL) return -ENOMEM;
  memset(t + e->socket_cap, 0, (cap - e->socket_cap) * sizeof(io_socket *));
  e->sockets = t;
  e->socket_cap = cap;
  return 0;
}

static int free_id(io_engine *e) {
  for (uint32_t i = e->next_id; i < e->socket_cap; i++) {
    if (e->sockets[i] == NULL) return (int)i;
  }
  uint32_t first_new = e->socket_cap;
  int err = grow_table(e);
  return err < 0 ? err : (int)first_new;
}

/* Bind a socket exclusively (no SO_REUSEADDR, like dgram's `exclusive: true`). */
int io_socket_open(io_engine *e, int family, const char *address, int port, int *id_out) {
  if (e->closing) return -EBADF;
  if (port < 0 || port > 65535) return -EINVAL;
  int32_t words[4];
  int parsed = io_parse_address(address, words);
  if (parsed != family) return -EINVAL;
  struct sockaddr_storage ss;
  socklen_t len;
  if (io_words_to_address(family, words, port, &ss, &len) != 0) return -EINVAL;
  int id = free_id(e);
  if (id < 0) return id;
  int fd = socket(family == 6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  if (family == 6) {
    int off = 0; /* dual stack, as dgram's ipv6Only: false */
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
  }
  if (bind(fd, (struct sockaddr *)&ss, len) != 0) {
    int err = -errno;
    close(fd);
    return err;
  }
  io_socket *s = calloc(1, sizeof(*s));
  if (s == NULL) {
    close(fd);
    return -ENOMEM;
  }
  uv_loop_t *loop;
  if (napi_get_uv_event_loop(e->env, &loop) != napi_ok || uv_poll_init(loop, &s->poll, fd) != 0) {
    free(s);
    close(fd);
    return -EIO;
  }
  s->engine = e;
  s->fd = fd;
  s->id = id;
  s->family = family;
  s->poll.data = s;
  e->sockets[id] = s;
  e->next_id = (uint32_t)id + 1;
  e->open_sockets += 1;
  *id_out = id;
  return 0;
}

io_socket *io_socket_get(io_engine *e, int id) {
  if (id < 0 || (uint32_t)id >= e->socket_cap) return NULL;
  return e->sockets[id];
}

int io_socket_local_port(io_socket *s) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof(ss);
  if (getsockname(s->fd, (struct sockaddr *)&ss, &len) != 0) return -errno;
  int32_t words[4];
  int port, family;
  io_address_to_words(&ss, words, &port, &family);
  return port;
}

/*
 * Readable: fill the free part of the ring. A socket gets at most one ring's worth per loop
 * iteration (epoll is level-triggered: the rest is read on the next one), so a flood on one
 * socket cannot starve the others.
 */
static void on_readable(uv_poll_t *handle, int status, int events) {
  (void)events;
  io_socket *s = handle->data;
  io_engine *e = s->engine;
  if (status < 0) return;
  uint32_t budget = e->slots;
  while (budget > 0 && !e->closing) {
    if (e->pending == e->slots) {
      io_engine_deliver(e);
      if (e->pending == e->slots) return; /* could not deliver (closing): leave it queued */
      /* JavaScript may have closed this socket meanwhile (its handle is closing then). */
      if (io_socket_get(e, s->id) != s || !s->polling) return;
      continue;
    }
    uint32_t first = e->pending;
    uint32_t room = e->slots - first;
    if (room > budget) room = budget;
    for (uint32_t i = first; i < first + room; i++) {
      e->rx_msgs[i].msg_hdr.msg_namelen = sizeof(struct sockaddr_storage);
      e->rx_msgs[i].msg_hdr.msg_flags = 0;
    }
    int n = recvmmsg(s->fd, &e->rx_msgs[first], room, MSG_DONTWAIT, NULL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return; /* EAGAIN: drained; anything else (an ICMP error report) ends this round */
    }
    for (int k = 0; k < n; k++) {
      uint32_t i = first + (uint32_t)k;
      int32_t *r = e->rx_meta + (size_t)i * RX_WORDS;
      int port = 0, family = 0;
      io_address_to_words(&e->rx_names[i], r + RX_ADDR0, &port, &family);
      r[RX_SOCKET] = s->id;
      r[RX_LENGTH] = (int32_t)e->rx_msgs[i].msg_len;
      r[RX_FLAGS] = (e->rx_msgs[i].msg_hdr.msg_flags & MSG_TRUNC) != 0 ? RX_FLAG_TRUNCATED : 0;
      r[RX_PORT] = port;
      r[RX_FAMILY] = family;
    }
    e->pending += (uint32_t)n;
    budget -= (uint32_t)n;
    if ((uint32_t)n < room) return; /* drained */
  }
}

int io_socket_start(io_socket *s) {
  if (s->polling) return 0;
  int err = uv_poll_start(&s->poll, UV_READABLE, on_readable);
  if (err == 0) s->polling = 1;
  return err;
}

static void on_socket_closed(uv_handle_t *handle) {
  io_socket *s = handle->data;
  io_engine *e = s->engine;
  free(s);
  io_engine_handle_closed(e);
}

/*
 * Stop polling, close the descriptor at once (the port is free for the next bind, as with
 * dgram), and let libuv release the handle. Datagrams of this socket still waiting in the ring
 * are marked so that they are not delivered under an id a new socket may reuse.
 */
void io_socket_close(io_socket *s) {
  io_engine *e = s->engine;
  if (e->sockets[s->id] != s) return;
  e->sockets[s->id] = NULL;
  if ((uint32_t)s->id < e->next_id) e->next_id = (uint32_t)s->id;
  e->open_sockets -= 1;
  for (uint32_t i = 0; i < e->pending; i++) {
    int32_t *r = e->rx_meta + (size_t)i * RX_WORDS;
    if (r[RX_SOCKET] == s->id) r[RX_SOCKET] = -1;
  }
  s->polling = 0;
  uv_poll_stop(&s->poll);
  close(s->fd);
  s->fd = -1;
  e->closing_handles += 1;
  uv_close((uv_handle_t *)&s->poll, on_socket_closed);
}
