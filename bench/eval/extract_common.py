"""What the corpus extraction scripts (bench/eval/datasets-logs.sh, fixtures-logs.sh) share: the
(path, blob id) rows they are given on standard input, a file name's slug, and a blob's bytes read
from the copy named by GIT_DIR."""
import re
import subprocess
import sys


def rows():
    """The (path, blob id) rows given on standard input, one per line, tab-separated."""
    return [r.split("\t") for r in sys.stdin.read().splitlines()]


def slug(s):
    """Lower case, every run of other characters one `-`."""
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")


def blob(b):
    """The bytes of blob `b`, or None when the copy lacks it."""
    r = subprocess.run(["git", "cat-file", "blob", b], capture_output=True)
    return r.stdout if r.returncode == 0 else None
