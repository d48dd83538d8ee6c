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
