"""Debian's Apache 2.4 and nginx, started by the tests in the foreground on loopback ports
(tests/loopback.py), serving a published site with the project's deploy configs (deploy/.htaccess,
deploy/nginx-*)."""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.loopback import worker_port

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
APACHE = "/usr/sbin/apache2"
APACHE_MODULES = Path("/usr/lib/apache2/modules")
NGINX = "/usr/sbin/nginx"
NGINX_JS_MODULE = Path("/usr/lib/nginx/modules/ngx_http_js_module.so")


def missing(binary: str) -> str:
    return (
        f"{binary} is missing: run .ci/install-system-deps (apache2, nginx, libnginx-mod-http-js)"
    )


class WebServer:
    """A server process; `url` is its base URL. Stop it with `stop()`."""

    def __init__(self, argv: list[str], port: int, log: Path):
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        self.process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"{argv[0]} exited: {self.log_text()}")
            try:
                urllib.request.urlopen(self.url + "/index.html", timeout=2).close()
                return
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"{argv[0]} did not answer within 20 s: {self.log_text()}")
                time.sleep(0.1)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")[-2000:] if self.log.is_file() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def start_apache(site: Path, work: Path) -> WebServer:
    """Apache with only the modules deploy/.htaccess needs, the site's root allowing overrides."""
    shutil.copy(DEPLOY / ".htaccess", site / ".htaccess")
    return apache_serving(site, work)


def start_w3id(host: str, work: Path) -> WebServer:
    """A stand-in for w3id.org: Apache with deploy/w3id.htaccess (HOST replaced by `host`) as
    `cityrdf/.htaccess`, as the pull request to perma-id/w3id.org would place it."""
    root = work / "w3id"
    (root / "cityrdf").mkdir(parents=True)
    (root / "index.html").write_text("<!doctype html><title>w3id</title>\n")
    rules = (DEPLOY / "w3id.htaccess").read_text().replace("HOST", host)
    (root / "cityrdf" / ".htaccess").write_text(rules)
    for folder in (work, root, root / "cityrdf"):
        folder.chmod(0o755)
    return apache_serving(root, work)


def apache_serving(root: Path, work: Path) -> WebServer:
    assert Path(APACHE).is_file(), missing("apache2")
    port = worker_port()
    modules = ("mpm_event", "authz_core", "mime", "negotiation", "rewrite", "headers", "dir")
    load = "\n".join(f"LoadModule {m}_module {APACHE_MODULES}/mod_{m}.so" for m in modules)
    config = work / "httpd.conf"
    config.write_text(
        f"""ServerRoot {work}
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
DefaultRuntimeDir {work}
PidFile {work}/httpd.pid
ErrorLog {work}/error.log
LogLevel warn
{load}
TypesConfig /etc/mime.types
DocumentRoot {root}
DirectoryIndex index.html
<Directory {root}>
    AllowOverride FileInfo Indexes Options=MultiViews,Indexes,FollowSymLinks
    Require all granted
</Directory>
"""
    )
    return WebServer([APACHE, "-f", str(config), "-DFOREGROUND"], port, work / "error.log")


def start_nginx(site: Path, work: Path) -> WebServer:
    """nginx with the njs module, deploy/nginx-cityrdf-http.conf in http {} (its js_import path
    pointed at deploy/cityrdf-conneg.js) and deploy/nginx-cityrdf.conf in server {}."""
    assert Path(NGINX).is_file(), missing("nginx")
    assert NGINX_JS_MODULE.is_file(), missing("libnginx-mod-http-js")
    port = worker_port()
    http_part = (DEPLOY / "nginx-cityrdf-http.conf").read_text()
    http_part = http_part.replace("/etc/nginx/cityrdf-conneg.js", str(DEPLOY / "cityrdf-conneg.js"))
    temp = " ".join(
        f"{kind}_temp_path {work}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    config = work / "nginx.conf"
    config.write_text(
        f"""load_module {NGINX_JS_MODULE};
daemon off;
master_process off;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    {temp}
{http_part}
    server {{
        listen 127.0.0.1:{port};
        root {site};
        include {DEPLOY / "nginx-cityrdf.conf"};
    }}
}}
"""
    )
    return WebServer(
        [NGINX, "-c", str(config), "-e", str(work / "error.log"), "-p", str(work)],
        port,
        work / "error.log",
    )
