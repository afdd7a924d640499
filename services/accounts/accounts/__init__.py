"""accounts: organizations (the tenants), staff users, and staff API tokens."""
