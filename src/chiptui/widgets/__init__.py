"""Widgets of the browser: each renders state the screen gives it and posts messages up."""
