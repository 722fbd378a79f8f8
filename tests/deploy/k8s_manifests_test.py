"""deploy/k8s: renders the base and every overlay with `kubectl kustomize`
and checks what would break a rollout:
  - every --flag given to comment-server (its args and the flag files it
    reads with --flagfile) is one `comment-server --helpfull` lists, and
    every $(VAR) in args is a variable of the container;
  - every probe's port is the port the container listens on (--listen or
    --port) and one of its containerPorts;
  - every configMapKeyRef / secretKeyRef / volume item names a key of a
    ConfigMap or Secret of the rendering;
  - every container has an image and resources.requests and .limits (cpu
    and memory);
  - Services, the PodDisruptionBudget and the HorizontalPodAutoscaler reach
    a workload; comment-server has gRPC liveness and readiness probes
    (readiness on the overall status, which follows Redis; liveness on
    "liveness", which does not) and anti-affinity;
  - base/lexicon.tsv is moderation/data/default_lexicon.tsv.

  k8s_manifests_test.py ROOT COMMENT_SERVER KUBECTL
"""

import os
import re
import subprocess
import sys

import yaml

ROOT, SERVER, KUBECTL = sys.argv[1:4]
K8S = os.path.join(ROOT, "deploy/k8s")
WORKLOADS = ("Deployment", "StatefulSet", "Job", "DaemonSet")
errors = []


def error(where, message):
    errors.append("%s: %s" % (where, message))


def server_flags():
    out = subprocess.run([SERVER, "--helpfull"], capture_output=True,
                         text=True, timeout=30)
    flags = set(re.findall(r"^\s+--(\w+) \(", out.stdout + out.stderr, re.M))
    if "listen" not in flags or "redis" not in flags:
        sys.exit("cannot read comment-server --helpfull:\n" + out.stdout)
    return flags


def render(folder):
    out = subprocess.run([KUBECTL, "kustomize", folder], capture_output=True,
                         text=True, timeout=60)
    if out.returncode != 0:
        error(folder, "kubectl kustomize failed: " + out.stderr)
        return []
    return [d for d in yaml.safe_load_all(out.stdout) if d]


