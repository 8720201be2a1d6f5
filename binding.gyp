# The media plane's batched UDP I/O addon (src/relay/io/native, Linux: recvmmsg/sendmmsg).
# Built by scripts/build-native-io.js during `npm ci` against the installed Node's headers;
# when it cannot be built the relay runs on node:dgram (src/relay/io/select-backend.ts).
{
  "targets": [
    {
      "target_name": "srtp_relay_io",
      "sources": [
        "src/relay/io/native/addon.c",
        "src/relay/io/native/engine.c",
        "src/relay/io/native/socket.c",
        "src/relay/io/native/send.c",
        "src/relay/io/native/address.c"
      ],
      "cflags": ["-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror"],
      "cflags!": ["-fno-exceptions"],
      "defines": ["_GNU_SOURCE"]
    }
  ]
}
