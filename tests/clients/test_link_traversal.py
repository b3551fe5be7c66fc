"""Comunica (link traversal, pinned in tests/clients/package-lock.json) walks the documents of
`cityrdf serve` and of the published site on Apache and nginx (deploy/ configs) from Tehran's IRI,
and finds its pacts and what only the pacts' own documents say.

The IRIs are w3id.org's; a loopback proxy stands in for w3id (it answers
`/https://w3id.org/cityrdf/{path}` from the server, anything else 404), so nothing leaves the host."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from cityrdf import publish, serve
from cityrdf.rdf import graph
from cityrdf.rdf.namespaces import BASE, sparql_prologue
from tests.publish.web_servers import start_apache, start_nginx

CLIENTS = Path(__file__).resolve().parent
COMUNICA = CLIENTS / "node_modules" / ".bin" / "comunica-sparql-link-traversal"
TEHRAN = BASE + "id/city/tehran"
# the signing date is in the pact's document only: finding it means the pact's IRI was followed
PACTS = f"""SELECT ?pact ?date WHERE {{
  ?pact cr:party <{TEHRAN}> .
  OPTIONAL {{ ?pact cr:signingDate ?date }}
}}"""


def w3id_stand_in(upstream: str) -> ThreadingHTTPServer:
    """A proxy at which Comunica's `--proxy http://HOST/` asks `/https://w3id.org/cityrdf/…`."""

    class Forward(BaseHTTPRequestHandler):
        def do_GET(self):
            target = self.path.lstrip("/")
            if not target.startswith(BASE):
                self.send_error(404, "not a cityrdf IRI")
                return
            request = urllib.request.Request(
                upstream + "/" + target[len(BASE) :],
                headers={"Accept": self.headers.get("Accept", "*/*")},
            )
            try:
                with urllib.request.urlopen(request, timeout=20) as response:
                    status, headers, body = response.status, response.headers, response.read()
            except urllib.error.HTTPError as err:
                status, headers, body = err.code, err.headers, err.read()
            self.send_response(status)
            self.send_header("Content-Type", headers.get("Content-Type", "text/plain"))
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Final-Url", target)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    proxy = ThreadingHTTPServer(("127.0.0.1", 0), Forward)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    return proxy


@pytest.fixture(scope="module")
def hosts(mini_project, start_loopback_server, tmp_path_factory):
    """`cityrdf serve`, and Apache and nginx serving the published site, by name: their URLs."""
    server, url = start_loopback_server(serve.Settings())
    folder = tmp_path_factory.mktemp("published")
    folder.chmod(0o755)
    publish.publish(folder / "site")
    static = {}
    try:
        static["apache"] = start_apache(folder / "site", tmp_path_factory.mktemp("apache"))
        static["nginx"] = start_nginx(folder / "site", tmp_path_factory.mktemp("nginx"))
        yield {"serve": url} | {name: s.url for name, s in static.items()}
    finally:
        for s in static.values():
            s.stop()
        server.should_exit = True


@pytest.fixture(params=["serve", "apache", "nginx"])
def proxy_url(request, hosts):
    proxy = w3id_stand_in(hosts[request.param])
    yield f"http://127.0.0.1:{proxy.server_address[1]}/"
    proxy.shutdown()


def comunica(proxy: str, query: str, *seeds: str) -> list[dict[str, str]]:
    return comunica_rows(COMUNICA, query, *seeds, "--proxy", proxy, "--lenient")


def comunica_rows(binary: Path, query: str, *arguments: str) -> list[dict[str, str]]:
    """The rows of one Comunica run of `query` (the project's prefixes before it): each variable's
    value, an IRI or a literal's lexical form."""
    assert shutil.which("node"), "node is missing: run .ci/install-system-deps"
    assert binary.is_file(), "Comunica is missing: run `npm ci` in tests/clients"
    result = subprocess.run(
        [str(binary), *arguments, "-t", "application/json", "-q", sparql_prologue() + query],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return [
        {name: lexical_form(term) for name, term in row.items()}
        for row in json.loads(result.stdout)
    ]


def lexical_form(term: str) -> str:
    """An IRI as Comunica writes it, or the text between a literal's quotes (`"Seoul"@en`,
    `"2004"^^…#gYear`)."""
    return term[1 : term.rindex('"')] if term.startswith('"') else term


def test_comunica_walks_from_tehran_to_its_pacts(proxy_url, mini_project):
    expected = {
        (row["pact"].value, row["date"].value if row["date"] else None)
        for row in graph.load_store().query(sparql_prologue() + PACTS)
    }
    assert len(expected) >= 2 and any(date for _, date in expected)
    found = {(row["pact"], row.get("date")) for row in comunica(proxy_url, PACTS, TEHRAN)}
    assert found == expected
