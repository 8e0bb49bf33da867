"""Full-text search for Chinese letters: a static, sharded n-gram index and its reference query.

Modules: ``text`` (what a reply's searchable text is, normalised, with the map back to the
original), ``grams`` (which n-grams are indexed and how a query is cut into them), ``index``
(build and write the index files), ``query`` (the reference query engine the browser client
mirrors), ``oracle`` (brute force: what Ctrl+F would find). The on-disk format: FORMAT.md.
"""
