/*
 * N-API glue (node_api.h only, no V8 or libuv version coupling beyond uv_poll/uv_check, so the
 * addon loads in worker threads and keeps working across Node 20 patch releases). Exports:
 *
 *   createEngine(slots, slotSize, txSlotSize, onBatch) -> { rx, tx, meta }   (ArrayBuffers)
 *   bind(engine, family, address, port) -> socket id       (throws Error with .code = errno name)
 *   localPort(engine, id) -> port
 *   start(engine, id)                                       (start polling: datagrams flow)
 *   closeSocket(engine, id)
 *   flush(engine, count) -> failures                        (send records [0, count))
 *   closeEngine(engine)
 *   parseAddress(text, Int32Array(4)) -> 4 | 6 | 0
 *   formatAddress(family, w0, w1, w2, w3) -> string
 *   layout -> word offsets of the records, checked by native-layout.ts
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "engine.h"

#define THROW(env, code, msg) \
  do { napi_throw_error((env), (code), (msg)); return NULL; } while (0)

static void throw_errno(napi_env env, int err, const char *what) {
  char msg[160];
  const char *name = uv_err_name(uv_translate_sys_error(err));
  snprintf(msg, sizeof(msg), "%s: %s", what, strerror(err));
  napi_throw_error(env, name, msg);
}

static napi_value undefined(napi_env env) {
  napi_value v;
  napi_get_undefined(env, &v);
  return v;
}

static void finalize_engine(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  io_engine_wrapper_finalized(data);
}

static io_engine *engine_arg(napi_env env, napi_value v) {
  void *data = NULL;
  if (napi_unwrap(env, v, &data) != napi_ok || data == NULL) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "not a packet I/O engine");
    return NULL;
  }
  return data;
}

static int int_arg(napi_env env, napi_value v, int32_t *out) {
  if (napi_get_value_int32(env, v, out) != napi_ok) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "expected a number");
    return -1;
  }
  return 0;
}

static napi_value create_engine(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 4) THROW(env, "ERR_INVALID_ARG_TYPE", "createEngine(slots, slotSize, txSlotSize, onBatch)");
  int32_t slots, slot_size, tx_slot_size;
  if (int_arg(env, argv[0], &slots) || int_arg(env, argv[1], &slot_size) || int_arg(env, argv[2], &tx_slot_size)) return NULL;
  if (slots < 1 || slots > MAX_SLOTS || slot_size < 64 || slot_size > MAX_SLOT_SIZE || tx_slot_size < slot_size || tx_slot_size > MAX_SLOT_SIZE + 4096) {
    THROW(env, "ERR_OUT_OF_RANGE", "slots 1..1024, slot sizes 64..65536");
  }
  napi_valuetype t;
  napi_typeof(env, argv[3], &t);
  if (t != napi_function) THROW(env, "ERR_INVALID_ARG_TYPE", "onBatch must be a function");
  napi_value rx, tx, meta, obj;
  io_engine *e = io_engine_create(env, (uint32_t)slots, (uint32_t)slot_size, (uint32_t)tx_slot_size, argv[3], &rx, &tx, &meta);
  if (e == NULL) THROW(env, "ENOMEM", "cannot create the packet I/O engine");
  napi_create_object(env, &obj);
  napi_set_named_property(env, obj, "rx", rx);
  napi_set_named_property(env, obj, "tx", tx);
  napi_set_named_property(env, obj, "meta", meta);
  if (napi_wrap(env, obj, e, finalize_engine, NULL, NULL) != napi_ok) {
    io_engine_wrapper_finalized(e);
    THROW(env, "ENOMEM", "cannot wrap the packet I/O engine");
  }
  return obj;
}

static napi_value bind_socket(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 4) THROW(env, "ERR_INVALID_ARG_TYPE", "bind(engine, family, address, port)");
  io_engine *e = engine_arg(env, argv[0]);
  if (e == NULL) return NULL;
  int32_t family, port;
  if (int_arg(env, argv[1], &family) || int_arg(env, argv[3], &port)) return NULL;
  char address[INET6_ADDRSTRLEN + 1];
  size_t len;
  if (napi_get_value_string_utf8(env, argv[2], address, sizeof(address), &len) != napi_ok) THROW(env, "ERR_INVALID_ARG_TYPE", "address must be a string");
  if (family != 4 && family != 6) THROW(env, "ERR_INVALID_ARG_VALUE", "family must be 4 or 6");
  int id;
  int err = io_socket_open(e, family, address, port, &id);
  if (err != 0) {
    throw_errno(env, -err, "bind");
    return NULL;
  }
  napi_value out;
  napi_create_int32(env, id, &out);
  return out;
}

static io_socket *socket_args(napi_env env, napi_callback_info info, io_engine **engine) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "expected (engine, socket id)");
    return NULL;
  }
  io_engine *e = engine_arg(env, argv[0]);
  if (e == NULL) return NULL;
  int32_t id;
  if (int_arg(env, argv[1], &id)) return NULL;
  if (engine != NULL) *engine = e;
  io_socket *s = io_socket_get(e, id);
  if (s == NULL) napi_throw_error(env, "EBADF", "no such socket (closed?)");
  return s;
}

static napi_value local_port(napi_env env, napi_callback_info info) {
  io_socket *s = socket_args(env, info, NULL);
  if (s == NULL) return NULL;
  int port = io_socket_local_port(s);
  if (port < 0) {
    throw_errno(env, -port, "getsockname");
    return NULL;
  }
  napi_value out;
  napi_create_int32(env, port, &out);
  return out;
}

static napi_value start_socket(napi_env env, napi_callback_info info) {
  io_socket *s = socket_args(env, info, NULL);
  if (s == NULL) return NULL;
  int err = io_socket_start(s);
  if (err != 0) THROW(env, uv_err_name(err), "cannot poll the socket");
  return undefined(env);
}

static napi_value close_socket(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2) THROW(env, "ERR_INVALID_ARG_TYPE", "closeSocket(engine, id)");
  io_engine *e = engine_arg(env, argv[0]);
  if (e == NULL) return NULL;
  int32_t id;
  if (int_arg(env, argv[1], &id)) return NULL;
  io_socket *s = io_socket_get(e, id);
  if (s != NULL) io_socket_close(s); /* closing a closed socket is a no-op */
  return undefined(env);
}

