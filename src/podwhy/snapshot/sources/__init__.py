"""The only I/O of podwhy's engine: reading snapshots from files, dumps and live clusters."""
