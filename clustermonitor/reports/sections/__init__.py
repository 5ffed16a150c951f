"""One module per chapter of the report; each exposes `build(ctx) -> Section`."""
