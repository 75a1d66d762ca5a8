"""Exports of a plan: printable route map, GIS data files and CAP alerts."""
