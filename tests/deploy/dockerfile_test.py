"""deploy/container/Dockerfile, checked without Docker (no registry here and
no hadolint in Debian): it parses (continuations joined, every instruction
a known one, well-formed JSON where an exec form is used); every stage is
FROM a Debian bookworm image; COPY --from names an earlier stage; every
file COPY takes from the context exists in the repository and is not
excluded by .dockerignore; the final stage runs as a numeric non-root
USER, has a HEALTHCHECK whose program is in the image, and EXPOSEs the port
its ENTRYPOINT listens on; ENTRYPOINT's flags are comment-server's, and
a flag naming a file names one the image has. What the stages install
matches what the programs need: the build stage installs every build
package scripts/deps.sh lists, a file copied from the build stage comes
from a package installed there, and the final stage installs (itself or
through their dependencies) the package of every shared library the
programs link, as this machine's ldd and dpkg find them.

  dockerfile_test.py ROOT PROGRAM...   (comment-server first)
"""

import fnmatch
import json
import os
import re
import subprocess
import sys

ROOT, SERVER, PROGRAMS = sys.argv[1], sys.argv[2], sys.argv[2:]
# What scripts/deps.sh installs for the tests and benchmarks only.
TEST_ONLY_PACKAGES = {"libgtest-dev", "libgmock-dev", "libbenchmark-dev"}
DOCKERFILE = os.path.join(ROOT, "deploy/container/Dockerfile")
INSTRUCTIONS = {"FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY",
                "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD",
                "STOPSIGNAL", "HEALTHCHECK", "SHELL"}
errors = []


def instructions(text):
    """(line number, INSTRUCTION, arguments), continuations joined."""
    out, pending, start = [], "", 0
    for number, line in enumerate(text.splitlines(), 1):
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if pending and line.lstrip().startswith("#"):
            continue  # A comment inside a continued instruction.
        if not pending:
            start = number
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        full = (pending + line).strip()
        pending = ""
        word, _, rest = full.partition(" ")
        out.append((start, word.upper(), rest.strip()))
    if pending:
        errors.append("the file ends inside a continued line")
    return out


def exec_form(number, args):
    try:
        value = json.loads(args)
    except ValueError as e:
        errors.append("line %d: not a JSON array: %s" % (number, e))
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.append("line %d: not a JSON array of strings" % number)
        return []
    return value


def installed_by(run_args):
    """The packages an `apt-get install` in a RUN line names."""
    out = []
    for command in run_args.split("&&"):
        words = command.split()
        if "apt-get" in words and "install" in words:
            out += [w for w in words[words.index("install") + 1:]
                    if not w.startswith("-")]
    return out


def build_packages():
    """The packages of scripts/deps.sh that building the programs needs."""
    with open(os.path.join(ROOT, "scripts/deps.sh")) as f:
        block = re.search(r"COMMENTS_PACKAGES=\((.*?)\n\)", f.read(), re.S)
    words = []
    for line in block.group(1).splitlines():
        words += line.split("#")[0].split()
    return {w for w in words
            if (w.endswith("-dev") or w.startswith("protobuf-compiler") or
                w == "cmake") and w not in TEST_ONLY_PACKAGES}


def packages_of(paths):
    """{path: the package that owns it, or None}, in one dpkg call."""
    # A merged /usr: a library may be registered under /lib.
    aliases = {p: re.sub(r"^/usr/lib/", "/lib/", p) for p in paths}
    result = subprocess.run(["dpkg", "-S"] + sorted(set(paths) |
                                                    set(aliases.values())),
                            capture_output=True, text=True)
    owner = {}
    for line in result.stdout.splitlines():
        packages, _, path = line.partition(": ")
        owner[path] = packages.split(",")[0].split(":")[0].strip()
    return {p: owner.get(p) or owner.get(aliases[p]) for p in paths}


def linked_libraries(program):
    """{library file name: its resolved path} for what `program` links."""
    ldd = subprocess.run(["ldd", program], capture_output=True, text=True,
                         check=True)
    return {os.path.basename(m.group(1)): os.path.realpath(m.group(1))
            for m in re.finditer(r"=> (/\S+)", ldd.stdout)}


def installed_packages():
    """{package: (priority, names it depends on)}, as installed here."""
    result = subprocess.run(
        ["dpkg-query", "-W",
         "-f=${Package}\t${Priority}\t${Depends},${Pre-Depends}\n"],
        capture_output=True, text=True, check=True)
    out = {}
    for line in result.stdout.splitlines():
        name, priority, depends = (line.split("\t") + ["", ""])[:3]
        out[name] = (priority, [
            alternative.strip().split(" ")[0].split(":")[0]
            for alternative in re.split(r"[,|]", depends)
            if alternative.strip()])
    return out


def closure(packages, installed):
    """`packages` and everything they depend on."""
    seen, todo = set(), list(packages)
    while todo:
        p = todo.pop()
        if p not in seen:
            seen.add(p)
            todo += installed.get(p, ("", []))[1]
    return seen


def ignored(path, patterns):
    return any(fnmatch.fnmatch(path, p.rstrip("/")) or
               fnmatch.fnmatch(path, p.rstrip("/") + "/*") or
               path.startswith(p.rstrip("/") + "/") for p in patterns)


