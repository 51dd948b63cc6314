"""Municipalities and their units: the places fieldwork's respondents and the register's
actors belong to (a shared Django app below fieldwork and the register)."""
