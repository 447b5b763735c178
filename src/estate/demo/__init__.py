"""`estate demo`'s world: an embedded AWS emulator (moto) and a sample organization on it."""
