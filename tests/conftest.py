import sys
from pathlib import Path

import pytest
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

sys.path.insert(0, str(Path(__file__).parent))
pytest.register_assert_rewrite("rulekit")  # its shared assertions explain their failures

SNAPSHOTS = Path(__file__).resolve().parents[1] / "snapshots"


class TextSnapshot(SingleFileSnapshotExtension):
    """Snapshots as plain text files under the top-level snapshots/ folder, one per test."""

    _write_mode = WriteMode.TEXT
    file_extension = "txt"

    @classmethod
    def dirname(cls, *, test_location) -> str:
        return str(SNAPSHOTS / Path(test_location.filepath).stem)


@pytest.fixture
def snapshot(snapshot):
    return snapshot.use_extension(TextSnapshot)


def _private_cache_home() -> None:
    """Runs of the suite keep their caches (results, grammar tables) to themselves: a
    developer's cache neither answers for the tests nor gets their entries."""
    import atexit
    import os
    import shutil
    import tempfile

    home = tempfile.mkdtemp(prefix="terrafix-test-cache-")
    os.environ["XDG_CACHE_HOME"] = home
    atexit.register(shutil.rmtree, home, ignore_errors=True)


_private_cache_home()
