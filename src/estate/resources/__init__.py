"""Resource types: one declarative spec per type, read by one generic collector."""
