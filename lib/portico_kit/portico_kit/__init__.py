"""Shared building blocks of the Portico services (the eShop "building blocks" idea).

Nothing here knows about customers, invoices or any other service's data: services may import this
package, never each other.
"""