static napi_value flush(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2) THROW(env, "ERR_INVALID_ARG_TYPE", "flush(engine, count)");
  io_engine *e = engine_arg(env, argv[0]);
  if (e == NULL) return NULL;
  int32_t count;
  if (int_arg(env, argv[1], &count)) return NULL;
  if (count < 0 || (uint32_t)count > e->slots) THROW(env, "ERR_OUT_OF_RANGE", "count exceeds the send records");
  uint32_t failed = e->closing ? (uint32_t)count : io_engine_flush(e, (uint32_t)count);
  napi_value out;
  napi_create_uint32(env, failed, &out);
  return out;
}

static napi_value close_engine(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1) THROW(env, "ERR_INVALID_ARG_TYPE", "closeEngine(engine)");
  io_engine *e = engine_arg(env, argv[0]);
  if (e == NULL) return NULL;
  io_engine_close(e);
  return undefined(env);
}

static napi_value parse_address(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2) THROW(env, "ERR_INVALID_ARG_TYPE", "parseAddress(text, words)");
  char text[INET6_ADDRSTRLEN + 1];
  size_t len;
  napi_value out;
  if (napi_get_value_string_utf8(env, argv[0], text, sizeof(text), &len) != napi_ok || len >= INET6_ADDRSTRLEN) {
    napi_create_int32(env, 0, &out);
    return out;
  }
  napi_typedarray_type type;
  size_t length;
  void *data;
  if (napi_get_typedarray_info(env, argv[1], &type, &length, &data, NULL, NULL) != napi_ok || type != napi_int32_array || length < 4) {
    THROW(env, "ERR_INVALID_ARG_TYPE", "words must be an Int32Array(4)");
  }
  napi_create_int32(env, io_parse_address(text, data), &out);
  return out;
}

