"""Decoded copies of data files in a user cache folder, memory-mapped for fast cold starts.

Every ``respin check`` in a new process used to spend most of its start-up decoding the same
files: zlib-inflating the model's NPZ files and decoding (or ``np.load``-ing) the CMU LM's
tables.  Here the decoded arrays are written once per source (keyed by its identity:
:func:`file_key`, :func:`npz_key`) as plain ``.npy`` records, one after the other in one
file, and later processes map that file: opening costs milliseconds and only the pages that
lookups touch are ever read.

Safety as for any cache: the file is written atomically (temporary file, fsync, rename,
mode 0644 so that other users can read it) and ends with a CRC-32 of everything before it,
checked on every open (~30 ms for all files: the zip CRCs of ``np.load`` were checked
too), so a file damaged anywhere, or one that fails the caller's check, is decoded anew; a
cache folder that cannot be found, entered or written only means no cache (the decoded
arrays are returned all the same); no object arrays are ever read (no pickle); caches of
other sources (other installs, older versions) unread for :data:`STALE_DAYS`, and
temporary files of writers killed mid-write, are removed.
"""

from __future__ import annotations

import hashlib
import mmap
import os
import re
import stat
import struct
import sys
import time
import zlib
from pathlib import Path
from typing import Callable

import numpy as np

STALE_DAYS = 30  # another source's cache unread this long is removed
FORMAT_VERSION = 2  # in every cache file's name: a new layout never tries to read an old file (2: CRC trailer)
_ALIGN = 64  # .npy data starts 64-byte aligned; records are padded to keep it so
_TRAILER = struct.Struct("<12sI")  # b"respin-crc32" and the CRC-32 of all bytes before it
_MAGIC = b"respin-crc32"
TMP_STALE_SECONDS = 86400  # a temporary file this old is a killed writer's, not a live one's


# $RESPIN_CACHE_DIR set to one of these: no cache (a read-only image, a library user who
# wants nothing written): every process decodes the files itself (about half a second).
OFF = ("off", "none", "0")


def cache_folder(cache_dir: str | os.PathLike | None = None) -> Path:
    """``cache_dir``, else $RESPIN_CACHE_DIR, else $XDG_CACHE_HOME/respin (an absolute
    path, as the XDG specification asks), else the system's cache folder:
    %LOCALAPPDATA%\\respin\\Cache on Windows, ~/Library/Caches/respin on macOS,
    ~/.cache/respin elsewhere (~/.cache was copied with a roaming Windows profile at every
    logon and backed up by Time Machine: a portability review). RuntimeError where the
    cache is turned off (:data:`OFF`), or where the default is asked and the home folder
    does not exist: a service's HOME=/nonexistent was created (with 80 MB under it) by the
    first check, where the documentation promised only a slower start (a library review)."""
    env = os.environ.get("RESPIN_CACHE_DIR")
    if cache_dir is None and env is not None and env.strip().lower() in OFF:
        raise RuntimeError("the cache is turned off")
    if cache_dir or env:
        return Path(cache_dir or env)
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "respin"
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA", "")
        if local and os.path.isabs(local) and os.path.isdir(local):
            return Path(local) / "respin" / "Cache"
    home = Path.home()
    if not home.is_dir():
        raise RuntimeError(f"no home folder ({home})")
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "respin"
    return home / ".cache" / "respin"


def file_key(source: str | os.PathLike) -> str:
    """A file's identity, from its bytes alone: its size and a SHA-256 of its first and last
    MiB, so that the same file in every virtualenv shares one cache entry (2 ms where the
    whole CMU model, 27 MB, took 20 of a cold check's 400). With its mtime in the key, each
    new install wrote another 60 MB copy: 48 of them, 2.9 GB, on one machine (a library
    review). The file is a package's (pocketsphinx), not one a user names."""
    h = hashlib.sha256()
    with open(source, "rb") as fh:
        size = fh.seek(0, os.SEEK_END)
        fh.seek(0)
        h.update(fh.read(1 << 20))
        if size > 2 << 20:
            fh.seek(size - (1 << 20))
        h.update(fh.read(1 << 20))
    return f"{size}-{h.hexdigest()[:32]}"


