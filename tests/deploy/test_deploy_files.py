"""deploy/: the files `make stack` runs (scripts/stack.sh) are the ones a real server installs,
and each one is run or checked here — the systemd units, the gunicorn config, the nginx site
and the environment-file template."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

import portal.settings.base

ROOT = Path(settings.BASE_DIR)
DEPLOY = ROOT / "deploy"
UNITS = DEPLOY / "systemd"
STACK = (ROOT / "scripts" / "stack.sh").read_text(encoding="utf-8")
ENV_TEMPLATE = (DEPLOY / "portal.env.template").read_text(encoding="utf-8")
SITE_TEMPLATE = (DEPLOY / "nginx" / "portal.conf.template").read_text(encoding="utf-8")
# Another part of issue 16 adds these (alert rules, dashboards); they are checked where they are.
OTHER_OWNERS = {"prometheus", "grafana"}


def _unit(name: str) -> dict[str, dict[str, str]]:
    """A unit file as {section: {key: value}} (no key appears twice in ours)."""
    sections: dict[str, dict[str, str]] = {}
    current = None
    for line in (UNITS / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        assert key not in current, f"{name}: {key} given twice"
        current[key] = value
    return sections


def _stack_services() -> list[str]:
    return re.search(r"^SERVICES=\(([^)]*)\)", STACK, flags=re.MULTILINE).group(1).split()


def _template_values() -> dict[str, str]:
    return dict(
        line.split("=", 1)
        for line in ENV_TEMPLATE.splitlines()
        if re.match(r"[A-Z_][A-Z0-9_]*=", line)
    )


def test_the_stack_starts_every_service_unit_and_portal_target_wants_exactly_them():
    services = {path.name for path in UNITS.glob("*.service")}

    assert {f"portal-{name}.service" for name in _stack_services()} == services
    assert set(_unit("portal.target")["Unit"]["Wants"].split()) == services
    for name in services:
        assert _unit(name)["Install"]["WantedBy"] == "portal.target"
        assert _unit(name)["Unit"]["PartOf"] == "portal.target"


def test_units_run_the_checkout_with_the_environment_file_as_systemd_and_the_stack_read_it():
    for path in UNITS.glob("*.service"):
        service = _unit(path.name)["Service"]
        assert service["WorkingDirectory"] == "/srv/portal/app"
        assert service["EnvironmentFile"] == "/etc/portal/portal.env"
        assert service["ExecStart"].startswith("/srv/portal/app/.venv/bin/")
        # scripts/stack.sh runs ExecStart by splitting it on spaces: nothing systemd would read
        # differently (quotes, $VARIABLES, specifiers other than %%).
        assert not re.search(r"[\"'$\\]|%[^%]", service["ExecStart"].replace("%%", ""))
        assert "User" in service and "ProtectSystem" in service


def test_one_worker_per_queue_one_beat_and_gunicorn_with_the_shipped_config():
    commands = {
        path.name: _unit(path.name)["Service"]["ExecStart"].split()
        for path in UNITS.glob("*.service")
    }
    queues = [argv[argv.index("--queues") + 1] for argv in commands.values() if "worker" in argv]

    assert sorted(queues) == ["celery", "pdf"]
    assert sorted(settings.CELERY_TASK_ROUTES[t]["queue"] for t in settings.CELERY_TASK_ROUTES) == [
        "pdf"
    ]
    assert [name for name, argv in commands.items() if "beat" in argv] == ["portal-beat.service"]
    web = commands["portal-web.service"]
    assert web[web.index("--config") + 1] == "deploy/gunicorn.conf.py"
    assert web[-1] == "portal.wsgi:application"


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
def test_systemd_analyze_verify_finds_nothing_to_say(tmp_path):
    # As installed, with this checkout in place of /srv/portal/app (as scripts/stack.sh does).
    for path in UNITS.iterdir():
        text = path.read_text(encoding="utf-8").replace("/srv/portal/app", str(ROOT))
        (tmp_path / path.name).write_text(text, encoding="utf-8")

    result = subprocess.run(
        ["systemd-analyze", "verify", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        check=False,
    )

    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_systemd_analyze_verify_does_complain_about_a_broken_unit(tmp_path):
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze not installed")
    text = (UNITS / "portal-beat.service").read_text(encoding="utf-8")
    broken = tmp_path / "portal-beat.service"
    broken.write_text(text.replace("KillMode=mixed", "KillMode=sometimes"), encoding="utf-8")

    result = subprocess.run(
        ["systemd-analyze", "verify", str(broken)], capture_output=True, text=True, check=False
    )

    assert "kill mode" in (result.stdout + result.stderr)


def _rendered_site(tmp_path, **overrides) -> str:
    values = {
        name: value.replace("${PORTAL_VAR_DIR}", "/srv/portal/var")
        for name, value in _template_values().items()
    }
    values.update(
        PORTAL_WEB_BIND="127.0.0.1:8000",
        PORTAL_SERVER_NAME="zwfw.example.gov.cn",
        PORTAL_BASE_URL="https://zwfw.example.gov.cn",
        PORTAL_HTTPS_LISTEN="443",
        PORTAL_HTTP_LISTEN="80",
        PORTAL_TLS_CERTIFICATE="/etc/ssl/portal.crt",
        PORTAL_TLS_KEY="/etc/ssl/private/portal.key",
        STATIC_ROOT="/srv/portal/static",
        NGINX_LOG_DIR="/var/log/nginx",
    )
    values.update(overrides)
    env_file = tmp_path / "portal.env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in values.items()), encoding="utf-8")
    result = subprocess.run(
        [str(DEPLOY / "render-nginx-site.sh"), str(env_file)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.skipif(not shutil.which("envsubst"), reason="envsubst (gettext-base) not installed")
def test_the_site_renders_from_the_environment_file_with_nginx_variables_left_alone(tmp_path):
    site = _rendered_site(tmp_path)

    assert "${" not in site
    assert "server 127.0.0.1:8000;" in site
    assert "alias /srv/portal/static/;" in site
    assert "return 301 https://zwfw.example.gov.cn$request_uri;" in site
    # nginx's own variables are not environment variables.
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in site
    assert "proxy_set_header X-Forwarded-Proto https;" in site


@pytest.mark.skipif(not shutil.which("envsubst"), reason="envsubst (gettext-base) not installed")
def test_rendering_refuses_an_environment_file_that_leaves_a_value_out(tmp_path):
    env_file = tmp_path / "portal.env"
    env_file.write_text("PORTAL_WEB_BIND=127.0.0.1:8000\nSTATIC_ROOT=\n", encoding="utf-8")

    result = subprocess.run(
        [str(DEPLOY / "render-nginx-site.sh"), str(env_file)], capture_output=True, text=True
    )

    assert result.returncode == 1
    assert "STATIC_ROOT" in result.stderr and "PORTAL_TLS_KEY" in result.stderr


def test_nginx_refuses_the_bodies_the_portal_refuses_and_trusts_the_headers_it_sets():
    values = _template_values()

    # The template's line is what both read; it is the settings' default.
    assert int(values["MAX_REQUEST_BYTES"]) == portal.settings.base.MAX_REQUEST_BYTES
    assert "client_max_body_size ${MAX_REQUEST_BYTES};" in SITE_TEMPLATE
    assert values["TRUSTED_PROXY_IP_HEADER"] == "X-Forwarded-For"
    assert values["TRUSTED_PROXY_COUNT"] == "1"
    assert values["DJANGO_SETTINGS_MODULE"] == "portal.settings.prod"
    # The proxy outlasts gunicorn's timeout, so that gunicorn ends a runaway request itself.
    read_timeout = int(re.search(r"proxy_read_timeout (\d+)s;", SITE_TEMPLATE).group(1))
    assert read_timeout > int(values["GUNICORN_TIMEOUT"])


def test_every_template_variable_is_read_by_the_settings_gunicorn_or_the_nginx_site():
    read = set(
        re.findall(
            r"""(?:env_(?:str|bool|int|list)\(|os\.environ\.get\()\s*["']([A-Z][A-Z0-9_]*)["']""",
            "".join(
                p.read_text(encoding="utf-8") for p in (ROOT / "portal" / "settings").glob("*.py")
            )
            + (DEPLOY / "gunicorn.conf.py").read_text(encoding="utf-8"),
        )
    )
    read |= set(re.findall(r"\$\{([A-Z_]+)\}", SITE_TEMPLATE))
    read |= {"DJANGO_SETTINGS_MODULE", "PROMETHEUS_MULTIPROC_DIR"}  # Django's and prometheus's

    assert set(_template_values()) - read == set()


def test_gunicorn_config_takes_its_values_from_the_environment(monkeypatch):
    monkeypatch.setenv("PORTAL_WEB_BIND", "127.0.0.1:8123")
    monkeypatch.setenv("GUNICORN_WORKERS", "5")
    monkeypatch.setenv("GUNICORN_TIMEOUT", "45")
    code = (DEPLOY / "gunicorn.conf.py").read_text(encoding="utf-8")
    config: dict = {}
    exec(compile(code, "gunicorn.conf.py", "exec"), config)  # noqa: S102 - our own file

    assert (config["bind"], config["workers"], config["timeout"]) == ("127.0.0.1:8123", 5, 45)
    assert config["accesslog"] is None  # the portal logs each request itself
    assert callable(config["child_exit"])


def test_no_deployment_file_that_the_stack_does_not_run_or_check():
    for path in DEPLOY.rglob("*"):
        relative = path.relative_to(ROOT)
        if path.is_dir() or relative.parts[1] in OTHER_OWNERS or "__pycache__" in relative.parts:
            continue
        if path.parent == UNITS:
            continue  # started by SERVICES, verified by systemd-analyze (tests above)
        if path.name == "portal.conf.template":
            used_by = (DEPLOY / "render-nginx-site.sh").read_text(encoding="utf-8")
            assert "nginx/portal.conf.template" in used_by
            continue
        assert str(relative) in STACK, f"scripts/stack.sh does not use {relative}"


def test_base_settings_send_tasks_through_the_broker():
    # /readyz and the admin index read it; missing, /readyz answered 500 outside the tests.
    assert portal.settings.base.CELERY_TASK_ALWAYS_EAGER is False


@pytest.mark.skipif(
    not (shutil.which("nginx") and shutil.which("openssl") and shutil.which("envsubst")),
    reason="nginx, openssl or envsubst not installed (scripts/install-system-packages.sh --stack)",
)
def test_nginx_accepts_the_rendered_site(tmp_path):
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
         "/CN=zwfw.example.gov.cn", "-keyout", str(tmp_path / "key.pem"),
         "-out", str(tmp_path / "cert.pem")],
        check=True,
        capture_output=True,
    )  # fmt: skip
    site = tmp_path / "portal.conf"
    site.write_text(
        _rendered_site(
            tmp_path,
            PORTAL_TLS_CERTIFICATE=str(tmp_path / "cert.pem"),
            PORTAL_TLS_KEY=str(tmp_path / "key.pem"),
            NGINX_LOG_DIR=str(tmp_path),
        ),
        encoding="utf-8",
    )
    # The frame a Debian server's /etc/nginx/nginx.conf gives a site.
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{ include /etc/nginx/mime.types; include {site}; }}\n",
        encoding="utf-8",
    )

    result = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(conf)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
