"""Tests of the api-breaks gate (importspy_action/api_breaks)."""
