"""Reading an uploaded question file's bytes: UTF-8 (a BOM is fine), or the encoding chosen.

Chinese Windows saves text as GB18030 by default; such a file is named as that, so
a trainer can choose it, rather than being read with replacement characters.
"""

from __future__ import annotations


class GiftEncodingError(ValueError):
    """The file is not UTF-8; `encoding` names what it looks like, when that is known."""

    def __init__(self, message: str, encoding: str | None = None) -> None:
        super().__init__(message)
        self.encoding = encoding


def decode_gift(data: bytes, encoding: str | None = None) -> str:
    """The text of an uploaded GIFT file: UTF-8 (with or without a BOM), or the
    encoding the caller chose; anything else is a GiftEncodingError saying what
    is wrong and, for a Chinese Windows file, that GB18030 would read it."""
    if encoding:
        try:
            return data.decode(encoding).lstrip("\ufeff")
        except (LookupError, UnicodeDecodeError) as exc:
            raise GiftEncodingError(f"the file cannot be read as {encoding}: {exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        where = f"byte 0x{data[exc.start]:02x} at offset {exc.start}"
        line = data.count(b"\n", 0, exc.start) + 1
        try:
            data.decode("gb18030")
        except UnicodeDecodeError:
            raise GiftEncodingError(f"the file is not UTF-8 text (line {line}: {where}); "
                                    "save it as UTF-8 and upload it again") from None
        raise GiftEncodingError(
            f"the file is not UTF-8 (line {line}: {where}); it reads as GB18030, the "
            "encoding of Chinese Windows: choose GB18030 to import it as such, or save "
            "it as UTF-8", encoding="gb18030") from None
