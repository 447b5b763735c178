"""A simulated AWS for tests and benchmarks: a fault-injecting proxy in front of moto."""
