"""Evacuation decisions as pure functions over ``geo`` objects."""
