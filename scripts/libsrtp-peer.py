#!/usr/bin/python3
"""libsrtp-peer: libsrtp2 as a long-running JSON-lines peer for the interop tests.

Run with /usr/bin/python3 (Debian's python3-pylibsrtp and libsrtp2-1; see
scripts/install-peers.sh). One JSON object per line on stdin, one reply per line on stdout, in
order, so a test can pipeline thousands of operations through one process.

libsrtp2 is called through ctypes rather than through pylibsrtp, because pylibsrtp 0.8 only
exposes four profiles (AES_CM_128_HMAC_SHA1_80/_32, AEAD_AES_128/256_GCM) and neither MKIs,
window sizes, ROC access nor per-direction security services. pylibsrtp's cffi declaration of
srtp_policy_t is still used at start-up to check the ctypes layout below against the library's
own header (libsrtp 2.5 srtp.h).

Requests (every request may carry "id", echoed back):
  {"op": "version"}
      -> {"ok": true, "version": "libsrtp2 2.5.0"}
  {"op": "create", "profile": "AES_CM_128_HMAC_SHA1_80", "direction": "outbound"|"inbound",
   "keys": [{"key": hex, "salt": hex, "mki": hex?}, ...],
   "windowSize": 128?, "allowRepeatTx": false?, "ssrc": int?,
   "srtcpTagLength": 4|10?, "encryptSrtp": true?, "encryptSrtcp": true?,
   "authenticateSrtp": true?, "rtpAuthTagLength": n?}
      -> {"ok": true, "session": n}
      Without "ssrc" the policy is the wildcard ssrc_any_outbound/ssrc_any_inbound.
      With MKIs (every key has "mki", all of one length) protect uses key "mkiIndex" (default 0).
  {"op": "protectRtp"|"unprotectRtp"|"protectRtcp"|"unprotectRtcp", "session": n,
   "packet": hex, "mkiIndex": k?}
      -> {"ok": true, "rc": 0, "status": "ok", "packet": hex}
      -> {"ok": true, "rc": 7, "status": "auth_fail"}          (libsrtp refused the packet)
  {"op": "getRoc", "session": n, "ssrc": int} -> {"ok": true, "rc": 0, "roc": int}
  {"op": "setRoc", "session": n, "ssrc": int, "roc": int} -> {"ok": true, "rc": 0}
  {"op": "dealloc", "session": n} -> {"ok": true}
A malformed request gets {"ok": false, "error": "..."}; the process keeps running.

The process exits when stdin closes, and (Linux) when its parent dies.
"""

import ctypes
import json
import sys

LIB = ctypes.CDLL("libsrtp2.so.1")

# srtp.h (libsrtp 2.5): srtp_cipher_type_id_t / srtp_auth_type_id_t values (crypto_types.h).
SRTP_NULL_CIPHER = 0
SRTP_NULL_AUTH = 0
SRTP_HMAC_SHA1 = 3
SEC_SERV_NONE, SEC_SERV_CONF, SEC_SERV_AUTH, SEC_SERV_CONF_AND_AUTH = 0, 1, 2, 3
SSRC_SPECIFIC, SSRC_ANY_INBOUND, SSRC_ANY_OUTBOUND = 1, 2, 3
SRTP_MAX_TRAILER_LEN = 16 + 128

ERRORS = {
    0: "ok", 1: "fail", 2: "bad_param", 3: "alloc_fail", 4: "dealloc_fail", 5: "init_fail",
    6: "terminus", 7: "auth_fail", 8: "cipher_fail", 9: "replay_fail", 10: "replay_old",
    11: "algo_fail", 12: "no_such_op", 13: "no_ctx", 14: "cant_check", 15: "key_expired",
    18: "nonce_bad", 21: "parse_err", 25: "bad_mki", 26: "pkt_idx_old", 27: "pkt_idx_adv",
}


class CryptoPolicy(ctypes.Structure):
    _fields_ = [
        ("cipher_type", ctypes.c_uint32),
        ("cipher_key_len", ctypes.c_int),
        ("auth_type", ctypes.c_uint32),
        ("auth_key_len", ctypes.c_int),
        ("auth_tag_len", ctypes.c_int),
        ("sec_serv", ctypes.c_int),
    ]


class Ssrc(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("value", ctypes.c_uint)]


class MasterKey(ctypes.Structure):
    _fields_ = [
        ("key", ctypes.c_void_p),
        ("mki_id", ctypes.c_void_p),
        ("mki_size", ctypes.c_uint),
    ]


