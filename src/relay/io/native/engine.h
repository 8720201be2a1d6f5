/*
 * Batched UDP I/O for one media worker (srtp-relay, src/relay/io): the shared state of an
 * engine and the functions the N-API glue (addon.c) calls. One engine per media worker; all of
 * it runs on that worker's libuv loop (uv_poll per socket, one uv_check per engine), no threads.
 *
 * Memory the JavaScript side reads and writes directly (three ArrayBuffers created by N-API,
 * held here by strong references, so they outlive neither side's use):
 *   rx    slots * slot_size bytes: datagrams as recvmmsg wrote them, slot i at i * slot_size
 *   tx    slots * tx_slot_size bytes: output the packet path wrote (protect / unprotect)
 *   meta  Int32 words: slots * RX_WORDS receive records, then slots * TX_WORDS send records
 * The word layouts below are mirrored in native-layout.ts and checked at load (layout()).
 */
#ifndef SRTP_RELAY_IO_ENGINE_H
#define SRTP_RELAY_IO_ENGINE_H

#define NAPI_VERSION 8
#include <node_api.h>
#include <stdint.h>
#include <sys/socket.h>
#include <uv.h>

/* Receive record: one per datagram waiting in the rx ring. */
enum {
  RX_SOCKET = 0, /* socket id, -1 when the socket was closed before delivery */
  RX_LENGTH,     /* bytes in the slot */
  RX_FLAGS,      /* RX_FLAG_* */
  RX_PORT,       /* source port */
  RX_FAMILY,     /* 4 or 6 */
  RX_ADDR0,      /* IPv4: the address in host order; IPv6: four 32-bit words, host order */
  RX_ADDR1,
  RX_ADDR2,
  RX_ADDR3,
  RX_WORDS = 10
};
#define RX_FLAG_TRUNCATED 1

/* Send record: one per datagram queued by JavaScript; RESULT is written by flush. */
enum {
  TX_SOCKET = 0,
  TX_REGION,     /* TX_REGION_RX (a received slot, forwarded unchanged) or TX_REGION_TX */
  TX_OFFSET,     /* byte offset in that region */
  TX_LENGTH,
  TX_PORT,
  TX_FAMILY,
  TX_ADDR0,
  TX_ADDR1,
  TX_ADDR2,
  TX_ADDR3,
  TX_RESULT,     /* bytes sent, or -errno */
  TX_WORDS = 12
};
#define TX_REGION_RX 0
#define TX_REGION_TX 1

/* Bounds: every resource has a limit. */
#define MAX_SLOTS 1024
#define MAX_SLOT_SIZE 65536
#define MAX_SOCKETS (1 << 20)

typedef struct io_engine io_engine;

typedef struct io_socket {
  io_engine *engine;
  uv_poll_t poll;
  int fd;
  int id;
  int family; /* 4 or 6 */
  int polling;
} io_socket;

struct io_engine {
  napi_env env;
  napi_ref on_batch;
  napi_ref rx_ref, tx_ref, meta_ref;
  napi_async_context async_context;
  napi_async_cleanup_hook_handle cleanup;
  uint8_t *rx;
  uint8_t *tx;
  int32_t *rx_meta;
  int32_t *tx_meta;
  uint32_t slots, slot_size, tx_slot_size;
  /* Datagrams received and not yet handed to JavaScript. */
  uint32_t pending;
  int delivering;
  struct mmsghdr *rx_msgs;
  struct iovec *rx_iov;
  struct sockaddr_storage *rx_names;
  struct mmsghdr *tx_msgs;
  struct iovec *tx_iov;
  struct sockaddr_storage *tx_names;
  io_socket **sockets;
  uint32_t socket_cap;
  uint32_t open_sockets;
  /* Lowest id that may be free (ids are reused; see io_socket_close for stale records). */
  uint32_t next_id;
  uv_check_t check;
  /* uv handles whose close callback has not run yet. */
  uint32_t closing_handles;
  int closing;
  /* Freed once both the JS wrapper is finalized and every handle has closed. */
  int wrapper_alive;
  int handles_alive;
};

/* engine.c */
io_engine *io_engine_create(napi_env env, uint32_t slots, uint32_t slot_size, uint32_t tx_slot_size, napi_value on_batch, napi_value *rx_ab, napi_value *tx_ab, napi_value *meta_ab);
void io_engine_close(io_engine *e);
void io_engine_wrapper_finalized(io_engine *e);
void io_engine_deliver(io_engine *e);
void io_engine_handle_closed(io_engine *e);

/* socket.c */
int io_socket_open(io_engine *e, int family, const char *address, int port, int *id_out);
io_socket *io_socket_get(io_engine *e, int id);
int io_socket_start(io_socket *s);
int io_socket_local_port(io_socket *s);
void io_socket_close(io_socket *s);

/* send.c */
uint32_t io_engine_flush(io_engine *e, uint32_t count);

/* address.c */
int io_address_to_words(const struct sockaddr_storage *ss, int32_t *words, int *port, int *family);
int io_words_to_address(int family, const int32_t *words, int port, struct sockaddr_storage *ss, socklen_t *len);
int io_parse_address(const char *text, int32_t *words);

#endif
