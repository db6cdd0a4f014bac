"""Which files a request may make the server open, and how a file payload becomes something to decode.

Anyone can call a public Space's API with hand-made JSON. Gradio checks the path of a file payload
only when the payload carries its ``meta`` field; without it, ``{"path": "/any/file"}`` reaches the
component's ``preprocess`` unchecked, and a ``data:`` URL is decoded there with no size limit. So
every image widget of the app (``explainer.ui.widgets``) turns its payload into a decodable source
here, and nothing else:

* a path is opened only if it lies inside Gradio's upload/cache folder or the shipped examples,
  compared *lexically first* (a path outside is never even looked at) and then again after
  resolving every symlink; anything else -- missing, outside, a folder, a symlink leading out --
  gets one and the same sentence, so the answer tells nothing about the server's files;
* a ``data:`` URL obeys the upload byte limit before it is decoded from base64, and its bytes then
  go through the same header checks as an upload (``images.load_image``);
* any other value (a number, a list, a URL) is refused with a sentence.
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gradio.utils import get_upload_folder

from explainer.i18n import N_, tr
from explainer.inside.image_decoding import check_bytes
from explainer.training.artifacts import EXAMPLES_DIR

#: The one answer for every path the server will not open (missing, outside, refused alike).
UNAVAILABLE = N_("This file is not available on the server (uploads expire after a while); please upload it "
                 "again.")
NOT_A_FILE = N_("The image must be an uploaded file (a Gradio file object with a path).")
BAD_DATA_URL = N_("This data URL does not hold a base64-encoded image; please upload the file instead.")
#: Longest path read at all (Linux allows 4096 bytes).
MAX_PATH_CHARS = 4096


def allowed_folders() -> tuple[Path, ...]:
    """Gradio's upload/cache folder (``GRADIO_TEMP_DIR`` at call time) and the shipped examples, resolved."""
    return tuple(Path(folder).resolve() for folder in (get_upload_folder(), EXAMPLES_DIR))


def _inside(path: Path, folders: tuple[Path, ...]) -> bool:
    return any(path.is_relative_to(folder) for folder in folders)


def confined_path(path: Any) -> Path:
    """``path`` resolved, if it is a file inside ``allowed_folders()``; else ``ValueError(UNAVAILABLE)``.

    The lexical check (``os.path.abspath`` removes ``..`` without touching the disk) comes first, so a
    path outside is refused before the file system is asked anything about it; the resolved check
    (every symlink followed) catches links inside the folders that point out of them.
    """
    if not isinstance(path, str) or not path or len(path) > MAX_PATH_CHARS or "\x00" in path:
        raise ValueError(tr(UNAVAILABLE))
    folders = allowed_folders()
    if not _inside(Path(os.path.abspath(path)), folders):
        raise ValueError(tr(UNAVAILABLE))
    try:
        resolved = Path(path).resolve(strict=True)
        ok = _inside(resolved, folders) and resolved.is_file()
    except (OSError, RuntimeError, ValueError):  # missing, a symlink loop, an unreadable folder
        ok = False
    if not ok:
        raise ValueError(tr(UNAVAILABLE))
    return resolved


def data_url_bytes(url: str) -> bytes:
    """The bytes of a base64 ``data:`` URL, refused *before decoding* when they would exceed the upload limit."""
    head, comma, body = url.partition(",")
    if not comma or not head.lower().endswith(";base64"):
        raise ValueError(tr(BAD_DATA_URL))
    check_bytes(len(body) * 3 // 4)  # the decoded size, to within 2 bytes, without decoding
    try:
        data = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(tr(BAD_DATA_URL)) from None
    check_bytes(len(data))
    return data


@dataclass(frozen=True)
class FilePayload:
    """What an image widget received, untouched: resolved only inside the handler (``file_source``), so that
    a refusal is a sentence in the language of the request, and nothing is opened before the check."""

    path: Any = None
    url: Any = None
    blob: bytes | None = None  # a sketch sent by the browser as bytes (ImageEditor.accept_blobs)

    @classmethod
    def of(cls, payload: Any) -> FilePayload | None:
        """Gradio's ``FileData``/``ImageData``, a raw dict, bytes or anything else a client sent."""
        if payload is None or isinstance(payload, FilePayload):
            return payload
        if isinstance(payload, (bytes, bytearray)):
            return cls(blob=bytes(payload))
        if isinstance(payload, dict):
            return cls(path=payload.get("path"), url=payload.get("url"))
        return cls(path=getattr(payload, "path", None), url=getattr(payload, "url", None))


def file_source(value: Any) -> Any:
    """A widget's value → what ``images.load_image`` decodes: a confined path (str) or a data URL's bytes.

    A ``FilePayload`` (what the widgets make of anything a client sent) is resolved here and raises
    ``ValueError`` with a translated sentence for anything the server will not open; a Sketchpad value
    keeps its shape with its composite resolved. Anything else -- ``None`` (a cleared widget), or a
    path, array or image passed by Python code calling a handler directly -- is returned unchanged:
    only the widgets' values come from the network.
    """
    if isinstance(value, dict) and "composite" in value:  # a Sketchpad value: only the composite is read
        return {"background": None, "layers": [], "composite": file_source(value["composite"])}
    if not isinstance(value, FilePayload):
        return value
    if value.blob is not None:
        check_bytes(len(value.blob))
        return value.blob
    url, path = value.url, value.path
    if isinstance(url, str) and url[:5].lower() == "data:" and not path:
        return data_url_bytes(url)
    if path is None and url is None:
        raise ValueError(tr(NOT_A_FILE))
    return str(confined_path(path))


__all__ = ["FilePayload", "UNAVAILABLE", "allowed_folders", "confined_path", "data_url_bytes", "file_source"]
