"""deploy/local/run.sh end to end: starts it with a temp data folder and a
free port base, checks the portal page answers and that a comment posted
through one replica is listed through another, stops it with SIGINT (what
Ctrl-C sends) and checks every process it started is gone; then starts it
again on the same folder and checks the comment is still there.

  local_run_test.py ROOT BUILD_DIR
"""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT, BUILD = sys.argv[1], sys.argv[2]
SCRIPT = os.path.join(ROOT, "deploy/local/run.sh")
CTL = os.path.join(BUILD, "client/commentctl")
# run.sh's ports, from its base.
OFFSETS = list(range(0, 6)) + list(range(10, 16)) + [20, 21, 22, 30,
                                                    40, 41, 42]
STARTUP_SECONDS = 120
STOP_SECONDS = 30


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def port_free(port):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def free_base(rng):
    for _ in range(50):
        base = rng.randrange(20000, 40000, 100)
        if all(port_free(base + o) for o in OFFSETS):
            return base
    fail("no free port base")


def descendants(pid):
    """Every process below `pid`, from /proc."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def ctl(port, *args):
    return subprocess.run([CTL, "--target=127.0.0.1:%d" % port,
                           "--deadline=5s"] + list(args),
                          capture_output=True, text=True, timeout=30)


class Run:
    """One run.sh, up for the body of a `with`."""

    def __init__(self, data, base):
        env = dict(os.environ, COMMENTS_LOCAL_DIR=data,
                   COMMENTS_LOCAL_PORT_BASE=str(base), COMMENTS_BUILD_DIR=BUILD)
        self.out_path = os.path.join(os.path.dirname(data), "run.out")
        self.out = open(self.out_path, "w")
        self.proc = subprocess.Popen(["bash", SCRIPT], env=env, stdout=self.out,
                                     stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if "Ctrl-C stops" in self.output():
                return
            if self.proc.poll() is not None:
                fail("run.sh exited %d before it was up:\n%s" %
                     (self.proc.returncode, self.output()))
            time.sleep(0.2)
        self.kill()
        fail("run.sh was not up after %d s:\n%s" %
             (STARTUP_SECONDS, self.output()))

    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        """Stops it with SIGINT, or kills it when the body failed."""
        if kind is None:
            self.stop()
        else:
            self.kill()

    def output(self):
        with open(self.out_path) as f:
            return f.read()

    def kill(self):
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        started = descendants(self.proc.pid)
        if len(started) < 10:
            self.kill()
            fail("expected 6 redis-servers, 3 servers and the portal under "
                 "run.sh, found %d processes" % len(started))
        os.kill(self.proc.pid, signal.SIGINT)
        try:
            code = self.proc.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.kill()
            fail("run.sh still running %d s after SIGINT" % STOP_SECONDS)
        left = [p for p in started if alive(p)]
        if left:
            os.killpg(self.proc.pid, signal.SIGKILL)
            fail("processes left after SIGINT: %s" % left)
        if code != 0:
            fail("run.sh exited %d after SIGINT:\n%s" % (code, self.output()))
        if "Data kept" not in self.output():
            fail("run.sh did not say it kept the data:\n" + self.output())


def main():
    import random
    rng = random.Random()
    with tempfile.TemporaryDirectory(prefix="deploy-local-") as tmp:
        data = os.path.join(tmp, "data")
        base = free_base(rng)
        with Run(data, base):
            with urllib.request.urlopen(
                    "http://127.0.0.1:%d/" % (base + 30), timeout=10) as page:
                html = page.read().decode("utf-8")
            if page.status != 200 or "评论" not in html:
                fail("the portal page does not show the comment block")
            # The portal's one target names the three replicas and spreads
            # its calls over them: each replica's metrics count some. (A
            # page is three calls, so round-robin may well give each replica
            # the same method every time: count any.)
            for _ in range(11):
                urllib.request.urlopen(
                    "http://127.0.0.1:%d/" % (base + 30), timeout=10).read()
            for replica in range(3):
                with urllib.request.urlopen(
                        "http://127.0.0.1:%d/metrics" % (base + 40 + replica),
                        timeout=10) as metrics:
                    text = metrics.read().decode("utf-8")
                if not any(line.startswith("grpc_server_handled_total{")
                           and "CommentService" in line
                           and not line.endswith(" 0")
                           for line in text.splitlines()):
                    fail("replica %d served none of the portal's calls:\n%s"
                         % (replica + 1, text))
            posted = ctl(base + 20, "post", "deploy-test", "reader-1",
                         "posted through replica one")
            if posted.returncode != 0:
                fail("post: " + posted.stderr)
            listed = ctl(base + 22, "list", "deploy-test")
            if "posted through replica one" not in listed.stdout:
                fail("not listed through replica three: " + listed.stdout +
                     listed.stderr)

        # Second run, same folder: the cluster comes back with its data.
        with Run(data, base):
            listed = ctl(base + 21, "list", "deploy-test")
            if "posted through replica one" not in listed.stdout:
                fail("the comment is gone after a restart: " + listed.stdout +
                     listed.stderr)
    print("ok")


if __name__ == "__main__":
    main()
