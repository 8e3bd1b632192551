"""The pip install lock dies with its holder: a worker or engine killed mid-install never blocks later workers."""

import os
import signal
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support import PYTHON_DIR, Sandbox  # noqa: E402

from vast_worker.install import InstallError, InstallLock  # noqa: E402

HOLDER = """
import sys, time
sys.path.insert(0, sys.argv[2])
from vast_worker.install import InstallLock
with InstallLock(sys.argv[1], 5):
    print("locked", flush=True)
    time.sleep(60)
"""


class InstallLockLifetime(unittest.TestCase):
    def setUp(self) -> None:
        self.sandbox = Sandbox()
        self.addCleanup(self.sandbox.close)
        self.lock = os.path.join(self.sandbox.root, "venv.install-lock")

    def hold_in_another_process(self) -> subprocess.Popen:
        proc = subprocess.Popen([sys.executable, "-c", HOLDER, self.lock, PYTHON_DIR], stdout=subprocess.PIPE, text=True)
        self.addCleanup(proc.stdout.close)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        self.assertEqual(proc.stdout.readline().strip(), "locked")
        return proc

    def test_a_live_holder_makes_others_wait_then_time_out_naming_it(self) -> None:
        holder = self.hold_in_another_process()
        with self.assertRaises(InstallError) as cm:
            with InstallLock(self.lock, 0.5):
                self.fail("acquired a lock another process holds")
        self.assertIn(f"pid {holder.pid}", str(cm.exception))

    def test_a_killed_holder_releases_the_lock_at_once(self) -> None:
        holder = self.hold_in_another_process()
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
        # the lock file is still there, with the dead holder's pid in it; it must not matter
        self.assertTrue(os.path.exists(self.lock))
        with InstallLock(self.lock, 30):  # a lock that outlived its holder would time out here
            with open(self.lock) as f:
                self.assertEqual(f.read(), str(os.getpid()))


if __name__ == "__main__":
    unittest.main()
