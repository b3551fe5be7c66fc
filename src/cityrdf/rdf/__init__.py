"""The project's RDF: namespaces, the store the sources load into, the named-graph dataset, RDF documents and dated literals."""
