"""Planning (pure), executing shards with bounded concurrency, and the collection run."""
