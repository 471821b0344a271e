"""Merge translations from a JSON file ({msgid: msgstr}) into a .po catalogue.

Usage: python scripts/fill_translations.py translations/zh_Hans_CN/LC_MESSAGES/messages.po zh.json
Untranslated entries left over are printed, so a missing one is noticed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def main(po_path: str, json_path: str) -> int:
    with open(po_path, "rb") as handle:
        catalog = read_po(handle)
    table = json.loads(Path(json_path).read_text(encoding="utf-8"))
    missing = []
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        if key in table:
            message.string = table[key] if isinstance(message.id, str) else (table[key],)
            message.flags.discard("fuzzy")
        elif not message.string or "fuzzy" in message.flags:
            missing.append(key)
    with open(po_path, "wb") as handle:
        write_po(handle, catalog, width=100)
    for key in missing:
        print(f"untranslated: {key}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
