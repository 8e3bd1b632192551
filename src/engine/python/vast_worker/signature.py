"""RSA PKCS#1 v1.5 / SHA-256 verification of the autoscaler's route signature, with the standard library only.

The autoscaler signs `json.dumps({"url": url}, indent=4, sort_keys=True)` (only the URL) and sends the signature
base64-encoded in auth_data["signature"]; the key comes from `GET {REPORT_ADDR}/pubkey/` as PEM.
"""

import base64
import functools
import binascii
import hashlib
import hmac
import json
import re
from typing import Tuple

# DER of DigestInfo { AlgorithmIdentifier sha256, NULL } up to the 32-byte OCTET STRING header (RFC 8017 §9.2).
_SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")
_RSA_ENCRYPTION_OID = bytes.fromhex("2a864886f70d010101")


class PublicKeyError(ValueError):
    """The PEM is not an RSA public key this module can read."""


def _read_tlv(data: bytes, pos: int) -> Tuple[int, bytes, int]:
    """One DER element at `pos` → (tag, value, position after it)."""
    if pos + 2 > len(data):
        raise PublicKeyError("truncated DER")
    tag = data[pos]
    length = data[pos + 1]
    pos += 2
    if length & 0x80:
        n = length & 0x7F
        if n == 0 or n > 4 or pos + n > len(data):
            raise PublicKeyError("bad DER length")
        length = int.from_bytes(data[pos : pos + n], "big")
        pos += n
    if pos + length > len(data):
        raise PublicKeyError("truncated DER")
    return tag, data[pos : pos + length], pos + length


def _read_rsa_public_key(der: bytes) -> Tuple[int, int]:
    """PKCS#1 RSAPublicKey: SEQUENCE { INTEGER n, INTEGER e }."""
    tag, body, _ = _read_tlv(der, 0)
    if tag != 0x30:
        raise PublicKeyError("RSAPublicKey is not a SEQUENCE")
    tag_n, n_bytes, pos = _read_tlv(body, 0)
    tag_e, e_bytes, _ = _read_tlv(body, pos)
    if tag_n != 0x02 or tag_e != 0x02:
        raise PublicKeyError("RSAPublicKey fields are not INTEGERs")
    return int.from_bytes(n_bytes, "big"), int.from_bytes(e_bytes, "big")


def parse_public_key_pem(pem: str) -> Tuple[int, int]:
    """PEM `PUBLIC KEY` (SubjectPublicKeyInfo) or `RSA PUBLIC KEY` (PKCS#1) → (modulus n, exponent e)."""
    m = re.search(r"-----BEGIN ((?:RSA )?PUBLIC KEY)-----(.*?)-----END \1-----", pem, re.S)
    if not m:
        raise PublicKeyError("no '-----BEGIN PUBLIC KEY-----' block in the key")
    try:
        der = base64.b64decode("".join(m.group(2).split()), validate=True)
    except binascii.Error as e:
        raise PublicKeyError(f"the PEM body is not base64: {e}") from None
    if m.group(1) == "RSA PUBLIC KEY":
        return _read_rsa_public_key(der)
    tag, spki, _ = _read_tlv(der, 0)
    if tag != 0x30:
        raise PublicKeyError("SubjectPublicKeyInfo is not a SEQUENCE")
    tag, algorithm, pos = _read_tlv(spki, 0)
    if tag != 0x30:
        raise PublicKeyError("AlgorithmIdentifier is not a SEQUENCE")
    tag, oid, _ = _read_tlv(algorithm, 0)
    if tag != 0x06 or oid != _RSA_ENCRYPTION_OID:
        raise PublicKeyError("the public key is not an RSA key")
    tag, bits, _ = _read_tlv(spki, pos)
    if tag != 0x03 or not bits or bits[0] != 0:
        raise PublicKeyError("subjectPublicKey is not a BIT STRING")
    return _read_rsa_public_key(bits[1:])


def signed_message(url: str) -> bytes:
    return json.dumps({"url": url}, indent=4, sort_keys=True).encode("utf-8")


def verify(key: Tuple[int, int], message: bytes, signature_b64: str) -> bool:
    """True when `signature_b64` is a valid RSASSA-PKCS1-v1_5 SHA-256 signature of `message` under `key`."""
    n, e = key
    try:
        sig = base64.b64decode(signature_b64, validate=True)
    except (binascii.Error, ValueError, TypeError):
        return False
    k = (n.bit_length() + 7) // 8
    if len(sig) != k:
        return False
    s = int.from_bytes(sig, "big")
    if s >= n:
        return False
    em = pow(s, e, n).to_bytes(k, "big")
    t = _SHA256_DIGEST_INFO + hashlib.sha256(message).digest()
    if k < len(t) + 11:
        return False
    expected = b"\x00\x01" + b"\xff" * (k - len(t) - 3) + b"\x00" + t
    return hmac.compare_digest(em, expected)


@functools.lru_cache(maxsize=256)
def verify_url(key: Tuple[int, int], url: str, signature_b64: str) -> bool:
    # The verdict depends only on its arguments, and every route to this worker carries the same (url, signature):
    # cached, the ~0.25 ms pure-Python RSA check runs once per key instead of on every call.
    return verify(key, signed_message(url), signature_b64)
