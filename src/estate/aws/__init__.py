"""Everything that talks to AWS: sessions, clients, error classification, regions."""
