"""Turn a letter as received (web page, Word file, PDF, plain text) into a draft record.

Load: ``readers`` turns bytes into text per format. Process: ``clean`` removes extraction damage
(recording every repair), ``layout`` finds header, body, signature and footer, ``proposal`` and
``parse`` read each field with the span it came from, ``sections``
splits the body under its headings. Save: ``draft`` assembles the record in field-list order;
``build_scripts.add`` writes it beside the raw letter.
"""
