"""`dossier demo`: the story of one practice, told in tables on the embedded defaults.

`main` runs it (state directory, broker, worker); `story` and its steps (`steps`,
`consent`) tell it through the HTTP API (`api`, `http`), with sample documents
(`samples`, `einvoices`) and the tables they print (`tables`)."""
