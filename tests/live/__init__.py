"""Live mode against a loopback fake API server that serves recorded responses (design.md, Tests)."""
