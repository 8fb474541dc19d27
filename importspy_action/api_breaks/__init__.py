"""The api-breaks gate: the base's public API inferred from source, the head judged against it.

`surface` reads a module's declarations with `ast`; `compare` turns two surfaces into
`API-*` findings; `git_source` reads the base version with git; `contracts_out` writes the
inferred API as ImportSpy contracts; `gate` ties them to Settings. See docs/api-breaks.md.
"""