def npz_key(source: str | os.PathLike) -> str:
    """An NPZ file's content identity: a SHA-256 of all its bytes (~5 ms for the shipped
    model), so copies of one model file share one cache entry. Not the zip directory's
    CRC-32s, which were cheaper but can be forged: a crafted model folder could then plant
    its arrays in the cache entry of the shipped model."""
    h = hashlib.sha256()
    with open(source, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return "h" + h.hexdigest()[:32]


def cache_file(kind: str, key: str, cache_dir: str | os.PathLike | None = None) -> Path:
    """Where the decoded arrays of the source identified by ``key`` are kept (``kind``
    names what they are)."""
    return cache_folder(cache_dir) / f"{kind}-v{FORMAT_VERSION}-{key}.npys"


def write_arrays(fh, arrays: dict[str, np.ndarray]) -> None:
    """``.npy`` records one after the other (plain NumPy format, no pickled objects): first
    the names, NUL-separated UTF-8, then each array, all padded to :data:`_ALIGN` bytes so
    that :func:`map_arrays` can map every array in place."""
    names = np.frombuffer("\0".join(arrays).encode("utf-8"), dtype=np.uint8)
    crc = _CrcWriter(fh)
    for a in (names, *arrays.values()):
        a = np.asarray(a, order="C")  # not ascontiguousarray: that makes 0-d arrays 1-d
        np.lib.format.write_array(crc, a, allow_pickle=False)
        crc.write(b"\0" * (-a.nbytes % _ALIGN))
    fh.write(_TRAILER.pack(_MAGIC, crc.value))


class _CrcWriter:
    """A file object's ``write`` that keeps the CRC-32 of what went through it."""

    def __init__(self, fh) -> None:
        self.fh, self.value = fh, 0

    def write(self, b) -> int:
        self.value = zlib.crc32(b, self.value)
        return self.fh.write(b)


def map_arrays(path: str | os.PathLike, trusted: bool = False) -> dict[str, np.ndarray]:
    """The arrays written by :func:`write_arrays`, as read-only views of one memory map of
    ``path`` (pages are read when touched).  Plain ndarrays, not ``np.memmap``, whose
    subclass overhead every lookup would pay.  ValueError if the file is short or not in
    that format.  ``trusted``: the file opened must be the user's own (:func:`_trusted`,
    checked on the open file, not on its name: another user swapping a forged file in
    between the check and the open got it read; a security review), and not a link."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) * trusted | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        if trusted and not _trusted(os.fstat(fd)):
            raise ValueError("not the user's own file")
        mm = mmap.mmap(fd, 0, access=mmap.ACCESS_READ)  # ValueError if empty
    finally:
        os.close(fd)
    body = len(mm) - _TRAILER.size
    if body < 0:
        raise ValueError("no trailer")
    magic, crc = _TRAILER.unpack_from(mm, body)
    with memoryview(mm) as view:
        if magic != _MAGIC or zlib.crc32(view[:body]) != crc:
            raise ValueError("damaged: CRC-32 mismatch")

    def record(pos: int) -> tuple[np.ndarray, int]:
        mm.seek(pos)
        version = np.lib.format.read_magic(mm)
        if version != (1, 0):
            raise ValueError(f"unexpected .npy version {version}")
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(mm)
        if fortran or dtype.hasobject:
            raise ValueError("not a plain C-ordered array")
        a = np.frombuffer(mm, dtype=dtype, count=int(np.prod(shape)), offset=mm.tell()).reshape(shape)
        end = mm.tell() + a.nbytes
        return a, end + (-end % _ALIGN)

    names, pos = record(0)
    out = {}
    for name in names.tobytes().decode("utf-8").split("\0"):
        out[name], pos = record(pos)
    return out


def cached_arrays(kind: str, key: str, build: Callable[[], dict[str, np.ndarray]],
                  valid: Callable[[dict], bool] = lambda arrays: True,
                  cache_dir: str | os.PathLike | None = None) -> dict[str, np.ndarray]:
    """The arrays ``build()`` decodes from the source identified by ``key``, mapped from
    the cache when it holds them and ``valid`` accepts them, else built (and cached for
    next time)."""
    try:
        file = cache_file(kind, key, cache_dir)
        exists = file.exists()
    except (OSError, RuntimeError, KeyError):  # no home folder, a folder we may not enter, turned off
        return build()
    if exists:
        try:
            arrays = map_arrays(file, trusted=True)
            if valid(arrays):
                _touch(file)
                return arrays
        except Exception:  # empty, truncated, damaged, not this format, wrong arrays: build it anew
            pass
    arrays = build()
    from .io import atomic_file
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        with atomic_file(file, fsync=True) as fh:  # 0644: other users read it too
            write_arrays(fh, arrays)
    except OSError:
        return arrays  # no writable cache folder, disk full: the arrays are good, only not cached
    _sweep(file, kind)
    return arrays


def _trusted(st: os.stat_result) -> bool:
    """Whether a cache file, by its status (``os.fstat`` of the file opened), is this user's
    own: a regular file owned by them and writable by no one else. Its name comes from a
    public file's hash and its check is a CRC-32, which anyone can forge: another user's file
    planted in a shared cache folder (``RESPIN_CACHE_DIR=/tmp/x``) changed the thesaurus of
    every check (a security review). Another's file is not read: the arrays are decoded anew
    (and the file replaced where the folder allows it)."""
    getuid = getattr(os, "geteuid", None)
    if getuid is None:  # (Windows: no owners as POSIX has them; the folder is the user's profile)
        return True
    return st.st_uid == getuid() and not st.st_mode & 0o022 and stat.S_ISREG(st.st_mode)


def _touch(file: Path) -> None:
    """Mark a cache file read (its atime decides when another install sweeps it): mounts with
    noatime, and NTFS, do not update it on their own."""
    try:
        st = file.stat()
        if time.time() - st.st_atime > 86400:
            os.utime(file, ns=(time.time_ns(), st.st_mtime_ns))
    except OSError:
        pass


def _sweep(file: Path, kind: str) -> None:
    """Remove other caches of ``kind`` unread for STALE_DAYS (other installs' files may be in
    use: another release of pocketsphinx, or of respin's decoding) and temporary files that killed
    writers left (``respin.io.atomic_file`` names them ``.NAME.*.tmp``)."""
    now = time.time()
    # Only names a cache writes ("lexicon-v2-h<hex>.npys"): a folder of the user's own that
    # RESPIN_CACHE_DIR names may hold "lexicon-notes.txt", which the sweep deleted (a review).
    # (And an older respin's "cmu_table-<size>-<mtime>-<hash>.npz".)
    ours = re.compile(rf"\.?{re.escape(kind)}-(?:v\d+-[\w.-]+\.npys(?:\.\w+\.tmp)?|\d[\d-]*-[0-9a-f-]+\.npz)")
    for old in file.parent.glob(f"{kind}-*"):
        try:
            if old != file and ours.fullmatch(old.name) and now - old.stat().st_atime > STALE_DAYS * 86400:
                old.unlink()
        except OSError:
            pass
    # (And the hidden caches an earlier respin train left under the temporary name of the NPZ
    # it loaded, ".candidates.npz.XXXXXXXX-v2-h<hex>.npys": 10 MB each, no sweep matched them.)
    temp_named = re.compile(rf"\.{re.escape(kind)}\.npz\.\w{{8}}-v\d+-[\w.-]+\.npys")
    for old in file.parent.glob(f".{kind}.npz.*"):
        try:
            if temp_named.fullmatch(old.name) and now - old.stat().st_atime > STALE_DAYS * 86400:
                old.unlink()
        except OSError:
            pass
    for tmp in file.parent.glob(f".{kind}-*.tmp"):
        try:
            if ours.fullmatch(tmp.name) and now - tmp.stat().st_mtime > TMP_STALE_SECONDS:
                tmp.unlink()
        except OSError:
            pass


def npz_arrays(path: str | os.PathLike, kind: str | None = None) -> dict[str, np.ndarray]:
    """All arrays of an NPZ file (``allow_pickle=False``), through the cache: a compressed
    model file is inflated once, not in every process.  ``kind``: the cache files' prefix
    (default: the NPZ's name)."""
    path = Path(path)
    model_file(path)

    def build() -> dict[str, np.ndarray]:
        import zipfile
        try:
            with zipfile.ZipFile(path) as zf:  # (what the arrays inflate to, before they are)
                inflated = sum(i.file_size for i in zf.infolist())
        except zipfile.BadZipFile as e:
            raise ValueError(f"{path}: not an NPZ file ({e})") from None
        if inflated > MAX_MODEL_BYTES:
            raise ValueError(f"{path}: its arrays inflate to {inflated >> 20} MiB, over the "
                             f"{MAX_MODEL_BYTES >> 20} MiB a model file may hold")
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}

    return cached_arrays(kind or path.stem, npz_key(path), build)


MAX_MODEL_BYTES = 1 << 30  # the most a model file may hold, inflated (the shipped ones: ~80 MB)


def model_file(path: str | os.PathLike, limit: int = MAX_MODEL_BYTES) -> Path:
    """``path``, or ValueError where it cannot be a model file: not a regular file (a link
    to /dev/zero or a named pipe was read until memory ran out, or forever), or larger
    than ``limit`` bytes (a security review)."""
    path = Path(path)
    st = os.stat(path)  # (OSError: missing, unreadable)
    if not stat.S_ISREG(st.st_mode):
        raise ValueError(f"{path}: not a regular file")
    if st.st_size > limit:
        raise ValueError(f"{path}: {st.st_size >> 20} MiB, over the {limit >> 20} MiB a model file may hold")
    return path
