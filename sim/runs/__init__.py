"""Running studies and keeping their results: the study API, output files, provenance, gathering, figures."""
