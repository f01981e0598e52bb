"""Test-wide settings: the tests never write into the user's own cache."""

from __future__ import annotations

import os
import tempfile

# Set before caseforge is imported, and inherited by every `caseforge`
# process a test starts: caches built by the tests stay in a folder of theirs.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="caseforge-test-cache-")
