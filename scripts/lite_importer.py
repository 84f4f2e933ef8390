"""The importer of xlwings Lite's main.py: the package `xl_idf` served from text held in memory.

`scripts/build_lite.py` copies this file, below its docstring, into the main.py it builds, then
calls `install_xl_idf(modules, files)` with each module's source and the package's data files
(the programme file). Python's own import system does the rest: `import xl_idf.values` finds the
module here, compiles its text and runs it, so the package's code is pasted unchanged, and
`importlib.resources` reads the programme file from memory, as `xl_idf.programme` asks for it.
Standard library only: it runs before anything else of main.py can be imported.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import io
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from importlib.machinery import ModuleSpec
from importlib.resources.abc import Traversable, TraversableResources
from types import CodeType, ModuleType
from typing import IO, Any

# Where tracebacks say the bundled code is: its file inside the pasted main.py.
_XL_IDF_ORIGIN = "main.py:"


class XlIdfResource(Traversable):
    """A data file of the bundled package, or a folder of them, read from memory."""

    def __init__(self, files: Mapping[str, str], path: str = "") -> None:
        self._files = files
        self._path = path

    @property
    def name(self) -> str:
        return self._path.rpartition("/")[2]

    def __str__(self) -> str:
        return f"{_XL_IDF_ORIGIN}xl_idf/{self._path}"

    def is_file(self) -> bool:
        return self._path in self._files

    def is_dir(self) -> bool:
        prefix = f"{self._path}/" if self._path else ""
        return any(name.startswith(prefix) for name in self._files)

    def iterdir(self) -> Iterator[XlIdfResource]:
        prefix = f"{self._path}/" if self._path else ""
        below = (name[len(prefix) :] for name in self._files if name.startswith(prefix))
        for child in sorted({name.split("/")[0] for name in below}):
            yield XlIdfResource(self._files, prefix + child)

    def joinpath(self, *descendants: str | os.PathLike[str]) -> XlIdfResource:
        texts = [self._path, *(os.fspath(d) for d in descendants)]
        parts = [part for text in texts for part in text.split("/") if part]
        return XlIdfResource(self._files, "/".join(parts))

    def read_text(self, encoding: str | None = None) -> str:
        if not self.is_file():
            raise FileNotFoundError(str(self))
        return self._files[self._path]

    def read_bytes(self) -> bytes:
        return self.read_text().encode("utf-8")

    def open(self, mode: str = "r", *args: Any, **kwargs: Any) -> IO[Any]:
        return io.BytesIO(self.read_bytes()) if "b" in mode else io.StringIO(self.read_text())


class _XlIdfResources(TraversableResources):
    def __init__(self, files: Mapping[str, str]) -> None:
        self._files = files

    def files(self) -> XlIdfResource:
        return XlIdfResource(self._files)


class XlIdfImporter(importlib.abc.MetaPathFinder, importlib.abc.InspectLoader):
    """Finds and loads `xl_idf` and its modules from their source text."""

    def __init__(self, modules: Mapping[str, str], files: Mapping[str, str]) -> None:
        self.modules = modules
        self.files = files

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname not in self.modules:
            return None
        return importlib.util.spec_from_loader(
            fullname, self, origin=self._filename(fullname), is_package=self.is_package(fullname)
        )

    def is_package(self, fullname: str) -> bool:
        return fullname == "xl_idf"

    def get_source(self, fullname: str) -> str:
        return self.modules[fullname]

    def get_code(self, fullname: str) -> CodeType:
        return compile(self.get_source(fullname), self._filename(fullname), "exec")

    def exec_module(self, module: ModuleType) -> None:
        exec(self.get_code(module.__name__), module.__dict__)

    def get_resource_reader(self, fullname: str) -> _XlIdfResources | None:
        return _XlIdfResources(self.files) if self.is_package(fullname) else None

    def _filename(self, fullname: str) -> str:
        path = fullname.replace(".", "/")
        return f"{_XL_IDF_ORIGIN}{path}{'/__init__' if self.is_package(fullname) else ''}.py"


def install_xl_idf(modules: Mapping[str, str], files: Mapping[str, str]) -> None:
    """Serve `xl_idf` from `modules` (name -> source) and `files` (path -> text), first.

    First, so that an installed xl_idf of another version cannot answer instead. When main.py
    runs again in the same Python (after an edit), the previous importer and the modules it
    loaded are dropped, so that what was pasted last is what runs.
    """
    sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != XlIdfImporter.__name__]
    for name in [n for n in sys.modules if n == "xl_idf" or n.startswith("xl_idf.")]:
        del sys.modules[name]
    sys.meta_path.insert(0, XlIdfImporter(modules, files))
