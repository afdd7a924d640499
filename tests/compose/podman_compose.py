"""docker-compose.yml run with podman the way `docker compose up` runs it, for the compose test level.

Why not podman-compose: on podman 4.3 without systemd (this kind of machine, CI) podman runs
healthchecks only from systemd timers, so no container ever turns healthy by itself, and
podman-compose 1.x does not wait for `service_completed_successfully`. This runner reads the same
files, merged as compose merges them (mappings merge key by key, anything else is replaced;
`${VAR}`, `${VAR:-default}` interpolation), and keeps compose's promises for what
docker-compose.yml uses: build (podman caches layers), depends_on with service_started /
service_healthy / service_completed_successfully, healthchecks (run here, as podman would on its
timer, while waiting), scale, restart policy, stop_grace_period, and a project label on every
container so `down` removes exactly what `up` made. Only host networking is supported.
"""
import json
import os
import re
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONTAINERS_CONF = os.path.join(ROOT, "deploy", "podman", "containers.conf")
LABEL = "io.portico.compose"
VARIABLE = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")


class ComposeError(RuntimeError):
    pass


def podman(*args, check=True, timeout=900):
    env = dict(os.environ, CONTAINERS_CONF=os.environ.get("CONTAINERS_CONF", CONTAINERS_CONF))
    result = subprocess.run(["podman", *args], capture_output=True, text=True, env=env, timeout=timeout)
    if check and result.returncode != 0:
        raise ComposeError(f"podman {' '.join(args[:3])} ... failed ({result.returncode}):\n"
                           f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


def podman_problem():
    """None when podman can build and run containers here, else why not (the level then skips)."""
    for tool, package in (("podman", "podman"), ("runc", "runc"), ("mmdebstrap", "mmdebstrap")):
        if not shutil.which(tool):
            return f"{tool} is not installed (apt-get install podman runc mmdebstrap), so no container can be built"
    result = podman("info", "--format", "{{.Host.OCIRuntime.Name}}", check=False, timeout=120)
    if result.returncode != 0:
        return f"podman does not work here: {(result.stderr.strip().splitlines() or ['?'])[-1]}"
    return None


# -- reading the files ------------------------------------------------------------------------------

def interpolate(value, env):
    if isinstance(value, dict):
        return {key: interpolate(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, env) for item in value]
    if not isinstance(value, str):
        return value

    def replace(match):
        if match.group(0) == "$$":
            return "$"
        name = match.group(1) or match.group(4)
        operator, argument = match.group(2), match.group(3) or ""
        current = env.get(name)
        missing = current is None or (current == "" and operator and operator.startswith(":"))
        if operator in (":-", "-"):
            return argument if missing else current
        if operator in (":?", "?") and missing:
            raise ComposeError(f"{name} must be set: {argument}")
        return current or ""
    return VARIABLE.sub(replace, value)


def merge(base, override):
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = merge(base[key], value) if key in base else value
        return merged
    return override


def environment_of(service):
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return {key: str(value) for key, value in env.items() if value is not None}


def seconds(duration, default):
    if duration is None:
        return default
    total = 0.0
    for number, unit in re.findall(r"([\d.]+)(ms|s|m|h)?", str(duration)):
        total += float(number) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "": 1}[unit or ""]
    return total


def qualified(image):
    first = image.split("/", 1)[0]
    return image if ("." in first or ":" in first or first == "localhost") and "/" in image else f"localhost/{image}"


