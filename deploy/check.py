#!/usr/bin/env python3
"""Checks the deployment artefacts without a container engine or a cluster.

    python3 deploy/check.py

Parses every YAML file under deploy/ and Config/, then checks deploy/Dockerfile, .dockerignore,
deploy/compose.yaml with deploy/prometheus.yml and deploy/alerts.yml, and the Kubernetes
manifests in deploy/kubernetes/ against the facts they must agree with: the executable products
in Package.swift, the worker table in README.md ("who consumes what"), the default HTTP ports
in WorkerRole.swift and Config/postpurchase.yaml. Prints one line per check, then
"N passed, M failed"; exits 1 if anything failed.
"""
import re
import sys
from pathlib import Path

try:
    import yaml
except ImportError:  # pragma: no cover
    sys.exit("deploy/check.py needs PyYAML: pip install pyyaml")

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "kubernetes"

DATA_DIR = "/var/lib/postpurchase"
CONFIG_FILE = "/etc/postpurchase/postpurchase.yaml"
COMPOSE_PARTITIONS = "6"
K8S_PARTITIONS = 12  # `postpurchase topics create` default: the ceiling for replicas per group
RUNTIME_PACKAGES = {"librdkafka1", "libsqlite3-0", "ca-certificates", "curl"}
MONITORED_METRICS = [
    "postpurchase_consumer_lag", "postpurchase_dead_letters_total", "postpurchase_timers_pending",
    "postpurchase_timer_firing_lag_seconds", "postpurchase_outbox_pending", "postpurchase_events_total",
    "postpurchase_batch_duration_seconds", "postpurchase_assigned_partitions",
]

passed = 0
failed = 0


def check(name, ok, detail=""):
    """Records and prints one check; `detail` explains a failure."""
    global passed, failed
    if ok:
        passed += 1
        print(f"ok    {name}")
    else:
        failed += 1
        print(f"FAIL  {name}" + (f": {detail}" if detail else ""))
    return ok


def crashed(kind, error, trace):
    """A check that cannot even run is a failure too; the summary line still ends the output."""
    global failed
    failed += 1
    import traceback
    ours = [frame.lineno for frame in traceback.extract_tb(trace) if frame.filename == __file__]
    where = ours[-1] if ours else "?"
    print(f"FAIL  check.py stopped at line {where}: {kind.__name__}: {error}")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1)


sys.excepthook = crashed


def rel(path):
    return str(Path(path).relative_to(ROOT))


def dig(value, *keys, default=None):
    """value[k1][k2]... or `default` when any step is missing."""
    for key in keys:
        if isinstance(value, dict) and key in value:
            value = value[key]
        elif isinstance(value, list) and isinstance(key, int) and -len(value) <= key < len(value):
            value = value[key]
        else:
            return default
    return value


# --- facts from the project itself ----------------------------------------------------------

def executable_products():
    text = (ROOT / "Package.swift").read_text(encoding="utf-8")
    return re.findall(r'\.executable\(\s*name:\s*"([^"]+)"', text)


def worker_topics():
    """README's "who consumes what" table: worker -> the topics it consumes."""
    table = {}
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\|\s*`([a-z-]+-worker)`\s*\|\s*((?:`[a-z-]+`(?:,\s*)?)+)\s*\|", line)
        if match:
            table[match.group(1)] = re.findall(r"`([a-z-]+)`", match.group(2))
    return table


def default_ports():
    """WorkerRole.swift: worker executable -> default POSTPURCHASE_HTTP_PORT."""
    text = (ROOT / "Sources/PostPurchaseCore/Runtime/WorkerRole.swift").read_text(encoding="utf-8")
    names = dict(re.findall(r'case (\w+) = "([a-z-]+)"', text))
    block = text[text.find("defaultHTTPPort"):]
    return {names[case]: int(port) for case, port in re.findall(r"case \.(\w+): (\d+)", block) if case in names}


def readme_metrics():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.find("## Operating a worker")
    section = text[start:text.find("\n## ", start + 1)] if start >= 0 else ""
    return set(re.findall(r"postpurchase_[a-z_]+", section))


