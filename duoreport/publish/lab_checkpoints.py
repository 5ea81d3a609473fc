"""JupyterLab's checkpoints for `duoreport lab`, kept out of the repository's folders.

Jupyter keeps the copy that "Revert to checkpoint" restores in a ``.ipynb_checkpoints`` folder
next to each saved file; inside ``book/`` or the package such a folder would be read as a page,
an asset or code. Here the checkpoints go to a mirror of the repository's tree under
``build/lab/checkpoints`` (the ``root_dir`` that :mod:`.lab` gives them). Imported by the
Jupyter server only.
"""

from __future__ import annotations

import os

from jupyter_server.services.contents.filecheckpoints import AsyncFileCheckpoints


class MirroredCheckpoints(AsyncFileCheckpoints):
    """File checkpoints under ``root_dir``, in the same folders as the files they copy."""

    def checkpoint_path(self, checkpoint_id, path):
        parent = path.strip("/").rpartition("/")[0]
        # Jupyter falls back to the system's temporary folder when the mirror folder is missing
        os.makedirs(self._get_os_path(path=parent), exist_ok=True)
        return super().checkpoint_path(checkpoint_id, path)
