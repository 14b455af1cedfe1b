"""Prints, as JSON, what Python's `mimetypes.guess_extension(type)` answers on this machine for every MIME type
that Python's built-in tables or the system's mime.types name (as written and lower-cased), plus a few inputs
that show how the argument is normalised. The Neptune client names files with exactly this call
(neptune_query/internal/retrieval/files.py::_guess_extension, strict by default; neptune.md §7.3), so the
output is the golden fixture test/unit/neptune/python-guess-extension.json.

Run it with the Python of a GitHub ubuntu-latest runner (3.12 on ubuntu-24.04), on a machine whose only
mime.types file is /etc/mime.types from the media-types package: `npm run mime-extensions` does both.
"""

import hashlib
import json
import mimetypes
import os
import platform
import subprocess
import sys

MIME_TYPES = "/etc/mime.types"

# Inputs beyond the tables: case, parameters, surrounding blanks, a non-ASCII letter that lower-cases to ASCII
# (KELVIN SIGN -> "k"), types Python knows only non-strictly, mixed-case types of mime.types, unknown and empty.
EXTRA = [
    "",
    "IMAGE/PNG",
    "Text/Plain",
    "APPLICATION/VND.MS-EXCEL",
    "text/plain; charset=utf-8",
    "text/plain;charset=utf-8",
    "text/plain ",
    " text/plain",
    "text/plain\n",
    "text/mar\u212adown",
    "image/jpg",
    "audio/midi",
    "application/rtf",
    "audio/AMR",
    "AUDIO/AMR",
    "audio/wav",
    "application/x-yaml",
    "application/yaml",
    "image/x-icon",
    "application/x-npy",
    "unknown/x",
    "image",
    "/",
]


def media_types_version():
    return subprocess.run(
        ["dpkg-query", "--show", "--showformat=${Version}", "media-types"], check=True, capture_output=True, text=True
    ).stdout


def main():
    present = [f for f in dict.fromkeys(mimetypes.knownfiles) if os.path.isfile(f)]
    if present != [MIME_TYPES]:
        sys.exit(f"expected {MIME_TYPES} to be the only mime.types file Python reads, found {present}")
    # `dpkg --verify` prints the package's files that differ from what it installed.
    modified = subprocess.run(["dpkg", "--verify", "media-types"], capture_output=True, text=True).stdout
    if MIME_TYPES in modified:
        sys.exit(f"{MIME_TYPES} differs from the media-types package's copy")
    with open(MIME_TYPES, "rb") as f:
        sha256 = hashlib.sha256(f.read()).hexdigest()

    mimetypes.init()
    named = set()
    for strict in (True, False):
        named.update(mimetypes._db.types_map_inv[strict])
    queries = sorted(named | {t.lower() for t in named} | set(EXTRA))
    cases = {q: mimetypes.guess_extension(q) for q in queries}
    json.dump(
        {
            "python": platform.python_version(),
            "mediaTypes": media_types_version(),
            "mimeTypesSha256": sha256,
            "guessExtension": cases,
        },
        sys.stdout,
        ensure_ascii=False,
        indent=2,
    )
    sys.stdout.write("\n")


main()