products = executable_products()
check("Package.swift declares executable products", len(products) > 0, "no .executable(name:) found")
executables = set(products)
test_only = {p for p in executables if "echo" in p}
topics_by_worker = worker_topics()
workers = sorted(topics_by_worker)
check("README lists the four workers and what they consume",
      len(workers) == 4 and all(w in executables for w in workers), f"found {topics_by_worker}")
ports = default_ports()
check("WorkerRole.swift gives every worker a default HTTP port",
      set(ports) == set(workers), f"found {ports}")
shipped = set(workers) | {"postpurchase"}
check("the CLI `postpurchase` is an executable product", "postpurchase" in executables)


# --- every YAML file parses -----------------------------------------------------------------

documents = {}  # path -> [documents]
yaml_files = sorted(p for base in (DEPLOY, ROOT / "Config") for p in base.rglob("*")
                    if p.suffix in (".yaml", ".yml") and p.is_file())
for path in yaml_files:
    try:
        docs = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d is not None]
        documents[path] = docs
        check(f"yaml parses: {rel(path)} ({len(docs)} document{'s' if len(docs) != 1 else ''})", True)
    except yaml.YAMLError as error:
        documents[path] = []
        check(f"yaml parses: {rel(path)}", False, str(error).replace("\n", " "))

config = (documents.get(ROOT / "Config/postpurchase.yaml") or [{}])[0]
shutdown_timeout = dig(config, "runtime", "shutdownTimeoutSeconds", default=30)


# --- Dockerfile -----------------------------------------------------------------------------

def dockerfile_instructions(text):
    """(INSTRUCTION, arguments) with continuations joined and comment lines dropped."""
    instructions, current = [], ""
    for line in text.splitlines():
        if line.strip().startswith("#"):
            continue
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        current += line
        if current.strip():
            keyword, _, rest = current.strip().partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
        current = ""
    return instructions


def substitute(text, variables):
    return re.sub(r"\$\{?(\w+)\}?", lambda m: variables.get(m.group(1), m.group(0)), text)


dockerfile = DEPLOY / "Dockerfile"
instructions = dockerfile_instructions(dockerfile.read_text(encoding="utf-8"))
global_args, stages = {}, []  # stages: {"image", "name", "instructions"}
for keyword, args in instructions:
    if keyword == "FROM":
        parts = args.split()
        image = substitute(parts[0], global_args)
        stages.append({"image": image, "name": parts[2] if len(parts) > 2 and parts[1].upper() == "AS" else None,
                       "instructions": []})
    elif not stages:
        if keyword == "ARG":
            name, _, value = args.partition("=")
            global_args[name] = value.strip('"')
    else:
        stages[-1]["instructions"].append((keyword, args))

check("Dockerfile: two stages, build then runtime", len(stages) == 2, f"{len(stages)} stages")
build = stages[0] if stages else {"image": "", "instructions": []}
runtime = stages[-1] if stages else {"image": "", "instructions": []}


def stage_text(stage, keyword):
    return " ".join(args for k, args in stage["instructions"] if k == keyword)


def stage_args(stage):
    values = {}
    for k, args in stage["instructions"]:
        if k == "ARG":
            name, _, value = args.partition("=")
            values[name] = value.strip('"')
    return values


def apt_packages(stage):
    found = set()
    for command in re.findall(r"apt-get install ([^&;]*)", stage_text(stage, "RUN")):
        found |= {word for word in command.split() if not word.startswith("-")}
    return found


check("Dockerfile: build stage is a Swift 6 bookworm image", re.fullmatch(r"swift:6\.\d+(\.\d+)?-bookworm", build["image"]) is not None,
      build["image"])
check("Dockerfile: runtime stage is debian:bookworm-slim", runtime["image"] == "debian:bookworm-slim", runtime["image"])
check("Dockerfile: build stage installs librdkafka-dev and libsqlite3-dev",
      {"librdkafka-dev", "libsqlite3-dev"} <= apt_packages(build), f"installs {sorted(apt_packages(build))}")
build_runs = stage_text(build, "RUN")
check("Dockerfile: builds release binaries with --static-swift-stdlib",
      re.search(r"swift build -c release --static-swift-stdlib --product", build_runs) is not None)
built = stage_args(build).get("PRODUCTS", "").split()
check("Dockerfile: every binary it builds is an executable product in Package.swift",
      bool(built) and set(built) <= executables, f"not products: {sorted(set(built) - executables)}")
