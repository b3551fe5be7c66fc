"""Where the served site sends a visitor: every link and every redirect lands on a page that exists."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import html5lib
import httpx
import pytest

# the pages a visitor starts from: the home page, the stored questions, and a city page
START_PAGES = ("/", "/questions", "/id/city/tehran")
MAX_REDIRECTS = 10


def landing(base_url: str, path: str) -> tuple[list[str], int]:
    """The chain of paths `path` redirects through, and the status of the last; a loop fails."""
    chain = [path]
    response = httpx.get(base_url + path, timeout=30)
    while response.is_redirect:
        target = urljoin(base_url + chain[-1], response.headers["location"])
        assert urlsplit(target).netloc == urlsplit(base_url).netloc, f"{chain} leaves the site"
        target_path = urlsplit(target).path + (
            "?" + urlsplit(target).query if "?" in target else ""
        )
        assert target_path not in chain, f"redirect loop: {chain + [target_path]}"
        assert len(chain) <= MAX_REDIRECTS, f"redirects without end: {chain}"
        chain.append(target_path)
        response = httpx.get(target, timeout=30)
    return chain, response.status_code


def links_of(base_url: str, page: str) -> set[str]:
    """The site's own paths (with query string) that `page` links to or loads."""
    document = html5lib.parse(
        httpx.get(base_url + page, timeout=30).text, namespaceHTMLElements=False
    )
    found = set()
    for element in document.iter():
        for attribute in ("href", "src"):
            value = element.get(attribute)
            if not value or value.startswith("#"):
                continue
            url = urlsplit(urljoin(base_url + page, value))
            if url.netloc == urlsplit(base_url).netloc:
                found.add(url.path + (f"?{url.query}" if url.query else ""))
    return found


def folders_of(path: str) -> list[str]:
    """Each folder above `path`, with its trailing slash: /id/city/tehran -> /id/, /id/city/."""
    parts = path.split("?")[0].strip("/").split("/")
    return ["/" + "/".join(parts[:n]) + "/" for n in range(1, len(parts) + 1)]


@pytest.mark.parametrize("page", START_PAGES)
def test_every_link_and_folder_of_a_page_lands_on_a_page_or_a_plain_404(base_url, page):
    assert httpx.get(base_url + page, timeout=30).status_code == 200
    links = links_of(base_url, page)
    assert links, f"{page} links nowhere"
    problems = []
    for link in sorted(links):
        chain, status = landing(base_url, link)
        if status != 200:
            problems.append(f"link {link} -> {' -> '.join(chain[1:])} is {status}")
    for folder in sorted({f for link in links for f in folders_of(link)}):
        chain, status = landing(base_url, folder)
        if len(chain) > 1 and status != 200:  # a plain 404 is fine; a redirect to one is not
            problems.append(f"folder {' -> '.join(chain)} is {status}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "folder, landing_path",
    [
        ("/questions/", "/questions"),
        ("/cities/", "/cities"),
        ("/shapes/", "/shapes"),
        ("/ontology/", "/ontology/"),
        ("/queries/", None),
        ("/id/", None),
        ("/id/city/", None),
        ("/static/", None),
        ("/dumps/", None),
        ("/incoming/", None),
        ("/no-such-folder/", None),
    ],
)
def test_a_trailing_slash_is_a_page_a_redirect_to_one_or_a_plain_404(
    base_url, folder, landing_path
):
    chain, status = landing(base_url, folder)
    if landing_path is None:
        assert (chain, status) == ([folder], 404)
    else:
        assert (chain[-1], status) == (landing_path, 200)


def test_a_redirect_keeps_the_query_string(base_url):
    chain, status = landing(base_url, "/sparql/?example=tehran-partners")
    assert (chain[-1], status) == ("/sparql?example=tehran-partners", 200)
