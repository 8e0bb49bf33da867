"""Turn a letter as received (web page, Word file, PDF, plain text) into a draft record.

Load: ``readers`` turns bytes into text per format. Process: ``clean`` removes extraction damage
(recording every repair), ``layout`` finds header, body, signature and footer. Each field is then
read with the span it came from, as a ``found.Found``: ``title`` (the reply's title),
``reply_fields`` (文号, dates, agency, contact …), ``region`` (the agency's region code),
``assembly`` (the 人大/政协, term and session) and ``proposal_fields`` (kind, number, proposers,
proposal title); ``sections`` splits the body under its headings. Shared underneath: ``fold``
(matching on width- and script-folded text), ``numerals``, ``spam``. Save: ``draft`` assembles the
record in field-list order; ``build_scripts.add`` writes it beside the raw letter.
"""