check("Dockerfile: ships the four workers and the CLI, not the test-only echo worker",
      set(built) == shipped, f"builds {built}")
check("Dockerfile: copies the built binaries to /usr/local/bin",
      re.search(r"--from=build \S+ /usr/local/bin/?$", stage_text(runtime, "COPY"), re.M) is not None
      or any(k == "COPY" and "--from=build" in a and a.endswith(("/usr/local/bin/", "/usr/local/bin"))
             for k, a in runtime["instructions"]))
check("Dockerfile: runtime installs only librdkafka1, libsqlite3-0, ca-certificates, curl",
      apt_packages(runtime) == RUNTIME_PACKAGES, f"installs {sorted(apt_packages(runtime))}")
users = [a for k, a in runtime["instructions"] if k == "USER"]
check("Dockerfile: runs as the non-root uid 10001",
      bool(users) and users[-1].split(":")[0] == "10001" and "--uid 10001" in stage_text(runtime, "RUN"),
      f"USER {users}")
check(f"Dockerfile: VOLUME {DATA_DIR} with POSTPURCHASE_DATA_DIR pointing there",
      DATA_DIR in stage_text(runtime, "VOLUME") and f"POSTPURCHASE_DATA_DIR={DATA_DIR}" in stage_text(runtime, "ENV"))
check("Dockerfile: copies Config/ to /etc/postpurchase",
      any(k == "COPY" and a.split()[:1] == ["Config/"] and a.split()[-1].rstrip("/") == "/etc/postpurchase"
          for k, a in runtime["instructions"]))
healthcheck = stage_text(runtime, "HEALTHCHECK")
check("Dockerfile: HEALTHCHECK asks /health/ready on POSTPURCHASE_HTTP_PORT",
      "/health/ready" in healthcheck and "POSTPURCHASE_HTTP_PORT" in healthcheck)
check("Dockerfile: no ENTRYPOINT (each container names its worker)",
      all(k != "ENTRYPOINT" for stage in stages for k, _ in stage["instructions"]))
cmd = stage_text(runtime, "CMD")
cmd_argv = yaml.safe_load(cmd) if cmd.startswith("[") else cmd.split()
check("Dockerfile: CMD runs an executable product",
      bool(cmd_argv) and cmd_argv[0] in executables and cmd_argv[0] not in test_only, f"CMD {cmd}")

ignored = set((ROOT / ".dockerignore").read_text(encoding="utf-8").split()) if (ROOT / ".dockerignore").exists() else set()
check(".dockerignore excludes .build, .build-*, .run and data",
      {".build", ".build-*", ".run", "data"} <= ignored, f"has {sorted(ignored)}")


# --- compose --------------------------------------------------------------------------------

compose = (documents.get(DEPLOY / "compose.yaml") or [{}])[0]
services = compose.get("services", {}) or {}
project_image = dig(compose, "x-postpurchase", "image")


def environment(service):
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: str(v) for k, v in env.items()}


def depends(service):
    value = service.get("depends_on") or {}
    return {name: {} for name in value} if isinstance(value, list) else value


def seconds(text):
    match = re.fullmatch(r"(?:(\d+)m)?(?:(\d+)s)?", str(text))
    return int(match.group(1) or 0) * 60 + int(match.group(2) or 0) if match else 0


kafka = services.get("kafka", {})
kafka_env = environment(kafka)
check("compose: Kafka is the official apache/kafka image", str(kafka.get("image", "")).startswith("apache/kafka:"),
      kafka.get("image"))
check("compose: Kafka runs in KRaft mode (broker+controller, no ZooKeeper)",
      {"broker", "controller"} <= set(kafka_env.get("KAFKA_PROCESS_ROLES", "").split(","))
      and "KAFKA_CONTROLLER_QUORUM_VOTERS" in kafka_env and not any("ZOOKEEPER" in k for k in kafka_env))
check("compose: Kafka advertises kafka:9092 to the other containers",
      "://kafka:9092" in kafka_env.get("KAFKA_ADVERTISED_LISTENERS", "")
      and ":9092" in kafka_env.get("KAFKA_LISTENERS", ""))
check("compose: Kafka has a health check", bool(dig(kafka, "healthcheck", "test")))

