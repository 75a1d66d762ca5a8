"""Streamlit UI helpers: map building, layer styling and translated strings."""
