import shutil
import tempfile
from pathlib import Path

import pytest


@pytest.fixture
def embedded_state_dir():
    """A state folder for an embedded server of the test's own.

    Not below pytest's tmp_path: the server runs as another system user when the tests
    run as root, and any pytest session starting on the machine takes the other users'
    access to pytest's temporary root away again.
    """
    folder = Path(tempfile.mkdtemp(prefix="haven-test-state-"))
    yield folder / "state"
    shutil.rmtree(folder, ignore_errors=True)
