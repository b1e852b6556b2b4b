"""The local stack: HRIS sandboxes over loopback HTTP, AWS on moto, wiring read from template.yaml."""
