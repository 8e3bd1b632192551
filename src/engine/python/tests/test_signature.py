import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support import KeyPair, Sandbox  # noqa: E402

from vast_worker import signature  # noqa: E402


class SignatureVerification(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.sandbox = Sandbox()
        cls.keys = KeyPair(cls.sandbox.root)
        cls.other = KeyPair(os.path.join(cls.sandbox.workdir))
        cls.key = signature.parse_public_key_pem(cls.keys.public_pem)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.sandbox.close()

    def test_signed_message_is_the_sdk_json(self) -> None:
        self.assertEqual(signature.signed_message("http://1.2.3.4:5"), b'{\n    "url": "http://1.2.3.4:5"\n}')

    def test_openssl_signature_verifies(self) -> None:
        url = "http://127.0.0.1:4444"
        self.assertTrue(signature.verify_url(self.key, url, self.keys.sign(signature.signed_message(url))))

    def test_pkcs1_pem_gives_the_same_key(self) -> None:
        pkcs1 = subprocess.run(["openssl", "rsa", "-in", self.keys.private, "-RSAPublicKey_out"], check=True,
                               capture_output=True).stdout.decode()
        self.assertIn("BEGIN RSA PUBLIC KEY", pkcs1)
        self.assertEqual(signature.parse_public_key_pem(pkcs1), self.key)
        self.assertEqual(self.key[1], 65537)

    def test_other_url_wrong_key_and_garbage_are_refused(self) -> None:
        url = "http://127.0.0.1:4444"
        sig = self.keys.sign(signature.signed_message(url))
        self.assertFalse(signature.verify_url(self.key, "http://127.0.0.1:4445", sig))
        other_key = signature.parse_public_key_pem(self.other.public_pem)
        self.assertFalse(signature.verify_url(other_key, url, sig))
        self.assertFalse(signature.verify_url(self.key, url, "not base64!"))
        self.assertFalse(signature.verify_url(self.key, url, sig[:-8] + "AAAAAAA="))
        self.assertFalse(signature.verify_url(self.key, url, ""))

    def test_bad_pem_is_a_clear_error(self) -> None:
        with self.assertRaises(signature.PublicKeyError) as cm:
            signature.parse_public_key_pem("hello")
        self.assertIn("BEGIN PUBLIC KEY", str(cm.exception))
        ec = subprocess.run(["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout"], check=True,
                            capture_output=True).stdout
        ec_pub = subprocess.run(["openssl", "ec", "-pubout"], input=ec, check=True, capture_output=True).stdout
        with self.assertRaises(signature.PublicKeyError) as cm:
            signature.parse_public_key_pem(ec_pub.decode())
        self.assertIn("not an RSA key", str(cm.exception))


if __name__ == "__main__":
    unittest.main()
