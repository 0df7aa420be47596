"""The operations side: the scheduled run (lock, watermark, dbt, publish), the dbt
driver, migrations and grants, the embedded server, the review queries behind
`status`/`show`/`candidates`, import/export and the sample data.

Collectors never import this package; the CLI and the tests do.
"""
