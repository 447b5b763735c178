"""Many workers: shards (and job groups) as Celery messages, progress and fan-in in the store.

- app.py: the Celery app for a config (broker, JSON, acks late, prefetch 1, no results)
- dispatch.py: sending messages, and the reconciler that resends what a dead worker held
- worker.py: what `estate worker` does with a message (claim, run, fan in)
- follow.py: `estate collect` with executor: celery (plan, send, follow, summarize)
"""
