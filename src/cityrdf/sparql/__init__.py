"""SPARQL from outside and to outside: the query check, result formats, remote endpoints, the service description and the stored questions."""