static napi_value format_address(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 5) THROW(env, "ERR_INVALID_ARG_TYPE", "formatAddress(family, w0, w1, w2, w3)");
  int32_t family, words[4];
  if (int_arg(env, argv[0], &family)) return NULL;
  for (int i = 0; i < 4; i++) if (int_arg(env, argv[1 + i], &words[i])) return NULL;
  struct sockaddr_storage ss;
  socklen_t len;
  char text[INET6_ADDRSTRLEN];
  if (io_words_to_address(family, words, 0, &ss, &len) != 0) THROW(env, "ERR_INVALID_ARG_VALUE", "family must be 4 or 6");
  const void *src = family == 4 ? (const void *)&((struct sockaddr_in *)&ss)->sin_addr : (const void *)&((struct sockaddr_in6 *)&ss)->sin6_addr;
  if (inet_ntop(family == 4 ? AF_INET : AF_INET6, src, text, sizeof(text)) == NULL) THROW(env, "EINVAL", "cannot format the address");
  napi_value out;
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &out);
  return out;
}

static void set_int(napi_env env, napi_value obj, const char *name, int32_t v) {
  napi_value n;
  napi_create_int32(env, v, &n);
  napi_set_named_property(env, obj, name, n);
}

static napi_value layout(napi_env env) {
  napi_value o;
  napi_create_object(env, &o);
  set_int(env, o, "RX_SOCKET", RX_SOCKET);
  set_int(env, o, "RX_LENGTH", RX_LENGTH);
  set_int(env, o, "RX_FLAGS", RX_FLAGS);
  set_int(env, o, "RX_PORT", RX_PORT);
  set_int(env, o, "RX_FAMILY", RX_FAMILY);
  set_int(env, o, "RX_ADDR0", RX_ADDR0);
  set_int(env, o, "RX_WORDS", RX_WORDS);
  set_int(env, o, "RX_FLAG_TRUNCATED", RX_FLAG_TRUNCATED);
  set_int(env, o, "TX_SOCKET", TX_SOCKET);
  set_int(env, o, "TX_REGION", TX_REGION);
  set_int(env, o, "TX_OFFSET", TX_OFFSET);
  set_int(env, o, "TX_LENGTH", TX_LENGTH);
  set_int(env, o, "TX_PORT", TX_PORT);
  set_int(env, o, "TX_FAMILY", TX_FAMILY);
  set_int(env, o, "TX_ADDR0", TX_ADDR0);
  set_int(env, o, "TX_RESULT", TX_RESULT);
  set_int(env, o, "TX_WORDS", TX_WORDS);
  set_int(env, o, "TX_REGION_RX", TX_REGION_RX);
  set_int(env, o, "TX_REGION_TX", TX_REGION_TX);
  return o;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    {"createEngine", NULL, create_engine, NULL, NULL, NULL, napi_enumerable, NULL},
    {"bind", NULL, bind_socket, NULL, NULL, NULL, napi_enumerable, NULL},
    {"localPort", NULL, local_port, NULL, NULL, NULL, napi_enumerable, NULL},
    {"start", NULL, start_socket, NULL, NULL, NULL, napi_enumerable, NULL},
    {"closeSocket", NULL, close_socket, NULL, NULL, NULL, napi_enumerable, NULL},
    {"flush", NULL, flush, NULL, NULL, NULL, napi_enumerable, NULL},
    {"closeEngine", NULL, close_engine, NULL, NULL, NULL, napi_enumerable, NULL},
    {"parseAddress", NULL, parse_address, NULL, NULL, NULL, napi_enumerable, NULL},
    {"formatAddress", NULL, format_address, NULL, NULL, NULL, napi_enumerable, NULL},
    {"layout", NULL, NULL, NULL, NULL, layout(env), napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props) != napi_ok) return NULL;
  return exports;
}

/* NAPI_MODULE_INIT-style registration that is safe to load in several worker threads. */
NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
