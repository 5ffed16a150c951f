"""clustermonitor: run, follow and evaluate a cluster programme."""
