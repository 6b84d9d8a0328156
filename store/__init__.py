"""The analytics store: engine factory and the schema, which is the one contract
between the write side (etl/) and the read side (metrics/)."""
