"""deploy/kubernetes: every manifest valid for Kubernetes 1.30 (strict), and shaped as ops need it.

The services are found from services/*/, so a new service without manifests fails here.
"""
import glob
import os

import kubernetes_validate
import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
K8S = os.path.join(ROOT, "deploy", "kubernetes")
SERVICES = sorted(d for d in os.listdir(os.path.join(ROOT, "services"))
                  if os.path.isdir(os.path.join(ROOT, "services", d, d)))
KUBERNETES_VERSION = "1.30.0"


def documents(path):
    with open(path) as fh:
        return [doc for doc in yaml.safe_load_all(fh) if doc]


def manifest_files():
    return sorted(path for path in glob.glob(os.path.join(K8S, "**", "*.yaml"), recursive=True)
                  if os.path.basename(path) != "kustomization.yaml")


def kustomization(folder):
    return documents(os.path.join(K8S, folder, "kustomization.yaml"))[0]


def base_objects():
    objects = {}
    for entry in kustomization("base")["resources"]:
        for doc in documents(os.path.join(K8S, "base", entry)):
            objects[(doc["kind"], doc["metadata"]["name"])] = doc
    return objects


@pytest.mark.parametrize("path", manifest_files(), ids=lambda p: os.path.relpath(p, K8S))
def test_every_manifest_is_valid_kubernetes_1_30_in_strict_mode(path):
    for doc in documents(path):
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_the_kustomizations_list_every_manifest_and_only_existing_files():
    listed = set()
    for folder in ("base", "overlays/production"):
        spec = kustomization(folder)
        entries = list(spec.get("resources", [])) + [p["path"] for p in spec.get("patches", [])]
        for entry in entries:
            path = os.path.normpath(os.path.join(K8S, folder, entry))
            assert os.path.exists(path), f"{folder}: {entry}"
            listed.add(path)
    assert set(manifest_files()) <= listed, "a manifest that no kustomization uses"
    images = {image["name"] for image in kustomization("overlays/production")["images"]}
    assert images == {f"portico/{name}" for name in SERVICES + ["gateway"]}


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_has_deployment_autoscaler_budget_and_migration_job(service):
    objects = base_objects()
    for kind in ("Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget"):
        assert (kind, service) in objects, f"{service}: no {kind} in deploy/kubernetes/base"
    assert ("Job", f"{service}-migrate") in objects, f"{service}: no migration Job"

    [container] = objects[("Deployment", service)]["spec"]["template"]["spec"]["containers"]
    assert container["command"] == ["python", "-m", "portico_kit.runner", f"{service}.service"]
    assert container["livenessProbe"]["exec"]["command"][:3] == ["python", "-m", "portico_kit.healthcheck"]
    assert container["readinessProbe"]["exec"]["command"][:3] == ["python", "-m", "portico_kit.healthcheck"]
    env = {e["name"]: e for e in container["env"]}
    assert env["DATABASE_URL"]["valueFrom"]["secretKeyRef"]["key"] == f"{service}-database-url", "its own database"

    [migrate] = objects[("Job", f"{service}-migrate")]["spec"]["template"]["spec"]["containers"]
    assert migrate["command"] == ["python", "-m", "portico_kit.migrate", service]
    assert migrate["image"] == container["image"]
    hpa = objects[("HorizontalPodAutoscaler", service)]["spec"]
    assert hpa["scaleTargetRef"]["name"] == service and hpa["minReplicas"] >= 2
    selector = objects[("PodDisruptionBudget", service)]["spec"]["selector"]["matchLabels"]
    assert selector == objects[("Deployment", service)]["spec"]["selector"]["matchLabels"]


def test_the_gateway_is_served_with_probes_on_its_health_endpoint():
    objects = base_objects()
    for kind in ("Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Service", "Ingress"):
        assert (kind, "gateway") in objects, kind
    [container] = objects[("Deployment", "gateway")]["spec"]["template"]["spec"]["containers"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    backend = objects[("Ingress", "gateway")]["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == "gateway"


def test_pods_are_sized_probed_non_root_pinned_and_drain_calls_in_flight():
    for (kind, name), obj in base_objects().items():
        if kind not in ("Deployment", "Job"):
            continue
        pod = obj["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        for container in pod["containers"]:
            image = container["image"]
            assert ":" in image and not image.endswith(":latest"), f"{name}: pin a release, not {image}"
            assert {"cpu", "memory"} <= set(container["resources"]["requests"]), name
            assert "memory" in container["resources"]["limits"], name
            if kind == "Deployment":
                assert "readinessProbe" in container and "livenessProbe" in container, name
        if kind == "Deployment":
            # longer than the gateway's RPC timeout (10 s), so calls in flight finish
            assert pod["terminationGracePeriodSeconds"] >= 20, name


def test_no_secret_is_committed():
    for path in manifest_files():
        for doc in documents(path):
            assert doc["kind"] != "Secret", f"{path}: make the Secret at deploy time"
            if doc["kind"] == "ConfigMap":
                for key in doc["data"]:
                    assert not any(word in key.upper() for word in ("PASSWORD", "SECRET", "TOKEN")), key
    assert not glob.glob(os.path.join(K8S, "**", "secrets.env"), recursive=True)
