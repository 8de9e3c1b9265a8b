"""Checking what L&D upload: the video's real type (from its bytes, not its name), its length
(read from the file's own header), and the WebVTT captions, with errors that name the line."""

import re
import struct
from dataclasses import dataclass
from decimal import Decimal

import filetype

# What every browser's own player plays.
VIDEO_TYPES = {"video/mp4": "MP4", "video/webm": "WebM"}
MAX_CAPTION_BYTES = 1024 * 1024
SNIFF_BYTES = 8192


class VideoFileError(ValueError):
    """A file that cannot be used, with a message for the person who sent it."""


def sniff_video_type(head: bytes) -> str:
    """The video's type from its first bytes; VideoFileError unless MP4 or WebM."""
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if mime == "video/x-matroska" and b"webm" in head[:64]:
        mime = "video/webm"
    if mime not in VIDEO_TYPES:
        found = f"its contents are {kind.mime}" if kind else "its contents are not a video format we recognise"
        raise VideoFileError(f"The video must be an MP4 or WebM file: {found}.")
    return mime


# --- Length -------------------------------------------------------------------------------


def _mp4_duration(data: bytes) -> Decimal | None:
    """The movie header's duration (`moov` > `mvhd`), wherever `moov` is in the file."""
    index = data.find(b"mvhd")
    if index < 4:
        return None
    body = data[index + 4 :]
    try:
        version = body[0]
        if version == 1:
            timescale, duration = struct.unpack(">IQ", body[20:32])
        else:
            timescale, duration = struct.unpack(">II", body[12:20])
    except (IndexError, struct.error):
        return None
    if not timescale or not duration or duration == 0xFFFFFFFF:
        return None
    return (Decimal(duration) / Decimal(timescale)).quantize(Decimal("0.01"))


def _ebml_number(data: bytes, at: int, *, keep_marker: bool) -> tuple[int, int]:
    first = data[at]
    length = 1
    mask = 0x80
    while length <= 8 and not first & mask:
        mask >>= 1
        length += 1
    if length > 8:
        raise ValueError("bad EBML number")
    value = first if keep_marker else first & (mask - 1)
    for byte in data[at + 1 : at + length]:
        value = (value << 8) | byte
    return value, length


def _webm_duration(data: bytes) -> Decimal | None:
    """Segment > Info > Duration (a float in TimecodeScale units, nanoseconds by default)."""
    containers = {0x18538067, 0x1549A966}  # Segment, Info
    at, scale, duration = 0, 1_000_000, None
    try:
        while at < len(data):
            element, size_length = _ebml_number(data, at, keep_marker=True)
            size, length = _ebml_number(data, at + size_length, keep_marker=False)
            at += size_length + length
            if element in containers:
                continue  # step inside
            if element == 0x2AD7B1:
                scale = int.from_bytes(data[at : at + size], "big")
            elif element == 0x4489:
                duration = struct.unpack(">f" if size == 4 else ">d", data[at : at + size])[0]
            elif element == 0x1F43B675:  # the first Cluster: the header is over
                break
            at += size
    except (IndexError, ValueError, struct.error):
        return None
    if not duration or duration <= 0:
        return None
    return (Decimal(str(duration)) * scale / Decimal(1_000_000_000)).quantize(Decimal("0.01"))


def read_duration(*, head: bytes, tail: bytes, mime: str) -> Decimal | None:
    """The length in seconds, or None where the header does not say (the form then asks)."""
    if mime == "video/webm":
        return _webm_duration(head)
    return _mp4_duration(head) or _mp4_duration(tail)


# --- WebVTT ---------------------------------------------------------------------------------

_TIMESTAMP = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
_TIMING = re.compile(rf"^{_TIMESTAMP}[ \t]+-->[ \t]+{_TIMESTAMP}(?:[ \t]+.*)?$")
_SIGNATURE = re.compile(r"^WEBVTT(?:[ \t].*)?$")


@dataclass(frozen=True)
class Cue:
    start: Decimal
    end: Decimal
    text: str


def _seconds(hours, minutes, seconds, millis) -> Decimal:
    return Decimal(int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)) + Decimal(int(millis)) / 1000


def parse_webvtt(data: bytes) -> list[Cue]:
    """The cues of a WebVTT file, checked as the W3C WebVTT specification asks of a file's
    author; VideoFileError names the first problem and its line."""
    if len(data) > MAX_CAPTION_BYTES:
        raise VideoFileError(f"The caption file is over {MAX_CAPTION_BYTES // 1024} KB.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise VideoFileError(f"Captions, line {line}: the file must be UTF-8 text.") from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if not lines or not _SIGNATURE.match(lines[0]):
        raise VideoFileError("Captions, line 1: a WebVTT file starts with “WEBVTT”.")
    cues: list[Cue] = []
    number = 1  # the line being read, counted from 1
    # The header runs to the first blank line.
    while number < len(lines) and lines[number].strip():
        if "-->" in lines[number]:
            raise VideoFileError(f"Captions, line {number + 1}: leave a blank line after the WEBVTT line.")
        number += 1
    while number < len(lines):
        if not lines[number].strip():
            number += 1
            continue
        block_start = number
        block = []
        while number < len(lines) and lines[number].strip():
            block.append(lines[number])
            number += 1
        first = block[0]
        if first.startswith("NOTE") and (len(first) == 4 or first[4] in " \t"):
            continue
        if first in ("STYLE", "REGION") or first.startswith(("STYLE ", "REGION ")):
            if cues:
                raise VideoFileError(
                    f"Captions, line {block_start + 1}: {first.split()[0]} blocks must come before the first cue."
                )
            continue
        timing_at = 0 if "-->" in first else 1
        if timing_at == 1 and (len(block) < 2 or "-->" not in block[1]):
            raise VideoFileError(
                f"Captions, line {block_start + 1}: expected a cue timing such as “00:00:01.000 --> 00:00:04.000”."
            )
        match = _TIMING.match(block[timing_at].strip())
        line_no = block_start + timing_at + 1
        if not match:
            raise VideoFileError(
                f"Captions, line {line_no}: the cue timing must read like “00:00:01.000 --> 00:00:04.000” "
                "(hours optional, milliseconds with three digits)."
            )
        start, end = _seconds(*match.groups()[:4]), _seconds(*match.groups()[4:])
        if end <= start:
            raise VideoFileError(f"Captions, line {line_no}: the cue ends before it starts.")
        if cues and start < cues[-1].start:
            raise VideoFileError(f"Captions, line {line_no}: cues must be in order of their start times.")
        body = "\n".join(block[timing_at + 1 :]).strip()
        if not body:
            raise VideoFileError(f"Captions, line {line_no}: the cue has no text.")
        cues.append(Cue(start=start, end=end, text=body))
    if not cues:
        raise VideoFileError("Captions: the file has no cues.")
    return cues
