"""Fieldwork: run a study from a bundled instrument, from invitations to the data report."""
