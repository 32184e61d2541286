"""Write files so that a failure leaves nothing half-written.

Every command computes all its outputs first, then hands them to one
Transaction; nothing touches the destination until commit(), which renames
temporaries into place. Directories are created only at commit time, so a
failed command does not even create BUILD_DIR.
"""
import os
import shutil
import tempfile


class Transaction:
    """Collect files to write; commit() renames them all into place."""

    def __init__(self):
        self.planned = []  # (final, text or None, source file or None, mode)

    def write(self, path, text, mode=None):
        self.planned.append((path, text, None, mode))

    def write_if_changed(self, path, text, mode=None):
        """Skip identical content so build tools see no new mtime."""
        try:
            with open(path, encoding="utf-8") as f:
                if f.read() == text:
                    return False
        except (OSError, UnicodeDecodeError):
            pass
        self.write(path, text, mode)
        return True

    def remove(self, path):
        """Delete path at commit time (e.g. a stale cached helper)."""
        self.planned.append((path, None, None, "remove"))

    def copy_file(self, source, path, mode=None):
        """Install a copy of an existing file (e.g. the built C helper)."""
        self.planned.append((path, None, source, mode))

    @staticmethod
    def _special(final):
        """An existing non-regular target (/dev/null, a fifo): never rename over it."""
        return os.path.exists(final) and not os.path.isfile(final)

    def _write_through(self, final, text, source):
        if source is not None:
            with open(source, "rb") as src, open(final, "wb") as dst:
                shutil.copyfileobj(src, dst)
        else:
            with open(final, "w", encoding="utf-8") as f:
                f.write(text)

    def _stage(self, final, text, source, mode):
        d = os.path.dirname(os.path.abspath(final))
        os.makedirs(d, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp.", dir=d)
        try:
            if source is not None:
                os.close(fd)
                shutil.copyfile(source, tmp)
            else:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    f.write(text)
            os.chmod(tmp, mode if mode is not None else 0o644)
        except BaseException:
            os.unlink(tmp)
            raise
        return tmp

    def commit(self):
        staged = []
        removals = [final for final, _, _, mode in self.planned if mode == "remove"]
        try:
            for final, text, source, mode in self.planned:
                if mode != "remove" and not self._special(final):
                    staged.append((self._stage(final, text, source, mode), final))
        except BaseException:
            for tmp, _ in staged:
                os.unlink(tmp)
            raise
        for tmp, final in staged:
            os.replace(tmp, final)
        for final, text, source, mode in self.planned:
            if mode != "remove" and self._special(final):
                self._write_through(final, text, source)
        for final in removals:
            try:
                os.unlink(final)
            except FileNotFoundError:
                pass
        self.planned = []

    def abort(self):
        self.planned = []

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.commit()
        else:
            self.abort()
        return False