class Policy(ctypes.Structure):
    _fields_ = [
        ("ssrc", Ssrc),
        ("rtp", CryptoPolicy),
        ("rtcp", CryptoPolicy),
        ("key", ctypes.c_void_p),
        ("keys", ctypes.POINTER(ctypes.POINTER(MasterKey))),
        ("num_master_keys", ctypes.c_ulong),
        ("deprecated_ekt", ctypes.c_void_p),
        ("window_size", ctypes.c_ulong),
        ("allow_repeat_tx", ctypes.c_int),
        ("enc_xtn_hdr", ctypes.POINTER(ctypes.c_int)),
        ("enc_xtn_hdr_count", ctypes.c_int),
        ("next", ctypes.c_void_p),
    ]


def check_layout():
    """Compare the ctypes srtp_policy_t with the one pylibsrtp's cffi compiled from srtp.h."""
    from pylibsrtp import ffi  # noqa: WPS433 (import only used for the layout check)

    for field in ("ssrc", "rtp", "rtcp", "key", "window_size", "allow_repeat_tx"):
        ours = getattr(Policy, field).offset
        theirs = ffi.offsetof("srtp_policy_t", field)
        if ours != theirs:
            raise SystemExit(f"libsrtp-peer: srtp_policy_t.{field} at {ours}, libsrtp has {theirs}")
    if ctypes.sizeof(Policy) != ffi.sizeof("srtp_policy_t"):
        raise SystemExit("libsrtp-peer: srtp_policy_t size differs from libsrtp's")
    if ctypes.sizeof(CryptoPolicy) != ffi.sizeof("srtp_crypto_policy_t"):
        raise SystemExit("libsrtp-peer: srtp_crypto_policy_t size differs from libsrtp's")


PolicyP = ctypes.POINTER(CryptoPolicy)
for _name in (
    "srtp_crypto_policy_set_rtp_default",
    "srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32",
    "srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80",
    "srtp_crypto_policy_set_aes_cm_192_hmac_sha1_32",
    "srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80",
    "srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32",
    "srtp_crypto_policy_set_aes_gcm_128_16_auth",
    "srtp_crypto_policy_set_aes_gcm_256_16_auth",
    "srtp_crypto_policy_set_null_cipher_hmac_sha1_80",
):
    getattr(LIB, _name).argtypes = [PolicyP]
    getattr(LIB, _name).restype = None

srtp_t = ctypes.c_void_p
LIB.srtp_init.restype = ctypes.c_int
LIB.srtp_create.argtypes = [ctypes.POINTER(srtp_t), ctypes.POINTER(Policy)]
LIB.srtp_create.restype = ctypes.c_int
LIB.srtp_dealloc.argtypes = [srtp_t]
LIB.srtp_dealloc.restype = ctypes.c_int
for _name in ("srtp_protect_mki", "srtp_protect_rtcp_mki"):
    getattr(LIB, _name).argtypes = [srtp_t, ctypes.c_void_p, ctypes.POINTER(ctypes.c_int), ctypes.c_uint, ctypes.c_uint]
    getattr(LIB, _name).restype = ctypes.c_int
for _name in ("srtp_unprotect_mki", "srtp_unprotect_rtcp_mki"):
    getattr(LIB, _name).argtypes = [srtp_t, ctypes.c_void_p, ctypes.POINTER(ctypes.c_int), ctypes.c_uint]
    getattr(LIB, _name).restype = ctypes.c_int
LIB.srtp_get_stream_roc.argtypes = [srtp_t, ctypes.c_uint32, ctypes.POINTER(ctypes.c_uint32)]
LIB.srtp_get_stream_roc.restype = ctypes.c_int
LIB.srtp_set_stream_roc.argtypes = [srtp_t, ctypes.c_uint32, ctypes.c_uint32]
LIB.srtp_set_stream_roc.restype = ctypes.c_int
LIB.srtp_get_version_string.restype = ctypes.c_char_p


def _null_hmac(p, tag_len):
    LIB.srtp_crypto_policy_set_null_cipher_hmac_sha1_80(p)
    p.contents.auth_tag_len = tag_len


