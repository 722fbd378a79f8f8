"""deploy/systemd: `systemd-analyze verify` on every unit (the template as
an instance), which must print nothing, with the ExecStart binaries pointed
at the built ones; `systemd-analyze security --offline` must rate each unit's
exposure at most MAX_EXPOSURE; and each unit keeps the hardening the
deployment promises (a dedicated user, ProtectSystem=strict,
NoNewPrivileges, a restart policy).

  systemd_units_test.py ROOT COMMENT_SERVER COMMENT_PORTAL
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT, SERVER, PORTAL = sys.argv[1:4]
UNITS = os.path.join(ROOT, "deploy/systemd")
# systemd-analyze security's scale: 0 (locked down) to 10 (exposed), in
# tenths for --threshold. The units rate 1.4-1.8 on systemd 252.
MAX_EXPOSURE = 25
REQUIRED = [r"^User=(?!root$)\S+", r"^ProtectSystem=strict$",
            r"^NoNewPrivileges=yes$", r"^Restart=(on-failure|always)$"]
errors = []


def main():
    systemd_analyze = shutil.which("systemd-analyze")
    if not systemd_analyze:
        sys.exit("systemd-analyze is missing (Debian package systemd)")
    with tempfile.TemporaryDirectory(prefix="deploy-systemd-") as tmp:
        units = []
        for name in sorted(os.listdir(UNITS)):
            if not name.endswith(".service"):
                continue
            with open(os.path.join(UNITS, name)) as f:
                text = f.read()
            for pattern in REQUIRED:
                if not re.search(pattern, text, re.M):
                    errors.append("%s: no line matching %s" % (name, pattern))
            text = text.replace("/usr/local/bin/comment-server", SERVER)
            text = text.replace("/usr/local/bin/comment-portal", PORTAL)
            if name.endswith("@.service"):
                name = name.replace("@.service", "@50051.service")
            path = os.path.join(tmp, name)
            with open(path, "w") as f:
                f.write(text)
            units.append(path)
        if len(units) < 3:
            errors.append("expected the server template, portal and Redis units")
        # verify returns 0 for an unknown key or a value it cannot parse: any
        # word from it is a failure.
        out = subprocess.run([systemd_analyze, "verify", "--man=no"] + units,
                             capture_output=True, text=True, timeout=60)
        if out.returncode != 0 or out.stdout.strip() or out.stderr.strip():
            errors.append("systemd-analyze verify:\n" + out.stdout + out.stderr)
        for unit in units:
            out = subprocess.run(
                [systemd_analyze, "security", "--offline=yes",
                 "--threshold=%d" % MAX_EXPOSURE, unit],
                capture_output=True, text=True, timeout=60)
            if out.returncode != 0:
                errors.append("%s: exposure above %.1f:\n%s" % (
                    os.path.basename(unit), MAX_EXPOSURE / 10,
                    out.stdout[-300:] + out.stderr))
    if errors:
        print("\n".join("FAIL: " + e for e in errors), file=sys.stderr)
        sys.exit(1)
    print("ok: " + ", ".join(os.path.basename(u) for u in units))


if __name__ == "__main__":
    main()