def main():
    with open(DOCKERFILE) as f:
        steps = instructions(f.read())
    with open(os.path.join(ROOT, ".dockerignore")) as f:
        ignore = [l.strip() for l in f if l.strip() and not l.startswith("#")]
    for p in ("build*/", "var/"):
        if p not in ignore:
            errors.append(".dockerignore does not leave out %s" % p)
    helpfull = subprocess.run([SERVER, "--helpfull"], capture_output=True,
                              text=True, timeout=30)
    flags = set(re.findall(r"^\s+--(\w+) \(", helpfull.stdout, re.M))

    stages, final, stage_packages = [], {}, []
    for number, word, args in steps:
        if word not in INSTRUCTIONS:
            errors.append("line %d: unknown instruction %s" % (number, word))
            continue
        if word == "FROM":
            m = re.match(r"(\S+)(?:\s+AS\s+(\S+))?$", args, re.I)
            if not m or not re.match(r"debian:bookworm(-slim)?$", m.group(1)):
                errors.append("line %d: not FROM debian:bookworm: %s" %
                              (number, args))
            stages.append(m.group(2) if m else None)
            final = {"copied": set(), "user": None, "healthcheck": None,
                     "entrypoint": [], "expose": set(), "installed": [],
                     "destinations": []}
            stage_packages.append(final["installed"])
            continue
        if not stages:
            errors.append("line %d: %s before FROM" % (number, word))
            continue
        if word == "COPY":
            parts = args.split()
            options = [p for p in parts if p.startswith("--")]
            paths = [p for p in parts if not p.startswith("--")]
            source = [o.split("=", 1)[1] for o in options
                      if o.startswith("--from=")]
            if source and source[0] not in stages[:-1]:
                errors.append("line %d: COPY --from=%s names no earlier stage"
                              % (number, source[0]))
            elif source:
                # A file of the other stage: built there, or a package's.
                there = stage_packages[stages.index(source[0])]
                files = [p for p in paths[:-1]
                         if not p.startswith(("/build/", "/src/"))]
                for p, owner in packages_of(files).items():
                    if owner not in there:
                        errors.append("line %d: %s comes from package %s, "
                                      "which stage %s does not install" %
                                      (number, p, owner, source[0]))
            final["destinations"].append(paths[-1])
            if not source:
                for p in paths[:-1]:
                    if p == ".":
                        continue
                    if not os.path.exists(os.path.join(ROOT, p)):
                        errors.append("line %d: %s is not in the repository"
                                      % (number, p))
                    elif ignored(p.rstrip("/"), ignore):
                        errors.append("line %d: %s is left out by "
                                      ".dockerignore" % (number, p))
            for p in paths[:-1]:
                final["copied"].add(os.path.basename(p.rstrip("/")))
        elif word == "RUN":
            final["installed"] += installed_by(args)
        elif word == "USER":
            final["user"] = args
        elif word == "HEALTHCHECK":
            m = re.search(r"\bCMD\s+(\[.*\])\s*$", args)
            final["healthcheck"] = exec_form(number, m.group(1)) if m else None
        elif word == "ENTRYPOINT":
            final["entrypoint"] = exec_form(number, args)
        elif word == "CMD":
            final["cmd"] = exec_form(number, args)
        elif word == "EXPOSE":
            final["expose"] |= {int(p.split("/")[0]) for p in args.split()}

    user = (final.get("user") or "root").split(":")[0]
    if not user.isdigit() or user == "0":
        errors.append("the image runs as %s, not a numeric non-root user" %
                      user)
    check = final.get("healthcheck")
    if not check:
        errors.append("no HEALTHCHECK CMD [...] in the final stage")
    elif check[0] not in final["copied"]:
        errors.append("HEALTHCHECK runs %s, which is not copied into the "
                      "image" % check[0])
    entry = final.get("entrypoint") or []
    if not entry or entry[0] not in final["copied"]:
        errors.append("ENTRYPOINT %s is not a program copied into the image"
                      % entry)
    for arg in entry[1:] + final.get("cmd", []):
        if arg.startswith("--") and arg[2:].split("=")[0] not in flags:
            errors.append("ENTRYPOINT/CMD: %s is not a comment-server flag" %
                          arg)
    listen = [a for a in entry if a.startswith("--listen=")]
    if not listen or int(listen[-1].rsplit(":", 1)[1]) not in final["expose"]:
        errors.append("EXPOSE %s is not the port of %s" %
                      (sorted(final["expose"]), listen))
    if check and not any(a.endswith(":%s" % listen[-1].rsplit(":", 1)[1])
                         for a in check if a.startswith("--target=")):
        errors.append("HEALTHCHECK does not call the port the server "
                      "listens on")
    # A flag that names a file names one the image has.
    for arg in entry[1:] + final.get("cmd", []):
        value = arg.split("=", 1)[1] if "=" in arg else ""
        if value.startswith("/") and not any(
                value == d or value.startswith(d.rstrip("/") + "/")
                for d in final["destinations"]):
            errors.append("%s names a file no COPY puts in the image" % arg)

    # The build stage installs what building needs.
    missing = build_packages() - set(stage_packages[0] if stage_packages
                                     else [])
    if missing:
        errors.append("the build stage does not install %s (scripts/deps.sh "
                      "lists them)" % " ".join(sorted(missing)))
    # The final stage installs what the programs link.
    installed = installed_packages()
    runtime = closure(final["installed"], installed)
    for program in PROGRAMS:
        libraries = linked_libraries(program)
        owners = packages_of(list(libraries.values()))
        for library, path in sorted(libraries.items()):
            package = owners[path]
            if package is None:
                errors.append("%s links %s, which no package owns" %
                              (os.path.basename(program), library))
            elif (package not in runtime and
                  installed.get(package, ("",))[0] != "required"):
                errors.append("%s links %s of package %s, which the final "
                              "stage does not install" %
                              (os.path.basename(program), library, package))
    if errors:
        print("\n".join("FAIL: " + e for e in errors), file=sys.stderr)
        sys.exit(1)
    print("ok: %d instructions, stages %s" % (len(steps), stages))


if __name__ == "__main__":
    main()