# profile -> (RTP policy setter, SRTCP policy setter (80-bit tag, as libsrtp's
# srtp_crypto_policy_set_from_profile_for_rtcp does for the _32 profiles), SRTCP setter for a
# 32-bit SRTCP tag, master key length, master salt length).
PROFILES = {
    "AES_CM_128_HMAC_SHA1_80": (LIB.srtp_crypto_policy_set_rtp_default, LIB.srtp_crypto_policy_set_rtp_default,
                                LIB.srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32, 16, 14),
    "AES_CM_128_HMAC_SHA1_32": (LIB.srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32, LIB.srtp_crypto_policy_set_rtp_default,
                                LIB.srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32, 16, 14),
    "AES_192_CM_HMAC_SHA1_80": (LIB.srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80, LIB.srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80,
                                LIB.srtp_crypto_policy_set_aes_cm_192_hmac_sha1_32, 24, 14),
    "AES_192_CM_HMAC_SHA1_32": (LIB.srtp_crypto_policy_set_aes_cm_192_hmac_sha1_32, LIB.srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80,
                                LIB.srtp_crypto_policy_set_aes_cm_192_hmac_sha1_32, 24, 14),
    "AES_256_CM_HMAC_SHA1_80": (LIB.srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80, LIB.srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80,
                                LIB.srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32, 32, 14),
    "AES_256_CM_HMAC_SHA1_32": (LIB.srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32, LIB.srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80,
                                LIB.srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32, 32, 14),
    "AEAD_AES_128_GCM": (LIB.srtp_crypto_policy_set_aes_gcm_128_16_auth, LIB.srtp_crypto_policy_set_aes_gcm_128_16_auth,
                         None, 16, 12),
    "AEAD_AES_256_GCM": (LIB.srtp_crypto_policy_set_aes_gcm_256_16_auth, LIB.srtp_crypto_policy_set_aes_gcm_256_16_auth,
                         None, 32, 12),
    "NULL_HMAC_SHA1_80": (lambda p: _null_hmac(p, 10), lambda p: _null_hmac(p, 10), lambda p: _null_hmac(p, 4), 16, 14),
    "NULL_HMAC_SHA1_32": (lambda p: _null_hmac(p, 4), lambda p: _null_hmac(p, 10), lambda p: _null_hmac(p, 4), 16, 14),
}


class RequestError(Exception):
    pass


class Session:
    """One srtp_t with one policy, plus the buffers that must outlive it."""

    def __init__(self, req):
        name = req.get("profile")
        if name not in PROFILES:
            raise RequestError(f"unknown profile {name!r}")
        set_rtp, set_rtcp, set_rtcp_32, key_len, salt_len = PROFILES[name]
        aead = name.startswith("AEAD_")
        policy = Policy()
        set_rtp(ctypes.pointer(policy.rtp))
        tag = req.get("srtcpTagLength")
        if tag is None or (tag == 10 and not aead) or (tag == 16 and aead):
            set_rtcp(ctypes.pointer(policy.rtcp))
        elif tag == 4 and set_rtcp_32 is not None:
            set_rtcp_32(ctypes.pointer(policy.rtcp))
        else:
            raise RequestError(f"srtcpTagLength {tag} not available for {name}")
        if req.get("rtpAuthTagLength") is not None:
            # Workaround hook for libsrtp 2.5's MKI lookup, which uses the SRTP tag length for
            # SRTCP too; only meant for sessions that carry SRTCP alone.
            policy.rtp.auth_tag_len = int(req["rtpAuthTagLength"])
        if req.get("encryptSrtp") is False:
            policy.rtp.sec_serv = SEC_SERV_AUTH
        if req.get("encryptSrtcp") is False:
            policy.rtcp.sec_serv = SEC_SERV_AUTH
        if req.get("authenticateSrtp") is False:
            if aead:
                raise RequestError("authenticateSrtp=false is not available for AEAD profiles")
            policy.rtp.auth_type = SRTP_NULL_AUTH
            policy.rtp.auth_key_len = 0
            policy.rtp.auth_tag_len = 0
            policy.rtp.sec_serv &= SEC_SERV_CONF

        direction = req.get("direction")
        if direction not in ("inbound", "outbound"):
            raise RequestError("direction must be inbound or outbound")
        if "ssrc" in req and req["ssrc"] is not None:
            policy.ssrc.type = SSRC_SPECIFIC
            policy.ssrc.value = int(req["ssrc"]) & 0xFFFFFFFF
        else:
            policy.ssrc.type = SSRC_ANY_INBOUND if direction == "inbound" else SSRC_ANY_OUTBOUND
        policy.window_size = int(req.get("windowSize", 0))
        policy.allow_repeat_tx = 1 if req.get("allowRepeatTx") else 0

        keys = req.get("keys")
        if not isinstance(keys, list) or not keys:
            raise RequestError("keys must be a non-empty list")
        self._keep = []  # key buffers referenced by the policy while srtp_create copies them
        with_mki = [("mki" in k and k["mki"] is not None) for k in keys]
        if any(with_mki) and not all(with_mki):
            raise RequestError("either every key has an mki or none has")
        self.use_mki = all(with_mki)
        master = []
        for k in keys:
            key = bytes.fromhex(k["key"])
            salt = bytes.fromhex(k["salt"])
            if len(key) != key_len or len(salt) != salt_len:
                raise RequestError(f"{name} needs a {key_len}-byte key and a {salt_len}-byte salt")
            master.append((ctypes.create_string_buffer(key + salt), bytes.fromhex(k["mki"]) if self.use_mki else b""))
        if self.use_mki:
            structs = (ctypes.POINTER(MasterKey) * len(master))()
            for i, (buf, mki) in enumerate(master):
                mki_buf = ctypes.create_string_buffer(mki, max(len(mki), 1))
                mk = MasterKey(ctypes.cast(buf, ctypes.c_void_p), ctypes.cast(mki_buf, ctypes.c_void_p), len(mki))
                self._keep += [buf, mki_buf, mk]
                structs[i] = ctypes.pointer(mk)
            self._keep.append(structs)
            policy.keys = structs
            policy.num_master_keys = len(master)
        else:
            if len(master) != 1:
                raise RequestError("several keys need an mki each")
            self._keep.append(master[0][0])
            policy.key = ctypes.cast(master[0][0], ctypes.c_void_p)

        self.ctx = srtp_t()
        rc = LIB.srtp_create(ctypes.byref(self.ctx), ctypes.byref(policy))
        if rc != 0:
            raise RequestError(f"srtp_create failed: {ERRORS.get(rc, rc)}")
        self._keep.clear()  # srtp_create copied the keys

    def run(self, op, req):
        packet = bytes.fromhex(req["packet"])
        buf = ctypes.create_string_buffer(packet, len(packet) + SRTP_MAX_TRAILER_LEN + 4)
        length = ctypes.c_int(len(packet))
        use_mki = 1 if self.use_mki else 0
        if op == "protectRtp":
            rc = LIB.srtp_protect_mki(self.ctx, buf, ctypes.byref(length), use_mki, int(req.get("mkiIndex", 0)))
        elif op == "protectRtcp":
            rc = LIB.srtp_protect_rtcp_mki(self.ctx, buf, ctypes.byref(length), use_mki, int(req.get("mkiIndex", 0)))
        elif op == "unprotectRtp":
            rc = LIB.srtp_unprotect_mki(self.ctx, buf, ctypes.byref(length), use_mki)
        else:
            rc = LIB.srtp_unprotect_rtcp_mki(self.ctx, buf, ctypes.byref(length), use_mki)
        reply = {"ok": True, "rc": rc, "status": ERRORS.get(rc, f"err_{rc}")}
        if rc == 0:
            reply["packet"] = buf.raw[: length.value].hex()
        return reply

    def close(self):
        if self.ctx:
            LIB.srtp_dealloc(self.ctx)
            self.ctx = srtp_t()


