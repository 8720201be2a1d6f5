/*
 * Send the datagrams JavaScript queued in the send records: runs of records for the same
 * socket go out with one sendmmsg each. Each record gets its result (bytes sent or -errno),
 * which the JavaScript side turns into packetsOut / sendErrors of the leg. A datagram the
 * kernel refuses (EHOSTUNREACH, EACCES, ENOBUFS, EAGAIN with a full socket buffer) is not
 * retried or queued: it is counted, as a kernel drop would be.
 */
#include <errno.h>
#include <string.h>
#include "engine.h"

/* Check a record and fill its message; returns 0 or -errno (then the record is not sent). */
static int prepare(io_engine *e, uint32_t i, io_socket **sock) {
  int32_t *r = e->tx_meta + (size_t)i * TX_WORDS;
  io_socket *s = io_socket_get(e, r[TX_SOCKET]);
  *sock = s;
  if (s == NULL) return -EBADF;
  uint32_t offset = (uint32_t)r[TX_OFFSET];
  uint32_t length = (uint32_t)r[TX_LENGTH];
  uint8_t *base;
  size_t size;
  if (r[TX_REGION] == TX_REGION_RX) {
    base = e->rx;
    size = (size_t)e->slots * e->slot_size;
  } else if (r[TX_REGION] == TX_REGION_TX) {
    base = e->tx;
    size = (size_t)e->slots * e->tx_slot_size;
  } else {
    return -EINVAL;
  }
  if (r[TX_OFFSET] < 0 || r[TX_LENGTH] < 0 || (size_t)offset + length > size) return -EINVAL;
  if (r[TX_FAMILY] != s->family) return -EAFNOSUPPORT;
  struct msghdr *h = &e->tx_msgs[i].msg_hdr;
  socklen_t len;
  if (io_words_to_address(r[TX_FAMILY], r + TX_ADDR0, r[TX_PORT], &e->tx_names[i], &len) != 0) return -EINVAL;
  h->msg_namelen = len;
  e->tx_iov[i].iov_base = base + offset;
  e->tx_iov[i].iov_len = length;
  h->msg_flags = 0;
  return 0;
}

/* Send records [0, count); returns how many failed. */
uint32_t io_engine_flush(io_engine *e, uint32_t count) {
  if (count > e->slots) count = e->slots;
  uint32_t failed = 0;
  uint32_t i = 0;
  while (i < count) {
    io_socket *s;
    int err = prepare(e, i, &s);
    if (err != 0) {
      e->tx_meta[(size_t)i * TX_WORDS + TX_RESULT] = err;
      failed += 1;
      i += 1;
      continue;
    }
    /* Extend the run while the next records are valid and for the same socket. */
    uint32_t end = i + 1;
    while (end < count && e->tx_meta[(size_t)end * TX_WORDS + TX_SOCKET] == s->id) {
      io_socket *same;
      int e2 = prepare(e, end, &same);
      if (e2 != 0) break;
      end += 1;
    }
    while (i < end) {
      int n = sendmmsg(s->fd, &e->tx_msgs[i], end - i, MSG_DONTWAIT);
      if (n < 0) {
        if (errno == EINTR) continue;
        /* The first message of the run failed: record it, go on with the rest. */
        e->tx_meta[(size_t)i * TX_WORDS + TX_RESULT] = -errno;
        failed += 1;
        i += 1;
        continue;
      }
      for (int k = 0; k < n; k++) e->tx_meta[(size_t)(i + (uint32_t)k) * TX_WORDS + TX_RESULT] = (int32_t)e->tx_msgs[i + (uint32_t)k].msg_len;
      i += (uint32_t)n;
    }
  }
  return failed;
}
