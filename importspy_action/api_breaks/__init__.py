"""The api-breaks gate: the base's public API inferred from source, the head judged against it.

`surface` reads a module's declarations with `ast` into the values of `api_model` (helped by
`source_text` and `signatures`); `compare` turns two surfaces into `API-*` findings, with
`parameters` for signatures and `annotations` for spellings of one type; `git_source` reads
the base version with git; `modules` finds the modules to compare and `pyproject` what
pyproject.toml declares; `contracts_out` writes the inferred API as ImportSpy contracts;
`gate` ties them to Settings and `metrics` holds its numbers. See docs/api-breaks.md.
"""
