"""Finding 10: another organization's customer id is a 404, not an empty list."""
import pytest

from portico_kit.errors import NotFound

from .conftest import staff_actor


def test_review_requests_of_another_organizations_customer_are_404(system, org):
    system.reviews.request_review(org.staff, org.customer["id"])
    assert len(system.reviews.list_customer_requests(org.staff, org.customer["id"])) == 1
    with pytest.raises(NotFound):
        system.reviews.list_customer_requests(staff_actor("org-2"), org.customer["id"])
    with pytest.raises(NotFound):
        system.reviews.list_customer_requests(org.staff, "no-such-customer")
