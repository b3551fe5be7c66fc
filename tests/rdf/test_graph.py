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
