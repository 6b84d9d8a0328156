"""One module per service: its source database schema (METADATA) as the city's app has it."""
