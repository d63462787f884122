"""`podwhy serve`: the report over HTTP (dashboard, JSON API, server-sent events, Prometheus metrics),
of a snapshot read once (--from) or of a live cluster kept current by list+watch (client-go's Reflector
pattern). Read-only like every other mode. Nothing is imported here: the CLI's parser reads options.py."""
