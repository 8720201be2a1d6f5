/*
 * Engine lifecycle and batch delivery. Datagrams that the poll callbacks of one loop iteration
 * read (socket.c) collect in the rx ring; the engine's uv_check handle, which libuv runs right
 * after the poll phase, hands them to JavaScript in one call. So a worker whose sockets each
 * carry one packet per iteration (a VoIP leg at 50 packets/s) still makes one JavaScript call
 * per iteration, not one per socket or per datagram. A ring that fills up is delivered at once.
 *
 * Teardown in a worker thread: the engine registers an async cleanup hook, which closes every
 * uv handle when the environment goes away and reports completion from the last close
 * callback; Node keeps running the loop until then, so the loop closes with no handle of ours.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "engine.h"

static void free_engine(io_engine *e) {
  if (e->on_batch != NULL) napi_delete_reference(e->env, e->on_batch);
  if (e->rx_ref != NULL) napi_delete_reference(e->env, e->rx_ref);
  if (e->tx_ref != NULL) napi_delete_reference(e->env, e->tx_ref);
  if (e->meta_ref != NULL) napi_delete_reference(e->env, e->meta_ref);
  if (e->async_context != NULL) napi_async_destroy(e->env, e->async_context);
  free(e->rx_msgs);
  free(e->rx_iov);
  free(e->rx_names);
  free(e->tx_msgs);
  free(e->tx_iov);
  free(e->tx_names);
  free(e->sockets);
  free(e);
}

static void maybe_free(io_engine *e) {
  if (!e->wrapper_alive && !e->handles_alive) free_engine(e);
}

static void on_check(uv_check_t *handle) {
  io_engine *e = handle->data;
  if (e->pending > 0) io_engine_deliver(e);
}

static void on_check_closed(uv_handle_t *handle) {
  io_engine_handle_closed(handle->data);
}

static void on_env_cleanup(napi_async_cleanup_hook_handle handle, void *arg) {
  (void)handle;
  io_engine *e = arg;
  io_engine_close(e);
}

static napi_value make_buffer(napi_env env, size_t size, void **data, napi_ref *ref) {
  napi_value ab;
  if (napi_create_arraybuffer(env, size, data, &ab) != napi_ok) return NULL;
  if (napi_create_reference(env, ab, 1, ref) != napi_ok) return NULL;
  memset(*data, 0, size);
  return ab;
}

io_engine *io_engine_create(napi_env env, uint32_t slots, uint32_t slot_size, uint32_t tx_slot_size, napi_value on_batch, napi_value *rx_ab, napi_value *tx_ab, napi_value *meta_ab) {
  io_engine *e = calloc(1, sizeof(*e));
  if (e == NULL) return NULL;
  e->env = env;
  e->slots = slots;
  e->slot_size = slot_size;
  e->tx_slot_size = tx_slot_size;
  e->wrapper_alive = 1;
  e->handles_alive = 1;
  void *rx = NULL, *tx = NULL, *meta = NULL;
  e->rx_msgs = calloc(slots, sizeof(struct mmsghdr));
  e->rx_iov = calloc(slots, sizeof(struct iovec));
  e->rx_names = calloc(slots, sizeof(struct sockaddr_storage));
  e->tx_msgs = calloc(slots, sizeof(struct mmsghdr));
  e->tx_iov = calloc(slots, sizeof(struct iovec));
  e->tx_names = calloc(slots, sizeof(struct sockaddr_storage));
  e->socket_cap = 64;
  e->sockets = calloc(e->socket_cap, sizeof(io_socket *));
  if (e->rx_msgs == NULL || e->rx_iov == NULL || e->rx_names == NULL || e->tx_msgs == NULL || e->tx_iov == NULL || e->tx_names == NULL || e->sockets == NULL) goto fail;
  *rx_ab = make_buffer(env, (size_t)slots * slot_size, &rx, &e->rx_ref);
  *tx_ab = make_buffer(env, (size_t)slots * tx_slot_size, &tx, &e->tx_ref);
  *meta_ab = make_buffer(env, (size_t)slots * (RX_WORDS + TX_WORDS) * sizeof(int32_t), &meta, &e->meta_ref);
  if (*rx_ab == NULL || *tx_ab == NULL || *meta_ab == NULL) goto fail;
  e->rx = rx;
  e->tx = tx;
  e->rx_meta = meta;
  e->tx_meta = e->rx_meta + (size_t)slots * RX_WORDS;
  for (uint32_t i = 0; i < slots; i++) {
    e->rx_iov[i].iov_base = e->rx + (size_t)i * slot_size;
    e->rx_iov[i].iov_len = slot_size;
    e->rx_msgs[i].msg_hdr.msg_iov = &e->rx_iov[i];
    e->rx_msgs[i].msg_hdr.msg_iovlen = 1;
    e->rx_msgs[i].msg_hdr.msg_name = &e->rx_names[i];
    e->tx_msgs[i].msg_hdr.msg_iov = &e->tx_iov[i];
    e->tx_msgs[i].msg_hdr.msg_iovlen = 1;
    e->tx_msgs[i].msg_hdr.msg_name = &e->tx_names[i];
  }
  if (napi_create_reference(env, on_batch, 1, &e->on_batch) != napi_ok) goto fail;
  napi_value name;
  if (napi_create_string_utf8(env, "srtp-relay:udp-batch", NAPI_AUTO_LENGTH, &name) != napi_ok) goto fail;
  if (napi_async_init(env, NULL, name, &e->async_context) != napi_ok) goto fail;
  uv_loop_t *loop;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) goto fail;
  if (uv_check_init(loop, &e->check) != 0) goto fail;
  e->check.data = e;
  uv_check_start(&e->check, on_check);
  /* The check handle must not keep a worker (or the main thread) alive on its own. */
  uv_unref((uv_handle_t *)&e->check);
  if (napi_add_async_cleanup_hook(env, on_env_cleanup, e, &e->cleanup) != napi_ok) {
    e->closing = 1;
    e->closing_handles = 1;
    uv_close((uv_handle_t *)&e->check, on_check_closed);
    e->wrapper_alive = 0;
    return NULL; /* freed by on_check_closed */
  }
  return e;
