"""docker-compose.yml and the Dockerfiles, read and checked (no Docker engine needed)."""
import json
import os
import re

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SERVICE_FOLDERS = sorted(d for d in os.listdir(os.path.join(ROOT, "services"))
                         if os.path.isdir(os.path.join(ROOT, "services", d, d)))


@pytest.fixture(scope="module")
def compose():
    with open(os.path.join(ROOT, "docker-compose.yml")) as fh:
        return yaml.safe_load(fh)


def test_every_service_folder_runs_in_compose_with_a_healthcheck(compose):
    assert SERVICE_FOLDERS == sorted(["accounts", "billing", "customers", "documents", "notifications", "portal", "reviews"])
    for name in SERVICE_FOLDERS:
        service = compose["services"][name]
        assert service["healthcheck"]["test"][:3] == ["CMD", "python", "-m"], name
        assert service["command"] == ["python", "-m", "portico_kit.runner", f"{name}.service"]
        assert service["build"]["dockerfile"] == f"services/{name}/Dockerfile"
        assert service["environment"]["DATABASE_URL"].endswith(f"/{name}"), "one database per service"
        assert service["depends_on"][f"{name}-migrate"]["condition"] == "service_completed_successfully"
        migrate = compose["services"][f"{name}-migrate"]
        assert migrate["command"] == ["python", "-m", "portico_kit.migrate", name]
        assert migrate["environment"]["DATABASE_URL"] == service["environment"]["DATABASE_URL"]


def test_everything_has_a_healthcheck_and_nothing_a_fixed_name(compose):
    for name, service in compose["services"].items():
        assert "container_name" not in service, name
        if not name.endswith("-migrate"):
            assert "healthcheck" in service, name
        command = service.get("command")
        assert command is None or isinstance(command, list), f"{name}: exec form, so SIGTERM reaches the process"


def test_infrastructure_and_gateway(compose):
    services = compose["services"]
    assert services["rabbitmq"]["image"].endswith("-management")
    assert services["postgres"]["image"].startswith("postgres:")
    assert any(str(p).endswith(":8025") for p in services["mailpit"]["ports"]), "the web inbox"
    gateway = services["gateway"]
    assert any(str(p).endswith(":8000") for p in gateway["ports"])
    assert {n for n, d in gateway["depends_on"].items() if d["condition"] == "service_healthy"} == set(SERVICE_FOLDERS)


def test_postgres_gets_one_database_per_service():
    with open(os.path.join(ROOT, "deploy/postgres/init-databases.sh")) as fh:
        script = fh.read()
    assert set(re.search(r"for db in ([a-z ]+);", script).group(1).split()) == set(SERVICE_FOLDERS)


@pytest.mark.parametrize("folder", [f"services/{n}" for n in SERVICE_FOLDERS] + ["gateway"])
def test_dockerfiles_copy_what_exists_and_run_in_exec_form(folder):
    with open(os.path.join(ROOT, folder, "Dockerfile")) as fh:
        lines = [line.strip() for line in fh if line.strip() and not line.startswith("#")]
    assert lines[0].startswith("FROM python:3.11")
    for line in lines:
        if line.startswith("COPY "):
            for source in line.split()[1:-1]:
                assert os.path.exists(os.path.join(ROOT, source)), f"{folder}: COPY {source}"
    [cmd] = [line for line in lines if line.startswith("CMD ")]
    argv = json.loads(cmd[4:])
    assert isinstance(argv, list) and argv, "exec form"
    assert any(line.startswith("USER ") for line in lines), "not as root"