def die_with_parent():
    """Linux: get SIGKILL when the parent (the test runner) goes away, even if it crashed."""
    try:
        libc = ctypes.CDLL(None)
        PR_SET_PDEATHSIG, SIGKILL = 1, 9
        libc.prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def main():
    die_with_parent()
    # Importing pylibsrtp (for the layout check) runs srtp_init() on the same shared libsrtp2;
    # a second srtp_init() would fail, so the library is initialised exactly once, there.
    check_layout()
    sessions = {}
    next_id = 1
    out = sys.stdout
    for line in sys.stdin:
        if not line.strip():
            continue
        req = {}
        try:
            req = json.loads(line)
            op = req.get("op")
            if op in ("protectRtp", "unprotectRtp", "protectRtcp", "unprotectRtcp"):
                reply = sessions[req["session"]].run(op, req)
            elif op == "create":
                sessions[next_id] = Session(req)
                reply = {"ok": True, "session": next_id}
                next_id += 1
            elif op == "getRoc":
                roc = ctypes.c_uint32(0)
                rc = LIB.srtp_get_stream_roc(sessions[req["session"]].ctx, int(req["ssrc"]) & 0xFFFFFFFF, ctypes.byref(roc))
                reply = {"ok": True, "rc": rc, "status": ERRORS.get(rc, f"err_{rc}"), "roc": roc.value}
            elif op == "setRoc":
                rc = LIB.srtp_set_stream_roc(sessions[req["session"]].ctx, int(req["ssrc"]) & 0xFFFFFFFF, int(req["roc"]) & 0xFFFFFFFF)
                reply = {"ok": True, "rc": rc, "status": ERRORS.get(rc, f"err_{rc}")}
            elif op == "dealloc":
                sessions.pop(req["session"]).close()
                reply = {"ok": True}
            elif op == "version":
                reply = {"ok": True, "version": LIB.srtp_get_version_string().decode()}
            else:
                raise RequestError(f"unknown op {op!r}")
        except (RequestError, KeyError, ValueError, TypeError) as e:
            reply = {"ok": False, "error": f"{type(e).__name__}: {e}"}
        if isinstance(req, dict) and "id" in req:
            reply["id"] = req["id"]
        try:
            out.write(json.dumps(reply, separators=(",", ":")) + "\n")
            out.flush()
        except BrokenPipeError:
            break
    for s in sessions.values():
        s.close()


if __name__ == "__main__":
    main()
