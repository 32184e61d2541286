"""Write files so that a failure leaves nothing half-written."""
import os
import tempfile


class Transaction:
    """Collect files to write; commit() renames them all into place."""

    def __init__(self):
        self.pending = []  # (tmp, final)

    def write(self, path, text):
        d = os.path.dirname(os.path.abspath(path))
        os.makedirs(d, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp.", dir=d)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        self.pending.append((tmp, path))

    def write_if_changed(self, path, text):
        """Skip identical content so build tools see no new mtime."""
        try:
            with open(path, encoding="utf-8") as f:
                if f.read() == text:
                    return
        except OSError:
            pass
        self.write(path, text)

    def commit(self):
        for tmp, final in self.pending:
            os.replace(tmp, final)
        self.pending = []

    def abort(self):
        for tmp, _ in self.pending:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        self.pending = []

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.commit()
        else:
            self.abort()
        return False