fail:
  free_engine(e);
  return NULL;
}

/*
 * Hand the pending datagrams to JavaScript: onBatch(count). The records and slots stay valid
 * until it returns; JavaScript sends (flush) before returning, so forwarded slots are sent
 * from the ring itself. An exception in the callback is an uncaught exception, as it would be
 * from a dgram 'message' listener.
 */
void io_engine_deliver(io_engine *e) {
  if (e->pending == 0 || e->delivering || e->closing) return;
  napi_env env = e->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  e->delivering = 1;
  napi_value cb, recv, argv[1], result;
  napi_status st = napi_get_reference_value(env, e->on_batch, &cb);
  if (st == napi_ok) st = napi_get_global(env, &recv); /* make_callback needs an object receiver */
  if (st == napi_ok) st = napi_create_uint32(env, e->pending, &argv[0]);
  if (st == napi_ok) st = napi_make_callback(env, e->async_context, recv, cb, 1, argv, &result);
  e->pending = 0;
  e->delivering = 0;
  if (st == napi_pending_exception) {
    napi_value err;
    if (napi_get_and_clear_last_exception(env, &err) == napi_ok) napi_fatal_exception(env, err);
  }
  napi_close_handle_scope(env, scope);
}

void io_engine_handle_closed(io_engine *e) {
  if (--e->closing_handles > 0) return;
  if (e->cleanup != NULL) {
    napi_remove_async_cleanup_hook(e->cleanup);
    e->cleanup = NULL;
  }
  e->handles_alive = 0;
  maybe_free(e);
}

/* Close every socket and the check handle. Idempotent; memory goes once both sides let go. */
void io_engine_close(io_engine *e) {
  if (e->closing) return;
  e->closing = 1;
  e->pending = 0;
  e->closing_handles += 1; /* the check handle */
  for (uint32_t i = 0; i < e->socket_cap; i++) {
    if (e->sockets[i] != NULL) io_socket_close(e->sockets[i]);
  }
  uv_close((uv_handle_t *)&e->check, on_check_closed);
}

void io_engine_wrapper_finalized(io_engine *e) {
  io_engine_close(e);
  e->wrapper_alive = 0;
  maybe_free(e);
}
