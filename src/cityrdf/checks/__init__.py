"""The engines behind `cityrdf validate`: SHACL on Oxigraph and HermiT's reasoning."""
