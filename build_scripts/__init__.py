"""答复公开 build scripts: reply records in, data package and portal out.

Stages, lowest first (ARCHITECTURE.md has the map; tests/test_architecture.py keeps imports one way):
    foundation          paths, settings, problems, dates, textnorm, yamlio, output, siteurl, svgchart, xlsx, background
    record format       fields (the one field list), fieldcheck, vocab, topics, dataset, replytext
    records and checks  records (load), checks (rules); extract/ (letters → draft records for `portal add`)
    package             package, downloads, sqlitedb, releases, changelog, release_keep
    pages               pages/ (one module per page type)
    site                sitegen (MkDocs, raw letters, publish), linkcheck
    outputs             search/, feeds, api
    commands            site (the build), cli, add, ci
"""
