"""Agreement statistics over plain data: coefficients, sufficient statistics, per-article
records, batches, intervals, scoring, chart geometry and the gold rule for one sentence.

Pure: no module here imports Flask, SQLAlchemy or another annotator area.
"""
