"""WSGI entry point: `gunicorn wsgi:app`. The only module that builds an app at import."""

import gc

from annotator import create_app

app = create_app()

# What is built by now (the modules, the app and its extensions: some 160,000 objects) lives
# as long as the process. Frozen, the cyclic collector no longer walks it: a full collection,
# which any request that allocates many rows (a report over a large corpus) can set off,
# took about 80 ms, and now walks only that request's objects.
gc.collect()
gc.freeze()
