"""Opt-in registry probe (OCI distribution API client). The only network I/O besides the live source."""
