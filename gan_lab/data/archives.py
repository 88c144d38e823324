"""Uniform read access to the files of a folder, a tar archive or a zip archive.

Archive members are read into memory and never extracted, so a member name such as
"../../etc/passwd" cannot write anywhere. Such names are still rejected, because they
cannot be placed in the folder layout that class names come from.
"""

import logging
import os
import tarfile
import zipfile
import zlib
from contextlib import contextmanager
from pathlib import Path

from gan_lab.data.errors import DataError

logger = logging.getLogger(__name__)

ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar", ".zip")


class FolderFiles:
    """The regular files below a folder, named by their path relative to it."""

    def __init__(self, root):
        self.root = Path(root)
        self.unsafe_names = []

    def list_files(self):
        names = []
        for folder, _, files in os.walk(self.root):
            relative_folder = Path(folder).relative_to(self.root)
            names.extend((relative_folder / file).as_posix() for file in files)
        return sorted(names)

    def read(self, names):
        """Yield (name, bytes) for each name, with None for files that cannot be read."""
        for name in names:
            try:
                yield name, (self.root / name).read_bytes()
            except OSError as error:
                logger.debug("Cannot read %s: %s", self.root / name, error)
                yield name, None


class TarFiles:
    """The regular members of an open tar archive, compressed or not."""

    def __init__(self, tar):
        self.tar = tar
        self.unsafe_names = []
        self._members = {}

    def list_files(self):
        try:
            members = self.tar.getmembers()
        except (OSError, EOFError, tarfile.TarError, zlib.error) as error:
            raise DataError(
                f"Cannot list the tar archive {self.tar.name}: {error}. "
                "The file is damaged or incomplete: copy or download it again."
            ) from error
        # Only regular files count: links could point outside the archive's tree.
        for member in members:
            if not member.isfile():
                continue
            name = safe_member_name(member.name)
            if name is None:
                self.unsafe_names.append(member.name)
            else:
                self._members[name] = member
        return sorted(self._members)

    def read(self, names):
        """Yield (name, bytes) in archive order, which avoids seeking back in a .tar.gz."""
        requested = set(names)
        ordered = sorted(
            (member.offset_data, name) for name, member in self._members.items() if name in requested
        )
        for _, name in ordered:
            try:
                yield name, self.tar.extractfile(self._members[name]).read()
            except (OSError, EOFError, tarfile.TarError, zlib.error) as error:
                logger.debug("Cannot read member %s: %s", name, error)
                yield name, None


class ZipFiles:
    """The file members of an open zip archive."""

    def __init__(self, archive):
        self.archive = archive
        self.unsafe_names = []
        self._infos = {}

    def list_files(self):
        for info in self.archive.infolist():
            if info.is_dir():
                continue
            name = safe_member_name(info.filename)
            if name is None:
                self.unsafe_names.append(info.filename)
            else:
                self._infos[name] = info
        return sorted(self._infos)

    def read(self, names):
        """Yield (name, bytes) for each name, with None for members that cannot be read."""
        for name in names:
            try:
                yield name, self.archive.read(self._infos[name])
            except (OSError, EOFError, RuntimeError, zipfile.BadZipFile, zlib.error) as error:
                # zipfile raises RuntimeError for encrypted members.
                logger.debug("Cannot read member %s: %s", name, error)
                yield name, None


def safe_member_name(name):
    """Return an archive member name as a clean relative POSIX path, or None if unsafe.

    Absolute names, names with a drive letter and names that contain ".." are unsafe.
    """
    name = name.replace("\\", "/")
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if name.startswith("/") or not parts or ".." in parts or ":" in parts[0]:
        return None
    return "/".join(parts)


@contextmanager
def open_files(path):
    """Open a folder or archive and yield an object with list_files() and read(names).

    Raises DataError when path is a file that is neither a tar nor a zip archive, or
    when the archive cannot be opened.
    """
    path = Path(path)
    if path.is_dir():
        yield FolderFiles(path)
        return

    kind = _archive_kind(path)
    if kind is None:
        raise DataError(
            f"{path} is neither a folder nor a .tar, .tar.gz, .tgz or .zip archive. "
            "Pass a folder of images, an archive of such a folder, or the CIFAR-10 "
            "python archive cifar-10-python.tar.gz."
        )
    try:
        archive = zipfile.ZipFile(path) if kind == "zip" else tarfile.open(path, mode="r:*")
    except (OSError, EOFError, zipfile.BadZipFile, tarfile.TarError, zlib.error) as error:
        raise DataError(
            f"Cannot open the {kind} archive {path}: {error}. The file is damaged or incomplete: "
            "copy or download it again."
        ) from error
    with archive:
        yield ZipFiles(archive) if kind == "zip" else TarFiles(archive)


def _archive_kind(path):
    """Return "zip", "tar" or None, by file name first and then by content."""
    name = path.name.lower()
    if name.endswith(".zip"):
        return "zip"
    if name.endswith((".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz")):
        return "tar"
    if zipfile.is_zipfile(path):
        return "zip"
    try:
        return "tar" if tarfile.is_tarfile(path) else None
    except OSError:
        return None


def source_stem(path):
    """Return the name of a folder or archive without archive suffixes: data.tar.gz -> data."""
    name = Path(path).name
    for suffix in ARCHIVE_SUFFIXES:
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name
