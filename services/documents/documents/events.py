"""Events: the documents service publishes none and consumes none.

It needs no invalidation either: the cache key is a hash of what is rendered, so an invoice that
changed (or a new logo, or a new template) simply renders anew, and old entries age out.
"""
