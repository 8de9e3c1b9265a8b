"""A SCORM zip, checked entry by entry before a byte of it is stored.

Refused, each with a message naming the problem and the entry: a file that is not a zip; an
encrypted entry; an absolute path, a drive letter, a backslash or a `..` segment (zip slip);
a symbolic link; two entries with one name; more entries, more bytes, or a higher
compression ratio than the limits (zip bombs). Sizes are checked twice: the sizes the zip
declares before anything is read, and the bytes actually read while extracting, so a zip that
lies about its sizes is stopped at the limit.
"""

import stat
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """How large a package may be. The defaults fit real e-learning (video included)."""

    archive_bytes: int = 500 * MB  # the uploaded zip
    total_bytes: int = 1024 * MB  # every file, uncompressed
    file_bytes: int = 500 * MB  # one file, uncompressed
    files: int = 10_000
    # Uncompressed over compressed size, for entries (and the whole) past `ratio_floor_bytes`:
    # text compresses about 10 times, a zip bomb thousands of times.
    ratio: int = 100
    ratio_floor_bytes: int = 1 * MB
    path_chars: int = 400


DEFAULT_LIMITS = Limits()


class PackageError(ValueError):
    """A package refused, with the reason a person can act on."""


@dataclass(frozen=True)
class Entry:
    path: str  # normalised: forward slashes, no leading "./"
    size: int
    info: zipfile.ZipInfo


def _mb(size: int) -> str:
    return f"{size / MB:.0f} MB" if size >= MB else f"{size:,} bytes"


def check_path(name: str) -> str:
    """The entry's path if it stays inside the package, else PackageError naming it."""
    if "\x00" in name or any(ord(ch) < 32 for ch in name):
        raise PackageError(f"The entry {name!r} has a control character in its name.")
    if "\\" in name:
        raise PackageError(
            f"The entry “{name}” uses a backslash in its path: zip the package again with a standard tool."
        )
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise PackageError(f"The entry “{name}” has an absolute path: every file must be inside the package.")
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise PackageError(f"The entry “{name}” points outside the package (“..” in its path).")
    if not parts:
        raise PackageError(f"The entry “{name}” has no file name.")
    return "/".join(parts)


def _is_link(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    return info.create_system == 3 and stat.S_ISLNK(mode)


def read_entries(archive: zipfile.ZipFile, *, limits: Limits = DEFAULT_LIMITS) -> list[Entry]:
    """Every file entry of the zip, checked against `limits` from what the zip declares."""
    infos = archive.infolist()
    if len(infos) > limits.files:
        raise PackageError(f"The package has {len(infos):,} entries; at most {limits.files:,} are accepted.")
    entries: list[Entry] = []
    seen: set[str] = set()
    total = compressed = 0
    for info in infos:
        if len(info.filename) > limits.path_chars:
            raise PackageError(f"The entry “{info.filename[:60]}…” has a path over {limits.path_chars} characters.")
        if info.flag_bits & 0x1:
            raise PackageError(f"The entry “{info.filename}” is encrypted: upload a package without a password.")
        if _is_link(info):
            raise PackageError(f"The entry “{info.filename}” is a symbolic link: links are refused.")
        path = check_path(info.filename)
        if info.is_dir():
            continue
        if path in seen:
            raise PackageError(f"The entry “{path}” appears twice in the zip.")
        seen.add(path)
        if info.file_size > limits.file_bytes:
            raise PackageError(
                f"The file “{path}” is {_mb(info.file_size)}; one file may be at most {_mb(limits.file_bytes)}."
            )
        if info.file_size > limits.ratio_floor_bytes and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise PackageError(
                f"The file “{path}” expands {info.file_size // max(info.compress_size, 1):,} times when unzipped "
                f"(at most {limits.ratio} is accepted): this looks like a zip bomb."
            )
        total += info.file_size
        compressed += info.compress_size
        if total > limits.total_bytes:
            raise PackageError(f"The package unzips to more than {_mb(limits.total_bytes)}, the most accepted.")
        entries.append(Entry(path=path, size=info.file_size, info=info))
    if total > limits.ratio_floor_bytes and total > limits.ratio * max(compressed, 1):
        raise PackageError(
            f"The package expands {total // max(compressed, 1):,} times when unzipped (at most {limits.ratio} is "
            "accepted): this looks like a zip bomb."
        )
    return entries


def open_zip(upload: IO[bytes], *, limits: Limits = DEFAULT_LIMITS) -> zipfile.ZipFile:
    upload.seek(0, 2)
    size = upload.tell()
    upload.seek(0)
    if size > limits.archive_bytes:
        raise PackageError(f"The zip is {_mb(size)}; at most {_mb(limits.archive_bytes)} is accepted.")
    try:
        return zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise PackageError("The file is not a zip archive: upload the SCORM package as a .zip file.") from error


CHUNK = 64 * 1024


@contextmanager
def extract(archive: zipfile.ZipFile, entry: Entry) -> Iterator[IO[bytes]]:
    """One entry's bytes in a temporary file, never more than the size the zip declared (a
    zip that lies about a size is refused when the extra byte arrives)."""
    with tempfile.SpooledTemporaryFile(max_size=4 * MB) as spool:
        read = 0
        try:
            with archive.open(entry.info) as source:
                while chunk := source.read(CHUNK):
                    read += len(chunk)
                    if read > entry.size:
                        raise PackageError(f"The file “{entry.path}” is larger than the zip says: refused.")
                    spool.write(chunk)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as error:
            raise PackageError(f"The file “{entry.path}” cannot be unzipped ({error}).") from error
        if read != entry.size:
            raise PackageError(f"The file “{entry.path}” is shorter than the zip says: the zip is damaged.")
        spool.seek(0)
        yield spool