def pod_spec(doc):
    spec = doc.get("spec", {})
    if doc["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    return spec.get("template", {}).get("spec", {})


def flag_name(arg):
    return arg[2:].split("=", 1)[0]


def check_flags(where, container, data_of, flags):
    args = container.get("command", [])[1:] + container.get("args", [])
    env_names = {e["name"] for e in container.get("env", [])}
    for arg in args:
        for var in re.findall(r"\$\((\w+)\)", arg):
            if var not in env_names:
                error(where, "%s uses $(%s), which is not in env" % (arg, var))
        if not arg.startswith("--"):
            continue
        if flag_name(arg) not in flags:
            error(where, "--%s is not a comment-server flag" % flag_name(arg))
        if flag_name(arg) == "flagfile":
            for path in arg.split("=", 1)[1].split(","):
                text = data_of(path)
                if text is None:
                    error(where, "flag file %s is in no mounted "
                          "ConfigMap/Secret key" % path)
                    continue
                for line in text.splitlines():
                    line = line.strip()
                    if line and not line.startswith("#") and \
                            flag_name(line) not in flags:
                        error(where, "%s: --%s is not a comment-server flag"
                              % (path, flag_name(line)))


def listen_port(container):
    text = " ".join(container.get("command", []) + container.get("args", []))
    m = re.search(r"--listen=\S*:(\d+)", text) or \
        re.search(r"--port[= ](\d+)", text)
    return int(m.group(1)) if m else None


def check_ports(where, container):
    named = {p["name"]: p["containerPort"] for p in container.get("ports", [])
             if "name" in p}
    numbers = {p["containerPort"] for p in container.get("ports", [])}
    listen = listen_port(container)
    if listen is not None and listen not in numbers:
        error(where, "listens on %d, not a containerPort %s" %
              (listen, sorted(numbers)))
    for probe_kind in ("livenessProbe", "readinessProbe", "startupProbe"):
        probe = container.get(probe_kind)
        if not probe:
            continue
        for handler in ("grpc", "tcpSocket", "httpGet"):
            if handler not in probe:
                continue
            port = probe[handler].get("port")
            port = named.get(port, port)
            if port not in numbers:
                error(where, "%s port %s is no containerPort" %
                      (probe_kind, probe[handler].get("port")))
            elif listen is not None and port != listen:
                error(where, "%s probes port %s but the container listens "
                      "on %d" % (probe_kind, port, listen))


def check_resources(where, container):
    if not container.get("image"):
        error(where, "no image")
    resources = container.get("resources", {})
    for part in ("requests", "limits"):
        for what in ("cpu", "memory"):
            if not resources.get(part, {}).get(what):
                error(where, "no resources.%s.%s" % (part, what))


def check(folder, flags):
    docs = render(folder)
    if not docs:
        error(folder, "renders nothing")
        return
    keys = {}  # (kind, namespace, name) -> {key: text}
    for d in docs:
        if d["kind"] in ("ConfigMap", "Secret"):
            data = dict(d.get("data") or {})
            data.update(d.get("stringData") or {})
            keys[(d["kind"], d["metadata"].get("namespace"),
                  d["metadata"]["name"])] = data

    def source(kind, ns, name, key, where):
        data = keys.get((kind, ns, name))
        if data is None:
            error(where, "%s %s does not exist" % (kind, name))
        elif key is not None and key not in data:
            error(where, "%s %s has no key %s" % (kind, name, key))
        else:
            return data
        return None

    workloads = [d for d in docs if d["kind"] in WORKLOADS]
    for w in workloads:
        ns = w["metadata"].get("namespace")
        spec = pod_spec(w)
        mounts = {}  # volume name -> (kind, name, {key: path})
        for v in spec.get("volumes", []):
            where = "%s/%s volume %s" % (w["kind"], w["metadata"]["name"],
                                         v["name"])
            for kind, field, name_field in (("ConfigMap", "configMap", "name"),
                                            ("Secret", "secret", "secretName")):
                if field not in v:
                    continue
                name = v[field][name_field]
                data = source(kind, ns, name, None, where) or {}
                items = v[field].get("items")
                for item in items or []:
                    source(kind, ns, name, item["key"], where)
                paths = {i["path"]: i["key"] for i in items} if items else \
                    {k: k for k in data}
                mounts[v["name"]] = (data, paths)
        for c in spec.get("initContainers", []) + spec.get("containers", []):
            where = "%s/%s container %s" % (w["kind"], w["metadata"]["name"],
                                            c["name"])
            check_resources(where, c)
            check_ports(where, c)
            for e in c.get("env", []):
                ref = e.get("valueFrom", {})
                for kind, field in (("ConfigMap", "configMapKeyRef"),
                                    ("Secret", "secretKeyRef")):
                    if field in ref:
                        source(kind, ns, ref[field]["name"],
                               ref[field]["key"], where)
            for e in c.get("envFrom", []):
                for kind, field in (("ConfigMap", "configMapRef"),
                                    ("Secret", "secretRef")):
                    if field in e:
                        source(kind, ns, e[field]["name"], None, where)
            declared = [v["name"] for v in spec.get("volumes", [])] + [
                t["metadata"]["name"]
                for t in w["spec"].get("volumeClaimTemplates", [])]
            for m in c.get("volumeMounts", []):
                if m["name"] not in declared:
                    error(where, "mounts volume %s, which is not declared" %
                          m["name"])

            def data_of(path, c=c):
                for m in c.get("volumeMounts", []):
                    if m["name"] not in mounts:
                        continue
                    data, paths = mounts[m["name"]]
                    rel = os.path.relpath(path, m["mountPath"])
                    if rel in paths:
                        return data.get(paths[rel])
                return None

            if c.get("command", [""])[0] == "comment-server":
                check_flags(where, c, data_of, flags)
                for probe in ("livenessProbe", "readinessProbe"):
                    if "grpc" not in c.get(probe, {}):
                        error(where, "no gRPC %s" % probe)
                # Readiness follows Redis (the overall status); liveness
                # must not, or Redis down restarts every replica.
                ready = c.get("readinessProbe", {}).get("grpc", {})
                if ready.get("service", "") != "":
                    error(where, "readinessProbe asks service %r, not the "
                          "overall status \"\"" % ready["service"])
                alive = c.get("livenessProbe", {}).get("grpc", {})
                if alive.get("service") != "liveness":
                    error(where, "livenessProbe must ask service "
                          "\"liveness\" (SERVING while the process runs), "
                          "not one that follows Redis")
                if not spec.get("affinity", {}).get("podAntiAffinity"):
                    error(where, "no pod anti-affinity")

    def selects(selector, w):
        labels = pod_spec(w) and w["spec"]["template"]["metadata"].get(
            "labels", {})
        return selector and all(labels.get(k) == v for k, v in selector.items())

    for d in docs:
        where = "%s/%s" % (d["kind"], d["metadata"]["name"])
        if d["kind"] == "Service":
            targets = [w for w in workloads
                       if selects(d["spec"].get("selector"), w)]
            if not targets:
                error(where, "selects no workload")
            for p in d["spec"].get("ports", []):
                target = p.get("targetPort", p["port"])
                for w in targets:
                    ports = [q for c in pod_spec(w)["containers"]
                             for q in c.get("ports", [])]
                    if target not in [q.get("name") for q in ports] + \
                            [q["containerPort"] for q in ports]:
                        error(where, "targetPort %s is no port of %s" %
                              (target, w["metadata"]["name"]))
        elif d["kind"] == "PodDisruptionBudget":
            if not any(selects(d["spec"]["selector"].get("matchLabels"), w)
                       for w in workloads):
                error(where, "selects no workload")
        elif d["kind"] == "HorizontalPodAutoscaler":
            ref = d["spec"]["scaleTargetRef"]
            if not any(w["kind"] == ref["kind"] and
                       w["metadata"]["name"] == ref["name"] for w in workloads):
                error(where, "scales %s/%s, which does not exist" %
                      (ref["kind"], ref["name"]))
    kinds = {(d["kind"], d["metadata"]["name"]) for d in docs}
    for wanted in (("PodDisruptionBudget", "comment-server"),
                   ("HorizontalPodAutoscaler", "comment-server"),
                   ("StatefulSet", "redis-cluster"),
                   ("Job", "redis-cluster-bootstrap"),
                   ("Deployment", "comment-portal")):
        if wanted not in kinds:
            error(folder, "no %s %s" % wanted)


def main():
    flags = server_flags()
    with open(os.path.join(K8S, "base/lexicon.tsv"), "rb") as a, \
            open(os.path.join(ROOT, "moderation/data/default_lexicon.tsv"),
                 "rb") as b:
        if a.read() != b.read():
            error("deploy/k8s/base/lexicon.tsv",
                  "differs from moderation/data/default_lexicon.tsv")
    folders = [os.path.join(K8S, "base")]
    overlays = os.path.join(K8S, "overlays")
    folders += [os.path.join(overlays, o) for o in sorted(os.listdir(overlays))]
    for folder in folders:
        check(folder, flags)
    if errors:
        print("\n".join("FAIL: " + e for e in errors), file=sys.stderr)
        sys.exit(1)
    print("ok: %s" % ", ".join(os.path.relpath(f, ROOT) for f in folders))


if __name__ == "__main__":
    main()
