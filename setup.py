"""Build the Cython speedups when possible; install the pure-Python twin otherwise.

``FASTEXPRESS_NO_EXTENSIONS=1`` skips the build. A missing Cython or compiler is not an error:
the package works without the extension (``fastexpress.IMPLEMENTATION == "python"``).
"""
import os
import sys

from setuptools import setup
from setuptools.command.build_ext import build_ext


class OptionalBuildExt(build_ext):
    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # no compiler: fall back to the twin
            print(f"fastexpress: speedups not built ({exc}); using the pure-Python twin", file=sys.stderr)

    def build_extension(self, ext) -> None:
        try:
            super().build_extension(ext)
        except Exception as exc:
            print(f"fastexpress: {ext.name} not built ({exc}); using the pure-Python twin", file=sys.stderr)


def extensions() -> list:
    if os.environ.get("FASTEXPRESS_NO_EXTENSIONS"):
        return []
    try:
        from Cython.Build import cythonize
    except ImportError:
        print("fastexpress: Cython not available; using the pure-Python twin", file=sys.stderr)
        return []
    return cythonize(["fastexpress/_speedups.pyx"], compiler_directives={"language_level": "3"}, quiet=True)


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
