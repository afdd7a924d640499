"""A nameko service that answers with N bytes, base64-encoded like a PDF from the documents
service: what moving a document over the bus costs, without any rendering."""
import base64
import os

from nameko.rpc import rpc

_BLOBS = {}


class BenchBlob:
    name = "bench_blob"

    @rpc
    def blob(self, size):
        if size not in _BLOBS:
            _BLOBS[size] = base64.b64encode(os.urandom(size)).decode("ascii")
        return {"filename": "bench.pdf", "content_base64": _BLOBS[size]}

    @rpc
    def count(self):
        return 0