class Project:
    def __init__(self, files, name, env):
        data = {}
        for path in files:
            with open(path) as fh:
                data = merge(data, yaml.safe_load(fh))
        data = interpolate(data, env)
        self.name = name
        self.external = set(data.get("x-portico-external", []))
        self.services = {name: spec for name, spec in data["services"].items()
                         if name not in self.external and not spec.get("profiles")}
        for service, spec in self.services.items():
            if spec.get("network_mode") != "host":
                raise ComposeError(f"{service}: only network_mode: host is supported by this runner")

    # -- build --------------------------------------------------------------------------------

    def build(self, build_args=None, volumes=(), log=print):
        """Build every image once (services sharing an image share the build), in file order."""
        built = {}
        for service, spec in self.services.items():
            if "build" not in spec or spec["image"] in built:
                continue
            build = spec["build"]
            args = dict(build.get("args") or {}, **(build_args or {}))
            command = ["build", "--network", "host", "--layers", "-t", qualified(spec["image"]),
                       "-f", os.path.join(ROOT, build.get("context", "."), build["dockerfile"])]
            for key, value in args.items():
                command += ["--build-arg", f"{key}={value}"]
            for volume in volumes:
                command += ["-v", volume]
            started = time.monotonic()
            podman(*command, os.path.join(ROOT, build.get("context", ".")), timeout=1800)
            built[spec["image"]] = time.monotonic() - started
            log(f"built {spec['image']} in {built[spec['image']]:.0f}s")
        podman("image", "prune", "--force", check=False)  # the layers that rebuilt images replaced
        return built

    # -- up -----------------------------------------------------------------------------------

    def dependencies(self, service):
        depends = self.services[service].get("depends_on") or {}
        if isinstance(depends, list):
            depends = {name: {"condition": "service_started"} for name in depends}
        return {name: (spec or {}).get("condition", "service_started")
                for name, spec in depends.items() if name not in self.external}

    def waves(self):
        """Services grouped so that each group only depends on earlier groups (started together)."""
        level = {}

        def depth(service, seen=()):
            if service in seen:
                raise ComposeError(f"dependency cycle through {service}")
            if service not in level:
                deps = self.dependencies(service)
                level[service] = 1 + max((depth(d, seen + (service,)) for d in deps), default=-1)
            return level[service]
        for service in self.services:
            depth(service)
        return [[s for s in self.services if level[s] == n] for n in range(max(level.values()) + 1)]

    def one_shot(self, service):
        return any(self.dependencies(other).get(service) == "service_completed_successfully"
                   for other in self.services)

    def container(self, service, index):
        return f"{self.name}_{service}_{index}"

    def up(self, scale=None, timeout=300):
        scale = scale or {}
        for wave in self.waves():
            with ThreadPoolExecutor(max_workers=max(len(wave), 1)) as pool:
                list(pool.map(lambda s: self._bring_up(s, scale.get(s, 1), timeout), wave))

    def _bring_up(self, service, replicas, timeout):
        for dependency, condition in self.dependencies(service).items():
            if condition == "service_healthy":
                self.wait_healthy(dependency, timeout)
        if self.one_shot(service):
            name = self.container(service, 1)
            result = podman("run", *self._run_options(service, name, detach=False), check=False, timeout=timeout)
            if result.returncode != 0:
                raise ComposeError(f"{service} exited with {result.returncode}:\n{self.logs(name)[-4000:]}")
            return
        for index in range(1, replicas + 1):
            podman("run", "--detach", *self._run_options(service, self.container(service, index)))

    def _run_options(self, service, name, detach=True):
        spec = self.services[service]
        options = ["--name", name, "--network", "host",
                   "--label", f"{LABEL}.project={self.name}", "--label", f"{LABEL}.service={service}",
                   "--stop-timeout", str(int(seconds(spec.get("stop_grace_period"), 10)))]
        restart = str(spec.get("restart", "no"))
        if detach and restart != "no":
            options += ["--restart", restart]
        for key, value in environment_of(spec).items():
            options += ["--env", f"{key}={value}"]
        health = spec.get("healthcheck")
        if health and not health.get("disable"):
            test = health["test"]
            command = json.dumps(test[1:]) if test[0] == "CMD" else " ".join(test[1:])
            options += ["--health-cmd", command,
                        "--health-interval", f"{int(seconds(health.get('interval'), 30))}s",
                        "--health-timeout", f"{int(seconds(health.get('timeout'), 30))}s",
                        "--health-retries", str(health.get("retries", 3)),
                        "--health-start-period", f"{int(seconds(health.get('start_period'), 0))}s"]
        options.append(qualified(spec["image"]))
        options += list(spec.get("command") or [])
        return options

    # -- state ----------------------------------------------------------------------------------

    def containers(self, service=None, all_states=True):
        filters = ["--filter", f"label={LABEL}.project={self.name}"]
        if service:
            filters += ["--filter", f"label={LABEL}.service={service}"]
        result = podman("ps", *(["--all"] if all_states else []), *filters, "--format", "{{.Names}}")
        return sorted(result.stdout.split())

    def state(self, name):
        result = podman("inspect", name, "--format", "{{.State.Status}} {{.State.ExitCode}}")
        status, code = result.stdout.split()
        return status, int(code)

    def healthcheck(self, name):
        """Run the container's healthcheck now, as podman's timer would: True when healthy."""
        try:
            return podman("healthcheck", "run", name, check=False, timeout=120).returncode == 0
        except subprocess.TimeoutExpired:  # a very busy machine: not healthy yet, ask again
            return False

    def wait_healthy(self, service, timeout=300):
        deadline = time.monotonic() + timeout
        for name in self.containers(service):
            while not self.healthcheck(name):
                status, code = self.state(name)
                if status != "running":
                    raise ComposeError(f"{name} is {status} ({code}):\n{self.logs(name)[-4000:]}")
                if time.monotonic() > deadline:
                    raise ComposeError(f"{name} did not turn healthy in {timeout}s:\n{self.logs(name)[-4000:]}")
                time.sleep(1)

    def logs(self, name):
        result = podman("logs", name, check=False)
        return result.stdout + result.stderr

    def stop(self, name):
        spec = self.services[podman("inspect", name, "--format",
                                    "{{index .Config.Labels \"%s.service\"}}" % LABEL).stdout.strip()]
        grace = int(seconds(spec.get("stop_grace_period"), 10))
        podman("stop", "--time", str(grace), name, timeout=grace + 60)

    def down(self):
        """Stop (gracefully, as compose does) and remove every container of the project."""
        names = self.containers()
        if names:
            podman("rm", "--force", "--time", "20", *names, check=False, timeout=300)
        return self.containers()
