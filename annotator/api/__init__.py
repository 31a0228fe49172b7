"""The HTTP API under /api/v1: personal tokens, JSON resources over the areas' own services and
queries, an OpenAPI 3.1 document generated from the schemas that validate the requests, and a
server-rendered docs page at /api/docs."""
