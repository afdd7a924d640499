"""customers: the customer book — customers, contact persons, addresses, custom field values."""
