"""The files a report names for each finding."""

import pytest

from cityrdf.errors import BadInput
from cityrdf.rdf.graph import files_describing

SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

TEHRAN, YAZD = "https://w3id.org/cityrdf/id/city/tehran", "https://w3id.org/cityrdf/id/city/yazd"


def test_files_describing_names_every_file_with_the_iri_as_subject_and_no_other(tmp_path):
    places, links, names = tmp_path / "places.ttl", tmp_path / "links.nt", tmp_path / "names.ttl"
    places.write_text(f"<{TEHRAN}> <{SAME_AS}> <{YAZD}> .\n")
    links.write_text(f"<{TEHRAN}> <{SAME_AS}> _:b0 .\n_:b0 <{SAME_AS}> <{YAZD}> .\n")
    names.write_text(f'@base <https://w3id.org/cityrdf/id/> . <city/yazd> <{LABEL}> "Yazd" .\n')
    found = files_describing([places, links, names], {TEHRAN, YAZD, "", "_:b0", "Yazd"})
    # Yazd is only an object in places.ttl and links.nt; the blank node and the literal name nothing
    assert found == {TEHRAN: [places, links], YAZD: [names]}


def test_files_describing_reads_nothing_without_an_iri_to_look_for(tmp_path):
    absent = tmp_path / "absent.ttl"
    assert files_describing([absent], {"", "_:b0"}) == {}
    with pytest.raises(BadInput, match="absent.ttl: no such file"):
        files_describing([absent], {TEHRAN})


CITY_TRIPLE = f'<{TEHRAN}> <{LABEL}> "تهران"@fa .'
SAVED_AS = {
    "ttl": CITY_TRIPLE,
    "nt": CITY_TRIPLE,
    "jsonld": f'{{"@id": "{TEHRAN}", "{LABEL}": {{"@value": "تهران", "@language": "fa"}}}}',
    "rdf": (
        '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        f' xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#"><rdf:Description rdf:about="{TEHRAN}">'
        '<rdfs:label xml:lang="fa">تهران</rdfs:label></rdf:Description></rdf:RDF>'
    ),
}


@pytest.mark.parametrize("suffix", sorted(SAVED_AS))
@pytest.mark.parametrize("saved", ["bom", "crlf", "bom-crlf"])
def test_a_file_saved_with_a_bom_or_crlf_line_ends_reads_as_the_plain_one(tmp_path, suffix, saved):
    from cityrdf.rdf.graph import load_store, parse_file

    plain, other = tmp_path / f"plain.{suffix}", tmp_path / f"{saved}.{suffix}"
    plain.write_text(SAVED_AS[suffix] + "\n", encoding="utf-8")
    text = SAVED_AS[suffix] + "\n"
    text = text.replace("\n", "\r\n") if "crlf" in saved else text
    other.write_bytes(("\ufeff" if "bom" in saved else "").encode() + text.encode("utf-8"))
    assert parse_file(other) == parse_file(plain)
    assert set(load_store([other], entail=False)) == set(load_store([plain], entail=False))


def test_a_bom_does_not_move_the_line_of_a_syntax_error(tmp_path):
    from cityrdf.rdf.graph import load_store

    broken = tmp_path / "broken.ttl"
    broken.write_bytes("\ufeff".encode() + f"{CITY_TRIPLE}\n\n<{TEHRAN}> <{LABEL}> .\n".encode())
    with pytest.raises(BadInput, match=r"broken.ttl:3:"):
        load_store([broken], entail=False)


def test_a_folder_given_as_an_rdf_file_is_named_a_folder(tmp_path):
    from cityrdf.rdf.graph import load_store

    with pytest.raises(BadInput, match="is a folder, not an RDF file"):
        load_store([tmp_path], entail=False)
