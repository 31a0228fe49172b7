"""Articles: import, sentence units, export."""
