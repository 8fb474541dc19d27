"""Plugins loaded by the host after ImportSpy admits them."""