project_services = {name: s for name, s in services.items()
                    if s.get("image") == project_image or "build" in s}
for name, service in sorted(project_services.items()):
    command = service.get("command") or []
    command = command.split() if isinstance(command, str) else command
    check(f"compose: {name} runs an executable product ({command[0] if command else 'nothing'})",
          bool(command) and command[0] in executables and command[0] not in test_only)

topics = services.get("topics", {})
expected_topics_command = ["postpurchase", "topics", "create", "--bootstrap", "kafka:9092",
                           "--partitions", COMPOSE_PARTITIONS, "--replication-factor", "1"]
check("compose: topics job runs `postpurchase topics create` against kafka:9092",
      topics.get("command") == expected_topics_command, f"{topics.get('command')}")
check("compose: topics job waits for a healthy Kafka",
      dig(depends(topics), "kafka", "condition") == "service_healthy")

worker_services = {}
for name, service in services.items():
    command = service.get("command") or []
    if isinstance(command, list) and command and command[0] in workers:
        worker_services[command[0]] = (name, service)
check("compose: runs each of the four workers", set(worker_services) == set(workers), f"{sorted(worker_services)}")
volume_names = []
for worker, (name, service) in sorted(worker_services.items()):
    env = environment(service)
    check(f"compose: {worker} starts after the topics job succeeded",
          dig(depends(service), "topics", "condition") == "service_completed_successfully")
    check(f"compose: {worker} reaches Kafka at kafka:9092", env.get("KAFKA_BOOTSTRAP_SERVERS") == "kafka:9092")
    data_dir = env.get("POSTPURCHASE_DATA_DIR", DATA_DIR)
    mounts = [v for v in service.get("volumes", []) if isinstance(v, str) and v.split(":")[1:2] == [data_dir]]
    volume = mounts[0].split(":")[0] if mounts else None
    volume_names.append(volume)
    check(f"compose: {worker} keeps its state on its own named volume",
          volume is not None and volume in (compose.get("volumes") or {}), f"mounts {service.get('volumes')}")
    check(f"compose: {worker} may drain for longer than {shutdown_timeout} s",
          seconds(service.get("stop_grace_period", "10s")) > shutdown_timeout, service.get("stop_grace_period"))
check("compose: no two workers share a state volume", len(set(volume_names)) == len(volume_names), f"{volume_names}")

prometheus_service = services.get("prometheus", {})
check("compose: Prometheus is prom/prometheus", str(prometheus_service.get("image", "")).startswith("prom/prometheus"))
mounted = {v.split(":")[0]: v.split(":")[1] for v in prometheus_service.get("volumes", []) if isinstance(v, str)}
check("compose: Prometheus mounts deploy/prometheus.yml",
      mounted.get("./prometheus.yml") == "/etc/prometheus/prometheus.yml", f"{mounted}")
prometheus = (documents.get(DEPLOY / "prometheus.yml") or [{}])[0]
targets = {t for job in prometheus.get("scrape_configs", []) or [] for sc in job.get("static_configs", []) or []
           for t in sc.get("targets", [])}
paths = {job.get("metrics_path", "/metrics") for job in prometheus.get("scrape_configs", []) or []}
expected_targets = {f"{name}:{environment(service).get('POSTPURCHASE_HTTP_PORT', ports.get(worker))}"
                    for worker, (name, service) in worker_services.items()}
check("prometheus.yml: scrapes the four workers on their HTTP ports",
      targets == expected_targets and len(expected_targets) == 4, f"targets {sorted(targets)}, expected {sorted(expected_targets)}")
check("prometheus.yml: scrapes /metrics", paths == {"/metrics"}, f"{paths}")
for rule_file in prometheus.get("rule_files", []) or []:
    source = next((src for src, dst in mounted.items() if dst == rule_file), None)
    check(f"prometheus.yml: rule file {rule_file} is mounted from deploy/",
          source is not None and (DEPLOY / source).is_file(), f"mounts {mounted}")
known_metrics = readme_metrics()
alerts = (documents.get(DEPLOY / "alerts.yml") or [{}])[0]
expressions = [rule.get("expr", "") for group in alerts.get("groups", []) or [] for rule in group.get("rules", []) or []]
used = {re.sub(r"_(bucket|sum|count)$", "", m) if re.sub(r"_(bucket|sum|count)$", "", m) in known_metrics else m
        for expr in expressions for m in re.findall(r"postpurchase_[a-z_]+", expr)}
