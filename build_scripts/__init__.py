"""答复公开 build scripts: reply records in, data package and portal out.

Stages, one module each:
    records   load and check the YAML records under datasets/
    package   write the Frictionless data package (CSV + datapackage.json)
    pages     write the Markdown pages MkDocs renders
    site      run MkDocs and publish the result atomically
"""
