"""Lesson images: checked by their bytes (not their name), stored under the instance folder."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

MAX_IMAGE_BYTES = 2 * 1024 * 1024
NAME = re.compile(r"^[0-9a-f]{32}\.(png|jpg|gif|webp)$")
MIME = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}


class ImageError(ValueError):
    pass


def sniff(data: bytes) -> str | None:
    """The image kind from its magic bytes; SVG is refused (it can carry scripts)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def save_image(folder: Path, data: bytes) -> str:
    """Store once by content hash; returns the file name to link to."""
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageError(f"image is larger than {MAX_IMAGE_BYTES // 1024 // 1024} MB")
    kind = sniff(data)
    if kind is None:
        raise ImageError("only PNG, JPEG, GIF or WebP images can be uploaded")
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{hashlib.sha256(data).hexdigest()[:32]}.{kind}"
    path = folder / name
    if not path.exists():
        path.write_bytes(data)
    return name