check("alerts.yml: every alert uses metrics the README documents",
      bool(expressions) and used <= known_metrics, f"unknown: {sorted(used - known_metrics)}")


# --- Kubernetes -----------------------------------------------------------------------------

kustomization = (documents.get(K8S / "kustomization.yaml") or [{}])[0]
manifest_files = sorted(p for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")
resources = [str(r) for r in kustomization.get("resources", []) or []]
check("kustomization.yaml lists every manifest, and only existing ones",
      sorted(resources) == sorted(p.name for p in manifest_files),
      f"listed {sorted(resources)}, present {[p.name for p in manifest_files]}")
objects = [(path, doc) for path in manifest_files for doc in documents.get(path, [])]
for path, doc in objects:
    name = dig(doc, "metadata", "name")
    check(f"k8s: {path.name}: {doc.get('kind')}/{name} has apiVersion, kind and metadata.name",
          all([doc.get("apiVersion"), doc.get("kind"), name]))
namespace = kustomization.get("namespace")
namespaces = {dig(d, "metadata", "name") for _, d in objects if d.get("kind") == "Namespace"}
check("k8s: every object lives in the kustomization's namespace, which is created",
      namespace in namespaces and all(dig(d, "metadata", "namespace") == namespace
                                      for _, d in objects if d.get("kind") != "Namespace"))


def by_kind(kind):
    return {dig(d, "metadata", "name"): d for _, d in objects if d.get("kind") == kind}


configmaps, secrets, services_k8s = by_kind("ConfigMap"), by_kind("Secret"), by_kind("Service")
workloads = {**by_kind("StatefulSet"), **by_kind("Deployment")}
env_config = next((cm.get("data", {}) for cm in configmaps.values()
                   if "KAFKA_BOOTSTRAP_SERVERS" in (cm.get("data") or {})), {})
check("k8s: a ConfigMap provides the workers' environment (KAFKA_BOOTSTRAP_SERVERS)", bool(env_config))
check("k8s: the shared environment does not set one POSTPURCHASE_GROUP_ID for all workers",
      "POSTPURCHASE_GROUP_ID" not in env_config)
prefix = env_config.get("POSTPURCHASE_TOPIC_PREFIX", "")
config_map = configmaps.get("postpurchase-config", {})
embedded = dig(config_map, "data", "postpurchase.yaml")
check("k8s: configmap.yaml embeds Config/postpurchase.yaml byte for byte",
      embedded == (ROOT / "Config/postpurchase.yaml").read_bytes().decode("utf-8"),
      "stale: run python3 deploy/kubernetes/make-configmap.py")


def matches(selector, labels):
    return bool(selector) and all((labels or {}).get(k) == v for k, v in selector.items())


def secret_has(name, key):
    secret = secrets.get(name, {})
    return key in (secret.get("stringData") or {}) or key in (secret.get("data") or {})


workload_worker = {}
for name, workload in sorted(workloads.items()):
    kind = workload["kind"]
    label = f"k8s: {kind}/{name}"
    spec = workload.get("spec", {})
    pod = dig(spec, "template", "spec", default={})
    template_labels = dig(spec, "template", "metadata", "labels", default={})
    containers = pod.get("containers", []) or []
    container = containers[0] if containers else {}
    argv = container.get("command") or container.get("args") or []
    worker = argv[0] if argv else None
    workload_worker[name] = worker
    env = {e["name"]: e for e in container.get("env", []) or []}
    port = int(dig(env, "POSTPURCHASE_HTTP_PORT", "value", default=ports.get(worker, 0)))
    named_ports = {p.get("name"): p.get("containerPort") for p in container.get("ports", []) or []}

    check(f"{label}: selector matches the pod template's labels", matches(dig(spec, "selector", "matchLabels"), template_labels))
    if kind == "StatefulSet":
        service = services_k8s.get(spec.get("serviceName"), {})
        check(f"{label}: its serviceName is a Service selecting its pods",
              matches(dig(service, "spec", "selector"), template_labels), spec.get("serviceName"))
    check(f"{label}: every container has an image", bool(containers) and all(c.get("image") for c in containers))
    check(f"{label}: runs a worker product ({worker})", worker in workers and worker in executables)
    check(f"{label}: runs with --config {CONFIG_FILE}", argv[1:3] == ["--config", CONFIG_FILE], f"{argv}")
    for probe, path in (("readinessProbe", "/health/ready"), ("livenessProbe", "/health/live")):
        get = dig(container, probe, "httpGet", default={})
        probe_port = named_ports.get(get.get("port"), get.get("port"))
        check(f"{label}: {probe} GET {path} on port {port}", get.get("path") == path and probe_port == port,
              f"{get.get('path')} on {probe_port}")
    grace = pod.get("terminationGracePeriodSeconds", 30)
    check(f"{label}: terminationGracePeriodSeconds {grace} > the {shutdown_timeout} s drain", grace > shutdown_timeout)
    pod_security, container_security = pod.get("securityContext", {}) or {}, container.get("securityContext", {}) or {}
    non_root = container_security.get("runAsNonRoot", pod_security.get("runAsNonRoot")) is True
    uid = container_security.get("runAsUser", pod_security.get("runAsUser"))
    check(f"{label}: runAsNonRoot (uid {uid})", non_root and uid != 0)
    resources_spec = container.get("resources", {}) or {}
    check(f"{label}: cpu and memory requests and limits",
          all(dig(resources_spec, part, r) for part in ("requests", "limits") for r in ("cpu", "memory")), f"{resources_spec}")
    check(f"{label}: POSTPURCHASE_GROUP_INSTANCE_ID is the pod name (static membership)",
          dig(env, "POSTPURCHASE_GROUP_INSTANCE_ID", "valueFrom", "fieldRef", "fieldPath") == "metadata.name")
    env_from = [dig(e, "configMapRef", "name") for e in container.get("envFrom", []) or []]
    check(f"{label}: environment from an existing ConfigMap", bool(env_from) and all(n in configmaps for n in env_from), f"{env_from}")
    password = dig(env, "KAFKA_SASL_PASSWORD", "valueFrom", "secretKeyRef", default={})
    check(f"{label}: KAFKA_SASL_PASSWORD from the Secret", secret_has(password.get("name"), password.get("key")), f"{password}")
    mounts = {m.get("mountPath"): m.get("name") for m in container.get("volumeMounts", []) or []}
    data_dir = dig(env, "POSTPURCHASE_DATA_DIR", "value", default=DATA_DIR)
    claims = {dig(t, "metadata", "name") for t in spec.get("volumeClaimTemplates", []) or []}
    claims |= {v.get("name") for v in pod.get("volumes", []) or [] if "persistentVolumeClaim" in v}
    check(f"{label}: state at {data_dir} on a persistent volume", mounts.get(data_dir) in claims, f"mounts {mounts}")
    volumes = {v.get("name"): v for v in pod.get("volumes", []) or []}
    config_volume = volumes.get(mounts.get(str(Path(CONFIG_FILE).parent)), {})
    check(f"{label}: {Path(CONFIG_FILE).parent} is the postpurchase-config ConfigMap",
          dig(config_volume, "configMap", "name") == "postpurchase-config" and "postpurchase-config" in configmaps)

scaled_objects = by_kind("ScaledObject")
for name, scaled in sorted(scaled_objects.items()):
    label = f"k8s: ScaledObject/{name}"
    spec = scaled.get("spec", {})
    target = spec.get("scaleTargetRef", {}) or {}
    target_kind = target.get("kind", "Deployment")
    worker = workload_worker.get(target.get("name"))
    check(f"{label}: is keda.sh/v1alpha1", scaled.get("apiVersion") == "keda.sh/v1alpha1")
    check(f"{label}: scaleTargetRef {target_kind}/{target.get('name')} exists",
          dig(workloads, target.get("name"), "kind") == target_kind)
    triggers = [t for t in spec.get("triggers", []) or [] if t.get("type") == "kafka"]
    bootstrap = env_config.get("KAFKA_BOOTSTRAP_SERVERS")
    wrong = [f"trigger {i}: {t.get('metadata')}" for i, t in enumerate(triggers)
             if not (dig(t, "metadata", "bootstrapServers") == bootstrap
                     and dig(t, "metadata", "consumerGroup") == f"postpurchase-{worker}"
                     and str(dig(t, "metadata", "lagThreshold", default="")).isdigit()
                     and int(dig(t, "metadata", "lagThreshold")) > 0)]
    check(f"{label}: triggers read {bootstrap}, group postpurchase-{worker}, with a lagThreshold",
          bool(triggers) and not wrong, "; ".join(wrong))
    watched = sorted(str(t.get("metadata", {}).get("topic")) for t in triggers)
    expected = sorted(prefix + topic for topic in topics_by_worker.get(worker, []))
    check(f"{label}: triggers cover the topics {worker} consumes", watched == expected, f"{watched}, expected {expected}")
    maximum, minimum = spec.get("maxReplicaCount", 100), spec.get("minReplicaCount", 0)
    check(f"{label}: maxReplicaCount {maximum} <= {K8S_PARTITIONS} partitions", isinstance(maximum, int) and maximum <= K8S_PARTITIONS)
    check(f"{label}: minReplicaCount {minimum} >= 1 (timers fire without input)", isinstance(minimum, int) and minimum >= 1)

budgets = by_kind("PodDisruptionBudget")
for name, budget in sorted(budgets.items()):
    selector = dig(budget, "spec", "selector", "matchLabels")
    check(f"k8s: PodDisruptionBudget/{name} selects a workload's pods",
          any(matches(selector, dig(w, "spec", "template", "metadata", "labels")) for w in workloads.values()))
covered = {
    "workload": set(workload_worker.values()),
    "ScaledObject": {workload_worker.get(dig(s, "spec", "scaleTargetRef", "name")) for s in scaled_objects.values()},
    "PodDisruptionBudget": {worker for name, worker in workload_worker.items() for b in budgets.values()
                            if matches(dig(b, "spec", "selector", "matchLabels"),
                                       dig(workloads[name], "spec", "template", "metadata", "labels"))},
}
for what, found in covered.items():
    check(f"k8s: every worker has a {what}", set(workers) <= found, f"missing {sorted(set(workers) - found)}")


# --- Kubernetes: the PostgreSQL overlay ------------------------------------------------------

OVERLAY = DEPLOY / "kubernetes-postgres"


def json_patch(document, operations):
    """Applies RFC 6902 add/remove/replace operations (what the overlay uses) to a copy."""
    import copy
    document = copy.deepcopy(document)
    for operation in operations:
        parts = [p.replace("~1", "/").replace("~0", "~") for p in operation["path"].split("/")[1:]]
        parent = document
        for part in parts[:-1]:
            parent = parent[int(part)] if isinstance(parent, list) else parent[part]
        last = parts[-1]
        if operation["op"] == "remove":
            del parent[int(last) if isinstance(parent, list) else last]
        elif isinstance(parent, list):
            if last == "-":
                parent.append(operation["value"])
            else:
                parent.insert(int(last), operation["value"]) if operation["op"] == "add" else parent.__setitem__(int(last), operation["value"])
        else:
            parent[last] = operation["value"]
    return document


overlay = (documents.get(OVERLAY / "kustomization.yaml") or [{}])[0]
check("k8s postgres overlay: builds on the base manifests (resources: ../kubernetes)", "../kubernetes" in (overlay.get("resources") or []))
# `kubectl kustomize` fails with "cycle detected" when an overlay lies inside the base it loads.
check("k8s postgres overlay: lies outside the base directory (kustomize refuses an overlay within its base)",
      K8S not in OVERLAY.resolve().parents, rel(OVERLAY))
overlay_resources = [OVERLAY / r for r in overlay.get("resources") or [] if r != "../kubernetes"]
check("k8s postgres overlay: every resource file exists", all(p.is_file() for p in overlay_resources),
      f"{[rel(p) for p in overlay_resources if not p.is_file()]}")
overlay_secrets = {d["metadata"]["name"]: d for p in overlay_resources for d in documents.get(p, []) if d.get("kind") == "Secret"}
patched = {}
for entry in overlay.get("patches") or []:
    target = entry.get("target") or {}
    operations = (documents.get(OVERLAY / entry.get("path", "")) or [None])[0]
    ok = isinstance(operations, list) and all(o.get("op") in ("add", "remove", "replace") and "path" in o for o in operations)
    check(f"k8s postgres overlay: patch {entry.get('path')} is a JSON patch for {target.get('kind')}", ok)
    selector = dict(part.split("=", 1) for part in (target.get("labelSelector") or "").split(",") if "=" in part)
    for name, manifest in list(workloads.items()) + list(scaled_objects.items()):
        if manifest.get("kind") != target.get("kind") or not matches(selector, dig(manifest, "metadata", "labels")):
            continue
        try:
            patched[(manifest["kind"], name)] = json_patch(patched.get((manifest["kind"], name), manifest), operations or [])
        except (KeyError, IndexError, ValueError, TypeError) as error:
            check(f"k8s postgres overlay: {entry.get('path')} applies to {manifest['kind']}/{name}", False, repr(error))
for name in sorted(workloads):
    label = f"k8s postgres overlay: {workloads[name]['kind']}/{name}"
    manifest = patched.get((workloads[name]["kind"], name))
    if not check(f"{label}: is patched", manifest is not None):
        continue
    spec = manifest.get("spec", {})
    pod = dig(spec, "template", "spec", default={})
    container = (pod.get("containers") or [{}])[0]
    env = {e["name"]: e for e in container.get("env", []) or []}
    reference = dig(env, "POSTPURCHASE_DATABASE_URL", "valueFrom", "secretKeyRef", default={})
    secret = overlay_secrets.get(reference.get("name"), {})
    url = str(dig(secret, "stringData", reference.get("key"), default=""))
    check(f"{label}: POSTPURCHASE_DATABASE_URL from the overlay's Secret (never a literal value)",
          "value" not in env.get("POSTPURCHASE_DATABASE_URL", {}) and bool(url), f"{reference}")
    check(f"{label}: the example URL is postgres://user:password@host:port/database",
          re.fullmatch(r"postgres(ql)?://[^:@/]+:[^@/]+@[^:/]+(:\d+)?/[^/?]+(\?sslmode=(disable|prefer|require))?", url) is not None, url)
    volumes = {v.get("name"): v for v in pod.get("volumes", []) or []}
    mounts = {m.get("mountPath"): m.get("name") for m in container.get("volumeMounts", []) or []}
    data_volume = volumes.get(mounts.get(dig(env, "POSTPURCHASE_DATA_DIR", "value", default=DATA_DIR)), {})
    check(f"{label}: no volume per pod (no volumeClaimTemplates; data dir is an emptyDir)",
          not spec.get("volumeClaimTemplates") and "emptyDir" in data_volume
          and not any("persistentVolumeClaim" in v for v in volumes.values()), f"{data_volume}")
for name in sorted(scaled_objects):
    manifest = patched.get(("ScaledObject", name))
    annotations = dig(manifest or {}, "metadata", "annotations", default={}) or {}
    check(f"k8s postgres overlay: ScaledObject/{name} may scale (not paused)",
          manifest is not None and "autoscaling.keda.sh/paused-replicas" not in annotations, f"{annotations}")
check("compose: workers take POSTPURCHASE_DATABASE_URL from the caller's environment (empty: SQLite)",
      all(environment(s).get("POSTPURCHASE_DATABASE_URL") == "${POSTPURCHASE_DATABASE_URL:-}" for _, s in worker_services.values()))
postgres_service = services.get("postgres", {})
check("compose: the optional postgres service runs only with --profile postgres",
      str(postgres_service.get("image", "")).startswith("postgres:") and postgres_service.get("profiles") == ["postgres"],
      f"{postgres_service.get('image')} {postgres_service.get('profiles')}")


# --- README ---------------------------------------------------------------------------------

readme = (ROOT / "README.md").read_text(encoding="utf-8")
headings = re.findall(r"^## .*$", readme, re.M)
check("README: '## Deploying' comes right before '## Development'",
      "## Deploying" in headings and "## Development" in headings
      and headings.index("## Development") == headings.index("## Deploying") + 1)
deploying = readme[readme.find("## Deploying"):readme.find("## Development")] if "## Deploying" in readme else ""
check("README: Deploying names the metrics to monitor", all(m in deploying for m in MONITORED_METRICS),
      f"missing {[m for m in MONITORED_METRICS if m not in deploying]}")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
